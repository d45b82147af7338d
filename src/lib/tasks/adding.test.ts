import { beforeAll, describe, expect, it } from 'vitest';
import { decodeHash } from '$lib/config';
import { useNodeBackend } from '$lib/engine/node-backend';
import { Random } from '$lib/engine/random';
import { Trainer } from '$lib/engine/trainer';
import { addingBaselines, addingTask, markerPositions } from './adding';
import { trainingSpec } from './index';

/** Item b's values u_t and markers m_t. */
function item(x: Float32Array, T: number, B: number, b: number) {
  const values = Array.from({ length: T }, (_, t) => x[(t * B + b) * 2]);
  const markers = Array.from({ length: T }, (_, t) => x[(t * B + b) * 2 + 1]);
  return { values, markers };
}

describe('adding task: generator', () => {
  it('matches a hand-computed example (T = 4, B = 2, seed 7)', () => {
    const batch = addingTask.batch(7, 0, 4, 2);
    // The same draws, made by hand in the documented order: per item the T values, then p₁, p₂.
    const random = new Random('adding:7:0');
    expect(batch.T).toBe(4);
    expect(batch.B).toBe(2);
    for (let b = 0; b < 2; b++) {
      const values = [0, 1, 2, 3].map(() => Math.fround(random.uniform()));
      const p1 = random.int(2);
      const p2 = 2 + random.int(2);
      const { values: got, markers } = item(batch.x, 4, 2, b);
      expect(got).toEqual(values);
      expect(markers).toEqual([0, 1, 2, 3].map((t) => (t === p1 || t === p2 ? 1 : 0)));
      expect(batch.target[b]).toBeCloseTo(values[p1] + values[p2], 6);
    }
    expect(batch.target.length).toBe(2);
  });

  it.each([2, 3, 7, 50, 51])(
    'T = %i: exactly two markers, one in each half, and the target is their sum',
    (T) => {
      const B = 64;
      const batch = addingTask.batch(1, 3, T, B);
      const half = Math.floor(T / 2);
      for (let b = 0; b < B; b++) {
        const { values, markers } = item(batch.x, T, B, b);
        const marked = markers.flatMap((m, t) => (m === 1 ? [t] : []));
        expect(markers.every((m) => m === 0 || m === 1)).toBe(true);
        expect(marked).toHaveLength(2);
        expect(marked[0]).toBeLessThan(half);
        expect(marked[1]).toBeGreaterThanOrEqual(half);
        expect(values.every((u) => u >= 0 && u < 1)).toBe(true);
        expect(batch.target[b]).toBeCloseTo(values[marked[0]] + values[marked[1]], 6);
      }
    }
  );

  it('T = 1: the only step is marked and the target is its value', () => {
    const batch = addingTask.batch(1, 0, 1, 5);
    for (let b = 0; b < 5; b++) {
      expect(batch.x[b * 2 + 1]).toBe(1);
      expect(batch.target[b]).toBe(batch.x[b * 2]);
    }
  });

  it('marker positions cover both halves uniformly (T = 6: 0–2 and 3–5)', () => {
    const random = new Random(3);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 6000; i++) for (const p of markerPositions(random, 6)) counts[p]++;
    for (const c of counts) expect(c).toBeGreaterThan(1800);
  });

  it('is seeded: the same (seed, index) gives the same batch, another index or seed another', () => {
    const a = addingTask.batch(5, 2, 20, 8);
    expect(addingTask.batch(5, 2, 20, 8)).toEqual(a);
    expect(addingTask.batch(5, 3, 20, 8).x).not.toEqual(a.x);
    expect(addingTask.batch(6, 2, 20, 8).x).not.toEqual(a.x);
  });
});

