import * as tf from '@tensorflow/tfjs-core';
import { makeCell } from './cells';
import type { RecurrentWeights } from './cells';
import { perStepNorm, recurrentJacobians, spectralNorms, stackRecords } from './diagnostics';
import type { InitNote, ParamArray, ParamArrays } from './init';
import { rnnModel } from './model';
import { locateNonFinite, rootOfSum } from './nonfinite';
import type { Model } from './model';
import type { Params, State } from './network';
import { clipGradients, Optimizer, squaredNorms } from './optim';
import type { OptimizerState } from './optim';
import { eigenvalues, singularValues } from './spectrum';
import { sequenceModel } from './seq2seq';
import type { SequenceSpec } from './seq2seq';
import { GATES, parameterName } from './types';
import type {
  ClipKind,
  InitSpec,
  LayerDirection,
  LossKind,
  NetworkSpec,
  OptimizerKind
} from './types';

/** Everything that defines a training run, as the engine sees it. */
export interface TrainingSpec {
  network: NetworkSpec;
  init: InitSpec;
  optimizer: OptimizerKind;
  learningRate: number;
  clipping: ClipKind;
  clipThreshold: number;
  /** Truncated BPTT window k; 0 = full BPTT. */
  truncation: number;
  loss: LossKind;
  /** An encoder–decoder (or a decoder alone, one-to-many): `network` is then the decoder. */
  sequence?: SequenceSpec;
}

/** One batch as plain numbers, time-major. */
export interface Batch {
  /** Sequence length T and batch size B. */
  T: number;
  B: number;
  /** Inputs x, [T, B, I]. */
  x: Float32Array;
  /** Targets y*, [T_out, B, O] (T_out = T for the per-step readout, else 1). */
  target: Float32Array;
  /** Optional loss weights, [T_out, B]; default all ones. */
  mask?: Float32Array;
  /** Encoder–decoder: the number of decoder steps T_out (then `x` is the source, [T, B, sourceSize]). */
  tOut?: number;
  /** Encoder–decoder: the decoder's teacher-forced inputs, [T_out, B, I_dec] (step 0: the start symbol). */
  decoderInput?: Float32Array;
}

/** Where a value first stopped being finite, in causal order: states, loss, gradients. */
export interface NonFinite {
  quantity: 'h' | 'c' | 'loss' | 'dL/dh' | 'dL/dc' | 'gradient';
  /** Layer and direction (`l0`, `l1_reverse`), or the parameter name for a gradient. */
  where?: string;
  /** Time step t (0-based), for per-step quantities. */
  step?: number;
  message: string;
}

/** Per-step numbers of one layer and direction, each [T]. */
export interface DirectionNorms {
  dir: LayerDirection;
  /** ||h_t||_F over batch and units. */
  hNorm: Float32Array;
  /** ||c_t||_F (LSTM). */
  cNorm?: Float32Array;
  /** ||dL/dh_t||_F, the total derivative (through the readout, later steps and upper layers). */
  gradNormPerStep: Float32Array;
  /** ||dL/dc_t||_F (LSTM), total. */
  cellGradNormPerStep?: Float32Array;
}

export interface StepReport {
  /** Updates applied so far (after this one). */
  step: number;
  loss: number;
  /** Global gradient norm √(Σ_p ||g_p||²) before and after clipping. */
  gradNormBefore: number;
  gradNormAfter: number;
  clipped: boolean;
  directions: DirectionNorms[];
  /** Set when something was not finite: the update was then skipped. */
  nonFinite: NonFinite | null;
}

