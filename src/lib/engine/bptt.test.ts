import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backward } from './bptt';
import { lossGradient, lossValue } from './loss';
import { forward } from './network';
import type { Params } from './network';
import { useNodeBackend } from './node-backend';
import { disposeParams, randomBatch, randomParams, relativeError } from './testing';
import type { Activation, BackendName, CellType, NetworkSpec, Readout } from './types';
import { layerDirections } from './types';

const BACKENDS = (process.env.ENGINE_BACKENDS ?? 'cpu,wasm').split(',') as BackendName[];

interface Case {
  cell: CellType;
  activation: Activation;
  layers: number;
  bidirectional: boolean;
  truncation: number;
  readout: Readout;
  loss: 'mse' | 'xent';
  peepholes: boolean;
  learnedInitialState?: boolean;
}

function cases(): Case[] {
  const out: Case[] = [];
  const cells: [CellType, Activation][] = [
    ['rnn', 'tanh'],
    ['rnn', 'relu'],
    ['rnn', 'sigmoid'],
    ['rnn', 'linear'],
    ['lstm', 'tanh'],
    ['gru', 'tanh']
  ];
  let i = 0;
  for (const [cell, activation] of cells)
    for (const layers of [1, 2])
      for (const bidirectional of [false, true])
        for (const truncation of [0, 2]) {
          // Rotate readouts, losses and peepholes through the grid so each meets every cell.
          const readout = (['step', 'last', 'mean'] as const)[i % 3];
          const loss = i % 2 === 0 ? 'mse' : 'xent';
          out.push({
            cell,
            activation,
            layers,
            bidirectional,
            truncation,
            readout,
            loss,
            peepholes: cell === 'lstm' && i % 2 === 1
          });
          i++;
        }
  // A learned initial state, for each cell, with and without truncation.
  for (const [cell, activation] of cells.filter((_, j) => j === 0 || j >= 4))
    for (const truncation of [0, 2])
      out.push({
        cell,
        activation,
        layers: 2,
        bidirectional: true,
        truncation,
        readout: 'step',
        loss: 'mse',
        peepholes: false,
        learnedInitialState: true
      });
  return out;
}

const T = 5;
const B = 3;

function specOf(c: Case): NetworkSpec {
  return {
    cell: c.cell,
    activation: c.activation,
    inputSize: 2,
    hidden: 4,
    layers: c.layers,
    bidirectional: c.bidirectional,
    readout: c.readout,
    outputSize: 3,
    peepholes: c.peepholes,
    learnedInitialState: c.learnedInitialState
  };
}

function label(c: Case): string {
  return `${c.cell}${c.cell === 'rnn' ? `/${c.activation}` : ''} L${c.layers} ${c.bidirectional ? 'bi' : 'uni'} k=${c.truncation} ${c.readout} ${c.loss}${c.peepholes ? ' peep' : ''}${c.learnedInitialState ? ' h0' : ''}`;
}

