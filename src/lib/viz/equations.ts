/**
 * The cell equations of the cell detail as TeX, with one unit's live numbers substituted. The
 * equations are the engine's (src/lib/engine/cells/*.ts, docs/run-format.md), written with row
 * vectors as in PyTorch:
 *
 * - vanilla: a_t = x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh,  h_t = φ(a_t)
 * - LSTM, gates in the order i, f, g, o: i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o),
 *   c_t = f ⊙ c_{t−1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)  (peepholes add p_i⊙c_{t−1}, p_f⊙c_{t−1}, p_o⊙c_t)
 * - GRU, gates r, z, n, the reset gate applied after the recurrent matmul:
 *   r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r ⊙ (h_{t−1} W_hnᵀ + b_hn)),
 *   h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
 *
 * A reverse direction's previous state is h_{t+1} (it walks t = T−1 … 0). Pure; no DOM, no KaTeX
 * (the component renders the strings).
 */
import type { DirectionView } from '$lib/session/snapshot';

export type CellKind = 'rnn' | 'lstm' | 'gru';
export type Activation = 'tanh' | 'relu' | 'sigmoid' | 'linear';

/** Gate names in the engine's order (PyTorch's), by cell. The vanilla cell has none. */
export const GATE_ORDER: Readonly<Record<CellKind, readonly string[]>> = {
  rnn: [],
  lstm: ['i', 'f', 'g', 'o'],
  gru: ['r', 'z', 'n']
};

/** The numbers of one unit at one time step. */
export interface StepValues {
  /** Pre-activations by gate name (`a` for the vanilla cell; `n` of the GRU is x_n + r⊙h_n). */
  pre: Record<string, number>;
  /** Gate values by name (empty for the vanilla cell). */
  gates: Record<string, number>;
  h: number;
  /** The state entering the step; null when it is a learned initial state the view does not carry. */
  hPrev: number | null;
  /** LSTM only. */
  c?: number;
  cPrev?: number | null;
}

export interface EquationOptions {
  cell: CellKind;
  /** The vanilla cell's φ. */
  activation: Activation;
  /** LSTM peephole connections. */
  peepholes?: boolean;
  /** A reverse direction: the previous state is h_{t+1}. */
  reverse?: boolean;
}

/** One typeset line: `name` says what it defines (`i`, `c`, `h`, `pre`, …). */
export interface Equation {
  name: string;
  tex: string;
}

/** Decimal places of the substituted numbers. */
export const DECIMALS = 3;

/**
 * A number as the equations show it: fixed with {@link DECIMALS} decimals for 10⁻³ ≤ |v| < 10⁴,
 * else `m.mm\times10^{e}`; `0` for zero; `\infty`, `-\infty`, `\mathrm{NaN}` for the non-finite.
 */
export function texNumber(value: number): string {
  if (Number.isNaN(value)) return '\\mathrm{NaN}';
  if (value === Infinity) return '\\infty';
  if (value === -Infinity) return '-\\infty';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e4) return value.toFixed(DECIMALS);
  const [mantissa, exponent] = value.toExponential(2).split('e');
  return `${mantissa}\\times10^{${Number(exponent)}}`;
}

/** The number in parentheses when it is negative (as a factor or a subtrahend). */
function factor(value: number): string {
  const text = texNumber(value);
  return text.startsWith('-') ? `(${text})` : text;
}

/** The symbol itself when the value is unknown. */
function factorOr(value: number | null | undefined, symbol: string): string {
  return value === null || value === undefined ? symbol : factor(value);
}

const SIGMOID = '\\sigma';
const TANH = '\\tanh';

function apply(fn: string, argument: string): string {
  return `${fn}\\!\\left(${argument}\\right)`;
}

/** φ applied to a TeX argument. */
function activate(activation: Activation, argument: string): string {
  switch (activation) {
    case 'tanh':
      return apply(TANH, argument);
    case 'sigmoid':
      return apply(SIGMOID, argument);
    case 'relu':
      return `\\max\\!\\left(0,\\, ${argument}\\right)`;
    case 'linear':
      return argument;
  }
}

