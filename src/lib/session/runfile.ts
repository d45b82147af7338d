/**
 * The run file: one JSON document with a run's config, parameters (PyTorch names and layouts), one
 * batch, its forward trace, loss, every gradient and the per-step norms. Specified in
 * docs/run-format.md; `scripts/check_run.py` recomputes it independently in NumPy.
 */
import { encodeHash, validateConfig } from '$lib/config';
import type { Config, Notice } from '$lib/config';
import type { ParamArray, ParamArrays } from '$lib/engine/init';
import { SLOT_NAMES } from '$lib/engine/optim';
import type { OptimizerState } from '$lib/engine/optim';
import type {
  Batch,
  Inspection,
  StepReport,
  TrainingSpec,
  TrainingState
} from '$lib/engine/trainer';
import type { OptimizerKind } from '$lib/engine/types';
import { teacherCoins, teacherForcingRatio } from '$lib/engine/seq2seq';
import { GATES, directionLabel, layerDirections } from '$lib/engine/types';
import { float32Value } from '$lib/export/table';

export const RUN_FORMAT = 'rnn-explorer/run';
export const RUN_VERSION = 1;

/** A nested array of numbers (row-major, as `numpy.array` and `torch.tensor` read it). */
export type Nested = number | Nested[];

export interface RunFile {
  format: typeof RUN_FORMAT;
  version: typeof RUN_VERSION;
  /** The readable URL hash of the config (the full config is below). */
  hash: string;
  config: Config;
  /** What the engine built from the config (sizes from the task; loss and readout the task's). */
  spec: TrainingSpec;
  task: string;
  /** Training steps taken before this snapshot. */
  step: number;
  /** Loss and global gradient norms of every step taken. */
  history: {
    step: number;
    loss: number;
    gradNormBefore: number;
    gradNormAfter: number;
    clipped: boolean;
  }[];
  /** Parameters by PyTorch name, nested arrays of PyTorch's shapes. */
  parameters: Record<string, Nested>;
  /** The batch: its index in the task's seeded stream, x [T][B][I], target [T_out][B][O], mask [T_out][B]. */
  batch: {
    index: number;
    x: Nested;
    target: Nested;
    mask?: Nested;
    /** Encoder–decoder: the teacher-forced decoder inputs [T_out][B][I_dec]. */
    decoderInput?: Nested;
    /**
     * Encoder–decoder: which decoder steps of this pass got the true previous output (1) or the
     * model's own (0), [T_out][B], drawn with the teacher-forcing ratio `teacherForcing`.
     */
    teacherMask?: Nested;
    teacherForcing?: number;
  };
  /** The forward pass on the batch. */
  forward: {
    /** y, [T_out][B][O]. */
    output: Nested;
    loss: number;
    /** Per layer and direction (`l0`, `l0_reverse`, …): h, c (LSTM), gate values and pre-activations, [T][B][H]. */
    trace: Record<
      string,
      { h: Nested; c?: Nested; gates: Record<string, Nested>; pre: Record<string, Nested> }
    >;
  };
  /** dL/dθ by parameter name, before clipping, shaped as the parameter. */
  gradients: Record<string, Nested>;
  /** √(Σ_θ ||dL/dθ||²), before clipping. */
  gradNorm: number;
  /** Per layer and direction: per-step norms, [T] each. */
  norms: Record<
    string,
    {
      h: number[];
      c?: number[];
      dL_dh: number[];
      dL_dc?: number[];
      jacobian: number[];
      spectralRadius: Record<string, number>;
    }
  >;
  /** The batch item whose recurrent Jacobians were computed. */
  jacobianBatchItem: number;
  /**
   * The optimizer's running state after `step` updates, with PyTorch's names: `step`, and per
   * parameter `momentum_buffer` (momentum), `square_avg` (RMSprop) or `exp_avg` and `exp_avg_sq`
   * (Adam), each shaped as the parameter. With it, an imported run's next step is the original's.
   */
  optimizer?: {
    kind: OptimizerKind;
    step: number;
    state: Record<string, Record<string, Nested>>;
  };
  /**
   * The state carried into the next training window (`windows=stream`), per layer and direction:
   * h (and c for the LSTM), [B][H]. Absent when no state is carried.
   */
  carriedState?: Record<string, { h: Nested; c?: Nested }>;
  /** The character model's own text (task `chars` trained on a pasted text). */
  text?: string;
}

