/**
 * The slider's look at a batch in plain JavaScript: forward, loss, explicit BPTT (full or
 * truncated) and the per-step norms, with no tfjs. It returns what `Trainer.measure` returns (loss,
 * global gradient norm, outputs, per-step ||h_t||, ||c_t||, ||dL/dh_t||, ||dL/dc_t|| of every layer
 * and direction, and where a value first stopped being finite), computed the same way:
 * - the network of network.ts/bptt.ts: stacked layers, bidirectional ones joined [forward, reverse],
 *   a learned or zero initial state, readouts `step`, `last` and `mean`, losses of loss.ts;
 * - the cells of ../cells with their gate conventions (see cells.ts);
 * - truncation k: no gradient crosses into the state entering processing step p when p % k = 0.
 *
 * At the live slider's sizes (hidden 64, T = 100) tfjs spends its time on the ~10 small ops per
 * step, not on arithmetic; these loops do the arithmetic alone, the three large products of each
 * direction (h_{t−1} W_hhᵀ, dPR_t W_hh, dW_hh) on WebAssembly SIMD where it runs (./simd.ts:
 * float32 sums of at most 64 terms, as a float32 engine sums them, added up in float64), in
 * buffers a {@link FastWorkspace} keeps between calls. The other sums run in float64 (all of them
 * where SIMD is missing), records are float32 like the engine's tensors, so the numbers agree with
 * the engine's to float32 rounding.
 * Encoder–decoder models are not covered ({@link fastSupport}): the session measures them with tfjs.
 */
import { locateNonFinite, rootOfSum } from '../nonfinite';
import type { Batch, DirectionNorms, NonFinite, TrainingSpec } from '../trainer';
import { GATES, layerDirections, layerInputSize, layerOutputSize } from '../types';
import type { LayerDirection, LossKind, NetworkSpec } from '../types';
import { fastCell } from './cells';
import type {
  BackwardScratch,
  FastCell,
  FastRecords,
  FastRecurrentWeights,
  StateRef
} from './cells';
import {
  addColumnSums,
  affine,
  linearBackward,
  perStepNorms,
  productNT,
  productTN,
  squaredNorm,
  transpose
} from './linalg';
import type { Floats } from './linalg';
import { simdProducts } from './simd';
import type { SimdProducts } from './simd';

/** Parameter values by PyTorch name (row-major, shaped as in init.ts). */
export type FastWeights = Record<string, Float32Array>;

/** What {@link fastMeasure} returns: `Trainer.measure`'s result, plus every gradient. */
export interface FastMeasurement {
  loss: number;
  /** √(Σ_θ ||dL/dθ||²). */
  gradNorm: number;
  /** y, [T_out, B, O]. */
  output: Float32Array;
  directions: DirectionNorms[];
  nonFinite: NonFinite | null;
  /** dL/dθ by parameter name, shaped as the parameter. */
  grads: Record<string, Float64Array>;
}

/**
 * The pass's buffers, kept from one {@link fastMeasure} to the next so that a drag does not
 * allocate (and the garbage collector does not run) at every event: each buffer is found by its
 * name and size, and handed out zero-filled, as a new array would be.
 */
export class FastWorkspace {
  private readonly singles = new Map<string, Float32Array>();
  private readonly doubles = new Map<string, Float64Array>();
  /** The WebAssembly SIMD products (./simd.ts) where they run and `simd` is not false. */
  readonly simd: SimdProducts | null;

  constructor(options: { simd?: boolean } = {}) {
    this.simd = options.simd === false ? null : simdProducts();
  }

  /** A float32 buffer of `size` zeros, named `key` (a key names one buffer in a pass). */
  f32(key: string, size: number): Float32Array {
    let buffer = this.singles.get(key);
    if (buffer?.length === size) buffer.fill(0);
    else this.singles.set(key, (buffer = new Float32Array(size)));
    return buffer;
  }

  /** A float64 buffer of `size` zeros, named `key`. */
  f64(key: string, size: number): Float64Array {
    let buffer = this.doubles.get(key);
    if (buffer?.length === size) buffer.fill(0);
    else this.doubles.set(key, (buffer = new Float64Array(size)));
    return buffer;
  }
}

/** Null when the fast pass covers this spec; otherwise what it does not cover. */
export function fastSupport(spec: TrainingSpec): string | null {
  if (spec.sequence) return 'encoder–decoder models are measured with tfjs';
  return null;
}

