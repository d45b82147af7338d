import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeHash } from '$lib/config';
import { trainingSpec as specFromConfig } from '$lib/tasks';
import { makeCell } from './cells';
import { useNodeBackend } from './node-backend';
import { Optimizer, OPTIMIZER_CONSTANTS } from './optim';
import { Random } from './random';
import { singularValues } from './spectrum';
import { Trainer } from './trainer';
import type { Batch, TrainingSpec } from './trainer';
import type { BackendName, CellType, OptimizerKind } from './types';

const BACKENDS = (process.env.ENGINE_BACKENDS ?? 'cpu,wasm').split(',') as BackendName[];

function spec(
  overrides: Partial<TrainingSpec> = {},
  network: Partial<TrainingSpec['network']> = {}
): TrainingSpec {
  return {
    network: {
      cell: 'lstm',
      activation: 'tanh',
      inputSize: 2,
      hidden: 8,
      layers: 1,
      bidirectional: false,
      readout: 'step',
      outputSize: 1,
      peepholes: false,
      ...network
    },
    init: {
      recurrent: 'orthogonal',
      input: 'glorot-uniform',
      gainSquared: 1,
      spectralRadius: null,
      forgetBias: 1,
      seed: 5
    },
    optimizer: 'adam',
    learningRate: 0.01,
    clipping: 'off',
    clipThreshold: 1,
    truncation: 0,
    loss: 'mse',
    ...overrides
  };
}

function batch(s: TrainingSpec, T: number, B: number, seed: number, scale = 1): Batch {
  const random = new Random(seed);
  const { inputSize: I, outputSize: O, readout } = s.network;
  const x = new Float32Array(T * B * I).map(() => scale * random.normal());
  const target = new Float32Array((readout === 'step' ? T : 1) * B * O).map(() => random.normal());
  return { T, B, x, target };
}

