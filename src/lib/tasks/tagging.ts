import { Random } from '$lib/engine/random';
import type { Batch } from '$lib/engine/trainer';
import { accuracy, argmax } from './task';
import type { Baseline, Task } from './task';

/** The symbols, in their order: A < B < C < D. Inputs and tags use the same alphabet. */
export const TAG_SYMBOLS = ['A', 'B', 'C', 'D'] as const;
/** How far ahead the tag looks: the tag of step t depends on the symbol at t + TAG_DELAY. */
export const TAG_DELAY = 3;

const K = TAG_SYMBOLS.length;

/** The delay actually used for length T: TAG_DELAY, or T − 1 if the sequence is shorter. */
export function tagDelay(T: number): number {
  return Math.max(0, Math.min(TAG_DELAY, T - 1));
}

/**
 * Tagging that needs the future (many-to-many, aligned). Input size K = 4, one-hot: x_t is one of
 * the symbols A < B < C < D (index 0…3), uniform and independent. With the delay d = 3 (or T − 1
 * when T ≤ 3), the tag of step t is the larger of its own symbol and the symbol d steps later:
 *   y*_t = max(x_t, x_{t+d}),   t = 0 … T − d − 1,
 * one-hot over the K symbols, with cross-entropy loss at every step. The last d steps have no
 * symbol d steps later: their mask is 0, so they are neither trained nor scored.
 *
 * The ceiling of a forward-only (causal) model, in closed form: at step t it has seen x_0 … x_t,
 * and x_{t+d} is independent of all of them. Given x_t = a (a = 0 … K−1), the tag is a with
 * probability P(x_{t+d} ≤ a) = (a + 1)/K and each larger b with probability 1/K; smaller tags are
 * impossible. So the best causal answer is a itself, right with probability (a + 1)/K, and averaged
 * over a the accuracy can be at most
 *   Σ_a (1/K)(a + 1)/K = (K + 1)/(2K)   (= 5/8 = 0.625 for K = 4),
 * and its cross-entropy at least the mean entropy of that conditional distribution,
 * (1/K) Σ_a [ −((a+1)/K) ln((a+1)/K) + ((K−1−a)/K) ln K ]   (≈ 0.747 for K = 4).
 * A bidirectional network also reads the sequence backwards, sees x_{t+d}, and can reach 100%.
 *
 * Random draws: the T symbols of each item in order, from `Random('tagging:seed:index')`. Every
 * batch is a set of independent sequences (also with `windows=stream`).
 */
export const taggingTask: Task = {
  name: 'tagging',
  pattern: 'many-to-many (aligned)',
  description: `Tag each symbol with the larger of itself and the symbol ${TAG_DELAY} steps later (A < B < C < D).`,
  teaches:
    'Some outputs need the future. A forward-only RNN at step t has not yet seen the symbol that ' +
    'decides its tag: its best is to answer its own symbol, right 62.5% of the time (the dashed ' +
    'ceiling), however long it trains. A bidirectional RNN runs a second RNN backwards in time, so ' +
    'every step also sees what comes after it, and gets close to 100%.',
  inputSize: K,
  outputSize: K,
  loss: 'xent',
  readouts: ['step'],
  batch(seed: number, index: number, T: number, B: number): Batch {
    const random = new Random(`tagging:${seed}:${index}`);
    const d = tagDelay(T);
    const x = new Float32Array(T * B * K);
    const target = new Float32Array(T * B * K);
    const mask = new Float32Array(T * B);
    const symbols = new Int32Array(T);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        symbols[t] = random.int(K);
        x[(t * B + b) * K + symbols[t]] = 1;
      }
      for (let t = 0; t + d < T; t++) {
        target[(t * B + b) * K + Math.max(symbols[t], symbols[t + d])] = 1;
        mask[t * B + b] = 1;
      }
    }
    return { T, B, x, target, mask };
  },
  metrics(batch, output) {
    return { accuracy: accuracy(output, batch.target, K, batch.mask) };
  },
  baselines(T) {
    return taggingBaselines(T);
  },
  prediction(batch, output, item) {
    const { T, B } = batch;
    const row = (values: ArrayLike<number>, t: number) =>
      TAG_SYMBOLS[argmax(values, (t * B + item) * K, K)];
    const steps = Array.from({ length: T }, (_, t) => t);
    return {
      kind: 'tokens',
      input: steps.map((t) => row(batch.x, t)),
      target: steps.map((t) =>
        batch.mask && batch.mask[t * B + item] === 0 ? '·' : row(batch.target, t)
      ),
      output: steps.map((t) => row(output, t))
    };
  }
};

/**
 * Reference numbers on the scored steps: always answering the most frequent tag (D, with
 * P(max = D) = (2K − 1)/K²; the prior's entropy as its loss), and the forward-only ceiling. When
 * d = 0 (T = 1) the tag is the step's own symbol and a causal model can be perfect.
 */
export function taggingBaselines(T: number): Baseline[] {
  const prior = Array.from({ length: K }, (_, a) => (2 * a + 1) / K ** 2);
  const priorEntropy = -prior.reduce((sum, p) => sum + p * Math.log(p), 0);
  if (tagDelay(T) === 0)
    return [
      { label: 'always answer D', accuracy: 1 / K, loss: Math.log(K) },
      { label: 'forward-only ceiling', accuracy: 1, loss: 0 }
    ];
  let entropy = 0;
  for (let a = 0; a < K; a++) {
    const own = (a + 1) / K;
    entropy += -own * Math.log(own) + ((K - 1 - a) / K) * Math.log(K);
  }
  return [
    { label: 'always answer D', accuracy: prior[K - 1], loss: priorEntropy },
    { label: 'forward-only ceiling', accuracy: (K + 1) / (2 * K), loss: entropy / K }
  ];
}
