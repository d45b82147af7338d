import { Random } from '$lib/engine/random';
import type { Batch } from '$lib/engine/trainer';
import { accuracy, argmax, softmax } from './task';
import type { Task } from './task';

/** The symbols to remember: the classes. */
export const FIRST_SYMBOLS = ['A', 'B', 'C', 'D'] as const;
/** The distractor alphabet, disjoint from the symbols to remember. */
export const DISTRACTORS = ['w', 'x', 'y', 'z'] as const;

const K = FIRST_SYMBOLS.length;
const D = DISTRACTORS.length;

/**
 * Remember the first symbol (many-to-one). Input size K + D = 8, one-hot: step 0 carries one of
 * the K = 4 symbols A–D (index 0…3), steps 1 … T−1 each carry one of D = 4 distractors w–z
 * (index 4…7), all uniform and independent. The target, read at the last step, is the first
 * symbol, one-hot over K classes; the loss is cross-entropy.
 *
 * The distractors come from their own alphabet, so the symbol to keep is never confused with the
 * noise after it: the difficulty is only the distance T − 1 over which it must be held.
 *
 * Random draws, per item in order: the symbol, then the T − 1 distractors, from
 * `Random('first-symbol:seed:index')`. Every batch is a set of independent sequences (also with
 * `windows=stream`: a carried state only brings the previous sequence's symbol along).
 */
export const firstSymbolTask: Task = {
  name: 'first-symbol',
  pattern: 'many-to-one',
  description: `See a symbol (${FIRST_SYMBOLS.join(', ')}), then T − 1 distractors (${DISTRACTORS.join(', ')}); at the end, name the first symbol.`,
  teaches:
    'Memory over a controllable distance: nothing after the first step helps, so the network must ' +
    'hold one symbol for T − 1 steps. Plot accuracy against T: a vanilla RNN falls to chance (1/4) ' +
    'as T grows, because the gradient from the answer vanishes before it reaches step 0; an LSTM or ' +
    'GRU keeps it much longer.',
  inputSize: K + D,
  outputSize: K,
  loss: 'xent',
  readouts: ['last'],
  batch(seed: number, index: number, T: number, B: number): Batch {
    const random = new Random(`first-symbol:${seed}:${index}`);
    const I = K + D;
    const x = new Float32Array(T * B * I);
    const target = new Float32Array(B * K);
    for (let b = 0; b < B; b++) {
      const symbol = random.int(K);
      x[b * I + symbol] = 1;
      target[b * K + symbol] = 1;
      for (let t = 1; t < T; t++) x[(t * B + b) * I + K + random.int(D)] = 1;
    }
    return { T, B, x, target };
  },
  metrics(batch, output) {
    return { accuracy: accuracy(output, batch.target, K) };
  },
  baselines() {
    return [{ label: 'chance: guess a symbol', accuracy: 1 / K, loss: Math.log(K) }];
  },
  prediction(batch, output, item) {
    const { T, B } = batch;
    const I = K + D;
    const alphabet = [...FIRST_SYMBOLS, ...DISTRACTORS];
    let sequence = '';
    for (let t = 0; t < T; t++) sequence += alphabet[argmax(batch.x, (t * B + item) * I, I)];
    return {
      kind: 'label',
      sequence,
      target: FIRST_SYMBOLS[argmax(batch.target, item * K, K)],
      output: FIRST_SYMBOLS[argmax(output, item * K, K)],
      classes: [...FIRST_SYMBOLS],
      probabilities: softmax(output, item * K, K)
    };
  }
};