/** A direction's full picture at one moment. Trace arrays are [T, B, H]. */
export interface DirectionInspection extends DirectionNorms {
  /** ||∂h_t/∂h_{t−1}||₂ (largest singular value) for the inspected batch item, [T]. */
  jacobianNorm: Float32Array;
  /** Eigenvalues of each gate block of W_hh (one block, `a`, for the vanilla cell). */
  eigenvalues: { gate: string; re: Float64Array; im: Float64Array; spectralRadius: number }[];
  /**
   * Singular values σ_1 ≥ … ≥ σ_H of each gate block of W_hh ([H] each, in the order of
   * `eigenvalues`); σ_1 = ||block||₂, the most one step can stretch a vector.
   */
  singularValues: { gate: string; values: Float64Array }[];
  trace: {
    h: Float32Array;
    c?: Float32Array;
    pre: Record<string, Float32Array>;
    gates: Record<string, Float32Array>;
  };
}

export interface Inspection {
  loss: number;
  /** Outputs y, [T_out, B, O]. */
  output: Float32Array;
  directions: DirectionInspection[];
  /** dL/dθ by parameter name, before clipping. */
  grads: ParamArrays;
  gradNorm: number;
  nonFinite: NonFinite | null;
  /** The batch item whose Jacobians were computed. */
  batchItem: number;
}

/**
 * What the next training step depends on besides the parameters: the optimizer's running state
 * and update count, and the state carried from the last window into the next (windows of one
 * stream; null when none is carried). Carried states are keyed by layer and direction (`l0`, …),
 * each h (and c for the LSTM) of shape [B, H].
 */
export interface TrainingState {
  optimizer: OptimizerState;
  carried: Record<string, { h: ParamArray; c?: ParamArray }> | null;
}

/**
 * A rescaling of the recurrent weights: for each W_hh (by parameter name), the factor each gate
 * block's rows were multiplied by, in the row order of {@link GATES}.
 */
export type RecurrentScaling = Record<string, number[]>;

/**
 * `defer`: a live slider's rescaling of W_hh is recorded, not made; it is made at the next read
 * of the parameters (any step, look or readback), or taken from a copy (`adoptRecurrent`).
 */
export interface Deferral {
  defer?: boolean;
}

/** Owns a network's parameters and optimizer state, and runs training steps on batches. */
export class Trainer {
  /** The parameters as last made; read through `params`, which applies deferred rescalings. */
  private stored: Params = {};
  /**
   * W_hh rescalings asked for with `defer` and not made yet, by name: each entry the factors of
   * one call (one per gate block, or one for all), applied in order as they would have been.
   */
  private deferred = new Map<string, number[][]>();
  readonly optimizer: Optimizer;
  readonly names: string[];
  /** What the initializer could not do as asked. */
  readonly notes: InitNote[];
  /** The state carried from the last stateful step into the next one (windows of one stream). */
  private carried: Record<string, State> | null = null;

  private readonly model: Model;

  /** Every read of the parameters sees the deferred rescalings made. */
  private get params(): Params {
    if (this.deferred.size > 0) this.applyDeferred();
    return this.stored;
  }

  private set params(params: Params) {
    this.applyDeferred();
    this.stored = params;
  }

  private constructor(
    readonly spec: TrainingSpec,
    params: ParamArrays,
    notes: InitNote[] = []
  ) {
    this.model = Trainer.modelFor(spec);
    for (const [name, { shape, values }] of Object.entries(params))
      this.stored[name] = tf.tensor(values, shape);
    this.names = Object.keys(params);
    this.optimizer = new Optimizer(spec.optimizer, spec.learningRate);
    this.notes = notes;
  }

  /** Draws the initial parameters from the spec's seed. */
  static create(spec: TrainingSpec): Trainer {
    const { params, notes } = Trainer.modelFor(spec).init();
    return new Trainer(spec, params, notes);
  }

  private static modelFor(spec: TrainingSpec): Model {
    return spec.sequence ? sequenceModel(spec) : rnnModel(spec);
  }

  /**
   * Starts from given parameters (e.g. a run file's) and, when given, the training state saved with
   * them: then the next step is the one the saved trainer would have made.
   */
  static fromParameters(spec: TrainingSpec, params: ParamArrays, state?: TrainingState): Trainer {
    const trainer = new Trainer(spec, params);
    if (state) {
      trainer.optimizer.restore(state.optimizer);
      if (state.carried) {
        const tensor = (p: ParamArray) => tf.tensor(p.values, p.shape);
        trainer.carried = Object.fromEntries(
          Object.entries(state.carried).map(([key, { h, c }]) => [
            key,
            c ? { h: tensor(h), c: tensor(c) } : { h: tensor(h) }
          ])
        );
      }
    }
    return trainer;
  }

