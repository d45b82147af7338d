/**
 * The Snapshot: what a training session sends to the UI at display rate. Plain numbers and typed
 * arrays only (no tensors), so that it crosses a worker boundary by structured clone.
 *
 * Shapes use T (sequence length), H (hidden units per direction), and T_out (T for the per-step
 * readout, else 1). Traces are of one batch item (`view.batchItem`), the one whose recurrent
 * Jacobians were computed; norms over the batch say so.
 */
import { directionLabel } from '$lib/engine/types';
import type { NetworkSpec } from '$lib/engine/types';
import type { BackendName } from '$lib/engine/types';
import type { Batch, Inspection, NonFinite, StepReport } from '$lib/engine/trainer';
import type { Baseline, Prediction, Task } from '$lib/tasks';
import type { EchoStateRun } from '$lib/tasks/esn';

/**
 * - `loading`: choosing a backend and building the model; nothing to show yet
 * - `paused`, `running`: training is stopped or going on
 * - `diverged`: a loss, state or gradient became non-finite; training paused, `reset()` recovers
 * - `error`: the session could not go on (see `error`)
 */
export type SessionStatus = 'loading' | 'paused' | 'running' | 'diverged' | 'error';

/** The backend that runs, and what was passed over to get it. */
export interface BackendInfo {
  requested: BackendName | 'auto';
  active: BackendName;
  skipped: { name: BackendName; reason: string }[];
  /** What the GPU adapter says of itself, when known (e.g. `google swiftshader`). */
  adapter?: string;
}

/** A move to the next backend after the active one failed mid-run. */
export interface BackendSwitch {
  from: BackendName;
  to: BackendName;
  /** The update that was being made when the backend failed (1-based). */
  failedAtStep: number;
  /** Updates kept: training went on from the parameters after this many updates. */
  resumedFromStep: number;
  /** The error the old backend gave. */
  reason: string;
}

/** The numbers of the last training step. */
export interface LastStep {
  /** Updates applied so far, this one included. */
  step: number;
  loss: number;
  /** Global gradient norm √(Σ_θ ||dL/dθ||²) before and after clipping. */
  gradNormBefore: number;
  gradNormAfter: number;
  clipped: boolean;
  /** Per layer and direction, per time step over the training batch, each [T]. */
  perStep: {
    /** `l0`, `l1_reverse`, … */
    suffix: string;
    /** ||h_t||_F over batch and units. */
    hNorm: Float32Array;
    /** ||c_t||_F (LSTM). */
    cNorm?: Float32Array;
    /** ||dL/dh_t||_F. */
    gradNormPerStep: Float32Array;
    /** ||dL/dc_t||_F (LSTM). */
    cellGradNormPerStep?: Float32Array;
  }[];
}

/** Everything the views draw of one layer and direction. */
export interface DirectionView {
  /** `l0`, `l0_reverse`, … (PyTorch's parameter-name suffix; `encoder.l0`, `decoder.l0` for an encoder–decoder). */
  suffix: string;
  layer: number;
  reverse: boolean;
  /** Hidden state h_t of the batch item, [T, H]. */
  h: Float32Array;
  /** Cell state c_t (LSTM), [T, H]. */
  c?: Float32Array;
  /** Gate activations by gate name (i, f, g, o; r, z, n; `a` is the vanilla cell's), each [T, H]. */
  gates: Record<string, Float32Array>;
  /** Pre-activations by gate name, each [T, H]. */
  pre: Record<string, Float32Array>;
  /** ||h_t||_F over batch and units, [T]. */
  hNorm: Float32Array;
  /** ||c_t||_F over batch and units (LSTM), [T]. */
  cNorm?: Float32Array;
  /** ||dL/dh_t||_F over the batch, [T]. */
  gradNormPerStep: Float32Array;
  /** ||dL/dc_t||_F over the batch (LSTM), [T]. */
  cellGradNormPerStep?: Float32Array;
  /** ||∂h_t/∂h_{t−1}||₂ (largest singular value) of the batch item, [T]. */
  jacobianNorm: Float32Array;
  /** Eigenvalues λ = re + i·im of each gate block of W_hh ([H] each), and max |λ|. */
  eigenvalues: { gate: string; re: Float64Array; im: Float64Array; spectralRadius: number }[];
  /**
   * Singular values σ_1 ≥ … ≥ σ_H of each gate block of W_hh ([H] each, gates in the order of
   * `eigenvalues`); σ_1 = ||block||₂ ≥ ρ. Always set by a session; optional so that a view made
   * by hand (a test, a lab page) may leave them out.
   */
  singularValues?: { gate: string; values: Float64Array }[];
}

