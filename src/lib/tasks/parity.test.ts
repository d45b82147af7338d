import { describe, expect, it } from 'vitest';
import { Random } from '$lib/engine/random';
import { parityTask } from './parity';

describe('parity task', () => {
  it('matches a hand-computed example (T = 6, B = 2, seed 4)', () => {
    const batch = parityTask.batch(4, 0, 6, 2);
    const random = new Random('parity:4:0');
    for (let b = 0; b < 2; b++) {
      const bits = Array.from({ length: 6 }, () => random.int(2));
      expect(Array.from({ length: 6 }, (_, t) => batch.x[t * 2 + b])).toEqual(bits);
      const odd = bits.filter((bit) => bit === 1).length % 2;
      expect([batch.target[b * 2], batch.target[b * 2 + 1]]).toEqual(odd ? [0, 1] : [1, 0]);
    }
  });

  it('the target is the parity of the ones, for every item of a batch', () => {
    const T = 13;
    const B = 300;
    const batch = parityTask.batch(2, 1, T, B);
    let odd = 0;
    for (let b = 0; b < B; b++) {
      const view = parityTask.prediction(batch, new Float32Array(B * 2), b);
      if (view.kind !== 'label') throw new Error('label view expected');
      const { sequence, target } = view;
      expect(sequence).toMatch(/^[01]{13}$/);
      const ones = sequence.split('').filter((c) => c === '1').length;
      expect(target).toBe(ones % 2 ? 'odd' : 'even');
      odd += ones % 2;
    }
    // Both classes occur about equally often.
    expect(odd).toBeGreaterThan(100);
    expect(odd).toBeLessThan(200);
  });

  it('is seeded: the same (seed, index) gives the same batch, another index another', () => {
    const a = parityTask.batch(1, 0, 20, 8);
    expect(parityTask.batch(1, 0, 20, 8)).toEqual(a);
    expect(parityTask.batch(1, 1, 20, 8).x).not.toEqual(a.x);
  });

  it('chance is 0.5: always answering "even" is right half the time on a big batch', () => {
    expect(parityTask.baselines(20)).toEqual([
      { label: 'chance: guess even or odd', accuracy: 0.5, loss: Math.log(2) }
    ]);
    const B = 10000;
    const batch = parityTask.batch(5, 0, 20, B);
    const even = new Float32Array(B * 2);
    for (let b = 0; b < B; b++) even[b * 2] = 1;
    expect(Math.abs(parityTask.metrics(batch, even).accuracy - 0.5)).toBeLessThan(0.015);
  });

  it('metrics and prediction on a hand-made output', () => {
    // Items "101" (even) and "111" (odd), time-major.
    const batch = {
      T: 3,
      B: 2,
      x: Float32Array.of(1, 1, 0, 1, 1, 1),
      target: Float32Array.of(1, 0, 0, 1)
    };
    const output = Float32Array.of(2, -1, 0.5, 0);
    expect(parityTask.metrics(batch, output)).toEqual({ accuracy: 0.5 });
    const view = parityTask.prediction(batch, output, 1);
    expect(view).toMatchObject({ sequence: '111', target: 'odd', output: 'even' });
    if (view.kind !== 'label') throw new Error('label view expected');
    expect(view.probabilities[0]).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 6);
  });
});