/** One step of the training history, as the run file keeps it. */
export type HistoryEntry = Pick<
  StepReport,
  'step' | 'loss' | 'gradNormBefore' | 'gradNormAfter' | 'clipped'
>;

/** What a run file is built from: the engine's Trainer, or a session's runner. */
export interface RunSource {
  /** Updates applied so far. */
  readonly updates: number;
  inspect(batch: Batch): Promise<Inspection>;
  parameters(): Promise<ParamArrays>;
  /** The optimizer's and the carried state; the run file then restores training exactly. */
  trainingState?(): Promise<TrainingState>;
}

/** The shortest decimal that reads back as the same float32 (at most 9 significant digits). */
export const float32Number = float32Value;

/** Row-major values → nested arrays of the given shape. */
export function nest(values: ArrayLike<number>, shape: readonly number[]): Nested {
  const build = (offset: number, dim: number): Nested => {
    if (dim === shape.length) return float32Number(values[offset]);
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: shape[dim] }, (_, i) => build(offset + i * stride, dim + 1));
  };
  return build(0, 0);
}

/** Nested arrays → row-major values, checking that the shape is the one expected. */
export function flatten(nested: unknown, shape: readonly number[], what: string): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let i = 0;
  const walk = (value: unknown, dim: number) => {
    if (dim === shape.length) {
      if (typeof value !== 'number')
        throw new Error(`${what}: expected a number, got ${JSON.stringify(value)?.slice(0, 30)}.`);
      out[i++] = value;
      return;
    }
    if (!Array.isArray(value) || value.length !== shape[dim])
      throw new Error(`${what}: expected shape [${shape.join(', ')}].`);
    for (const v of value) walk(v, dim + 1);
  };
  walk(nested, 0);
  return out;
}

const list = (values: ArrayLike<number> | undefined) =>
  values ? Array.from(values, float32Number) : undefined;