describe.each(BACKENDS)('trainer on %s', (backend) => {
  beforeAll(async () => {
    expect((await useNodeBackend(backend)).active).toBe(backend);
  });

  it.each(['rnn', 'lstm', 'gru'] as CellType[])(
    '%s: ||∂h_t/∂h_{t−1}||₂ equals the largest singular value of a finite-difference Jacobian',
    async (cell) => {
      const s = spec({}, { cell, hidden: 6, peepholes: cell === 'lstm' });
      const trainer = Trainer.create(s);
      const b = batch(s, 5, 3, 2);
      const item = 1;
      const inspection = await trainer.inspect(b, { batchItem: item });
      const params = await trainer.parameters();
      const H = 6;
      const { trace } = inspection.directions[0];
      // Independent reference: perturb h_{t−1} of one step and difference the step's output.
      const c = makeCell(cell, 'tanh');
      const weights = {
        weightHH: tf.tensor(params['weight_hh_l0'].values, params['weight_hh_l0'].shape),
        biasHH: tf.tensor(params['bias_hh_l0'].values, params['bias_hh_l0'].shape),
        peephole:
          params['peephole_l0'] &&
          tf.tensor(params['peephole_l0'].values, params['peephole_l0'].shape)
      };
      const G = params['weight_hh_l0'].shape[0];
      const wih = params['weight_ih_l0'];
      const bih = params['bias_ih_l0'].values;
      const bhh = params['bias_hh_l0'].values;
      for (let t = 1; t < 5; t++) {
        const xProj = new Float32Array(G);
        for (let g = 0; g < G; g++) {
          let v = bih[g] + (c.foldsRecurrentBias ? bhh[g] : 0);
          for (let i = 0; i < 2; i++) v += wih.values[g * 2 + i] * b.x[(t * 3 + item) * 2 + i];
          xProj[g] = v;
        }
        const row = (arr: Float32Array, step: number) =>
          arr.slice((step * 3 + item) * H, (step * 3 + item + 1) * H);
        const hPrev = row(trace.h, t - 1);
        const cPrev = trace.c ? row(trace.c, t - 1) : undefined;
        const eps = 1e-2;
        const jac = new Float64Array(H * H);
        for (let k = 0; k < H; k++) {
          const run = (delta: number) =>
            tf.tidy(() => {
              const h = hPrev.slice();
              h[k] += delta;
              const r = c.forward(
                weights,
                tf.tensor2d(xProj, [1, G]),
                tf.tensor2d(h, [1, H]),
                cPrev && tf.tensor2d(cPrev, [1, H])
              );
              return r.h.dataSync().slice();
            });
          const plus = run(eps);
          const minus = run(-eps);
          for (let j = 0; j < H; j++) jac[j * H + k] = (plus[j] - minus[j]) / (2 * eps);
        }
        const sigma = singularValues(jac, H, H)[0];
        expect(
          Math.abs(inspection.directions[0].jacobianNorm[t] - sigma) / sigma,
          `t=${t}`
        ).toBeLessThan(2e-3);
      }
      tf.dispose(weights);
      trainer.dispose();
    }
  );

  it.each(['sgd', 'momentum', 'rmsprop', 'adam'] as OptimizerKind[])(
    '%s follows its update rule',
    (kind) => {
      const optimizer = new Optimizer(kind, 0.1);
      let params = { w: tf.tensor1d([1, -2, 3]) };
      const grads = [
        [0.5, -1, 2],
        [0.1, 0.3, -0.2],
        [-1, 0.5, 0.25]
      ];
      // A float64 reference, written from the formulas.
      const { momentum, rmspropAlpha, adamBeta1, adamBeta2, epsilon } = OPTIMIZER_CONSTANTS;
      const theta = [1, -2, 3];
      const s1 = [0, 0, 0];
      const s2 = [0, 0, 0];
      grads.forEach((g, step) => {
        const gt = tf.tensor1d(g);
        params = optimizer.apply(params, { w: gt }) as { w: tf.Tensor1D };
        gt.dispose();
        for (let i = 0; i < 3; i++) {
          if (kind === 'sgd') theta[i] -= 0.1 * g[i];
          if (kind === 'momentum') {
            s1[i] = step === 0 ? g[i] : momentum * s1[i] + g[i];
            theta[i] -= 0.1 * s1[i];
          }
          if (kind === 'rmsprop') {
            s1[i] = rmspropAlpha * s1[i] + (1 - rmspropAlpha) * g[i] ** 2;
            theta[i] -= (0.1 * g[i]) / (Math.sqrt(s1[i]) + epsilon);
          }
          if (kind === 'adam') {
            s1[i] = adamBeta1 * s1[i] + (1 - adamBeta1) * g[i];
            s2[i] = adamBeta2 * s2[i] + (1 - adamBeta2) * g[i] ** 2;
            const mHat = s1[i] / (1 - adamBeta1 ** (step + 1));
            const vHat = s2[i] / (1 - adamBeta2 ** (step + 1));
            theta[i] -= (0.1 * mHat) / (Math.sqrt(vHat) + epsilon);
          }
        }
        const got = params.w.dataSync();
        for (let i = 0; i < 3; i++) expect(got[i]).toBeCloseTo(theta[i], 5);
      });
      params.w.dispose();
      optimizer.dispose();
    }
  );

  it('clipping by global norm: the norm after is the threshold, and SGD moves θ by η·clipped g', async () => {
    const s = spec({ optimizer: 'sgd', learningRate: 0.5, clipping: 'norm', clipThreshold: 0.01 });
    const trainer = Trainer.create(s);
    const b = batch(s, 6, 4, 1);
    const before = await trainer.parameters();
    const { grads, gradNorm } = await trainer.inspect(b);
    const report = await trainer.train(b);
    expect(report.gradNormBefore).toBeCloseTo(gradNorm, 4);
    expect(report.gradNormBefore).toBeGreaterThan(0.01);
    expect(report.clipped).toBe(true);
    expect(report.gradNormAfter).toBeCloseTo(0.01, 6);
    const after = await trainer.parameters();
    const scale = 0.01 / (gradNorm + 1e-6);
    for (const name of Object.keys(before)) {
      const moved = after[name].values.map((v, i) => before[name].values[i] - v);
      const expected = grads[name].values.map((g) => 0.5 * g * scale);
      for (let i = 0; i < moved.length; i++) expect(moved[i]).toBeCloseTo(expected[i], 5);
    }
    trainer.dispose();
  });

  it('clipping by value: every entry of the applied gradient lies in [−c, c]', async () => {
    const s = spec({ optimizer: 'sgd', learningRate: 1, clipping: 'value', clipThreshold: 0.002 });
    const trainer = Trainer.create(s);
    const b = batch(s, 6, 4, 1);
    const before = await trainer.parameters();
    const report = await trainer.train(b);
    expect(report.clipped).toBe(true);
    expect(report.gradNormAfter).toBeLessThan(report.gradNormBefore);
    const after = await trainer.parameters();
    let sumSq = 0;
    for (const name of Object.keys(before))
      after[name].values.forEach((v, i) => {
        const step = before[name].values[i] - v;
        expect(Math.abs(step)).toBeLessThanOrEqual(0.002 + 1e-6);
        sumSq += step * step;
      });
    expect(Math.sqrt(sumSq)).toBeCloseTo(report.gradNormAfter, 4);
    trainer.dispose();
  });

  it('a diverging run (ReLU, g² = 4, no clipping) is caught: where, which step, and no update', async () => {
    const s = spec(
      { clipping: 'off' },
      { cell: 'rnn', activation: 'relu', hidden: 64, inputSize: 2 }
    );
    s.init = { ...s.init, recurrent: 'normal', input: 'normal', gainSquared: 4, seed: 1 };
    const trainer = Trainer.create(s);
    const b = batch(s, 300, 2, 3, 100);
    const before = await trainer.parameters();
    const report = await trainer.train(b);
    expect(report.nonFinite).not.toBeNull();
    expect(report.nonFinite!.quantity).toBe('h');
    expect(report.nonFinite!.where).toBe('l0');
    expect(report.nonFinite!.step).toBeGreaterThan(10);
    expect(report.nonFinite!.step).toBeLessThan(300);
    expect(report.nonFinite!.message).toMatch(/non-finite at step t=\d+/);
    // The first non-finite step is the first one whose state norm is not finite.
    const norms = report.directions[0].hNorm;
    expect(Number.isFinite(norms[report.nonFinite!.step! - 1])).toBe(true);
    expect(Number.isFinite(norms[report.nonFinite!.step!])).toBe(false);
    expect(report.step).toBe(0);
    const after = await trainer.parameters();
    for (const name of Object.keys(before)) expect(after[name].values).toEqual(before[name].values);
    trainer.dispose();
  });

  it('an exploding gradient is caught going backward, and huge finite states are not mistaken for it', async () => {
    // A linear RNN with ρ = 3 and its one input at the last step: every state is finite (h_t = 0
    // before it), the loss is finite, but dL/dh_t = (3Qᵀ)^(T−1−t) dL/dh_T overflows float32.
    const s = spec({}, { cell: 'rnn', activation: 'linear', hidden: 8, readout: 'last' });
    s.init = { ...s.init, recurrent: 'orthogonal', spectralRadius: 3 };
    const trainer = Trainer.create(s);
    const T = 100;
    const x = new Float32Array(T * 2 * 2);
    x.fill(1, (T - 1) * 4);
    const report = await trainer.train({ T, B: 2, x, target: new Float32Array(2).fill(10) });
    expect(Number.isFinite(report.loss)).toBe(true);
    expect(report.nonFinite?.quantity).toBe('dL/dh');
    const t = report.nonFinite!.step!;
    const norms = report.directions[0].gradNormPerStep;
    expect(Number.isFinite(norms[t + 1])).toBe(true);
    expect(norms[t + 1]).toBeGreaterThan(1e37);
    expect(Number.isFinite(norms[t])).toBe(false);
    trainer.dispose();

    // States of size ~1e25 (their squares overflow float32) are finite and reported as such.
    const grow = Trainer.create({ ...s, init: { ...s.init, spectralRadius: 2 } });
    const x2 = new Float32Array(90 * 2 * 2);
    x2.fill(1, 0, 4);
    const measured = await grow.measure({ T: 90, B: 2, x: x2, target: new Float32Array(2) });
    const h = measured.directions[0].hNorm;
    expect(h[85]).toBeGreaterThan(1e25);
    expect(Number.isFinite(h[85])).toBe(true);
    grow.dispose();
  });

  it('the same config and seed give the same numbers; another seed, others', async () => {
    const run = async (seed: number) => {
      const s = spec();
      s.init = { ...s.init, seed };
      const trainer = Trainer.create(s);
      const losses: number[] = [];
      for (let i = 0; i < 4; i++) losses.push((await trainer.train(batch(s, 8, 4, 100 + i))).loss);
      trainer.dispose();
      return losses;
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect(await run(2)).not.toEqual(a);
  });

  it('no tensor leaks: tf.memory().numTensors is flat across training steps and inspections', async () => {
    const s = spec(
      { clipping: 'norm' },
      { cell: 'lstm', layers: 2, bidirectional: true, peepholes: true }
    );
    const trainer = Trainer.create(s);
    const b = batch(s, 6, 3, 4);
    await trainer.train(b);
    const base = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await trainer.train(b);
    await trainer.inspect(b);
    await trainer.measure(b);
    expect(tf.memory().numTensors).toBe(base);
    trainer.dispose();
  });

  it('stateful steps carry the state from window to window; resetState starts afresh', async () => {
    const s = spec({ optimizer: 'sgd', learningRate: 0 }, { cell: 'gru' });
    const whole = batch(s, 8, 2, 6);
    const half = (h: 0 | 1): Batch => {
      const x = whole.x.slice(h * 4 * 2 * 2, (h + 1) * 4 * 2 * 2);
      const target = whole.target.slice(h * 4 * 2, (h + 1) * 4 * 2);
      return { T: 4, B: 2, x, target };
    };
    const trainer = Trainer.create(s);
    const full = await trainer.measure(whole);
    const first = await trainer.train(half(0), { stateful: true });
    const second = await trainer.train(half(1), { stateful: true });
    // With lr = 0 the two windows, state carried, are the whole sequence: the mean of the two
    // halves' losses is the whole's loss.
    expect((first.loss + second.loss) / 2).toBeCloseTo(full.loss, 5);
    trainer.resetState();
    const fresh = await trainer.train(half(1), { stateful: true });
    expect(fresh.loss).not.toBeCloseTo(second.loss, 3);
    const base = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await trainer.train(half(i % 2 === 0 ? 0 : 1), { stateful: true });
    expect(tf.memory().numTensors).toBe(base);
    trainer.dispose();
  });

  it('an LSTM learns the sine task from its URL config: the loss falls by more than half', async () => {
    const { config, notices } = decodeHash('cell=lstm&hidden=16&T=20&batch=16&lr=0.02&seed=3');
    expect(notices).toEqual([]);
    const { task, spec: s } = specFromConfig(config);
    const trainer = Trainer.create(s);
    const first = (await trainer.train(task.batch(3, 0, 20, 16))).loss;
    let last = first;
    for (let i = 1; i < 60; i++) last = (await trainer.train(task.batch(3, i, 20, 16))).loss;
    expect(last).toBeLessThan(first * 0.5);
    trainer.dispose();
  });
});