/** Every parameter name of a network, in the order the initializer makes them (init.ts). */
export function parameterNames(network: NetworkSpec): string[] {
  const names: string[] = [];
  for (const { suffix } of layerDirections(network)) {
    names.push(`weight_ih_${suffix}`, `weight_hh_${suffix}`, `bias_ih_${suffix}`);
    names.push(`bias_hh_${suffix}`);
    if (network.cell === 'lstm' && network.peepholes) names.push(`peephole_${suffix}`);
    if (network.learnedInitialState) {
      names.push(`initial_h_${suffix}`);
      if (network.cell === 'lstm') names.push(`initial_c_${suffix}`);
    }
  }
  names.push('readout.weight', 'readout.bias');
  return names;
}

/** Each parameter's number of entries. */
function parameterSizes(network: NetworkSpec): Record<string, number> {
  const H = network.hidden;
  const GH = GATES[network.cell].length * H;
  const sizes: Record<string, number> = {};
  for (const { layer, suffix } of layerDirections(network)) {
    sizes[`weight_ih_${suffix}`] = GH * layerInputSize(network, layer);
    sizes[`weight_hh_${suffix}`] = GH * H;
    sizes[`bias_ih_${suffix}`] = GH;
    sizes[`bias_hh_${suffix}`] = GH;
    sizes[`peephole_${suffix}`] = 3 * H;
    sizes[`initial_h_${suffix}`] = H;
    sizes[`initial_c_${suffix}`] = H;
  }
  sizes['readout.weight'] = network.outputSize * layerOutputSize(network);
  sizes['readout.bias'] = network.outputSize;
  return sizes;
}

/** Throws when a parameter is missing or has the wrong size (the caller then uses tfjs). */
export function checkWeights(network: NetworkSpec, weights: FastWeights): void {
  const sizes = parameterSizes(network);
  for (const name of parameterNames(network)) {
    const values = weights[name];
    if (!values) throw new Error(`fast pass: parameter ${name} is missing`);
    if (values.length !== sizes[name])
      throw new Error(`fast pass: ${name} has ${values.length} entries, not ${sizes[name]}`);
  }
}

/** One layer and direction's forward pass. */
interface DirectionRun {
  dir: LayerDirection;
  /** `rec.h` is a view of `states`. */
  rec: FastRecords;
  /** W_hhᵀ, [H, G·H]. */
  weightHHT: Float32Array;
  /**
   * The states in processing order with the initial one, [T + 1, B, H]: h0, h_0 … h_{T−1} going
   * forwards, h_0 … h_{T−1}, h0 going backwards. Its rows T·B from `enteringOffset` are then the
   * state entering each step t = 0 … T − 1, in order.
   */
  states: Float32Array;
  enteringOffset: number;
  weights: FastRecurrentWeights;
  /** W_ih, [G·H, I]. */
  weightIH: Float32Array;
  /** The layer's input, [T, B, I]. */
  input: Float32Array;
  inputSize: number;
  /** The state entering the first processed step, [B, H] each. */
  h0: Float32Array;
  c0: Float32Array | null;
}

/** The state entering step t of a direction (h_{t−1}, or h_{t+1} going backwards). */
function stateBefore(run: DirectionRun, t: number): StateRef {
  const { T, B, H } = run.rec;
  const first = run.dir.reverse ? t === T - 1 : t === 0;
  if (first) return { h: run.h0, hOffset: 0, c: run.c0, cOffset: 0 };
  const offset = (run.dir.reverse ? t + 1 : t - 1) * B * H;
  return { h: run.rec.h, hOffset: offset, c: run.rec.c, cOffset: offset };
}

/** [B, H] in `out` (zeros): the learned initial state broadcast over the batch, or zeros. */
function initialState(
  learned: Float32Array | undefined,
  B: number,
  H: number,
  out: Float32Array
): Float32Array {
  if (learned) for (let b = 0; b < B; b++) out.set(learned, b * H);
  return out;
}

/**
 * The loss and dL/dy of outputs y against targets, both [rows, O], with a weight per row (the
 * mask, [T_out, B], default ones). As loss.ts:
 * - mse:  L = Σ m Σ_o (y − y*)² / (O Σ m),        dL/dy = 2 m (y − y*) / (O Σ m)
 * - xent: L = −Σ m Σ_o y* log softmax(y) / Σ m,   dL/dy = m (softmax(y) Σ_o y* − y*) / Σ m
 */
