/**
 * What a training session needs of a model: the engine's `Trainer` satisfies it as it is, and other
 * model kinds (an encoder–decoder, an echo state network) can plug into the same session by
 * implementing it. Types only: no tensors cross this interface.
 */
import type { ParamArrays } from '$lib/engine/init';
import type {
  Batch,
  Deferral,
  DirectionNorms,
  Inspection,
  NonFinite,
  RecurrentScaling,
  StepReport,
  Trainer,
  TrainingSpec,
  TrainingState
} from '$lib/engine/trainer';

/** The cheap look at a batch: loss and per-step norms, no update. */
export interface Measurement {
  loss: number;
  /** Global gradient norm √(Σ_θ ||dL/dθ||²). */
  gradNorm: number;
  directions: DirectionNorms[];
  nonFinite: NonFinite | null;
}

/** A model being trained, one batch at a time. */
export interface Runner {
  /** Updates applied so far. */
  readonly updates: number;
  /**
   * One training step on `batch`. With `stateful`, the state carries over from the previous
   * stateful step (windows of one stream). A report with `nonFinite` means no update was made.
   */
  train(batch: Batch, options?: { stateful?: boolean }): Promise<StepReport>;
  /** Forget the carried state: the next stateful step starts from the initial state. */
  resetState(): void;
  measure(batch: Batch): Promise<Measurement>;
  /** Everything the views show for `batch`, without updating the parameters. */
  inspect(batch: Batch, options?: { batchItem?: number }): Promise<Inspection>;
  /** The current parameters as plain arrays, by PyTorch name. */
  parameters(): Promise<ParamArrays>;
  /** The optimizer's running state and the carried state (to save a run and go on exactly). */
  trainingState(): Promise<TrainingState>;
  /**
   * Live sliders: rescale every W_hh gate block to spectral radius ρ. May say which factor each
   * block was multiplied by (a copy of the weights then follows without a readback). With
   * `defer`, the runner may record the rescaling and make it at the next read of its parameters
   * (every method here sees it made), or take it from the copy ({@link adoptRecurrent}).
   */
  setSpectralRadius(rho: number, options?: Deferral): Promise<RecurrentScaling | void>;
  /** Live sliders: multiply every W_hh by a factor (a change of g² for normal/uniform inits). */
  scaleRecurrent(factor: number, options?: Deferral): void;
  /**
   * Take the deferred rescalings of W_hh from a copy that made them in the same order, in float32
   * (the slider's `SliderPreview.weights`, by name). Optional: without it they are made on the
   * next read.
   */
  adoptRecurrent?(weights: Record<string, Float32Array>): void;
  dispose(): void;
}

/**
 * How a session makes runners: fresh from the spec's seed, or from given parameters (and, to go
 * on exactly where a saved run stopped, its training state).
 */
export interface RunnerFactory {
  create(spec: TrainingSpec): Runner;
  fromParameters(spec: TrainingSpec, params: ParamArrays, state?: TrainingState): Runner;
}

/** Compile-time checks: the engine's Trainer is a Runner, and its class is a RunnerFactory. */
type Satisfies<T extends U, U> = T;
export type _TrainerIsRunner = Satisfies<Trainer, Runner>;
export type _TrainerClassIsFactory = Satisfies<typeof Trainer, RunnerFactory>;
