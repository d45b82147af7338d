import { describe, expect, it } from 'vitest';
import { Random } from '$lib/engine/random';
import { countingBaselines, countingTask, MAX_COUNT } from './counting';

const C = MAX_COUNT + 1;

describe('counting task', () => {
  it('matches a hand-computed example (T = 5, B = 2, seed 8)', () => {
    const T = 5;
    const B = 2;
    const batch = countingTask.batch(8, 0, T, B);
    const random = new Random('counting:8:0');
    for (let b = 0; b < B; b++) {
      // n ~ U{0 … min(9, T)}, then a partial Fisher–Yates shuffle picks the n positions.
      const n = random.int(6);
      const order = [0, 1, 2, 3, 4];
      for (let i = 0; i < n; i++) {
        const j = i + random.int(T - i);
        [order[i], order[j]] = [order[j], order[i]];
      }
      const bits = [0, 0, 0, 0, 0];
      for (const p of order.slice(0, n)) bits[p] = 1;
      expect(Array.from({ length: T }, (_, t) => batch.x[t * B + b])).toEqual(bits);
      expect(Array.from(batch.target.subarray(b * C, (b + 1) * C))).toEqual(
        Array.from({ length: C }, (_, k) => (k === n ? 1 : 0))
      );
    }
  });

  it.each([3, 40, 500])('T = %i: the target is the number of ones, and every count occurs', (T) => {
    const B = 400;
    const batch = countingTask.batch(1, 2, T, B);
    const seen = new Set<number>();
    for (let b = 0; b < B; b++) {
      let ones = 0;
      let bits = 0;
      for (let t = 0; t < T; t++) {
        const bit = batch.x[t * B + b];
        if (bit === 0 || bit === 1) bits++;
        ones += bit;
      }
      expect(bits).toBe(T);
      expect(ones).toBeLessThanOrEqual(Math.min(MAX_COUNT, T));
      expect(batch.target[b * C + ones]).toBe(1);
      expect(batch.target.subarray(b * C, (b + 1) * C).reduce((a, v) => a + v, 0)).toBe(1);
      seen.add(ones);
    }
    expect(seen.size).toBe(Math.min(MAX_COUNT, T) + 1);
  });

  it('is seeded: the same (seed, index) gives the same batch, another index another', () => {
    const a = countingTask.batch(2, 5, 30, 8);
    expect(countingTask.batch(2, 5, 30, 8)).toEqual(a);
    expect(countingTask.batch(2, 6, 30, 8).x).not.toEqual(a.x);
  });

  it('baseline: the most frequent count is right 1/10 of the time (1/(T+1) for short T)', () => {
    expect(countingBaselines(100)[0]).toMatchObject({ accuracy: 0.1, loss: Math.log(10) });
    expect(countingBaselines(3)[0]).toMatchObject({ accuracy: 0.25, loss: Math.log(4) });
    const B = 20000;
    const batch = countingTask.batch(3, 0, 100, B);
    const frequency = new Array(C).fill(0);
    for (let b = 0; b < B; b++) frequency[batch.target.subarray(b * C, (b + 1) * C).indexOf(1)]++;
    const mostFrequent = frequency.indexOf(Math.max(...frequency));
    const output = new Float32Array(B * C);
    for (let b = 0; b < B; b++) output[b * C + mostFrequent] = 1;
    const { accuracy } = countingTask.metrics(batch, output);
    // The empirical best constant is the max of 10 near-equal shares: slightly above 1/10.
    expect(accuracy).toBeGreaterThanOrEqual(0.1 - 0.001);
    expect(accuracy).toBeLessThan(0.1 + 0.01);
  });

  it('metrics and prediction on a hand-made output', () => {
    // Items "0110" (2 ones) and "1111" (4 ones), time-major.
    const x = Float32Array.of(0, 1, 1, 1, 1, 1, 0, 1);
    const target = new Float32Array(2 * C);
    target[2] = 1;
    target[C + 4] = 1;
    const output = new Float32Array(2 * C);
    output[2] = 5; // right
    output[C + 7] = 5; // off by 3
    const batch = { T: 4, B: 2, x, target };
    expect(countingTask.metrics(batch, output)).toEqual({ accuracy: 0.5, meanAbsoluteError: 1.5 });
    expect(countingTask.prediction(batch, output, 1)).toMatchObject({
      kind: 'label',
      sequence: '1111',
      target: '4',
      output: '7'
    });
  });
});
