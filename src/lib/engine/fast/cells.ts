/**
 * One time step of each cell, forward and backward, over the whole batch, in plain JavaScript:
 * the same maths and gate conventions as the tfjs cells in ../cells (see there for the formulas).
 * The loop over time is in pass.ts.
 *
 * Shapes: B batch rows, H units, G gate blocks (rnn 1, lstm 4: i f g o, gru 3: r z n). Weights are
 * row-major as PyTorch's: W_hh [G·H, H]. Records are time-major float32 arrays, [T, B, ·].
 */
import type { Activation, CellType } from '../types';
import { sigmoid, tanh } from './linalg';

/** A direction's recurrent weights as arrays. */
export interface FastRecurrentWeights {
  /** W_hh, [G·H, H]. */
  weightHH: Float32Array;
  /** b_hh, [G·H]. */
  biasHH: Float32Array;
  /** LSTM peepholes, [3, H] (rows p_i, p_f, p_o), or null. */
  peephole: Float32Array | null;
}

/** What the forward pass of one direction keeps, every array time-major. */
export interface FastRecords {
  T: number;
  B: number;
  H: number;
  /** x_t W_ihᵀ + b_ih (+ b_hh where the cell folds it in), [T, B, G·H]. */
  xProj: Float64Array;
  /** h_t, [T, B, H]. */
  h: Float32Array;
  /** c_t (LSTM), [T, B, H]. */
  c: Float32Array | null;
  /** Gate values (LSTM i f g o, GRU r z n; none for the vanilla cell), [T, B, G·H]. */
  gates: Float32Array;
  /** LSTM tanh(c_t), GRU h_n = h_{t−1} W_hnᵀ + b_hn; [T, B, H]. */
  aux: Float32Array | null;
}

/** The state entering step t: an array and the offset of its row 0 ([B, H] rows from there). */
export interface StateRef {
  h: Float32Array;
  hOffset: number;
  c: Float32Array | null;
  cOffset: number;
}

/** Buffers one backward step writes. Every `[B, ·]` one covers the batch at this step only. */
export interface BackwardScratch {
  /** dL/d(x proj) of every step, [T, B, G·H]: this step's rows are written. */
  dPreInput: Float32Array;
  /**
   * dL/d(h_{t−1} W_hhᵀ + b_hh) of every step, [T, B, G·H]: this step's rows are written. The same
   * array as `dPreInput` for a cell whose `recurrentIsInput`.
   */
  dPreRecurrent: Float32Array;
  /** dL/dh_{t−1} through this step, except the W_hh product (GRU: dh ⊙ z), [B, H]; written by a
   * cell that `hasDirectPath` only. */
  dhPrevDirect: Float64Array;
  /** Total dL/dc_t of every step (LSTM), [T, B, H]: this step's rows are written. */
  dc: Float32Array | null;
  /** dL/dc_{t−1} through this step (LSTM), [B, H]. */
  dcPrev: Float32Array | null;
  /** Σ over steps of dL/d(peepholes), [3, H]. */
  dPeephole: Float64Array | null;
}

export interface FastCell {
  readonly gates: number;
  readonly hasCellState: boolean;
  /** b_hh is added to the input projection once (it only ever appears in a sum with b_ih). */
  readonly foldsRecurrentBias: boolean;
  /** Whether it keeps `aux` ([T, B, H]). */
  readonly hasAux: boolean;
  /** dL/d(recurrent pre-activation) equals dL/d(x proj) (vanilla, LSTM; not the GRU's n gate). */
  readonly recurrentIsInput: boolean;
  /** dL/dh_{t−1} has a part besides the W_hh product (the GRU's dh ⊙ z). */
  readonly hasDirectPath: boolean;
  /**
   * Step t: reads rec.xProj, the entering state and `recurrent` = h_{t−1} W_hhᵀ ([B, G·H], made
   * by the pass), writes rec.h (and c, gates, aux) at t.
   */
  forward(
    w: FastRecurrentWeights,
    rec: FastRecords,
    t: number,
    prev: StateRef,
    recurrent: Float64Array
  ): void;
  /**
   * Step t, given the total dL/dh_t (`dh`, [B, H], float32 as the engine's tensors hold it) and
   * dL/dc_t through c_{t+1} (`dcCarry`, LSTM, null after a truncation cut or at the last step).
   */
  backward(
    w: FastRecurrentWeights,
    rec: FastRecords,
    t: number,
    prev: StateRef,
    dh: Float32Array,
    dcCarry: Float32Array | null,
    out: BackwardScratch
  ): void;
}

