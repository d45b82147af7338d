import { Random } from '$lib/engine/random';
import type { Task } from './task';
import { tokenBatch, tokenMetrics, tokenPrediction } from './tokens';

/** Source vocabulary: digits 0–9, '+', PAD. Target vocabulary: digits 0–9, EOS. */
const PLUS = 10;
const SOURCE_SIZE = 12;
const TARGET_SIZE = 11;
/** Operands have at most this many digits (so sums stay exact integers). */
export const MAX_DIGITS = 9;

const digits = (n: number) => String(n).split('').map(Number);

/**
 * Digit addition (many-to-many, unaligned; encoder–decoder): "12+345" → "357". With D =
 * min(T, 9), each operand has a number of digits drawn from 1 … D, then uniform digits (a leading
 * digit is never 0, unless the number is 0 itself); the target is the decimal sum, most
 * significant digit first, then EOS. Source length ≤ 2D + 1, target ≤ D + 1 digits.
 */
export const additionTask: Task = {
  name: 'addition',
  pattern: 'many-to-many (unaligned)',
  description: 'Read "a+b" in digits, then write the sum.',
  teaches:
    'Encoder–decoder on arithmetic: the carry must be computed from the end of the numbers while the answer is written from the front, so the context vector has to hold the whole problem.',
  inputSize: 1 + TARGET_SIZE,
  outputSize: TARGET_SIZE,
  loss: 'xent',
  readouts: ['step'],
  sequence: { sourceSize: SOURCE_SIZE, feedback: 'token' },
  batch(seed, index, T, B) {
    const D = Math.min(T, MAX_DIGITS);
    const random = new Random(`addition:${seed}:${index}`);
    const number = () => {
      const length = 1 + random.int(D);
      let n = length === 1 ? random.int(10) : 1 + random.int(9);
      for (let i = 1; i < length; i++) n = n * 10 + random.int(10);
      return n;
    };
    const pairs = Array.from({ length: B }, () => {
      const a = number();
      const b = number();
      return { source: [...digits(a), PLUS, ...digits(b)], target: digits(a + b) };
    });
    return tokenBatch(pairs, 2 * D + 1, D + 2, SOURCE_SIZE, TARGET_SIZE);
  },
  metrics(batch, output) {
    return tokenMetrics(batch, output, TARGET_SIZE);
  },
  baselines() {
    return [{ label: 'guess a digit', accuracy: 0.1 }];
  },
  prediction(batch, output, item) {
    return tokenPrediction(
      batch,
      output,
      item,
      SOURCE_SIZE,
      TARGET_SIZE,
      (k) => (k === PLUS ? '+' : String(k)),
      String
    );
  }
};