export function lossAndGradient(
  kind: LossKind,
  y: Float32Array,
  target: Float32Array,
  mask: Float32Array | undefined,
  rows: number,
  O: number
): { loss: number; dY: Float32Array } {
  const dY = new Float32Array(rows * O);
  let total = 0;
  for (let r = 0; r < rows; r++) total += mask ? mask[r] : 1;
  let sum = 0;
  if (kind === 'mse') {
    const denominator = total * O;
    for (let r = 0; r < rows; r++) {
      const m = mask ? mask[r] : 1;
      let item = 0;
      for (let o = 0; o < O; o++) {
        const diff = y[r * O + o] - target[r * O + o];
        item += diff * diff;
        dY[r * O + o] = (2 * m * diff) / denominator;
      }
      sum += m * item;
    }
    return { loss: Math.fround(sum / denominator), dY };
  }
  for (let r = 0; r < rows; r++) {
    const m = mask ? mask[r] : 1;
    let largest = -Infinity;
    for (let o = 0; o < O; o++) largest = Math.max(largest, y[r * O + o]);
    let expSum = 0;
    for (let o = 0; o < O; o++) expSum += Math.exp(y[r * O + o] - largest);
    const logNormalizer = largest + Math.log(expSum);
    let mass = 0;
    let item = 0;
    for (let o = 0; o < O; o++) {
      mass += target[r * O + o];
      item -= target[r * O + o] * (y[r * O + o] - logNormalizer);
    }
    for (let o = 0; o < O; o++) {
      const p = Math.exp(y[r * O + o] - logNormalizer);
      dY[r * O + o] = (m * (p * mass - target[r * O + o])) / total;
    }
    sum += m * item;
  }
  return { loss: Math.fround(sum / total), dY };
}

/**
 * Where the gradient reaching a direction's h_t from above comes from: rows of `data` ([rows,
 * width]), the direction's H columns at `column`. `every`: row t·B + b at every step; `last`: row
 * b at the direction's last processed step only; `mean`: row b divided by T at every step.
 */
interface DirectSource {
  data: Floats;
  width: number;
  mode: 'every' | 'last' | 'mean';
}

/**
 * Forward, loss, BPTT and norms of a (non encoder–decoder) network on a batch, in the way
 * `Trainer.measure` computes them. Throws on weights that do not fit the spec.
 *
 * With a `workspace`, the pass works in its buffers (made at the first call, reused at the next
 * ones of the same shape), and the `grads` it returns are among them: they hold until the next
 * call with that workspace. The other results are always new arrays.
 */