/** The cell of a network spec. */
export function fastCell(cell: CellType, activation: Activation): FastCell {
  switch (cell) {
    case 'rnn':
      return vanilla(activation);
    case 'lstm':
      return lstm();
    case 'gru':
      return gru();
  }
}

/** φ(a), and φ'(a) written from h = φ(a) (ReLU: a > 0 exactly when h > 0). */
function activationOf(activation: Activation): {
  phi: (a: number) => number;
  slope: (h: number) => number;
} {
  switch (activation) {
    case 'tanh':
      return { phi: tanh, slope: (h) => 1 - h * h };
    case 'relu':
      // NaN stays NaN through both, as in tfjs's relu and step.
      return { phi: (a) => (a < 0 ? 0 : a), slope: (h) => (h > 0 ? 1 : h === h ? 0 : NaN) };
    case 'sigmoid':
      return { phi: sigmoid, slope: (h) => h * (1 - h) };
    case 'linear':
      return { phi: (a) => a, slope: () => 1 };
  }
}

/** Vanilla: h_t = φ(x proj + h_{t−1} W_hhᵀ); dL/da = dL/dh ⊙ φ'. */
function vanilla(activation: Activation): FastCell {
  const { phi, slope } = activationOf(activation);
  return {
    gates: 1,
    hasCellState: false,
    foldsRecurrentBias: true,
    hasAux: false,
    recurrentIsInput: true,
    hasDirectPath: false,
    forward(_w, rec, t, _prev, recurrent) {
      const { B, H, xProj, h } = rec;
      const row = t * B * H;
      for (let i = 0; i < B * H; i++) h[row + i] = phi(xProj[row + i] + recurrent[i]);
    },
    backward(_w, rec, t, _prev, dh, _dcCarry, out) {
      const { B, H, h } = rec;
      const { dPreInput } = out;
      const row = t * B * H;
      for (let i = 0; i < B * H; i++) dPreInput[row + i] = dh[i] * slope(h[row + i]);
    }
  };
}

/** LSTM, gates i f g o, optional peepholes (see ../cells/lstm.ts). */
function lstm(): FastCell {
  return {
    gates: 4,
    hasCellState: true,
    foldsRecurrentBias: true,
    hasAux: true,
    recurrentIsInput: true,
    hasDirectPath: false,
    forward(w, rec, t, prev, recurrent) {
      const { B, H, xProj, h, gates } = rec;
      const c = rec.c!;
      const tanhC = rec.aux!;
      const P = w.peephole;
      const cp = prev.c!;
      for (let b = 0; b < B; b++) {
        const cpo = prev.cOffset + b * H;
        const grow = (t * B + b) * 4 * H;
        const zrow = b * 4 * H;
        const row = (t * B + b) * H;
        for (let j = 0; j < H; j++) {
          const c0 = cp[cpo + j];
          const aI = Math.fround(xProj[grow + j] + recurrent[zrow + j] + (P ? P[j] * c0 : 0));
          const aF = Math.fround(
            xProj[grow + H + j] + recurrent[zrow + H + j] + (P ? P[H + j] * c0 : 0)
          );
          const i = Math.fround(sigmoid(aI));
          const f = Math.fround(sigmoid(aF));
          const g = Math.fround(tanh(xProj[grow + 2 * H + j] + recurrent[zrow + 2 * H + j]));
          const ct = Math.fround(f * c0 + i * g);
          const aO = Math.fround(
            xProj[grow + 3 * H + j] + recurrent[zrow + 3 * H + j] + (P ? P[2 * H + j] * ct : 0)
          );
          const o = Math.fround(sigmoid(aO));
          const tc = Math.fround(tanh(ct));
          gates[grow + j] = i;
          gates[grow + H + j] = f;
          gates[grow + 2 * H + j] = g;
          gates[grow + 3 * H + j] = o;
          c[row + j] = ct;
          tanhC[row + j] = tc;
          h[row + j] = o * tc;
        }
      }
    },
    backward(w, rec, t, prev, dh, dcCarry, out) {
      const { B, H, gates } = rec;
      const c = rec.c!;
      const tanhC = rec.aux!;
      const P = w.peephole;
      const cp = prev.c!;
      const { dPreInput } = out;
      const dcAll = out.dc!;
      const dcPrev = out.dcPrev!;
      const dP = out.dPeephole;
      for (let b = 0; b < B; b++) {
        const cpo = prev.cOffset + b * H;
        const grow = (t * B + b) * 4 * H;
        const row = (t * B + b) * H;
        for (let j = 0; j < H; j++) {
          const i = gates[grow + j];
          const f = gates[grow + H + j];
          const g = gates[grow + 2 * H + j];
          const o = gates[grow + 3 * H + j];
          const tc = tanhC[row + j];
          const c0 = cp[cpo + j];
          const d = dh[b * H + j];
          const daO = Math.fround(d * tc * o * (1 - o));
          let dc = d * o * (1 - tc * tc);
          if (dcCarry) dc += dcCarry[b * H + j];
          if (P) dc += daO * P[2 * H + j];
          dc = Math.fround(dc);
          const daI = Math.fround(dc * g * i * (1 - i));
          const daF = Math.fround(dc * c0 * f * (1 - f));
          const daG = Math.fround(dc * i * (1 - g * g));
          dcAll[row + j] = dc;
          dcPrev[b * H + j] = dc * f + (P ? P[j] * daI + P[H + j] * daF : 0);
          if (P && dP) {
            dP[j] += daI * c0;
            dP[H + j] += daF * c0;
            dP[2 * H + j] += daO * c[row + j];
          }
          dPreInput[grow + j] = daI;
          dPreInput[grow + H + j] = daF;
          dPreInput[grow + 2 * H + j] = daG;
          dPreInput[grow + 3 * H + j] = daO;
        }
      }
    }
  };
}

