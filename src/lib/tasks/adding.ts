import { Random } from '$lib/engine/random';
import type { Batch } from '$lib/engine/trainer';
import { meanSquaredError } from './task';
import type { Baseline, Task } from './task';

/** An answer counts as right when it is within this distance of the sum (the usual "solved"). */
export const ADDING_TOLERANCE = 0.04;

/**
 * Positions of the two markers of one sequence of length T (T ≥ 2): the first uniform on the first
 * half {0, …, ⌊T/2⌋ − 1}, the second uniform on the second half {⌊T/2⌋, …, T − 1}.
 * For T = 1 there is only one step; it carries the only marker.
 */
export function markerPositions(random: Random, T: number): number[] {
  if (T < 2) return [0];
  const half = Math.floor(T / 2);
  return [random.int(half), half + random.int(T - half)];
}

/**
 * The adding problem (many-to-one), in the formulation of Hochreiter & Schmidhuber (1997) as
 * popularised by Le, Jaitly & Hinton (2015) and Arjovsky et al. (2016). Input size 2: at step t,
 *   x_t = [u_t, m_t],  u_t ~ U[0, 1) independently,  m_t ∈ {0, 1},
 * with exactly two markers m_t = 1, at p₁ and p₂ drawn by {@link markerPositions} (one in each
 * half). The target, read at the end, is y* = u_{p₁} + u_{p₂}, a number in [0, 2).
 *
 * Data layout per item b: u first (`x[(t·B + b)·2]`), then the marker. The random draws, per item
 * in order: the T values, then p₁, then p₂, from `Random('adding:seed:index')`.
 *
 * Every batch is a fresh set of independent sequences; with `windows=stream` a carried state would
 * only carry the previous sequence's (irrelevant) numbers.
 */
export const addingTask: Task = {
  name: 'adding',
  pattern: 'many-to-one',
  description:
    'Read T random numbers, two of them marked, and output the sum of the two marked numbers at the end.',
  teaches:
    'Long-range memory: the first marked number must be held for up to T steps. Always answering 1 ' +
    'scores an MSE of 1/6 ≈ 0.167; a vanilla tanh RNN trained with BPTT usually stays there (or at ' +
    '1/12 ≈ 0.083, remembering only the recent, second number) because the gradient from the end ' +
    'vanishes on its way back to the first marker, while an LSTM carries it in its cell state and ' +
    'solves the task.',
  inputSize: 2,
  outputSize: 1,
  loss: 'mse',
  readouts: ['last', 'mean'],
  batch(seed: number, index: number, T: number, B: number): Batch {
    const random = new Random(`adding:${seed}:${index}`);
    const x = new Float32Array(T * B * 2);
    const target = new Float32Array(B);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) x[(t * B + b) * 2] = random.uniform();
      let sum = 0;
      for (const p of markerPositions(random, T)) {
        x[(p * B + b) * 2 + 1] = 1;
        sum += x[(p * B + b) * 2];
      }
      target[b] = sum;
    }
    return { T, B, x, target };
  },
  metrics(batch, output) {
    let right = 0;
    for (let b = 0; b < batch.B; b++)
      if (Math.abs(output[b] - batch.target[b]) < ADDING_TOLERANCE) right++;
    return { mse: meanSquaredError(output, batch.target), accuracy: right / batch.B };
  },
  baselines(T) {
    return addingBaselines(T);
  },
  prediction(batch, output, item) {
    const { T, B } = batch;
    const parts: string[] = [];
    for (let t = 0; t < T; t++) {
      const value = batch.x[(t * B + item) * 2].toFixed(2);
      parts.push(batch.x[(t * B + item) * 2 + 1] === 1 ? `[${value}]` : value);
    }
    return {
      kind: 'label',
      sequence: parts.join(' '),
      target: batch.target[item].toFixed(3),
      output: output[item].toFixed(3),
      classes: [],
      probabilities: []
    };
  }
};

/**
 * Closed-form reference MSEs. With u ~ U[0, 1): E[u] = 1/2, Var(u) = 1/12.
 * - Always answering E[y*] = 1: MSE = Var(u₁ + u₂) = 2/12 = 1/6.
 * - Remembering only the second (more recent) marked number, answering u₂ + 1/2: MSE = Var(u₁) = 1/12.
 * For T = 1 (a single marked number): answering 1/2 scores 1/12.
 */
export function addingBaselines(T: number): Baseline[] {
  if (T < 2) return [{ label: 'always answer 0.5', loss: 1 / 12, accuracy: 2 * ADDING_TOLERANCE }];
  return [
    // P(|u₁ + u₂ − 1| < δ) = 2δ − δ² (the triangular density of the sum near its peak 1).
    {
      label: 'always answer 1',
      loss: 1 / 6,
      accuracy: 2 * ADDING_TOLERANCE - ADDING_TOLERANCE ** 2
    },
    // P(|u₁ − 1/2| < δ) = 2δ.
    { label: 'remember only the second number', loss: 1 / 12, accuracy: 2 * ADDING_TOLERANCE }
  ];
}