/** Assemble the run file from a trainer's current state and an inspection of one batch. */
export async function buildRunFile(options: {
  config: Config;
  spec: TrainingSpec;
  task: string;
  trainer: RunSource;
  batch: Batch;
  batchIndex: number;
  history: readonly HistoryEntry[];
  inspection?: Inspection;
  /** A pasted text the character model trains on. */
  text?: string;
}): Promise<RunFile> {
  const { config, spec, trainer, batch } = options;
  // The teacher-forcing ratio the inspection decodes with (the schedule's, at this step).
  const ratio = spec.sequence ? teacherForcingRatio(spec.sequence, trainer.updates) : undefined;
  const inspection = options.inspection ?? (await trainer.inspect(batch));
  const params = await trainer.parameters();
  const training = trainer.trainingState ? await trainer.trainingState() : undefined;
  const { network } = spec;
  const tOut = batch.tOut ?? (network.readout === 'step' ? batch.T : 1);
  const sourceSize = spec.sequence ? spec.sequence.sourceSize : network.inputSize;
  const H = network.hidden;
  const trace: RunFile['forward']['trace'] = {};
  const norms: RunFile['norms'] = {};
  for (const d of inspection.directions) {
    // Each direction's own length: an encoder's T and a decoder's T_out differ.
    const traceShape = [d.hNorm.length, batch.B, H];
    const map = (fields: Record<string, Float32Array>) =>
      Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, nest(v, traceShape)]));
    trace[directionLabel(d.dir)] = {
      h: nest(d.trace.h, traceShape),
      ...(d.trace.c ? { c: nest(d.trace.c, traceShape) } : {}),
      gates: map(d.trace.gates),
      pre: map(d.trace.pre)
    };
    norms[directionLabel(d.dir)] = {
      h: list(d.hNorm)!,
      ...(d.cNorm ? { c: list(d.cNorm) } : {}),
      dL_dh: list(d.gradNormPerStep)!,
      ...(d.cellGradNormPerStep ? { dL_dc: list(d.cellGradNormPerStep) } : {}),
      jacobian: list(d.jacobianNorm)!,
      spectralRadius: Object.fromEntries(
        d.eigenvalues.map((e) => [e.gate, float32Number(e.spectralRadius)])
      )
    };
  }
  const nestParams = (p: ParamArrays) =>
    Object.fromEntries(
      Object.entries(p).map(([name, { shape, values }]) => [name, nest(values, shape)])
    );
  return {
    format: RUN_FORMAT,
    version: RUN_VERSION,
    hash: encodeHash(config),
    config,
    spec,
    task: options.task,
    step: trainer.updates,
    history: options.history.map((r) => ({
      step: r.step,
      loss: r.loss,
      gradNormBefore: r.gradNormBefore,
      gradNormAfter: r.gradNormAfter,
      clipped: r.clipped
    })),
    parameters: nestParams(params),
    batch: {
      index: options.batchIndex,
      x: nest(batch.x, [sourceSize === 0 ? 0 : batch.T, batch.B, sourceSize]),
      target: nest(batch.target, [tOut, batch.B, network.outputSize]),
      ...(batch.mask ? { mask: nest(batch.mask, [tOut, batch.B]) } : {}),
      ...(spec.sequence && batch.decoderInput
        ? {
            decoderInput: nest(batch.decoderInput, [tOut, batch.B, network.inputSize]),
            teacherMask: nest(
              teacherCoins(spec.init.seed, trainer.updates, tOut, batch.B, ratio!),
              [tOut, batch.B]
            ),
            teacherForcing: ratio
          }
        : {})
    },
    forward: {
      output: nest(inspection.output, [tOut, batch.B, network.outputSize]),
      loss: inspection.loss,
      trace
    },
    gradients: nestParams(inspection.grads),
    gradNorm: inspection.gradNorm,
    norms,
    jacobianBatchItem: inspection.batchItem,
    ...(training
      ? {
          optimizer: {
            kind: spec.optimizer,
            step: training.optimizer.step,
            state: Object.fromEntries(
              Object.entries(training.optimizer.slots).map(([name, slots]) => [
                name,
                nestParams(slots)
              ])
            )
          },
          ...(training.carried
            ? {
                carriedState: Object.fromEntries(
                  Object.entries(training.carried).map(([key, { h, c }]) => [
                    key,
                    c
                      ? { h: nest(h.values, h.shape), c: nest(c.values, c.shape) }
                      : { h: nest(h.values, h.shape) }
                  ])
                )
              }
            : {})
        }
      : {}),
    ...(options.text !== undefined ? { text: options.text } : {})
  };
}

/** The parameter names and PyTorch shapes a spec needs. */
export function expectedShapes(spec: TrainingSpec): Record<string, number[]> {
  if (spec.sequence) {
    // An encoder (no readout) and a decoder, each named as a submodule.
    const decoder = {
      ...spec,
      sequence: undefined,
      network: {
        ...spec.network,
        bidirectional: false,
        readout: 'step' as const,
        learnedInitialState: spec.sequence.sourceSize > 0 ? false : spec.network.learnedInitialState
      }
    };
    const shapes: Record<string, number[]> = {};
    if (spec.sequence.sourceSize > 0) {
      const encoder = {
        ...decoder,
        network: {
          ...decoder.network,
          inputSize: spec.sequence.sourceSize,
          learnedInitialState: false
        }
      };
      for (const [name, shape] of Object.entries(expectedShapes(encoder)))
        if (!name.startsWith('readout.')) shapes[`encoder.${name}`] = shape;
    }
    for (const [name, shape] of Object.entries(expectedShapes(decoder)))
      shapes[`decoder.${name}`] = shape;
    return shapes;
  }
  const { network } = spec;
  const G = GATES[network.cell].length;
  const H = network.hidden;
  const D = network.bidirectional ? 2 * H : H;
  const shapes: Record<string, number[]> = {};
  for (const { layer, suffix } of layerDirections(network)) {
    const I = layer === 0 ? network.inputSize : D;
    shapes[`weight_ih_${suffix}`] = [G * H, I];
    shapes[`weight_hh_${suffix}`] = [G * H, H];
    shapes[`bias_ih_${suffix}`] = [G * H];
    shapes[`bias_hh_${suffix}`] = [G * H];
    if (network.cell === 'lstm' && network.peepholes) shapes[`peephole_${suffix}`] = [3, H];
    if (network.learnedInitialState) {
      shapes[`initial_h_${suffix}`] = [H];
      if (network.cell === 'lstm') shapes[`initial_c_${suffix}`] = [H];
    }
  }
  shapes['readout.weight'] = [network.outputSize, D];
  shapes['readout.bias'] = [network.outputSize];
  return shapes;
}

