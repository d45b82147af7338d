/**
 * The slider's plain-JavaScript pass against the tfjs engine on the cpu backend: for random
 * networks (every cell and activation, 1–3 layers, one or two directions, every readout and loss,
 * truncation, peepholes, a learned initial state, a loss mask) its loss, outputs and per-step
 * norms equal `Trainer.measure`'s, and its gradients equal tfjs autodiff (`tf.grads`) of the
 * engine's forward pass and loss.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { initParameters } from '../init';
import type { ParamArrays } from '../init';
import { lossValue } from '../loss';
import { forward } from '../network';
import { useNodeBackend } from '../node-backend';
import { Random } from '../random';
import { relativeError, TEST_INIT, uploadParams } from '../testing';
import { Trainer } from '../trainer';
import type { Batch, TrainingSpec } from '../trainer';
import type { Activation, CellType, LossKind, Readout } from '../types';
import { simdPays } from './linalg';
import { fastMeasure, fastSupport, parameterNames } from './pass';
import { SliderPreview } from './preview';
import { simdProducts } from './simd';

interface Case {
  cell: CellType;
  activation: Activation;
  layers: number;
  bidirectional: boolean;
  readout: Readout;
  loss: LossKind;
  truncation: number;
  peepholes: boolean;
  learnedInitialState: boolean;
  masked: boolean;
  seed: number;
}

const CELLS: [CellType, Activation][] = [
  ['rnn', 'tanh'],
  ['rnn', 'relu'],
  ['rnn', 'sigmoid'],
  ['rnn', 'linear'],
  ['lstm', 'tanh'],
  ['gru', 'tanh']
];

/**
 * Six configurations per cell and activation: the layers (1–3), directions, readouts, losses,
 * truncations (0–3), peepholes, learned initial state and mask rotate through the grid so that
 * each cell meets each of them.
 */
function cases(): Case[] {
  const out: Case[] = [];
  CELLS.forEach(([cell, activation], n) => {
    for (let i = 0; i < 6; i++)
      out.push({
        cell,
        activation,
        layers: 1 + ((i + n) % 3),
        bidirectional: i % 2 === 1,
        readout: (['step', 'last', 'mean'] as const)[(i + n) % 3],
        loss: Math.floor((i + n) / 2) % 2 === 0 ? 'mse' : 'xent',
        truncation: [0, 2, 1, 3, 0, 2][(i + n) % 6],
        peepholes: cell === 'lstm' && i % 2 === 0,
        learnedInitialState: (i + n) % 4 === 1,
        masked: (i + n) % 5 === 2,
        seed: 100 + out.length
      });
  });
  return out;
}

function label(c: Case): string {
  return `${c.cell}${c.cell === 'rnn' ? `/${c.activation}` : ''} L${c.layers} ${c.bidirectional ? 'bi' : 'uni'} ${c.readout} ${c.loss} k=${c.truncation}${c.peepholes ? ' peep' : ''}${c.learnedInitialState ? ' h0' : ''}${c.masked ? ' mask' : ''}`;
}

const T = 7;
const B = 3;

function specOf(c: Case): TrainingSpec {
  return {
    network: {
      cell: c.cell,
      activation: c.activation,
      inputSize: 2,
      hidden: 5,
      layers: c.layers,
      bidirectional: c.bidirectional,
      readout: c.readout,
      outputSize: 3,
      peepholes: c.peepholes,
      learnedInitialState: c.learnedInitialState
    },
    init: TEST_INIT,
    optimizer: 'sgd',
    learningRate: 0.1,
    clipping: 'off',
    clipThreshold: 1,
    truncation: c.truncation,
    loss: c.loss
  };
}

/** Initial parameters with every entry perturbed (biases, peepholes, h0 too): no trivial zeros. */
function paramsOf(spec: TrainingSpec, seed: number): ParamArrays {
  const { params } = initParameters(spec.network, { ...TEST_INIT, seed });
  const random = new Random(seed + 1000);
  for (const p of Object.values(params))
    for (let i = 0; i < p.values.length; i++) p.values[i] += 0.4 * random.normal();
  return params;
}

function batchOf(spec: TrainingSpec, c: Case): Batch {
  const random = new Random(c.seed + 7);
  const { inputSize: I, outputSize: O, readout } = spec.network;
  const tOut = readout === 'step' ? T : 1;
  const x = new Float32Array(T * B * I).map(() => random.normal());
  const target = new Float32Array(tOut * B * O);
  for (let row = 0; row < tOut * B; row++) {
    if (c.loss === 'xent') target[row * O + random.int(O)] = 1;
    else for (let o = 0; o < O; o++) target[row * O + o] = random.normal();
  }
  const mask = c.masked
    ? new Float32Array(tOut * B).map((_, i) => (i === 0 ? 1 : random.int(3) / 2))
    : undefined;
  return { T, B, x, target, mask };
}

