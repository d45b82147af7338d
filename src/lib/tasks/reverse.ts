import { Random } from '$lib/engine/random';
import type { Task } from './task';
import { tokenBatch, tokenMetrics, tokenPrediction } from './tokens';

/** Source vocabulary: the digits 0–9, then PAD. Target vocabulary: the digits, then EOS. */
const SOURCE_SIZE = 11;
const TARGET_SIZE = 11;

/**
 * Sequence reversal (many-to-many, unaligned; encoder–decoder). Each sequence b draws a length
 * L ~ U{1, …, T} and L digits uniformly; the decoder must write them in reverse order, then EOS:
 * "3 1 4" → "4 1 3 ⟨eos⟩". The encoder reads the (left-padded) digits; only its final state, the
 * context vector, reaches the decoder. T_out = T + 1.
 */
export const reverseTask: Task = {
  name: 'reverse',
  pattern: 'many-to-many (unaligned)',
  description: 'Read a string of digits, then write it backwards.',
  teaches:
    'Encoder–decoder: the whole input must pass through one context vector; teacher forcing trains the decoder, and free-running decoding shows what it does on its own (exposure bias).',
  inputSize: 1 + TARGET_SIZE,
  outputSize: TARGET_SIZE,
  loss: 'xent',
  readouts: ['step'],
  sequence: { sourceSize: SOURCE_SIZE, feedback: 'token' },
  batch(seed, index, T, B) {
    const random = new Random(`reverse:${seed}:${index}`);
    const pairs = Array.from({ length: B }, () => {
      const length = 1 + random.int(T);
      const source = Array.from({ length }, () => random.int(10));
      return { source, target: [...source].reverse() };
    });
    return tokenBatch(pairs, T, T + 1, SOURCE_SIZE, TARGET_SIZE);
  },
  metrics(batch, output) {
    return tokenMetrics(batch, output, TARGET_SIZE);
  },
  baselines() {
    return [{ label: 'guess a digit', accuracy: 0.1 }];
  },
  prediction(batch, output, item) {
    return tokenPrediction(batch, output, item, SOURCE_SIZE, TARGET_SIZE, String, String);
  }
};