/** A run file read back and checked: everything needed to go on training from it. */
export interface ReadRun {
  ok: true;
  config: Config;
  notices: Notice[];
  params: ParamArrays;
  /** Training steps taken. */
  step: number;
  /**
   * The optimizer's and the carried state, when the file has them (files written before they
   * were added, or by hand, may not: the optimizer then starts afresh).
   */
  state?: TrainingState;
  /** The training history by step: entry i is step i + 1; NaN where the file has no number. */
  history: HistoryEntry[];
  /** The character model's own text, when the run trained on one. */
  text?: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The optimizer section, checked against the config's optimizer, the step and the parameter
 * shapes (each buffer shaped as its parameter).
 */
function readOptimizer(
  section: unknown,
  kind: OptimizerKind,
  step: number,
  shapes: Record<string, number[]>
): OptimizerState {
  if (!isObject(section)) throw new Error('"optimizer" is not an object.');
  if (section.kind !== kind)
    throw new Error(
      `its optimizer state is for ${JSON.stringify(section.kind)}, but its config trains with ${kind}.`
    );
  if (section.step !== step)
    throw new Error(`its optimizer has made ${String(section.step)} steps, the run ${step}.`);
  if (!isObject(section.state)) throw new Error('"optimizer.state" is not an object.');
  const slots: OptimizerState['slots'] = {};
  for (const [name, buffers] of Object.entries(section.state)) {
    const shape = shapes[name];
    if (!shape) throw new Error(`the optimizer has state for ${name}, which is no parameter.`);
    if (!isObject(buffers)) throw new Error(`optimizer state of ${name} is not an object.`);
    slots[name] = {};
    for (const slot of SLOT_NAMES[kind]) {
      if (!(slot in buffers)) throw new Error(`the optimizer state of ${name} has no ${slot}.`);
      slots[name][slot] = { shape, values: flatten(buffers[slot], shape, `${name}.${slot}`) };
    }
  }
  return { step, slots };
}

/** The carried state, checked: one entry per layer and direction, [B][H] each, c for the LSTM. */
function readCarried(
  section: unknown,
  spec: TrainingSpec,
  batchSize: number
): TrainingState['carried'] {
  if (section === undefined || section === null) return null;
  if (!isObject(section)) throw new Error('"carriedState" is not an object.');
  if (spec.sequence) throw new Error('an encoder–decoder carries no state between batches.');
  const shape = [batchSize, spec.network.hidden];
  const keys = layerDirections(spec.network).map((d) => d.suffix);
  const carried: NonNullable<TrainingState['carried']> = {};
  for (const key of keys) {
    const entry = section[key];
    if (!isObject(entry)) throw new Error(`"carriedState" has no state for ${key}.`);
    const h: ParamArray = { shape, values: flatten(entry.h, shape, `carried h of ${key}`) };
    if (spec.network.cell === 'lstm') {
      const c: ParamArray = { shape, values: flatten(entry.c, shape, `carried c of ${key}`) };
      carried[key] = { h, c };
    } else carried[key] = { h };
  }
  const extra = Object.keys(section).find((k) => !keys.includes(k));
  if (extra) throw new Error(`"carriedState" has ${extra}, which this network does not have.`);
  return carried;
}

/** The history entries by step (1 … `step`); entries out of range are left out. */
function readHistory(section: unknown, step: number): HistoryEntry[] {
  if (section === undefined) return [];
  if (!Array.isArray(section)) throw new Error('"history" is not a list.');
  const number = (v: unknown) => (typeof v === 'number' ? v : NaN);
  const byStep: HistoryEntry[] = [];
  for (const entry of section) {
    if (!isObject(entry)) throw new Error('an entry of "history" is not an object.');
    const at = entry.step;
    if (typeof at !== 'number' || !Number.isInteger(at) || at < 1 || at > step) continue;
    byStep[at - 1] = {
      step: at,
      loss: number(entry.loss),
      gradNormBefore: number(entry.gradNormBefore),
      gradNormAfter: number(entry.gradNormAfter),
      clipped: entry.clipped === true
    };
  }
  return Array.from(
    { length: byStep.length },
    (_, i) =>
      byStep[i] ?? {
        step: i + 1,
        loss: NaN,
        gradNormBefore: NaN,
        gradNormAfter: NaN,
        clipped: false
      }
  );
}

/**
 * Read a run file back: its config (validated like a URL, with notices), its parameters, checked
 * against the shapes the config needs, and, when present, the optimizer's and the carried state,
 * the history and the text. Anything malformed or mismatched is an error with a message (nothing
 * is half read). `specFor` says what the engine builds for a config (and may throw).
 */
export function readRunFile(
  json: unknown,
  specFor: (config: Config) => TrainingSpec
): ReadRun | { ok: false; error: string } {
  try {
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      return { ok: false, error: 'A run file is a JSON object.' };
    const run = json as Partial<Record<keyof RunFile, unknown>>;
    if (run.format !== RUN_FORMAT)
      return { ok: false, error: `Not a run file: "format" should be "${RUN_FORMAT}".` };
    if (run.version !== RUN_VERSION)
      return {
        ok: false,
        error: `Run file version ${String(run.version)} is not supported (this explorer reads ${RUN_VERSION}).`
      };
    if (!isObject(run.config)) return { ok: false, error: 'The run file has no "config" object.' };
    const { config, notices } = validateConfig(run.config);
    const spec = specFor(config);
    const shapes = expectedShapes(spec);
    const parameters = isObject(run.parameters) ? run.parameters : {};
    const params: ParamArrays = {};
    for (const [name, shape] of Object.entries(shapes)) {
      if (!(name in parameters))
        return {
          ok: false,
          error: `The run file has no parameter ${name}, which its config needs.`
        };
      params[name] = { shape, values: flatten(parameters[name], shape, name) };
    }
    const extra = Object.keys(parameters).find((name) => !(name in shapes));
    if (extra)
      return {
        ok: false,
        error: `The run file has a parameter ${extra}, which its config does not make.`
      };
    if (run.step !== undefined && (typeof run.step !== 'number' || !Number.isInteger(run.step)))
      return { ok: false, error: 'The run file\'s "step" is not a whole number.' };
    const step = typeof run.step === 'number' ? Math.max(0, run.step) : 0;
    const state: TrainingState | undefined =
      run.optimizer === undefined
        ? undefined
        : {
            optimizer: readOptimizer(run.optimizer, spec.optimizer, step, shapes),
            carried: readCarried(run.carriedState, spec, config.batchSize)
          };
    if (run.text !== undefined && typeof run.text !== 'string')
      return { ok: false, error: 'The run file\'s "text" is not a string.' };
    return {
      ok: true,
      config,
      notices,
      params,
      step,
      ...(state ? { state } : {}),
      history: readHistory(run.history, step),
      ...(typeof run.text === 'string' ? { text: run.text } : {})
    };
  } catch (error) {
    return { ok: false, error: `The run file is malformed: ${(error as Error).message}` };
  }
}