  /** The optimizer's running state and the carried state, read back (see {@link TrainingState}). */
  async trainingState(): Promise<TrainingState> {
    const read = async (t: tf.Tensor): Promise<ParamArray> => ({
      shape: t.shape.slice(),
      values: (await t.data()) as Float32Array
    });
    const carried = this.carried
      ? Object.fromEntries(
          await Promise.all(
            Object.entries(this.carried).map(
              async ([key, s]) =>
                [
                  key,
                  s.c ? { h: await read(s.h), c: await read(s.c) } : { h: await read(s.h) }
                ] as const
            )
          )
        )
      : null;
    return { optimizer: await this.optimizer.state(), carried };
  }

  get updates(): number {
    return this.optimizer.updates;
  }

  /**
   * Forward, loss, BPTT and the per-step norms, all as tensors (inside the caller's tidy). The
   * directions it covered are written to `this.lastDirections` (plain data, outside the tidy).
   */
  private pass(batch: Batch, stateful = false, teacherForcing?: number) {
    const carried =
      stateful && this.carried && this.carried[Object.keys(this.carried)[0]].h.shape[0] === batch.B;
    const result = this.model.pass(this.params, batch, {
      initialState: carried ? this.carried! : undefined,
      step: this.updates,
      teacherForcing
    });
    // A parameter the pass did not reach (e.g. an unused learned state) has gradient zero.
    for (const name of this.names) result.grads[name] ??= tf.zerosLike(this.params[name]);
    const { passes, gradients } = result;
    this.lastDirections = passes.map((p) => p.dir);
    const norms = gradients.map((g, i) => ({
      h: perStepNorm(passes[i].states),
      c: passes[i].records[0].c
        ? perStepNorm(tf.stack(passes[i].records.map((r) => r.c!)))
        : undefined,
      dh: perStepNorm(g.dh),
      dc: g.dc ? perStepNorm(g.dc) : undefined
    }));
    const squared = squaredNorms(result.grads, this.names);
    return { ...result, norms, squared };
  }

  private lastDirections: LayerDirection[] = [];

  private weightsOf(dir: LayerDirection): RecurrentWeights {
    return {
      weightHH: this.params[parameterName(dir, 'weight_hh')],
      biasHH: this.params[parameterName(dir, 'bias_hh')],
      peephole: this.params[parameterName(dir, 'peephole')]
    };
  }

  private async readNorms(
    norms: { h: tf.Tensor; c?: tf.Tensor; dh: tf.Tensor; dc?: tf.Tensor }[]
  ): Promise<DirectionNorms[]> {
    const dirs = this.lastDirections;
    const read = async (t?: tf.Tensor) => (t ? ((await t.data()) as Float32Array) : undefined);
    // Every readback starts at once (awaiting them in turn costs a round trip each on a GPU).
    const all = await Promise.all(
      norms.flatMap((n) => [read(n.h), read(n.c), read(n.dh), read(n.dc)])
    );
    return norms.map((_, i) => ({
      dir: dirs[i],
      hNorm: all[4 * i]!,
      cNorm: all[4 * i + 1],
      gradNormPerStep: all[4 * i + 2]!,
      cellGradNormPerStep: all[4 * i + 3]
    }));
  }

