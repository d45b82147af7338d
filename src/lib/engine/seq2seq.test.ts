import * as tf from '@tensorflow/tfjs-core';
// After tfjs-core itself: the gradients register into the same engine.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { lossValue } from './loss';
import type { Params } from './network';
import { useNodeBackend } from './node-backend';
import { Random } from './random';
import { sequenceModel, teacherCoins, teacherForcingRatio } from './seq2seq';
import type { SequenceSpec } from './seq2seq';
import { relativeError, uploadParams } from './testing';
import { Trainer } from './trainer';
import type { Batch, TrainingSpec } from './trainer';
import type { BackendName, CellType } from './types';

const BACKENDS = (process.env.ENGINE_BACKENDS ?? 'cpu,wasm').split(',') as BackendName[];

function spec(
  cell: CellType,
  sequence: Partial<SequenceSpec>,
  layers = 1,
  learnedInitialState = false
): TrainingSpec {
  const token = (sequence.feedback ?? 'token') === 'token';
  const O = token ? 5 : 1;
  return {
    network: {
      cell,
      activation: 'tanh',
      inputSize: token ? O : 3 + O,
      hidden: 4,
      layers,
      bidirectional: false,
      readout: 'step',
      outputSize: O,
      peepholes: false,
      learnedInitialState
    },
    init: {
      recurrent: 'orthogonal',
      input: 'glorot-uniform',
      gainSquared: 1,
      spectralRadius: null,
      forgetBias: 1,
      seed: 3
    },
    optimizer: 'adam',
    learningRate: 0.01,
    clipping: 'off',
    clipThreshold: 1,
    truncation: 0,
    loss: token ? 'xent' : 'mse',
    sequence: {
      sourceSize: token ? 6 : 0,
      feedback: 'token',
      teacherForcing: 1,
      schedule: 'off',
      scheduleSteps: 100,
      ...sequence
    }
  };
}

/** A random batch: source tokens, teacher inputs (start symbol, then the shifted targets), targets. */
function batch(s: TrainingSpec, T: number, tOut: number, B: number, seed: number): Batch {
  const random = new Random(seed);
  const { inputSize: I, outputSize: O } = s.network;
  const S = s.sequence!.sourceSize;
  const x = new Float32Array(T * B * S);
  for (let r = 0; r < T * B && S > 0; r++) x[r * S + random.int(S)] = 1;
  const target = new Float32Array(tOut * B * O);
  const decoderInput = new Float32Array(tOut * B * I);
  for (let t = 0; t < tOut; t++)
    for (let b = 0; b < B; b++) {
      const row = t * B + b;
      if (s.loss === 'xent') target[row * O + random.int(O)] = 1;
      else target[row * O] = random.normal();
      // Base features (value feedback only): a class one-hot at t = 0.
      if (I > O && t === 0) decoderInput[row * I + random.int(I - O)] = 1;
      if (t > 0)
        for (let o = 0; o < O; o++)
          decoderInput[row * I + (I - O) + o] = target[((t - 1) * B + b) * O + o];
    }
  const mask = new Float32Array(tOut * B).map((_, i) =>
    i >= (tOut - 1) * B && i % 2 === 0 ? 0 : 1
  );
  return { T, B, x, target, decoderInput, tOut, mask };
}