export function fastMeasure(
  spec: TrainingSpec,
  weights: FastWeights,
  batch: Batch,
  workspace: FastWorkspace = new FastWorkspace()
): FastMeasurement {
  const ws = workspace;
  const simd = ws.simd;
  const unsupported = fastSupport(spec);
  if (unsupported) throw new Error(`fast pass: ${unsupported}`);
  const network = spec.network;
  checkWeights(network, weights);
  const { T, B } = batch;
  const H = network.hidden;
  const O = network.outputSize;
  const cell = fastCell(network.cell, network.activation);
  const GH = cell.gates * H;
  const k = spec.truncation;
  const names = parameterNames(network);
  const directions = layerDirections(network);

  // --- forward ---------------------------------------------------------------------------------
  const layers: DirectionRun[][] = [];
  let input = batch.x;
  let inputSize = network.inputSize;
  for (let layer = 0; layer < network.layers; layer++) {
    const runs: DirectionRun[] = [];
    for (const dir of directions.filter((d) => d.layer === layer)) {
      const w: FastRecurrentWeights = {
        weightHH: weights[`weight_hh_${dir.suffix}`],
        biasHH: weights[`bias_hh_${dir.suffix}`],
        peephole: weights[`peephole_${dir.suffix}`] ?? null
      };
      const key = dir.suffix;
      const states = ws.f32(`states ${key}`, (T + 1) * B * H);
      const rec: FastRecords = {
        T,
        B,
        H,
        xProj: ws.f64(`xProj ${key}`, T * B * GH),
        h: states.subarray(dir.reverse ? 0 : B * H, (dir.reverse ? T : T + 1) * B * H),
        c: cell.hasCellState ? ws.f32(`c ${key}`, T * B * H) : null,
        gates: ws.f32(`gates ${key}`, network.cell === 'rnn' ? 0 : T * B * GH),
        aux: cell.hasAux ? ws.f32(`aux ${key}`, T * B * H) : null
      };
      const weightIH = weights[`weight_ih_${dir.suffix}`];
      affine(
        input,
        T * B,
        inputSize,
        weightIH,
        GH,
        weights[`bias_ih_${dir.suffix}`],
        cell.foldsRecurrentBias ? w.biasHH : null,
        rec.xProj,
        simd,
        ws.f32(`W_ih T ${key}`, GH * inputSize)
      );
      const run: DirectionRun = {
        dir,
        rec,
        states,
        enteringOffset: dir.reverse ? B * H : 0,
        weightHHT: transpose(w.weightHH, 0, GH, H, ws.f32(`W_hh T ${key}`, GH * H)),
        weights: w,
        weightIH,
        input,
        inputSize,
        h0: initialState(
          weights[`initial_h_${dir.suffix}`],
          B,
          H,
          states.subarray(dir.reverse ? T * B * H : 0, (dir.reverse ? T + 1 : 1) * B * H)
        ),
        c0: cell.hasCellState
          ? initialState(weights[`initial_c_${dir.suffix}`], B, H, ws.f32(`c0 ${key}`, B * H))
          : null
      };
      const recurrent = ws.f64('recurrent', B * GH);
      for (let p = 0; p < T; p++) {
        const t = dir.reverse ? T - 1 - p : p;
        const prev = stateBefore(run, t);
        // h_{t−1} W_hhᵀ for the whole batch at once.
        if (simd)
          simd.product(
            prev.h,
            prev.hOffset,
            B,
            H,
            1,
            run.weightHHT,
            0,
            GH,
            H,
            recurrent,
            0,
            false,
            p > 0
          );
        else productNT(prev.h, prev.hOffset, B, w.weightHH, 0, GH, H, recurrent, 0, false);
        cell.forward(w, rec, t, prev, recurrent);
      }
      runs.push(run);
    }
    layers.push(runs);
    input = joinDirections(runs, T, B, H, ws.f32(`layer ${layer}`, T * B * runs.length * H));
    inputSize = runs.length * H;
  }

  // --- readout and loss ------------------------------------------------------------------------
  const D = layerOutputSize(network);
  const top = layers[network.layers - 1];
  const tOut = network.readout === 'step' ? T : 1;
  const rows = tOut * B;
  let readoutInput: Float32Array;
  if (network.readout === 'step') readoutInput = input;
  else if (network.readout === 'last') {
    readoutInput = ws.f32('readout input', B * D);
    top.forEach((run, d) => {
      const t = run.dir.reverse ? 0 : T - 1;
      for (let b = 0; b < B; b++)
        readoutInput.set(run.rec.h.subarray((t * B + b) * H, (t * B + b + 1) * H), b * D + d * H);
    });
  } else {
    const sums = ws.f64('readout sums', B * D);
    for (let t = 0; t < T; t++) for (let i = 0; i < B * D; i++) sums[i] += input[t * B * D + i];
    readoutInput = ws.f32('readout input', B * D);
    for (let i = 0; i < B * D; i++) readoutInput[i] = sums[i] / T;
  }
  const y = ws.f64('y', rows * O);
  const readoutWeightT = ws.f32('readout weight T', O * D);
  const readoutWeight = weights['readout.weight'];
  affine(
    readoutInput,
    rows,
    D,
    readoutWeight,
    O,
    weights['readout.bias'],
    null,
    y,
    simd,
    readoutWeightT
  );
  const output = Float32Array.from(y);
  const { loss, dY } = lossAndGradient(spec.loss, output, batch.target, batch.mask, rows, O);

  // --- backward --------------------------------------------------------------------------------
  const grads: Record<string, Float64Array> = {};
  for (const name of names) grads[name] = ws.f64(`d ${name}`, weights[name].length);
  const dReadoutInput = ws.f64('d readout input', rows * D);
  linearBackward(
    dY,
    readoutInput,
    rows,
    D,
    weights['readout.weight'],
    O,
    grads['readout.weight'],
    grads['readout.bias'],
    dReadoutInput,
    readoutWeightT,
    simd
  );
  let direct: DirectSource = {
    data: dReadoutInput,
    width: D,
    mode: network.readout === 'step' ? 'every' : network.readout
  };
  const norms = new Map<string, DirectionNorms>();
  for (let layer = network.layers - 1; layer >= 0; layer--) {
    const runs = layers[layer];
    const dInput = layer > 0 ? ws.f64(`d layer ${layer - 1}`, T * B * runs[0].inputSize) : null;
    runs.forEach((run, d) => {
      norms.set(
        run.dir.suffix,
        backwardDirection(run, d, direct, k, cell, grads, dInput, network.learnedInitialState, ws)
      );
    });
    if (dInput) direct = { data: dInput, width: runs[0].inputSize, mode: 'every' };
  }

  // Directions in the engine's order: by layer, forward before reverse.
  const directionNorms = directions.map((d) => norms.get(d.suffix)!);
  const squared = names.map((name) => squaredNorm(grads[name]));
  return {
    loss,
    gradNorm: rootOfSum(squared),
    output,
    directions: directionNorms,
    nonFinite: locateNonFinite(directionNorms, loss, squared, names),
    grads
  };
}