  /**
   * One training step: forward, loss, BPTT, clipping, update. If any state, the loss or any
   * gradient is not finite, no update is made and the report says where it broke.
   */
  async train(batch: Batch, options: { stateful?: boolean } = {}): Promise<StepReport> {
    const kept = tf.tidy(() => {
      const { loss, grads, norms, squared, finalState } = this.pass(batch, options.stateful);
      return {
        loss,
        grads,
        norms,
        squared,
        finalState: finalState as unknown as tf.TensorContainer
      };
    });
    const finalState = kept.finalState as unknown as Record<string, State>;
    if (options.stateful) {
      // The state carries forward into the next window as a constant (no gradient crosses it).
      this.resetState();
      this.carried = finalState;
    } else tf.dispose(kept.finalState);
    const { finalState: _kept, ...rest } = kept;
    const [lossValue, squared, directions] = await Promise.all([
      kept.loss.data().then((d) => d[0]),
      kept.squared.data(),
      this.readNorms(kept.norms)
    ]);
    const gradNormBefore = rootOfSum(squared);
    const nonFinite = locateNonFinite(directions, lossValue, squared, this.names);
    let gradNormAfter = gradNormBefore;
    let clipped = false;
    if (!nonFinite) {
      const normTensor = tf.scalar(gradNormBefore);
      const clippedGrads = clipGradients(
        kept.grads,
        this.spec.clipping,
        this.spec.clipThreshold,
        normTensor
      );
      normTensor.dispose();
      if (this.spec.clipping === 'norm') {
        const scale = Math.min(1, this.spec.clipThreshold / (gradNormBefore + 1e-6));
        gradNormAfter = gradNormBefore * scale;
        clipped = scale < 1;
      } else if (this.spec.clipping === 'value') {
        const after = squaredNorms(clippedGrads, this.names);
        const values = await after.data();
        after.dispose();
        gradNormAfter = rootOfSum(values);
        clipped = gradNormAfter < gradNormBefore;
      }
      this.params = this.optimizer.apply(this.params, clippedGrads);
      this.radii.clear();
      tf.dispose(clippedGrads);
    }
    tf.dispose(rest);
    return {
      step: this.updates,
      loss: lossValue,
      gradNormBefore,
      gradNormAfter,
      clipped,
      directions,
      nonFinite
    };
  }

  /** Loss and per-step norms for a batch, without updating anything: the cheap look. */
  async measure(
    batch: Batch,
    options: { teacherForcing?: number } = {}
  ): Promise<{
    loss: number;
    gradNorm: number;
    /** Outputs y, [T_out, B, O]. */
    output: Float32Array;
    directions: DirectionNorms[];
    nonFinite: NonFinite | null;
  }> {
    const kept = tf.tidy(() => {
      const { loss, norms, squared, output } = this.pass(batch, false, options.teacherForcing);
      return { loss, norms, squared, output };
    });
    const [loss, squared, directions, output] = await Promise.all([
      kept.loss.data().then((d) => d[0]),
      kept.squared.data(),
      this.readNorms(kept.norms),
      kept.output.data() as Promise<Float32Array>
    ]);
    tf.dispose(kept);
    return {
      loss,
      gradNorm: rootOfSum(squared),
      output,
      directions,
      nonFinite: locateNonFinite(directions, loss, squared, this.names)
    };
  }