/** The equations of one step of the cell, each with the unit's numbers substituted. */
export function cellEquations(values: StepValues, options: EquationOptions): Equation[] {
  const prevIndex = options.reverse ? 't+1' : 't-1';
  const hPrev = `h_{${prevIndex}}`;
  const cPrev = `c_{${prevIndex}}`;
  const affine = `x_t W_{ih}^\\top + b_{ih} + ${hPrev} W_{hh}^\\top + b_{hh}`;
  const n = texNumber;
  const { pre, gates } = values;

  switch (options.cell) {
    case 'rnn': {
      const a = pre.a;
      const hLine =
        options.activation === 'linear'
          ? `h_t = a_t = ${n(values.h)}`
          : `h_t = ${activate(options.activation, 'a_t')} = ${activate(options.activation, n(a))} = ${n(values.h)}`;
      return [
        { name: 'a', tex: `a_t = ${affine} = ${n(a)}` },
        { name: 'h', tex: hLine }
      ];
    }
    case 'lstm': {
      const peep = options.peepholes
        ? ` \\quad (a_i \\mathrel{+}= p_i \\odot ${cPrev},\\; a_f \\mathrel{+}= p_f \\odot ${cPrev},\\; a_o \\mathrel{+}= p_o \\odot c_t)`
        : '';
      const gate = (name: string, fn: string): Equation => ({
        name,
        tex: `${name}_t = ${apply(fn, `a_${name}`)} = ${apply(fn, n(pre[name]))} = ${n(gates[name])}`
      });
      const c = values.c ?? NaN;
      return [
        {
          name: 'pre',
          tex:
            `\\begin{aligned} \\begin{bmatrix} a_i & a_f & a_g & a_o \\end{bmatrix} &= ${affine}${peep} \\\\ ` +
            `&= \\begin{bmatrix} ${['i', 'f', 'g', 'o'].map((g) => n(pre[g])).join(' & ')} \\end{bmatrix} \\end{aligned}`
        },
        gate('i', SIGMOID),
        gate('f', SIGMOID),
        gate('g', TANH),
        gate('o', SIGMOID),
        {
          name: 'c',
          tex:
            `c_t = f_t \\odot ${cPrev} + i_t \\odot g_t = ` +
            `${factor(gates.f)} \\cdot ${factorOr(values.cPrev, cPrev)} + ` +
            `${factor(gates.i)} \\cdot ${factor(gates.g)} = ${n(c)}`
        },
        {
          name: 'h',
          tex: `h_t = o_t \\odot ${apply(TANH, 'c_t')} = ${factor(gates.o)} \\cdot ${apply(TANH, n(c))} = ${n(values.h)}`
        }
      ];
    }
    case 'gru': {
      return [
        {
          name: 'pre',
          tex:
            `\\begin{bmatrix} x_r & x_z & x_n \\end{bmatrix} = x_t W_{ih}^\\top + b_{ih}, \\quad ` +
            `\\begin{bmatrix} h_r & h_z & h_n \\end{bmatrix} = ${hPrev} W_{hh}^\\top + b_{hh}`
        },
        {
          name: 'r',
          tex: `r_t = ${apply(SIGMOID, 'x_r + h_r')} = ${apply(SIGMOID, n(pre.r))} = ${n(gates.r)}`
        },
        {
          name: 'z',
          tex: `z_t = ${apply(SIGMOID, 'x_z + h_z')} = ${apply(SIGMOID, n(pre.z))} = ${n(gates.z)}`
        },
        {
          name: 'n',
          tex:
            `n_t = ${apply(TANH, `x_n + r_t \\odot \\left(${hPrev} W_{hn}^\\top + b_{hn}\\right)`)}` +
            ` = ${apply(TANH, n(pre.n))} = ${n(gates.n)}`
        },
        {
          name: 'h',
          tex:
            `h_t = (1 - z_t) \\odot n_t + z_t \\odot ${hPrev} = ` +
            `(1 - ${factor(gates.z)}) \\cdot ${factor(gates.n)} + ${factor(gates.z)} \\cdot ${factorOr(values.hPrev, hPrev)}` +
            ` = ${n(values.h)}`
        }
      ];
    }
  }
}

/**
 * The unit's numbers at step t of a direction's view ([T, H] arrays): the state entering the step
 * is h_{t−1} (h_{t+1} for a reverse direction), 0 before the first processed step, or null when
 * the network learns its initial state (`learnedInitialState`).
 */
export function stepValues(
  direction: Pick<DirectionView, 'h' | 'c' | 'gates' | 'pre' | 'reverse'>,
  t: number,
  unit: number,
  H: number,
  learnedInitialState = false
): StepValues {
  const T = H > 0 ? direction.h.length / H : 0;
  const at = (values: Float32Array) => values[t * H + unit];
  const prevT = direction.reverse ? t + 1 : t - 1;
  const first = prevT < 0 || prevT >= T;
  const before = (values: Float32Array | undefined): number | null =>
    values === undefined
      ? null
      : first
        ? learnedInitialState
          ? null
          : 0
        : values[prevT * H + unit];
  const pick = (fields: Record<string, Float32Array>) =>
    Object.fromEntries(Object.entries(fields).map(([name, values]) => [name, at(values)]));
  return {
    pre: pick(direction.pre),
    gates: pick(direction.gates),
    h: at(direction.h),
    hPrev: before(direction.h),
    ...(direction.c ? { c: at(direction.c), cPrev: before(direction.c) } : {})
  };
}

const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));

/**
 * What the equations say the step's outputs are, from the substituted numbers alone (the
 * pre-activations and the entering state), in float64: the gates, c_t (LSTM) and h_t. A check that
 * the equations shown are the engine's: these agree with the engine's trace to float32 rounding.
 */
export function evaluateStep(
  values: Pick<StepValues, 'pre' | 'hPrev' | 'cPrev'>,
  options: Pick<EquationOptions, 'cell' | 'activation'>
): { gates: Record<string, number>; h: number; c?: number } {
  const { pre } = values;
  switch (options.cell) {
    case 'rnn': {
      const a = pre.a;
      const phi = { tanh: Math.tanh(a), relu: Math.max(0, a), sigmoid: sigmoid(a), linear: a };
      return { gates: {}, h: phi[options.activation] };
    }
    case 'lstm': {
      const i = sigmoid(pre.i);
      const f = sigmoid(pre.f);
      const g = Math.tanh(pre.g);
      const o = sigmoid(pre.o);
      const c = f * (values.cPrev ?? NaN) + i * g;
      return { gates: { i, f, g, o }, c, h: o * Math.tanh(c) };
    }
    case 'gru': {
      const r = sigmoid(pre.r);
      const z = sigmoid(pre.z);
      const n = Math.tanh(pre.n);
      return { gates: { r, z, n }, h: (1 - z) * n + z * (values.hPrev ?? NaN) };
    }
  }
}