/**
 * A layer's output, [T, B, D]: its directions' states side by side (forward, then reverse), in
 * `out` (or the one direction's records).
 */
function joinDirections(
  runs: DirectionRun[],
  T: number,
  B: number,
  H: number,
  out: Float32Array
): Float32Array {
  if (runs.length === 1) return runs[0].rec.h;
  const D = runs.length * H;
  runs.forEach((run, d) => {
    for (let row = 0; row < T * B; row++)
      out.set(run.rec.h.subarray(row * H, (row + 1) * H), row * D + d * H);
  });
  return out;
}

/**
 * BPTT through one direction, walking its steps in reverse processing order: accumulates its
 * parameters' gradients into `grads`, dL/d(its input) into `dInput` (when given, [T, B, I]), and
 * returns its per-step norms.
 */
function backwardDirection(
  run: DirectionRun,
  d: number,
  direct: DirectSource,
  truncation: number,
  cell: FastCell,
  grads: Record<string, Float64Array>,
  dInput: Float64Array | null,
  learnedInitialState: boolean | undefined,
  ws: FastWorkspace
): DirectionNorms {
  const { dir, rec, weights: w } = run;
  const { T, B, H } = rec;
  const GH = cell.gates * H;
  const suffix = dir.suffix;
  const dWeightHH = grads[`weight_hh_${suffix}`];
  const dBiasHH = grads[`bias_hh_${suffix}`];
  // W_hhᵀ, [H, G·H]: dL/dh_{t−1} = dPR W_hh is then a product of the same form as the others.
  const { weightHHT } = run;
  const simd = ws.simd;
  // dL/dh_t of every step, [T, B, H] (float32, as the engine holds it), each step's rows handed
  // to the cell.
  const dhAll = ws.f32('dh all', T * B * H);
  const next = ws.f64('dh next', B * H);
  // dL/dh and dL/dc carried into the step before, each in one of two buffers by turns (the one
  // not being read).
  const carriesH = [ws.f32('dh carry 0', B * H), ws.f32('dh carry 1', B * H)];
  const carriesC = cell.hasCellState
    ? [ws.f32('dc carry 0', B * H), ws.f32('dc carry 1', B * H)]
    : null;
  const other = (buffers: Float32Array[], current: Float32Array | null) =>
    current === buffers[0] ? buffers[1] : buffers[0];
  let carryH: Float32Array | null = null;
  let carryC: Float32Array | null = null;
  const dPreInput = ws.f32('d pre input', T * B * GH);
  const scratch: BackwardScratch = {
    dPreInput,
    dPreRecurrent: cell.recurrentIsInput ? dPreInput : ws.f32('d pre recurrent', T * B * GH),
    dhPrevDirect: ws.f64('dh prev direct', B * H),
    dc: cell.hasCellState ? ws.f32('dc all', T * B * H) : null,
    dcPrev: null,
    dPeephole: grads[`peephole_${suffix}`] ?? null
  };
  const { data, width, mode } = direct;
  const column = d * H;
  const lastStep = dir.reverse ? 0 : T - 1;
  for (let p = T - 1; p >= 0; p--) {
    const t = dir.reverse ? T - 1 - p : p;
    // The total dL/dh_t: from above (readout or upper layer) plus through h_{t+1}.
    const dh = dhAll.subarray(t * B * H, (t + 1) * B * H);
    const fromAbove = mode === 'every' || (mode === 'last' && t === lastStep) || mode === 'mean';
    if (fromAbove) {
      const sourceRow = mode === 'every' ? t * B : 0;
      const divisor = mode === 'mean' ? T : 0;
      const carry = carryH;
      for (let b = 0; b < B; b++) {
        const source = (sourceRow + b) * width + column;
        const o = b * H;
        // Summed in float64, stored (rounded) in float32.
        if (divisor)
          if (carry)
            for (let j = 0; j < H; j++)
              dh[o + j] = Math.fround(data[source + j] / divisor) + carry[o + j];
          else for (let j = 0; j < H; j++) dh[o + j] = Math.fround(data[source + j] / divisor);
        else if (carry) for (let j = 0; j < H; j++) dh[o + j] = data[source + j] + carry[o + j];
        else for (let j = 0; j < H; j++) dh[o + j] = data[source + j];
      }
    } else if (carryH) dh.set(carryH);
    const prev = stateBefore(run, t);
    scratch.dcPrev = carriesC ? other(carriesC, carryC) : null;
    cell.backward(w, rec, t, prev, dh, carryC, scratch);
    if (truncation > 0 && p > 0 && p % truncation === 0) {
      // The window's first step: no gradient goes on into the state before it.
      carryH = null;
      carryC = null;
      continue;
    }
    // dL/dh_{t−1} = (the cell's direct part) + dPR W_hh.
    const direct = cell.hasDirectPath;
    if (direct) next.set(scratch.dhPrevDirect);
    if (simd)
      simd.product(
        scratch.dPreRecurrent,
        t * B * GH,
        B,
        GH,
        1,
        w.weightHH,
        0,
        H,
        GH,
        next,
        0,
        direct,
        // W_hh as copied in at the previous step.
        p < T - 1
      );
    else productNT(scratch.dPreRecurrent, t * B * GH, B, weightHHT, 0, H, GH, next, 0, direct);
    const h = other(carriesH, carryH);
    h.set(next);
    carryH = h;
    if (cell.hasCellState) carryC = scratch.dcPrev;
  }
  // dW_hh = Σ_t dPR_tᵀ h_{t−1}: one product over all steps, with the states entering steps 0 …
  // T − 1, which lie in order in `run.states`.
  if (simd)
    simd.product(
      scratch.dPreRecurrent,
      0,
      GH,
      1,
      GH,
      run.states,
      run.enteringOffset,
      H,
      T * B,
      dWeightHH,
      0,
      true
    );
  else productTN(scratch.dPreRecurrent, 0, GH, run.states, run.enteringOffset, H, T * B, dWeightHH);
  if (!cell.foldsRecurrentBias) addColumnSums(scratch.dPreRecurrent, T * B, GH, dBiasHH);
  // The input weights, biases and (below the top) the gradient into the layer's input.
  linearBackward(
    scratch.dPreInput,
    run.input,
    T * B,
    run.inputSize,
    run.weightIH,
    GH,
    grads[`weight_ih_${suffix}`],
    grads[`bias_ih_${suffix}`],
    dInput,
    ws.f32(`W_ih T ${suffix}`, GH * run.inputSize),
    simd
  );
  if (cell.foldsRecurrentBias) dBiasHH.set(grads[`bias_ih_${suffix}`]);
  if (learnedInitialState) {
    sumRows(carryH, B, H, grads[`initial_h_${suffix}`]);
    if (cell.hasCellState) sumRows(carryC, B, H, grads[`initial_c_${suffix}`]);
  }
  return {
    dir,
    hNorm: perStepNorms(rec.h, T, B * H),
    cNorm: rec.c ? perStepNorms(rec.c, T, B * H) : undefined,
    gradNormPerStep: perStepNorms(dhAll, T, B * H),
    cellGradNormPerStep: scratch.dc ? perStepNorms(scratch.dc, T, B * H) : undefined
  };
}

/** out[j] += Σ_b x[b, j] for x [B, H] (nothing when x is null). */
function sumRows(x: Float32Array | null, B: number, H: number, out: Float64Array): void {
  if (!x) return;
  for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) out[j] += x[b * H + j];
}
