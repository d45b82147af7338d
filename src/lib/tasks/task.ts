import type { Batch } from '$lib/engine/trainer';
import type { LossKind, Readout } from '$lib/engine/types';

/** A sequence problem: what goes in, what should come out, and how it is scored. */
export interface Task {
  name: string;
  /** The course's input/output pattern, e.g. `many-to-many (aligned)`. */
  pattern: string;
  description: string;
  inputSize: number;
  outputSize: number;
  /** The loss the task is scored with. */
  loss: LossKind;
  /** The readouts the task can be scored with (the first is its default). */
  readouts: readonly Readout[];
  /**
   * Batch number `index` of a run with this seed: the same (seed, index, T, B) always gives the
   * same numbers.
   */
  batch(seed: number, index: number, T: number, B: number): Batch;
}
