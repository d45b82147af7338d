import { Random } from '$lib/engine/random';
import type { Batch } from '$lib/engine/trainer';
import { accuracy, argmax, softmax } from './task';
import type { Task } from './task';

/** The two classes: an even or an odd number of ones. */
export const PARITY_CLASSES = ['even', 'odd'] as const;

/**
 * Parity (many-to-one). Input size 1: x_t ∈ {0, 1}, independent fair coin flips. The target, read
 * at the last step, is the parity of the number of ones, Σ_t x_t mod 2, one-hot over
 * [even, odd]; the loss is cross-entropy.
 *
 * Random draws, per item: the T bits in order, from `Random('parity:seed:index')`. Every batch is
 * a set of independent sequences (also with `windows=stream`).
 */
export const parityTask: Task = {
  name: 'parity',
  pattern: 'many-to-one',
  description: 'Read T random bits and say whether the number of ones is even or odd.',
  teaches:
    'A task where every input matters to the end: flipping any one bit flips the answer, so no ' +
    'part of the sequence can be forgotten and no shortcut gets above chance (50%). The network ' +
    'must learn a two-state flip-flop, x_t toggling it; gradient descent finds it for short T but ' +
    'struggles as T grows, because until the whole chain works the gradient carries almost no signal.',
  inputSize: 1,
  outputSize: 2,
  loss: 'xent',
  readouts: ['last'],
  batch(seed: number, index: number, T: number, B: number): Batch {
    const random = new Random(`parity:${seed}:${index}`);
    const x = new Float32Array(T * B);
    const target = new Float32Array(B * 2);
    for (let b = 0; b < B; b++) {
      let ones = 0;
      for (let t = 0; t < T; t++) {
        const bit = random.int(2);
        x[t * B + b] = bit;
        ones += bit;
      }
      target[b * 2 + (ones % 2)] = 1;
    }
    return { T, B, x, target };
  },
  metrics(batch, output) {
    return { accuracy: accuracy(output, batch.target, 2) };
  },
  baselines() {
    return [{ label: 'chance: guess even or odd', accuracy: 0.5, loss: Math.log(2) }];
  },
  prediction(batch, output, item) {
    const { T, B } = batch;
    let sequence = '';
    for (let t = 0; t < T; t++) sequence += batch.x[t * B + item] === 1 ? '1' : '0';
    return {
      kind: 'label',
      sequence,
      target: PARITY_CLASSES[argmax(batch.target, item * 2, 2)],
      output: PARITY_CLASSES[argmax(output, item * 2, 2)],
      classes: [...PARITY_CLASSES],
      probabilities: softmax(output, item * 2, 2)
    };
  }
};
