import type { Batch } from '$lib/engine/trainer';
import type { LossKind, Readout } from '$lib/engine/types';

/** How training windows are laid out (the config's `windows` knob). */
export type Windows = 'sequences' | 'stream' | 'shuffled';

/** The input/output patterns of the course notes. */
export type Pattern =
  | 'many-to-many (aligned)'
  | 'many-to-one'
  | 'one-to-many'
  | 'many-to-many (unaligned)'
  | 'autoregressive'
  | 'reservoir';

/** A number to compare a run with: a baseline loss, or an accuracy ceiling. */
export interface Baseline {
  label: string;
  loss?: number;
  accuracy?: number;
}

/**
 * What the prediction view draws for one batch item: plain data, no tensors.
 * - series: input, target and output over time (one channel each)
 * - label: a many-to-one classification (the sequence written out, the true and predicted class)
 * - tokens: aligned or unaligned token rows (tagging, encoder–decoder)
 * - text: generated text after a seed
 */
export type Prediction =
  | { kind: 'series'; input: number[]; target: number[]; output: number[] }
  | {
      kind: 'label';
      sequence: string;
      target: string;
      output: string;
      classes: string[];
      probabilities: number[];
    }
  | { kind: 'tokens'; input: string[]; target: string[]; output: string[] }
  | { kind: 'text'; seed: string; text: string };

/** A sequence problem: what goes in, what should come out, and how it is scored. */
export interface Task {
  name: string;
  /** The course's input/output pattern. */
  pattern: Pattern;
  /** One line for a student: what the network must do. */
  description: string;
  /** What this task exists to show. */
  teaches: string;
  inputSize: number;
  outputSize: number;
  /** The loss the task is scored with. */
  loss: LossKind;
  /** The readouts the task can be scored with (the first is its default). */
  readouts: readonly Readout[];
  /**
   * Batch number `index` of a run with this seed: the same arguments always give the same
   * numbers. With `windows` = `stream` or `shuffled`, a task that reads a long stream (a series,
   * a text) returns window `index` of each of its B streams, so window `index` continues window
   * `index − 1`; with `sequences`, fresh independent sequences. Tasks of independent sequences
   * ignore it; left out, each task's own default applies (its doc comment says which).
   */
  batch(seed: number, index: number, T: number, B: number, windows?: Windows): Batch;
  /** Task-specific scores of outputs y ([T_out, B, O], as the network produced them) on a batch. */
  metrics(batch: Batch, output: Float32Array): Record<string, number>;
  /** Reference numbers for sequence length T, e.g. the adding problem's "always answer 1" MSE. */
  baselines(T: number): Baseline[];
  /** Plain data for the prediction view, for batch item `item`. */
  prediction(batch: Batch, output: Float32Array, item: number): Prediction;
  /**
   * An encoder–decoder or a decoder alone: how big the encoder's input is (0: no encoder) and how
   * the decoder's previous output is fed back. Its batches carry `tOut` and `decoderInput`; its
   * metrics should also be read on free-running outputs (teacher forcing 0), to show exposure bias.
   */
  sequence?: { sourceSize: number; feedback: 'token' | 'value' };
}

/** Index of the largest of `values[offset … offset + n − 1]`. */
export function argmax(values: ArrayLike<number>, offset: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (values[offset + i] > values[offset + best]) best = i;
  return best;
}

/** Softmax of `values[offset … offset + n − 1]`. */
export function softmax(values: ArrayLike<number>, offset: number, n: number): number[] {
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, values[offset + i]);
  const e = Array.from({ length: n }, (_, i) => Math.exp(values[offset + i] - max));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

/**
 * Accuracy of class predictions: the share of (t, b) rows whose argmax output is the argmax of the
 * one-hot target, over rows with a non-zero mask. `output` and `target` are [rows, classes].
 */
export function accuracy(
  output: ArrayLike<number>,
  target: ArrayLike<number>,
  classes: number,
  mask?: ArrayLike<number>
): number {
  const rows = target.length / classes;
  let right = 0;
  let counted = 0;
  for (let r = 0; r < rows; r++) {
    if (mask && mask[r] === 0) continue;
    counted++;
    if (argmax(output, r * classes, classes) === argmax(target, r * classes, classes)) right++;
  }
  return counted ? right / counted : 0;
}

/** Mean squared error over every element, as the mse loss with no mask. */
export function meanSquaredError(output: ArrayLike<number>, target: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < target.length; i++) total += (output[i] - target[i]) ** 2;
  return total / target.length;
}