/** Largest |a_t − b_t| / |b_t| over the steps (each step on its own scale). */
function stepwiseError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let t = 0; t < b.length; t++)
    worst = Math.max(worst, Math.abs(a[t] - b[t]) / Math.max(Math.abs(b[t]), 1e-12));
  return worst;
}

const weightsOf = (params: ParamArrays) =>
  Object.fromEntries(Object.entries(params).map(([n, p]) => [n, p.values]));

beforeAll(async () => {
  expect((await useNodeBackend('cpu')).active).toBe('cpu');
});

/** The fast pass's measurement of a case against `Trainer.measure` and `tf.grads`. */
async function expectEngineMeasure(spec: TrainingSpec, c: Case) {
  const params = paramsOf(spec, c.seed);
  const batch = batchOf(spec, c);
  const fast = fastMeasure(spec, weightsOf(params), batch);

  const trainer = Trainer.fromParameters(spec, params);
  const engine = await trainer.measure(batch);
  trainer.dispose();
  expect(Math.abs(fast.loss - engine.loss) / Math.abs(engine.loss)).toBeLessThan(1e-5);
  expect(Math.abs(fast.gradNorm - engine.gradNorm) / engine.gradNorm).toBeLessThan(1e-5);
  expect(relativeError(fast.output, engine.output)).toBeLessThan(1e-5);
  expect(fast.nonFinite).toBeNull();
  expect(fast.directions.map((d) => d.dir)).toEqual(engine.directions.map((d) => d.dir));
  fast.directions.forEach((d, i) => {
    const e = engine.directions[i];
    const where = d.dir.suffix;
    expect(stepwiseError(d.hNorm, e.hNorm), `||h_t|| ${where}`).toBeLessThan(1e-5);
    expect(stepwiseError(d.gradNormPerStep, e.gradNormPerStep), `||dL/dh_t|| ${where}`)
      // Steps where the gradient is cut to ~0 by truncation still compare on their own scale.
      .toBeLessThan(1e-4);
    expect(d.cNorm === undefined).toBe(e.cNorm === undefined);
    expect(d.cellGradNormPerStep === undefined).toBe(e.cellGradNormPerStep === undefined);
    if (d.cNorm) expect(stepwiseError(d.cNorm, e.cNorm!), `||c_t|| ${where}`).toBeLessThan(1e-5);
    if (d.cellGradNormPerStep)
      expect(
        stepwiseError(d.cellGradNormPerStep, e.cellGradNormPerStep!),
        `||dL/dc_t|| ${where}`
      ).toBeLessThan(1e-4);
  });

  // Every gradient against autodiff of the engine's forward pass and loss.
  const names = parameterNames(spec.network);
  expect(Object.keys(fast.grads).sort()).toEqual(Object.keys(params).sort());
  const tensors = uploadParams(params);
  const auto = tf.tidy(() => {
    const x = tf.tensor3d(batch.x, [T, B, spec.network.inputSize]);
    const tOut = spec.network.readout === 'step' ? T : 1;
    const target = tf.tensor3d(batch.target, [tOut, B, spec.network.outputSize]);
    const mask = batch.mask ? tf.tensor2d(batch.mask, [tOut, B]) : undefined;
    const f = (...inputs: tf.Tensor[]) => {
      const p = Object.fromEntries(names.map((n, i) => [n, inputs[i]]));
      const run = forward(spec.network, p, x, { truncation: spec.truncation });
      return lossValue(spec.loss, run.output, target, mask);
    };
    return tf
      .grads(f)(names.map((n) => tensors[n]))
      .map((g) => g.dataSync().slice());
  });
  tf.dispose(tensors);
  names.forEach((n, i) => expect(relativeError(fast.grads[n], auto[i]), n).toBeLessThan(1e-4));
}

