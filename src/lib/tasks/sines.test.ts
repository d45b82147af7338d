import { describe, expect, it } from 'vitest';
import { Random } from '$lib/engine/random';
import { sinesBaselines, sinesTask, streamComponents, SINES_NOISE } from './sines';

describe('sines task', () => {
  it('matches a hand-computed example (T = 4, B = 2, seed 3, window 2)', () => {
    const T = 4;
    const B = 2;
    const batch = sinesTask.batch(3, 2, T, B);
    const noise = new Random('sines:3:2');
    for (let b = 0; b < B; b++) {
      const stream = new Random(`sines:3:stream:${b}`);
      const count = [2, 3][stream.int(2)];
      const components = Array.from({ length: count }, () => ({
        a: stream.between(0.2, 0.6),
        w: stream.between(0.1, 0.8),
        phi: stream.between(0, 2 * Math.PI)
      }));
      const s = (time: number) =>
        components.reduce((sum, c) => sum + c.a * Math.sin(c.w * time + c.phi), 0);
      for (let t = 0; t < T; t++) {
        const time = 2 * T + t;
        expect(batch.x[t * B + b]).toBeCloseTo(s(time) + 0.05 * noise.normal(), 6);
        expect(batch.target[t * B + b]).toBeCloseTo(s(time + 1), 6);
      }
    }
  });

  it('each stream sums 2 or 3 sines with amplitudes, frequencies and phases in range', () => {
    const counts = new Set<number>();
    for (let b = 0; b < 200; b++) {
      const components = streamComponents(1, b);
      counts.add(components.length);
      for (const c of components) {
        expect(c.amplitude).toBeGreaterThanOrEqual(0.2);
        expect(c.amplitude).toBeLessThan(0.6);
        expect(c.frequency).toBeGreaterThanOrEqual(0.1);
        expect(c.frequency).toBeLessThan(0.8);
      }
    }
    expect([...counts].sort()).toEqual([2, 3]);
  });

  it('windows=stream: window i of stream b continues where window i − 1 ended', () => {
    const T = 10;
    const B = 3;
    const previous = sinesTask.batch(5, 6, T, B);
    const next = sinesTask.batch(5, 7, T, B);
    // One long window over the same times gives the same clean signal.
    const long = sinesTask.batch(5, 3, 2 * T, B);
    for (let b = 0; b < B; b++) {
      const components = streamComponents(5, b);
      const clean = (time: number) =>
        components.reduce(
          (sum, c) => sum + c.amplitude * Math.sin(c.frequency * time + c.phase),
          0
        );
      // The last target of window 6 is the clean value at time 7T, the first input of window 7.
      expect(previous.target[(T - 1) * B + b]).toBeCloseTo(clean(7 * T), 6);
      expect(Math.abs(next.x[b] - clean(7 * T))).toBeLessThan(5 * SINES_NOISE);
      for (let t = 0; t < T; t++) {
        expect(long.target[t * B + b]).toBeCloseTo(previous.target[t * B + b], 6);
        expect(long.target[(T + t) * B + b]).toBeCloseTo(next.target[t * B + b], 6);
      }
    }
  });

  it('is seeded: the same (seed, index) gives the same batch, another index another', () => {
    const a = sinesTask.batch(2, 0, 16, 4);
    expect(sinesTask.batch(2, 0, 16, 4)).toEqual(a);
    expect(sinesTask.batch(2, 1, 16, 4).x).not.toEqual(a.x);
    expect(sinesTask.batch(3, 0, 16, 4).x).not.toEqual(a.x);
  });

  it('"repeat the last value" and "always 0" match their closed forms on a big sample', () => {
    const { repeatLast, answerZero } = sinesBaselines();
    // E[J] = 2.5, E[a²] = (0.6³ − 0.2³)/(3·0.4) = 0.17333…, E[cos ω] = (sin 0.8 − sin 0.1)/0.7.
    const meanSquare = (0.216 - 0.008) / 1.2;
    expect(repeatLast).toBeCloseTo(
      2.5 * meanSquare * (1 - (Math.sin(0.8) - Math.sin(0.1)) / 0.7) + 0.0025,
      12
    );
    expect(answerZero).toBeCloseTo(1.25 * meanSquare, 12);
    expect(sinesTask.baselines(50).map((b) => b.loss)).toEqual([repeatLast, answerZero]);
    // 4000 streams (fixed seed 12), 200 steps each, far into the stream.
    const T = 200;
    const B = 4000;
    const batch = sinesTask.batch(12, 9, T, B);
    const zero = new Float32Array(T * B);
    expect(Math.abs(sinesTask.metrics(batch, batch.x).mse - repeatLast) / repeatLast).toBeLessThan(
      0.03
    );
    expect(Math.abs(sinesTask.metrics(batch, zero).mse - answerZero) / answerZero).toBeLessThan(
      0.03
    );
  });

  it('metrics and prediction on a hand-made output', () => {
    const batch = {
      T: 2,
      B: 2,
      x: Float32Array.of(0.1, 0.2, 0.3, 0.4),
      target: Float32Array.of(0.3, 0.5, 0.6, 0.7)
    };
    const output = Float32Array.of(0.3, 0.4, 0.4, 0.7);
    expect(sinesTask.metrics(batch, output).mse).toBeCloseTo((0.01 + 0.04) / 4, 6);
    const view = sinesTask.prediction(batch, output, 1);
    expect(view.kind).toBe('series');
    if (view.kind !== 'series') return;
    expect(view.input.map((v) => +v.toFixed(4))).toEqual([0.2, 0.4]);
    expect(view.target.map((v) => +v.toFixed(4))).toEqual([0.5, 0.7]);
    expect(view.output.map((v) => +v.toFixed(4))).toEqual([0.4, 0.7]);
  });
});