describe.each(BACKENDS)('explicit BPTT on %s', (backend) => {
  beforeAll(async () => {
    const report = await useNodeBackend(backend);
    expect(report.active).toBe(backend);
  });

  it.each(cases().map((c) => [label(c), c] as const))(
    '%s equals autodiff, for θ and for every dL/dh_t, dL/dc_t',
    (_, c) => {
      const spec = specOf(c);
      const params = randomParams(spec, 11);
      const { x, target } = randomBatch(spec, T, B, 5, c.loss);
      const names = Object.keys(params);
      const dirs = layerDirections(spec);
      const hasC = spec.cell === 'lstm';
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        // Explicit.
        const pass = forward(spec, params, x, { truncation: c.truncation });
        const { dY } = lossGradient(c.loss, pass.output, target);
        const explicit = backward(spec, params, pass, dY, { truncation: c.truncation });

        // Autodiff of the same forward, with zero offsets on every h_t (and c_t) to read dL/dh_t.
        const offsetCount = dirs.length * T * (hasC ? 2 : 1);
        const zeros = Array.from({ length: offsetCount }, () => tf.zeros([B, spec.hidden]));
        const f = (...inputs: tf.Tensor[]) => {
          const p: Params = Object.fromEntries(names.map((n, i) => [n, inputs[i]]));
          const offsets = inputs.slice(names.length);
          const run = forward(spec, p, x, {
            truncation: c.truncation,
            probe: (what, layer, reverse, t, value) => {
              const d = dirs.findIndex((q) => q.layer === layer && q.reverse === reverse);
              const base = (d * T + t) * (hasC ? 2 : 1);
              return tf.add(value, offsets[what === 'h' ? base : base + 1]);
            }
          });
          return lossValue(c.loss, run.output, target);
        };
        const auto = tf.grads(f)([...names.map((n) => params[n]), ...zeros]);

        names.forEach((n, i) => {
          const err = relativeError(explicit.grads[n].dataSync(), auto[i].dataSync());
          expect(err, `${n}`).toBeLessThan(1e-4);
        });
        explicit.directions.forEach((dg, d) => {
          const dh = dg.dh.dataSync();
          const dc = dg.dc?.dataSync();
          const size = B * spec.hidden;
          for (let t = 0; t < T; t++) {
            const base = (d * T + t) * (hasC ? 2 : 1);
            const a = auto[names.length + base].dataSync();
            expect(
              relativeError(dh.subarray(t * size, (t + 1) * size), a, 1e-5),
              `dL/dh_${t} ${dg.dir.suffix}`
            ).toBeLessThan(1e-4);
            if (dc) {
              const ac = auto[names.length + base + 1].dataSync();
              expect(
                relativeError(dc.subarray(t * size, (t + 1) * size), ac, 1e-5),
                `dL/dc_${t} ${dg.dir.suffix}`
              ).toBeLessThan(1e-4);
            }
          }
        });
      });
      expect(tf.memory().numTensors).toBe(before);
      disposeParams(params);
      x.dispose();
      target.dispose();
    }
  );

  it.each(
    cases()
      .filter((_, i) => i % 4 === 0)
      .map((c) => [label(c), c] as const)
  )('%s agrees with central finite differences', (_, c) => {
    const spec = specOf(c);
    const params = randomParams(spec, 3);
    const { x, target } = randomBatch(spec, T, B, 9, c.loss);
    const lossAt = (p: Params) =>
      tf.tidy(
        () =>
          lossValue(
            c.loss,
            forward(spec, p, x, { truncation: c.truncation }).output,
            target
          ).dataSync()[0]
      );
    const grads = tf.tidy(() => {
      const pass = forward(spec, params, x, { truncation: c.truncation });
      const { dY } = lossGradient(c.loss, pass.output, target);
      const g = backward(spec, params, pass, dY, { truncation: c.truncation }).grads;
      return Object.fromEntries(Object.entries(g).map(([n, t]) => [n, t.dataSync().slice()]));
    });
    // With truncation, the truncated gradient is not the gradient of the loss: finite differences
    // see the full dependence. Compare only the parameters whose path the window does not cut.
    const names = c.truncation > 0 ? ['readout.weight', 'readout.bias'] : Object.keys(params);
    const eps = 1e-2;
    for (const n of names) {
      const values = params[n].dataSync().slice();
      for (const index of [0, Math.floor(values.length / 2), values.length - 1]) {
        const shifted = (delta: number) => {
          const v = values.slice();
          v[index] += delta;
          const p = { ...params, [n]: tf.tensor(v, params[n].shape) };
          const l = lossAt(p);
          p[n].dispose();
          return l;
        };
        const fd = (shifted(eps) - shifted(-eps)) / (2 * eps);
        const g = grads[n][index];
        expect(Math.abs(fd - g), `${n}[${index}]: fd ${fd} vs ${g}`).toBeLessThan(
          2e-3 + 2e-2 * Math.abs(g)
        );
      }
    }
    disposeParams(params);
    x.dispose();
    target.dispose();
  });

  it.each(['rnn', 'lstm', 'gru'] as CellType[])(
    '%s: a given initial state gets dL/d(state) equal to autodiff, and two halves with the carried state equal the whole',
    (cell) => {
      const spec = specOf({
        cell,
        activation: 'tanh',
        layers: 2,
        bidirectional: false,
        truncation: 0,
        readout: 'step',
        loss: 'mse',
        peepholes: false
      });
      const params = randomParams(spec, 21);
      const { x, target } = randomBatch(spec, 6, B, 2, 'mse');
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const random = () => tf.randomNormal([B, spec.hidden], 0, 0.5, 'float32', 3);
        const initial: Record<string, { h: tf.Tensor; c?: tf.Tensor }> = {
          l0: { h: random(), c: cell === 'lstm' ? random() : undefined },
          l1: { h: random(), c: cell === 'lstm' ? random() : undefined }
        };
        const pass = forward(spec, params, x, { truncation: 0, initialState: initial });
        const { dY } = lossGradient('mse', pass.output, target);
        const bp = backward(spec, params, pass, dY, { truncation: 0 });
        const states = ['l0', 'l1'].flatMap((s) => [
          initial[s].h,
          ...(initial[s].c ? [initial[s].c!] : [])
        ]);
        const auto = tf.grads((...s: tf.Tensor[]) => {
          let i = 0;
          const given: Record<string, { h: tf.Tensor; c?: tf.Tensor }> = {};
          for (const suffix of ['l0', 'l1'])
            given[suffix] = { h: s[i++], c: cell === 'lstm' ? s[i++] : undefined };
          return lossValue(
            'mse',
            forward(spec, params, x, { truncation: 0, initialState: given }).output,
            target
          );
        })(states);
        let i = 0;
        for (const d of bp.directions) {
          expect(relativeError(d.dInitialH!.dataSync(), auto[i++].dataSync())).toBeLessThan(1e-4);
          if (cell === 'lstm')
            expect(relativeError(d.dInitialC!.dataSync(), auto[i++].dataSync())).toBeLessThan(1e-4);
        }
        // Stateful continuation: steps 0–2 then 3–5 from the carried state = steps 0–5 at once.
        const [x1, x2] = tf.split(x, 2, 0);
        const first = forward(spec, params, x1, { truncation: 0, initialState: initial });
        const second = forward(spec, params, x2, { truncation: 0, initialState: first.finalState });
        const joined = tf.concat([first.output, second.output], 0);
        expect(relativeError(joined.dataSync(), pass.output.dataSync())).toBeLessThan(1e-5);
      });
      expect(tf.memory().numTensors).toBe(before);
      disposeParams(params);
      x.dispose();
      target.dispose();
    }
  );

  afterAll(() => {
    expect(tf.memory().numTensors).toBeLessThan(5);
  });
});
