import { Random } from '$lib/engine/random';
import type { Batch } from '$lib/engine/trainer';
import { accuracy, argmax, softmax } from './task';
import type { Baseline, Task } from './task';

/** The largest count: the classes are 0 … MAX_COUNT. */
export const MAX_COUNT = 9;
const CLASSES = MAX_COUNT + 1;

/** Class names, '0' … '9'. */
export const COUNT_CLASSES: readonly string[] = Array.from({ length: CLASSES }, (_, n) => `${n}`);

/** The counts a sequence of length T can have: 0 … min(MAX_COUNT, T). */
function countsFor(T: number): number {
  return Math.min(MAX_COUNT, T) + 1;
}

/**
 * Count the ones (many-to-one classification). Input size 1, x_t ∈ {0, 1}. Each sequence first
 * draws its count n uniformly from {0, …, min(9, T)}, then puts its n ones at n distinct positions
 * drawn uniformly (a partial Fisher–Yates shuffle of 0 … T−1); every other step is 0. The target,
 * read at the last step, is n, one-hot over the 10 classes 0 … 9; the loss is cross-entropy.
 *
 * Why this design rather than independent bits: the count stays in a fixed small range for any T
 * up to 500 (no capped "9 or more" class, which would be ambiguous), and the classes are equally
 * frequent, so accuracy above 1/(min(9, T) + 1) is learning, not a prior. The ones are sparse
 * (about n/T of the steps) and may be anywhere, so the count must be kept over the whole sequence.
 *
 * Random draws, per item in order: n, then the n positions, from `Random('counting:seed:index')`.
 * Every batch is a set of independent sequences (also with `windows=stream`).
 */
export const countingTask: Task = {
  name: 'counting',
  pattern: 'many-to-one',
  description: `Read T bits with a few ones scattered among them (0 to ${MAX_COUNT}) and say how many ones there were.`,
  teaches:
    'Keeping a running total: the state must go up by one at each 1 and hold still at each 0, ' +
    'however long the sequence. An LSTM can dedicate a cell to the count (its input gate opens at a ' +
    '1, its forget gate stays at 1); a vanilla RNN’s state drifts and decays, so its counts blur as ' +
    'T grows.',
  inputSize: 1,
  outputSize: CLASSES,
  loss: 'xent',
  readouts: ['last'],
  batch(seed: number, index: number, T: number, B: number): Batch {
    const random = new Random(`counting:${seed}:${index}`);
    const x = new Float32Array(T * B);
    const target = new Float32Array(B * CLASSES);
    const positions = new Int32Array(T);
    for (let b = 0; b < B; b++) {
      const n = random.int(countsFor(T));
      for (let t = 0; t < T; t++) positions[t] = t;
      for (let i = 0; i < n; i++) {
        const j = i + random.int(T - i);
        const chosen = positions[j];
        positions[j] = positions[i];
        positions[i] = chosen;
        x[chosen * B + b] = 1;
      }
      target[b * CLASSES + n] = 1;
    }
    return { T, B, x, target };
  },
  metrics(batch, output) {
    let error = 0;
    for (let b = 0; b < batch.B; b++)
      error += Math.abs(
        argmax(output, b * CLASSES, CLASSES) - argmax(batch.target, b * CLASSES, CLASSES)
      );
    return {
      accuracy: accuracy(output, batch.target, CLASSES),
      meanAbsoluteError: error / batch.B
    };
  },
  baselines(T) {
    return countingBaselines(T);
  },
  prediction(batch, output, item) {
    const { T, B } = batch;
    let sequence = '';
    for (let t = 0; t < T; t++) sequence += batch.x[t * B + item] === 1 ? '1' : '0';
    return {
      kind: 'label',
      sequence,
      target: COUNT_CLASSES[argmax(batch.target, item * CLASSES, CLASSES)],
      output: COUNT_CLASSES[argmax(output, item * CLASSES, CLASSES)],
      classes: [...COUNT_CLASSES],
      probabilities: softmax(output, item * CLASSES, CLASSES)
    };
  }
};

/**
 * With m = min(9, T) + 1 equally likely counts, answering the most frequent class (any one of
 * them) is right 1/m of the time, and answering the class prior scores cross-entropy ln m.
 */
export function countingBaselines(T: number): Baseline[] {
  const m = countsFor(T);
  return [{ label: 'answer the most frequent count', accuracy: 1 / m, loss: Math.log(m) }];
}