  /**
   * Everything the views show, for one batch and the current parameters, without updating them:
   * the trace, per-step norms, the recurrent Jacobian norms of one batch item, W_hh's eigenvalues
   * and singular values,
   * the outputs and every gradient.
   */
  async inspect(
    batch: Batch,
    options: { batchItem?: number; teacherForcing?: number } = {}
  ): Promise<Inspection> {
    const batchItem = Math.min(options.batchItem ?? 0, batch.B - 1);
    const cell = makeCell(this.spec.network.cell, this.spec.network.activation);
    const kept = tf.tidy(() => {
      const { output, loss, grads, norms, squared, passes } = this.pass(
        batch,
        false,
        options.teacherForcing
      );
      const traces = passes.map((p) => {
        const stacked = stackRecords(p);
        const jacobians = recurrentJacobians(cell, this.weightsOf(p.dir), stacked, batchItem);
        return {
          h: stacked.h,
          c: stacked.c,
          pre: stacked.pre,
          gates: stacked.gates,
          jacobianNorm: spectralNorms(jacobians)
        };
      });
      return { loss, output, grads, norms, squared, traces };
    });
    const read = async (t: tf.Tensor) => (await t.data()) as Float32Array;
    const readAll = async (fields: Record<string, tf.Tensor>) =>
      Object.fromEntries(
        await Promise.all(Object.entries(fields).map(async ([k, v]) => [k, await read(v)] as const))
      );
    const [lossValue, output, squared, norms, traces, gradArrays, weights] = await Promise.all([
      kept.loss.data().then((d) => d[0]),
      read(kept.output),
      kept.squared.data(),
      this.readNorms(kept.norms),
      Promise.all(
        kept.traces.map(async (t) => ({
          h: await read(t.h),
          c: t.c ? await read(t.c) : undefined,
          pre: await readAll(t.pre),
          gates: await readAll(t.gates),
          jacobianNorm: await read(t.jacobianNorm)
        }))
      ),
      readAll(kept.grads),
      Promise.all(this.lastDirections.map((d) => read(this.params[parameterName(d, 'weight_hh')])))
    ]);
    tf.dispose(kept);
    const H = this.spec.network.hidden;
    const gates = GATES[this.spec.network.cell];
    const directions: DirectionInspection[] = norms.map((n, i) => ({
      ...n,
      jacobianNorm: traces[i].jacobianNorm,
      eigenvalues: gates.map((gate, g) => {
        const block = weights[i].subarray(g * H * H, (g + 1) * H * H);
        const { re, im } = eigenvalues({ n: H, values: block });
        let radius = 0;
        for (let j = 0; j < re.length; j++) radius = Math.max(radius, Math.hypot(re[j], im[j]));
        return { gate, re, im, spectralRadius: radius };
      }),
      singularValues: gates.map((gate, g) => ({
        gate,
        values: singularValues(weights[i].subarray(g * H * H, (g + 1) * H * H), H, H)
      })),
      trace: { h: traces[i].h, c: traces[i].c, pre: traces[i].pre, gates: traces[i].gates }
    }));
    const grads: ParamArrays = {};
    for (const name of this.names)
      grads[name] = { shape: this.params[name].shape.slice(), values: gradArrays[name] };
    return {
      loss: lossValue,
      output,
      directions,
      grads,
      gradNorm: rootOfSum(squared),
      nonFinite: locateNonFinite(norms, lossValue, squared, this.names),
      batchItem
    };
  }

  /**
   * Spectral radius of each gate block of every W_hh, by parameter name, as last computed; a
   * training step changes W_hh and clears it. Lets a slider drag rescale without an eigensolve.
   */
  private radii = new Map<string, number[]>();

  /** Spectral radius of each gate block of the recurrent weights `name` (cached). */
  private async blockRadii(name: string): Promise<number[]> {
    const cached = this.radii.get(name);
    if (cached) return cached;
    const H = this.spec.network.hidden;
    const values = (await this.params[name].data()) as Float32Array;
    const out: number[] = [];
    for (let g = 0; g < values.length / (H * H); g++) {
      const { re, im } = eigenvalues({ n: H, values: values.subarray(g * H * H, (g + 1) * H * H) });
      let radius = 0;
      for (let j = 0; j < re.length; j++) radius = Math.max(radius, Math.hypot(re[j], im[j]));
      out.push(radius);
    }
    this.radii.set(name, out);
    return out;
  }

  /** Names of every W_hh (every layer, direction and submodule). */
  private recurrentNames(): string[] {
    return this.names.filter((n) => /(^|\.)weight_hh_/.test(n));
  }

