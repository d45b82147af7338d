import { describe, expect, it } from 'vitest';
import { Random } from '$lib/engine/random';
import { DISTRACTORS, FIRST_SYMBOLS, firstSymbolTask } from './first-symbol';

const I = FIRST_SYMBOLS.length + DISTRACTORS.length;

describe('first-symbol task', () => {
  it('matches a hand-computed example (T = 5, B = 3, seed 2)', () => {
    const T = 5;
    const B = 3;
    const batch = firstSymbolTask.batch(2, 0, T, B);
    const random = new Random('first-symbol:2:0');
    const expectedX = new Float32Array(T * B * I);
    const expectedTarget = new Float32Array(B * 4);
    for (let b = 0; b < B; b++) {
      const symbol = random.int(4);
      expectedX[b * I + symbol] = 1;
      expectedTarget[b * 4 + symbol] = 1;
      for (let t = 1; t < T; t++) expectedX[(t * B + b) * I + 4 + random.int(4)] = 1;
    }
    expect(batch).toEqual({ T, B, x: expectedX, target: expectedTarget });
  });

  it('step 0 is a symbol A–D, every later step a distractor w–z, the target the first symbol', () => {
    const T = 30;
    const B = 200;
    const batch = firstSymbolTask.batch(1, 4, T, B);
    const seen = new Set<string>();
    for (let b = 0; b < B; b++) {
      const view = firstSymbolTask.prediction(batch, new Float32Array(B * 4), b);
      if (view.kind !== 'label') throw new Error('label view expected');
      const { sequence, target } = view;
      expect(sequence).toMatch(/^[ABCD][wxyz]{29}$/);
      expect(target).toBe(sequence[0]);
      seen.add(sequence[0]);
      for (let t = 0; t < T; t++) {
        const row = batch.x.subarray((t * B + b) * I, (t * B + b + 1) * I);
        expect(row.reduce((a, v) => a + v, 0)).toBe(1);
      }
    }
    expect(seen.size).toBe(4);
  });

  it('is seeded: the same (seed, index) gives the same batch, another index another', () => {
    const a = firstSymbolTask.batch(3, 1, 10, 8);
    expect(firstSymbolTask.batch(3, 1, 10, 8)).toEqual(a);
    expect(firstSymbolTask.batch(3, 2, 10, 8).x).not.toEqual(a.x);
  });

  it('chance is 1/4: a constant guess is right a quarter of the time on a big batch', () => {
    const [chance] = firstSymbolTask.baselines(50);
    expect(chance.accuracy).toBe(0.25);
    expect(chance.loss).toBeCloseTo(Math.log(4), 12);
    const B = 8000;
    const batch = firstSymbolTask.batch(9, 0, 3, B);
    const alwaysC = new Float32Array(B * 4);
    for (let b = 0; b < B; b++) alwaysC[b * 4 + 2] = 1;
    expect(Math.abs(firstSymbolTask.metrics(batch, alwaysC).accuracy - 0.25)).toBeLessThan(0.015);
  });

  it('metrics and prediction on a hand-made output', () => {
    // Two items, T = 2: "Bx" and "Dz".
    const x = new Float32Array(2 * 2 * I);
    x[0 * I + 1] = 1; // t=0, b=0: B
    x[1 * I + 3] = 1; // t=0, b=1: D
    x[2 * I + 5] = 1; // t=1, b=0: x
    x[3 * I + 7] = 1; // t=1, b=1: z
    const target = Float32Array.of(0, 1, 0, 0, 0, 0, 0, 1);
    const batch = { T: 2, B: 2, x, target };
    const output = Float32Array.of(0, 2, 0, 0, 3, 0, 0, 1);
    expect(firstSymbolTask.metrics(batch, output)).toEqual({ accuracy: 0.5 });
    const view = firstSymbolTask.prediction(batch, output, 1);
    expect(view).toMatchObject({
      kind: 'label',
      sequence: 'Dz',
      target: 'D',
      output: 'A',
      classes: ['A', 'B', 'C', 'D']
    });
    if (view.kind !== 'label') throw new Error('label view expected');
    const e = Math.E ** 3 + 1 + 1 + Math.E;
    expect(view.probabilities[0]).toBeCloseTo(Math.E ** 3 / e, 6);
    expect(view.probabilities[3]).toBeCloseTo(Math.E / e, 6);
  });
});