describe.each(BACKENDS)('encoder–decoder on %s', (backend) => {
  beforeAll(async () => {
    expect((await useNodeBackend(backend)).active).toBe(backend);
  });

  const cases: [string, TrainingSpec, number][] = [
    ['LSTM encoder–decoder, teacher forced', spec('lstm', {}, 2), 1],
    ['GRU encoder–decoder, scheduled sampling ε = 0.5', spec('gru', { teacherForcing: 0.5 }), 0.5],
    ['RNN encoder–decoder, free running', spec('rnn', { teacherForcing: 0 }, 2), 0],
    [
      'LSTM decoder alone (one-to-many), value feedback, learned h0, ε = 0.5',
      spec('lstm', { feedback: 'value', teacherForcing: 0.5 }, 1, true),
      0.5
    ],
    [
      'GRU decoder alone, value feedback, free running',
      spec('gru', { feedback: 'value', teacherForcing: 0 }, 2),
      0
    ]
  ];

  it.each(cases)('%s: explicit gradients equal autodiff', (_, s, ratio) => {
    const model = sequenceModel(s);
    const params = uploadParams(model.init().params);
    const random = new Random(9);
    for (const p of Object.values(params)) {
      const v = p.dataSync().map((x) => x + 0.3 * random.normal());
      params[Object.keys(params).find((k) => params[k] === p)!] = tf.tensor(v, p.shape);
      p.dispose();
    }
    const b = batch(s, 4, 5, 3, 2);
    const names = Object.keys(params);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const explicit = model.pass(params, b, { step: 0, teacherForcing: ratio });
      const auto = tf.grads((...values: tf.Tensor[]) => {
        const p: Params = Object.fromEntries(names.map((n, i) => [n, values[i]]));
        const { output, target, mask } = model.run(p, b, { step: 0, teacherForcing: ratio });
        return lossValue(s.loss, output, target, mask);
      })(names.map((n) => params[n]));
      names.forEach((n, i) => {
        expect(relativeError(explicit.grads[n].dataSync(), auto[i].dataSync()), n).toBeLessThan(
          1e-4
        );
      });
      expect(explicit.passes.map((p) => `${p.dir.module}.${p.dir.suffix}`)).toEqual([
        ...(s.sequence!.sourceSize
          ? Array.from({ length: s.network.layers }, (_, l) => `encoder.l${l}`)
          : []),
        ...Array.from({ length: s.network.layers }, (_, l) => `decoder.l${l}`)
      ]);
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(params);
  });

  it('free running feeds back the argmax of the previous output, teacher forcing the true token', () => {
    const s = spec('gru', { teacherForcing: 0 });
    const model = sequenceModel(s);
    const params = uploadParams(model.init().params);
    const b = batch(s, 4, 4, 2, 5);
    tf.tidy(() => {
      const free = model.run(params, b, { step: 0, teacherForcing: 0 });
      const forced = model.run(params, b, { step: 0, teacherForcing: 1 });
      const { steps } = model.pass(params, b, { step: 0, teacherForcing: 0 }) as unknown as {
        steps?: unknown;
      };
      void steps;
      // Step 0 sees the same start symbol either way; later steps differ unless the model
      // happens to predict the teacher's tokens.
      const y0free = tf.slice(free.output, [0, 0, 0], [1, -1, -1]).dataSync();
      const y0forced = tf.slice(forced.output, [0, 0, 0], [1, -1, -1]).dataSync();
      expect(Array.from(y0free)).toEqual(Array.from(y0forced));
      expect(Array.from(free.output.dataSync())).not.toEqual(Array.from(forced.output.dataSync()));
    });
    tf.dispose(params);
  });

  it('a decoder shorter than its encoder is not mistaken for a non-finite run', async () => {
    const s = spec('gru', {});
    const trainer = Trainer.create(s);
    const report = await trainer.train(batch(s, 7, 3, 4, 2));
    expect(report.nonFinite).toBeNull();
    expect(report.step).toBe(1);
    trainer.dispose();
  });

  it('trains through the Trainer: loss falls, reports cover encoder and decoder, no leaks', async () => {
    const s = { ...spec('lstm', { teacherForcing: 1 }), learningRate: 0.05 };
    const trainer = Trainer.create(s);
    const b = batch(s, 4, 5, 8, 1);
    const first = await trainer.train(b);
    const base = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 60; i++) last = await trainer.train(b);
    expect(tf.memory().numTensors).toBe(base);
    expect(last.loss).toBeLessThan(first.loss * 0.7);
    expect(first.directions.map((d) => `${d.dir.module}.${d.dir.suffix}`)).toEqual([
      'encoder.l0',
      'decoder.l0'
    ]);
    expect(first.directions[0].gradNormPerStep).toHaveLength(4);
    expect(first.directions[1].gradNormPerStep).toHaveLength(5);
    const inspection = await trainer.inspect(b, { teacherForcing: 0 });
    expect(inspection.directions[1].jacobianNorm).toHaveLength(5);
    expect(inspection.directions[0].eigenvalues).toHaveLength(4);
    trainer.dispose();
  });
});

describe('scheduled sampling', () => {
  const base: SequenceSpec = {
    sourceSize: 1,
    feedback: 'token',
    teacherForcing: 0.8,
    schedule: 'off',
    scheduleSteps: 1000
  };
  it('off keeps the ratio', () => {
    expect(teacherForcingRatio(base, 0)).toBe(0.8);
    expect(teacherForcingRatio(base, 5000)).toBe(0.8);
  });
  it('linear reaches zero at k', () => {
    const s = { ...base, schedule: 'linear' as const };
    expect(teacherForcingRatio(s, 0)).toBeCloseTo(0.8, 12);
    expect(teacherForcingRatio(s, 500)).toBeCloseTo(0.4, 12);
    expect(teacherForcingRatio(s, 1000)).toBe(0);
    expect(teacherForcingRatio(s, 2000)).toBe(0);
  });
  it('exponential is 1% of the start at k', () => {
    const s = { ...base, schedule: 'exponential' as const };
    expect(teacherForcingRatio(s, 1000)).toBeCloseTo(0.008, 12);
    expect(teacherForcingRatio(s, 500)).toBeCloseTo(0.08, 12);
  });
  it('inverse sigmoid falls from near the start to near zero, through half near c·ln c', () => {
    const s = { ...base, schedule: 'inverse-sigmoid' as const };
    const c = 100;
    expect(teacherForcingRatio(s, 0)).toBeCloseTo((0.8 * c) / (c + 1), 12);
    expect(teacherForcingRatio(s, c * Math.log(c))).toBeCloseTo(0.4, 12);
    expect(teacherForcingRatio(s, 3000)).toBeLessThan(0.001);
  });
  it('coins: step 0 always teacher; the share of teacher steps follows ε; seeded', () => {
    const coins = teacherCoins(1, 7, 200, 50, 0.3);
    for (let b = 0; b < 50; b++) expect(coins[b]).toBe(1);
    const rest = coins.slice(50);
    const share = rest.reduce((a, v) => a + v, 0) / rest.length;
    expect(Math.abs(share - 0.3)).toBeLessThan(0.02);
    expect(teacherCoins(1, 7, 200, 50, 0.3)).toEqual(coins);
    expect(teacherCoins(1, 8, 200, 50, 0.3)).not.toEqual(coins);
  });
});