/** A look at the display batch with the parameters after `step` updates. */
/** The shape of the network a view draws: what the unrolled view and the cell detail need. */
export interface ViewNetwork {
  cell: NetworkSpec['cell'];
  activation: NetworkSpec['activation'];
  readout: NetworkSpec['readout'];
  peepholes: boolean;
  learnedInitialState?: boolean;
}

export interface View {
  /** Updates applied to the parameters looked at. */
  step: number;
  /** The network drawn (after the task's adjustments, e.g. the readout it needs). */
  network?: ViewNetwork;
  /** The display batch's index in the task's seeded stream, its size, and the item shown. */
  batchIndex: number;
  T: number;
  B: number;
  H: number;
  batchItem: number;
  loss: number;
  /** Global gradient norm on the display batch, before clipping. */
  gradNorm: number;
  directions: DirectionView[];
  /** The task's scores of the outputs on the display batch (e.g. `mse`, `accuracy`). */
  metrics: Record<string, number>;
  /** What the task's prediction view draws for the batch item. */
  prediction: Prediction;
}

/** Where and when training broke. */
export interface Divergence {
  /** The update that failed (1-based); the parameters shown are those after `step − 1`. */
  step: number;
  quantity: NonFinite['quantity'];
  /** Layer and direction, or the parameter name for a gradient. */
  where?: string;
  /** Time step t within the sequence, for per-step quantities. */
  t?: number;
  /** For a person: the training step, the quantity and where. */
  message: string;
}

export interface Timing {
  /** Mean wall time of a training step over the last few steps, ms. */
  msPerStep: number | null;
  /** Updates per second over the last second of training (0 when not running). */
  stepsPerSecond: number;
}

export interface Snapshot {
  /** Grows with every snapshot of a session: a UI drops one older than the one it shows. */
  serial: number;
  status: SessionStatus;
  /** Updates applied so far. */
  step: number;
  /**
   * Training loss history: `lossHistory[i]` is the mean loss of updates i·s + 1 … (i + 1)·s, with
   * s = `historyStride` (a power of two, so that at most {@link MAX_HISTORY_POINTS} points are
   * sent); the last entry may average fewer. [⌈step / s⌉].
   */
  lossHistory: Float32Array;
  /** Global gradient norm before clipping, averaged like the loss, [⌈step / s⌉]. */
  gradNormHistory: Float32Array;
  historyStride: number;
  /** The last finite training step, or null before the first. */
  last: LastStep | null;
  /** The latest look at the display batch; after a divergence, the last finite one. */
  view: View | null;
  /** The task's reference numbers for this T (e.g. the adding problem's "always 1" MSE). */
  baselines: Baseline[];
  divergence: Divergence | null;
  backend: BackendInfo | null;
  /** The latest backend switch said in words, until the next reset. */
  notice: string | null;
  /** Backend switches since the last reset. */
  switches: BackendSwitch[];
  /** Config notices (clamped, dropped, adjusted values) and backend notices, in order. */
  notices: string[];
  error: string | null;
  /**
   * The echo state network's results (task `esn`), fitted in closed form when the session is
   * built: NRMSE, the prediction on the test stretch, the reservoir's state norms, its eigenvalues
   * and the echo-state-property distance curve. Null for every other task.
   */
  reservoir: EchoStateRun | null;
  /**
   * The character model's latest free-running sample (task `chars`): its prime as `seed`, then
   * what it wrote with the config's temperature. Null for other tasks.
   */
  sample: Prediction | null;
  timing: Timing;
}

/** Most points of loss history a snapshot carries. */
export const MAX_HISTORY_POINTS = 2048;