/** GRU, gates r z n, the reset gate applied after the recurrent matmul (see ../cells/gru.ts). */
function gru(): FastCell {
  return {
    gates: 3,
    hasCellState: false,
    foldsRecurrentBias: false,
    hasAux: true,
    recurrentIsInput: false,
    hasDirectPath: true,
    forward(w, rec, t, prev, recurrent) {
      const { B, H, xProj, h, gates } = rec;
      const hNAll = rec.aux!;
      const bias = w.biasHH;
      const hProj = new Float64Array(3 * H);
      for (let b = 0; b < B; b++) {
        const hp = prev.hOffset + b * H;
        const grow = (t * B + b) * 3 * H;
        const row = (t * B + b) * H;
        for (let j = 0; j < 3 * H; j++) hProj[j] = Math.fround(bias[j] + recurrent[b * 3 * H + j]);
        for (let j = 0; j < H; j++) {
          const r = Math.fround(sigmoid(xProj[grow + j] + hProj[j]));
          const z = Math.fround(sigmoid(xProj[grow + H + j] + hProj[H + j]));
          const hN = hProj[2 * H + j];
          const n = Math.fround(tanh(xProj[grow + 2 * H + j] + r * hN));
          gates[grow + j] = r;
          gates[grow + H + j] = z;
          gates[grow + 2 * H + j] = n;
          hNAll[row + j] = hN;
          h[row + j] = n + z * (prev.h[hp + j] - n);
        }
      }
    },
    backward(_w, rec, t, prev, dh, _dcCarry, out) {
      const { B, H, gates } = rec;
      const hNAll = rec.aux!;
      const { dPreInput, dPreRecurrent, dhPrevDirect } = out;
      for (let b = 0; b < B; b++) {
        const hp = prev.hOffset + b * H;
        const grow = (t * B + b) * 3 * H;
        const row = (t * B + b) * H;
        for (let j = 0; j < H; j++) {
          const r = gates[grow + j];
          const z = gates[grow + H + j];
          const n = gates[grow + 2 * H + j];
          const hN = hNAll[row + j];
          const d = dh[b * H + j];
          const daN = Math.fround(d * (1 - z) * (1 - n * n));
          const daR = Math.fround(daN * hN * r * (1 - r));
          const daZ = Math.fround(d * (prev.h[hp + j] - n) * z * (1 - z));
          dPreInput[grow + j] = daR;
          dPreInput[grow + H + j] = daZ;
          dPreInput[grow + 2 * H + j] = daN;
          dPreRecurrent[grow + j] = daR;
          dPreRecurrent[grow + H + j] = daZ;
          dPreRecurrent[grow + 2 * H + j] = daN * r;
          dhPrevDirect[b * H + j] = d * z;
        }
      }
    }
  };
}