describe('adding task: baselines, metrics, prediction', () => {
  it('always answering 1 scores Var(u₁ + u₂) = 1/6 on a big batch; remembering u₂ only, 1/12', () => {
    const [one, second] = addingBaselines(50);
    expect(one.loss).toBe(1 / 6);
    expect(second.loss).toBe(1 / 12);
    const B = 20000;
    const batch = addingTask.batch(11, 0, 50, B);
    const always1 = new Float32Array(B).fill(1);
    const metrics = addingTask.metrics(batch, always1);
    // Standard error of the MSE estimate: sqrt(Var((s − 1)²)/B) ≈ 0.0013.
    expect(metrics.mse).toBeCloseTo(1 / 6, 2);
    expect(Math.abs(metrics.mse - 1 / 6)).toBeLessThan(0.005);
    expect(Math.abs(metrics.accuracy - one.accuracy!)).toBeLessThan(0.01);
    // Knowing the second marked value exactly: answer u₂ + 1/2.
    const knowsSecond = new Float32Array(B);
    for (let b = 0; b < B; b++) {
      const { values, markers } = item(batch.x, 50, B, b);
      knowsSecond[b] = values[markers.lastIndexOf(1)] + 0.5;
    }
    const m2 = addingTask.metrics(batch, knowsSecond);
    expect(Math.abs(m2.mse - 1 / 12)).toBeLessThan(0.003);
    expect(Math.abs(m2.accuracy - second.accuracy!)).toBeLessThan(0.01);
  });

  it('metrics on a hand-made output: MSE, and accuracy within 0.04', () => {
    const batch = { T: 1, B: 4, x: new Float32Array(8), target: Float32Array.of(1, 0.5, 1.5, 0.2) };
    const output = Float32Array.of(1.03, 0.45, 1.4, 0.2);
    const { mse, accuracy } = addingTask.metrics(batch, output);
    expect(mse).toBeCloseTo((0.03 ** 2 + 0.05 ** 2 + 0.1 ** 2 + 0) / 4, 6);
    expect(accuracy).toBe(0.5);
  });

  it('the prediction view writes the values with the marked ones in brackets', () => {
    const x = Float32Array.of(0.25, 1, 0.5, 0, 0.75, 1);
    const batch = { T: 3, B: 1, x, target: Float32Array.of(1) };
    expect(addingTask.prediction(batch, Float32Array.of(0.9), 0)).toEqual({
      kind: 'label',
      sequence: '[0.25] 0.50 [0.75]',
      target: '1.000',
      output: '0.900',
      classes: [],
      probabilities: []
    });
  });
});

/**
 * The classic result (Hochreiter & Schmidhuber 1997), with the same budget for both cells: the
 * hashes differ only in the cell. Reproduce either from the command line with
 *   npm run experiment -- '<hash>' --steps ADDING_STEPS
 * (the hash names the wasm backend: on this size it runs about 4× faster than cpu in Node, and
 * a backend gives the same numbers every time).
 */
const ADDING_LSTM =
  'cell=lstm&hidden=16&readout=last&task=adding&T=50&batch=32&lr=0.02&clip=norm&clipAt=1&seed=1&backend=wasm';
const ADDING_RNN =
  'cell=rnn&hidden=16&readout=last&task=adding&T=50&batch=32&lr=0.02&clip=norm&clipAt=1&seed=1&backend=wasm';
const ADDING_STEPS = 600;

/** Trains a hash's config for `steps` steps on the task's seeded batches 0 … steps − 1, as the CLI does. */
async function trainFromHash(hash: string, steps: number) {
  const { config, notices } = decodeHash(hash);
  expect(notices).toEqual([]);
  const { task, spec, notices: taskNotices } = trainingSpec(config);
  expect(taskNotices).toEqual([]);
  const trainer = Trainer.create(spec);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const report = await trainer.train(
      task.batch(config.seed, i, config.seqLength, config.batchSize)
    );
    expect(report.nonFinite).toBeNull();
    losses.push(report.loss);
  }
  // A held-out batch: 512 sequences from a batch index training never reaches.
  const heldOut = task.batch(config.seed, 1_000_000, config.seqLength, 512);
  const { output } = await trainer.measure(heldOut);
  const metrics = task.metrics(heldOut, output);
  trainer.dispose();
  return { metrics, losses };
}

describe('adding task: an LSTM solves T = 50, a tanh RNN with the same budget does not', () => {
  beforeAll(async () => {
    expect((await useNodeBackend('wasm')).active).toBe('wasm');
  });

  it(`LSTM: held-out MSE < 0.05 after ${ADDING_STEPS} steps; tanh RNN: > 0.12`, async () => {
    const lstm = await trainFromHash(ADDING_LSTM, ADDING_STEPS);
    const rnn = await trainFromHash(ADDING_RNN, ADDING_STEPS);
    console.log(
      `adding T=50 after ${ADDING_STEPS} steps, held-out MSE: LSTM ${lstm.metrics.mse.toFixed(4)} ` +
        `(accuracy ${lstm.metrics.accuracy.toFixed(3)}), tanh RNN ${rnn.metrics.mse.toFixed(4)}`
    );
    expect(lstm.metrics.mse).toBeLessThan(0.05);
    expect(rnn.metrics.mse).toBeGreaterThan(0.12);
    // Both started at the "answer 1" plateau or above; only the LSTM left it.
    expect(mean(rnn.losses.slice(-50))).toBeGreaterThan(0.12);
    expect(mean(lstm.losses.slice(-50))).toBeLessThan(0.05);
  });
});

function mean(values: number[]): number {
  return values.reduce((a, v) => a + v, 0) / values.length;
}