/** The smallest power of two s with ⌈count / s⌉ ≤ `maxPoints`. */
export function historyStride(count: number, maxPoints = MAX_HISTORY_POINTS): number {
  let stride = 1;
  while (Math.ceil(count / stride) > maxPoints) stride *= 2;
  return stride;
}

/** Means of consecutive runs of `stride` values of `values[0 … count − 1]` (float64 sums). */
export function decimate(values: Float32Array, count: number, stride: number): Float32Array {
  const out = new Float32Array(Math.ceil(count / stride));
  for (let i = 0; i < out.length; i++) {
    const end = Math.min(count, (i + 1) * stride);
    let sum = 0;
    for (let j = i * stride; j < end; j++) sum += values[j];
    out[i] = sum / (end - i * stride);
  }
  return out;
}

/** Rows [t, item, :] of a [T, B, H] array: the item's [T, H]. */
export function sliceItem(
  values: Float32Array,
  T: number,
  B: number,
  H: number,
  item: number
): Float32Array {
  const out = new Float32Array(T * H);
  for (let t = 0; t < T; t++)
    out.set(values.subarray((t * B + item) * H, (t * B + item + 1) * H), t * H);
  return out;
}

function sliceAll(
  fields: Record<string, Float32Array>,
  T: number,
  B: number,
  H: number,
  item: number
): Record<string, Float32Array> {
  return Object.fromEntries(
    Object.entries(fields).map(([name, values]) => [name, sliceItem(values, T, B, H, item)])
  );
}

/** The view of an inspection of `batch` (the display batch number `batchIndex`). */
export function makeView(input: {
  step: number;
  batchIndex: number;
  batch: Batch;
  inspection: Inspection;
  hidden: number;
  task: Pick<Task, 'metrics' | 'prediction'>;
  network?: ViewNetwork;
}): View {
  const { batch, inspection, hidden: H } = input;
  const { T, B } = batch;
  const item = inspection.batchItem;
  return {
    step: input.step,
    network: input.network,
    batchIndex: input.batchIndex,
    T,
    B,
    H,
    batchItem: item,
    loss: inspection.loss,
    gradNorm: inspection.gradNorm,
    directions: inspection.directions.map((d) => {
      // Each direction's own length: an encoder's T and a decoder's T_out differ.
      const steps = d.hNorm.length;
      return {
        suffix: directionLabel(d.dir),
        layer: d.dir.layer,
        reverse: d.dir.reverse,
        h: sliceItem(d.trace.h, steps, B, H, item),
        c: d.trace.c ? sliceItem(d.trace.c, steps, B, H, item) : undefined,
        gates: sliceAll(d.trace.gates, steps, B, H, item),
        pre: sliceAll(d.trace.pre, steps, B, H, item),
        hNorm: d.hNorm,
        cNorm: d.cNorm,
        gradNormPerStep: d.gradNormPerStep,
        cellGradNormPerStep: d.cellGradNormPerStep,
        jacobianNorm: d.jacobianNorm,
        eigenvalues: d.eigenvalues.map((e) => ({ ...e })),
        singularValues: d.singularValues.map((s) => ({ ...s }))
      };
    }),
    metrics: input.task.metrics(batch, inspection.output),
    prediction: input.task.prediction(batch, inspection.output, item)
  };
}

/** The last step's numbers, without the report's bookkeeping. */
export function lastStep(report: StepReport): LastStep {
  return {
    step: report.step,
    loss: report.loss,
    gradNormBefore: report.gradNormBefore,
    gradNormAfter: report.gradNormAfter,
    clipped: report.clipped,
    perStep: report.directions.map((d) => ({
      suffix: directionLabel(d.dir),
      hNorm: d.hNorm,
      cNorm: d.cNorm,
      gradNormPerStep: d.gradNormPerStep,
      cellGradNormPerStep: d.cellGradNormPerStep
    }))
  };
}

/** The divergence of a failed step, in words that name the training step and the quantity. */
export function divergenceOf(nonFinite: NonFinite, step: number): Divergence {
  return {
    step,
    quantity: nonFinite.quantity,
    where: nonFinite.where,
    t: nonFinite.step,
    message: `Training diverged at step ${step}: ${nonFinite.message} Training is paused; reset to start again.`
  };
}