  /**
   * Rescale each gate block of every W_hh so that its spectral radius is `rho` (a block whose
   * radius is 0 stays as it is). The first call after a training step runs one eigensolve per
   * block; later ones (a slider being dragged) only scale. Returns the factor each gate block was
   * multiplied by, by parameter name, so that a copy of the weights (the slider's fast pass) can
   * follow without reading them back.
   */
  async setSpectralRadius(rho: number, options: Deferral = {}): Promise<RecurrentScaling> {
    const applied: RecurrentScaling = {};
    for (const name of this.recurrentNames()) {
      const radii = await this.blockRadii(name);
      const factors = radii.map((r) => (r > 1e-12 ? rho / r : 1));
      this.scaleBlocks(name, factors);
      this.radii.set(
        name,
        radii.map((r, g) => r * factors[g])
      );
      applied[name] = factors;
    }
    if (!options.defer) this.applyDeferred();
    return applied;
  }

  /**
   * Multiply every W_hh by `factor` (all gate blocks): e.g. √(g²_new / g²_old) moves a normal or
   * uniform initialization to the variance g²_new/n, exactly as a fresh draw with the same seed.
   */
  scaleRecurrent(factor: number, options: Deferral = {}): void {
    for (const name of this.recurrentNames()) {
      const radii = this.radii.get(name);
      this.scaleBlocks(name, radii ? radii.map(() => factor) : [factor]);
      if (radii)
        this.radii.set(
          name,
          radii.map((r) => r * Math.abs(factor))
        );
    }
    if (!options.defer) this.applyDeferred();
  }

  /**
   * Take W_hh's values after the deferred rescalings from a copy that made them itself, in the
   * same order and in float32 (the live slider's `SliderPreview`, whose `scale` multiplies as tfjs
   * does), instead of making them here one multiplication at a time. `weights` maps each W_hh
   * with deferred rescalings to its values; they are copied.
   */
  adoptRecurrent(weights: Record<string, Float32Array>): void {
    for (const name of this.deferred.keys()) {
      const old = this.stored[name];
      const values = weights[name];
      if (!values || values.length !== old.size)
        throw new Error(`adoptRecurrent: no values of the size of ${name}`);
      this.stored[name] = tf.keep(tf.tensor(values.slice(), old.shape));
      old.dispose();
    }
    this.deferred.clear();
  }

  /** Whether rescalings of W_hh are waiting (made at the next read of the parameters). */
  get rescalingDeferred(): boolean {
    return this.deferred.size > 0;
  }

  /** Queue one rescaling of the named W_hh's gate blocks (made by `applyDeferred`). */
  private scaleBlocks(name: string, factors: number[]) {
    const queue = this.deferred.get(name);
    if (queue) queue.push(factors);
    else this.deferred.set(name, [factors]);
  }

  /** Make the deferred rescalings, in order, each as its own float32 multiplication. */
  private applyDeferred(): void {
    if (this.deferred.size === 0) return;
    const H = this.spec.network.hidden;
    for (const [name, queue] of this.deferred) {
      for (const factors of queue) {
        const old = this.stored[name];
        const rows = old.shape[0] as number;
        // Kept: the parameters may be read inside a caller's tidy.
        this.stored[name] = tf.keep(
          tf.tidy(() => {
            const column = new Float32Array(rows);
            for (let r = 0; r < rows; r++)
              column[r] = factors.length === 1 ? factors[0] : factors[Math.floor(r / H)];
            return tf.mul(old, tf.tensor2d(column, [rows, 1]));
          })
        );
        old.dispose();
      }
    }
    this.deferred.clear();
  }

  /**
   * Forget the carried state: the next stateful step starts from the initial state again (as when
   * windows are shuffled, or a new stream begins).
   */
  resetState(): void {
    if (this.carried) tf.dispose(this.carried as unknown as tf.TensorContainer);
    this.carried = null;
  }

  /** The current parameters as plain arrays, by PyTorch name. */
  async parameters(): Promise<ParamArrays> {
    const out: ParamArrays = {};
    await Promise.all(
      this.names.map(async (name) => {
        const t = this.params[name];
        out[name] = { shape: t.shape.slice(), values: (await t.data()) as Float32Array };
      })
    );
    return out;
  }

  dispose(): void {
    this.resetState();
    this.deferred.clear();
    tf.dispose(this.stored);
    this.optimizer.dispose();
  }
}