describe('the fast pass against the tfjs engine (cpu)', () => {
  it.each(cases().map((c) => [label(c), c] as const))(
    '%s: loss, outputs, every per-step norm and every gradient',
    async (_, c) => expectEngineMeasure(specOf(c), c)
  );

  // Wide enough that the second layer's input products (x W_ihᵀ, dW_ih, dL/dx) run on the SIMD
  // kernel too (float32 sums): hidden 24, two bidirectional layers, so that layer's input is 48.
  it.each(['rnn', 'lstm', 'gru'] as CellType[])(
    '%s, hidden 24, two bidirectional layers: the input products on SIMD, the same numbers',
    async (cell) => {
      const c: Case = {
        ...cases()[0],
        cell,
        activation: 'tanh',
        layers: 2,
        bidirectional: true,
        readout: 'step',
        loss: 'mse',
        seed: 400 + ['rnn', 'lstm', 'gru'].indexOf(cell)
      };
      const spec = specOf(c);
      spec.network = { ...spec.network, hidden: 24 };
      const GH = { rnn: 1, lstm: 4, gru: 3 }[cell] * 24;
      expect(simdProducts()).not.toBeNull();
      expect(simdPays(T * B, GH, 48) && simdPays(GH, 48, T * B) && simdPays(T * B, 48, GH)).toBe(
        true
      );
      await expectEngineMeasure(spec, c);
    }
  );

  it('a pass that overflows float32 stops at the same place as the engine (linear RNN, ρ = 3)', async () => {
    const spec = specOf({ ...cases()[3], layers: 1, bidirectional: false, readout: 'step' });
    spec.network = { ...spec.network, activation: 'linear', hidden: 8 };
    spec.loss = 'mse';
    spec.truncation = 0;
    spec.init = { ...TEST_INIT, spectralRadius: 3 };
    const { params } = initParameters(spec.network, spec.init);
    const random = new Random(3);
    const batch: Batch = {
      T: 100,
      B: 2,
      x: new Float32Array(200 * 2).map(() => random.normal()),
      target: new Float32Array(200 * 3)
    };
    const fast = fastMeasure(spec, weightsOf(params), batch);
    const trainer = Trainer.fromParameters(spec, params);
    const engine = await trainer.measure(batch);
    trainer.dispose();
    // 3^t passes float32's 3.4e38 near t = 80: h_t is not finite from there on.
    expect(engine.nonFinite?.quantity).toBe('h');
    expect(fast.nonFinite).toEqual(engine.nonFinite);
    const firstBad = (values: Float32Array) => values.findIndex((v) => !Number.isFinite(v));
    expect(firstBad(fast.directions[0].hNorm)).toBe(firstBad(engine.directions[0].hNorm));
    expect(Number.isFinite(fast.loss)).toBe(false);
  });

  it('refuses what it does not cover: encoder–decoders, and weights that do not fit', () => {
    const spec = specOf(cases()[0]);
    expect(fastSupport(spec)).toBeNull();
    expect(
      fastSupport({
        ...spec,
        sequence: { kind: 'seq2seq' } as unknown as TrainingSpec['sequence']
      })
    ).toMatch(/encoder–decoder/);
    const params = paramsOf(spec, 1);
    const batch = batchOf(spec, cases()[0]);
    const { ['readout.bias']: _dropped, ...missing } = weightsOf(params);
    expect(() => fastMeasure(spec, missing, batch)).toThrow(/readout\.bias is missing/);
    expect(
      SliderPreview.create(
        spec,
        { ...params, weight_hh_l0: { shape: [1], values: new Float32Array(1) } },
        batch
      )
    ).toBeNull();
  });
});

describe('the slider copy follows the Trainer', () => {
  it.each(['rnn', 'lstm', 'gru'] as CellType[])(
    '%s: W_hh rescaled to ρ and by g² factors stays bit-equal to the Trainer’s, and measures the same',
    async (cell) => {
      const c: Case = {
        ...cases()[0],
        cell,
        activation: 'tanh',
        layers: 2,
        bidirectional: true,
        readout: 'step',
        loss: 'mse'
      };
      const spec = specOf(c);
      spec.network = { ...spec.network, hidden: 6 };
      const params = paramsOf(spec, 9);
      const batch = batchOf(spec, c);
      const trainer = Trainer.fromParameters(spec, params);
      const copy = SliderPreview.create(spec, await trainer.parameters(), batch)!;
      for (const rho of [0.5, 1.4, 0.9]) {
        expect(copy.scale(await trainer.setSpectralRadius(rho))).toBe(true);
        const fast = copy.measure();
        const engine = await trainer.measure(batch);
        expect(Math.abs(fast.gradNorm - engine.gradNorm) / engine.gradNorm).toBeLessThan(1e-5);
        expect(
          stepwiseError(fast.directions[0].gradNormPerStep, engine.directions[0].gradNormPerStep)
        ).toBeLessThan(1e-4);
      }
      trainer.scaleRecurrent(Math.sqrt(2));
      copy.scaleRecurrent(Math.sqrt(2));
      const now = await trainer.parameters();
      for (const name of Object.keys(now).filter((n) => n.startsWith('weight_hh_')))
        expect(Array.from(copy.weights[name]), name).toEqual(Array.from(now[name].values));
      // A name the copy does not have: refused, nothing changed.
      const before = Array.from(copy.weights['weight_hh_l0']);
      expect(copy.scale({ weight_hh_l0: [2], 'decoder.weight_hh_l0': [2] })).toBe(false);
      expect(Array.from(copy.weights['weight_hh_l0'])).toEqual(before);
      trainer.dispose();
    }
  );
});