/** What the session knows, as {@link makeSnapshot} takes it. */
export interface SnapshotInput {
  serial: number;
  status: SessionStatus;
  step: number;
  /** Loss of each update, the first `step` entries used (the array may be longer). */
  losses: Float32Array;
  /** Global gradient norm before clipping of each update, as `losses`. */
  gradNorms: Float32Array;
  last: StepReport | null;
  view: View | null;
  baselines: Baseline[];
  divergence: Divergence | null;
  backend: BackendInfo | null;
  switches: BackendSwitch[];
  notices: string[];
  error: string | null;
  reservoir?: EchoStateRun | null;
  sample?: Prediction | null;
  timing: Timing;
  maxHistoryPoints?: number;
}

/**
 * The snapshot of a session: history decimated to at most `maxHistoryPoints` points, every array
 * a copy or owned by the snapshot (the session's history buffers are not shared).
 */
export function makeSnapshot(input: SnapshotInput): Snapshot {
  const stride = historyStride(input.step, input.maxHistoryPoints);
  const latest = input.switches.at(-1);
  return {
    serial: input.serial,
    status: input.status,
    step: input.step,
    lossHistory: decimate(input.losses, input.step, stride),
    gradNormHistory: decimate(input.gradNorms, input.step, stride),
    historyStride: stride,
    last: input.last ? lastStep(input.last) : null,
    view: input.view,
    baselines: input.baselines,
    divergence: input.divergence,
    backend: input.backend,
    notice: latest
      ? `The ${latest.from} backend failed at step ${latest.failedAtStep} (${latest.reason}); ` +
        `training goes on on ${latest.to} from the parameters after step ${latest.resumedFromStep} ` +
        `(the optimizer's running averages and any carried state start afresh).`
      : null,
    switches: input.switches,
    notices: input.notices,
    error: input.error,
    reservoir: input.reservoir ?? null,
    sample: input.sample ?? null,
    timing: input.timing
  };
}

/** Whether two typed arrays of the same kind hold the same values (NaN equals NaN; 0 ≠ −0). */
function sameValues(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.constructor !== b.constructor) return false;
  const x = a as unknown as ArrayLike<number>;
  const y = b as unknown as ArrayLike<number>;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * `next` with every part that equals the same part of `previous` (same values, compared deeply:
 * plain objects, arrays, typed arrays) replaced by `previous`'s own object, so that what did not
 * change keeps its identity. A snapshot arrives from the worker as a fresh structured clone: the
 * page shares it with the one it shows, and a view whose data kept its identity need not draw
 * again (a slider event changes the per-step norms and the spectrum, not the traces). Returns
 * `previous` itself when nothing changed; never mutates either.
 */
export function shareUnchanged<T>(previous: unknown, next: T): T {
  if (Object.is(previous, next)) return next;
  if (ArrayBuffer.isView(next)) {
    return ArrayBuffer.isView(previous) && !(next instanceof DataView) && sameValues(previous, next)
      ? (previous as T)
      : next;
  }
  if (Array.isArray(next)) {
    if (!Array.isArray(previous) || previous.length !== next.length) return next;
    const shared = next.map((item, i) => shareUnchanged(previous[i], item));
    return (shared.every((item, i) => item === previous[i]) ? previous : shared) as T;
  }
  if (isPlainObject(next)) {
    if (!isPlainObject(previous)) return next;
    const keys = Object.keys(next);
    let same = keys.length === Object.keys(previous).length;
    const shared: Record<string, unknown> = {};
    for (const key of keys) {
      shared[key] = Object.hasOwn(previous, key)
        ? shareUnchanged(previous[key], next[key])
        : next[key];
      if (!Object.hasOwn(previous, key) || shared[key] !== previous[key]) same = false;
    }
    return (same ? previous : shared) as T;
  }
  return next;
}

/**
 * A keeper of a derived value: `keep(next)` returns what it returned last time when `next` equals
 * it part by part ({@link shareUnchanged}), else `next` with the equal parts shared. For a
 * `$derived` that builds new objects from a new snapshot: when they came out the same, what
 * depends on them does not run again.
 */
export function keeper<T>(): (next: T) => T {
  let last: T | undefined;
  return (next) => (last = shareUnchanged(last, next));
}
