import { beforeAll, describe, expect, it } from 'vitest';
import { initParameters } from './init';
import { useNodeBackend } from './node-backend';
import { Random } from './random';
import { Trainer } from './trainer';
import type { Batch, TrainingSpec } from './trainer';
import type { BackendName, CellType } from './types';

const BACKENDS = (process.env.ENGINE_BACKENDS ?? 'cpu,wasm').split(',') as BackendName[];

function spec(
  cell: CellType,
  hidden: number,
  init: Partial<TrainingSpec['init']> = {}
): TrainingSpec {
  return {
    network: {
      cell,
      activation: 'linear',
      inputSize: 2,
      hidden,
      layers: 2,
      bidirectional: cell === 'lstm',
      readout: 'last',
      outputSize: 1,
      peepholes: false
    },
    init: {
      recurrent: 'normal',
      input: 'glorot-uniform',
      gainSquared: 1,
      spectralRadius: null,
      forgetBias: 1,
      seed: 2,
      ...init
    },
    optimizer: 'sgd',
    learningRate: 0.01,
    clipping: 'off',
    clipThreshold: 1,
    truncation: 0,
    loss: 'mse'
  };
}

function batch(T: number, B: number): Batch {
  const random = new Random(4);
  return {
    T,
    B,
    x: new Float32Array(T * B * 2).map(() => random.normal()),
    target: new Float32Array(B).map(() => random.normal())
  };
}

describe.each(BACKENDS)('live sliders on %s', (backend) => {
  beforeAll(async () => {
    expect((await useNodeBackend(backend)).active).toBe(backend);
  });

  it.each(['rnn', 'lstm', 'gru'] as CellType[])(
    '%s: setSpectralRadius puts every gate block of every W_hh at ρ, also when dragged',
    async (cell) => {
      const trainer = Trainer.create(spec(cell, 12));
      const b = batch(6, 3);
      for (const rho of [0.5, 1.3, 0.95]) {
        await trainer.setSpectralRadius(rho);
        const { directions } = await trainer.inspect(b);
        for (const d of directions)
          for (const e of d.eigenvalues)
            expect(Math.abs(e.spectralRadius - rho), `${d.dir.suffix} ${e.gate}`).toBeLessThan(
              1e-4
            );
      }
      // After a training step the weights moved: the next call recomputes the radii.
      await trainer.train(b);
      await trainer.setSpectralRadius(0.7);
      const { directions } = await trainer.inspect(b);
      for (const d of directions)
        for (const e of d.eigenvalues) expect(Math.abs(e.spectralRadius - 0.7)).toBeLessThan(1e-4);
      trainer.dispose();
    }
  );

  it('dragging ρ moves the gradient curve as ρ^(T−t) (linear RNN, orthogonal W_hh)', async () => {
    const s = spec('rnn', 16, { recurrent: 'orthogonal' });
    s.network = { ...s.network, layers: 1 };
    const trainer = Trainer.create(s);
    const b = batch(40, 2);
    for (const rho of [0.8, 1.05]) {
      await trainer.setSpectralRadius(rho);
      const norms = (await trainer.measure(b)).directions[0].gradNormPerStep;
      expect(norms[0] / norms[39]).toBeCloseTo(Math.pow(rho, 39), 3);
    }
    trainer.dispose();
  });

  it('scaleRecurrent(√(g²′/g²)) equals a fresh normal draw with variance g²′/n', async () => {
    const s = spec('rnn', 10, { gainSquared: 1 });
    const trainer = Trainer.create(s);
    trainer.scaleRecurrent(Math.sqrt(3));
    const scaled = (await trainer.parameters())['weight_hh_l0'].values;
    const fresh = initParameters(s.network, { ...s.init, gainSquared: 3 }).params['weight_hh_l0']
      .values;
    for (let i = 0; i < fresh.length; i++) expect(scaled[i]).toBeCloseTo(fresh[i], 5);
    trainer.dispose();
  });

  it.each(['rnn', 'lstm'] as CellType[])(
    '%s: deferred rescalings are made, in order, before anything reads the weights',
    async (cell) => {
      const b = batch(6, 3);
      const drag = async (trainer: Trainer, defer: boolean) => {
        for (const rho of [0.5, 1.3, 0.95]) await trainer.setSpectralRadius(rho, { defer });
        trainer.scaleRecurrent(1.7, { defer });
        await trainer.setSpectralRadius(1.1, { defer });
      };
      const eager = Trainer.create(spec(cell, 12));
      await drag(eager, false);
      expect(eager.rescalingDeferred).toBe(false);
      const expected = await eager.parameters();
      // Every way of reading the weights sees the rescalings: parameters, measure, inspect, train.
      const reads: [string, (t: Trainer) => Promise<unknown>][] = [
        ['parameters', (t) => t.parameters()],
        ['measure', (t) => t.measure(b)],
        ['inspect', (t) => t.inspect(b)],
        ['train', (t) => t.train(b)]
      ];
      for (const [what, read] of reads) {
        const lazy = Trainer.create(spec(cell, 12));
        await drag(lazy, true);
        expect(lazy.rescalingDeferred, what).toBe(true);
        const got = await read(lazy);
        const want = await read(eager);
        if (what !== 'train') expect(got, what).toEqual(want);
        expect(lazy.rescalingDeferred, what).toBe(false);
        if (what === 'parameters') expect(got).toEqual(expected);
        if (what === 'train') {
          // One step on from the same weights: the same report and the same parameters.
          expect(got).toEqual(want);
          expect(await lazy.parameters()).toEqual(await eager.parameters());
        }
        lazy.dispose();
      }
      eager.dispose();
    }
  );

  it('adoptRecurrent takes the rescaled W_hh from a copy that made the same multiplications', async () => {
    const s = spec('gru', 8);
    const eager = Trainer.create(s);
    const lazy = Trainer.create(s);
    const copy = await lazy.parameters();
    const weights = Object.fromEntries(
      Object.entries(copy).map(([name, p]) => [name, Float32Array.from(p.values)])
    );
    for (const rho of [0.6, 1.4]) {
      await eager.setSpectralRadius(rho);
      const factors = await lazy.setSpectralRadius(rho, { defer: true });
      for (const [name, f] of Object.entries(factors)) {
        const values = weights[name];
        for (let i = 0; i < values.length; i++)
          values[i] = values[i] * Math.fround(f[Math.floor(i / 64)]);
      }
    }
    // A copy of the wrong size is refused.
    expect(() => lazy.adoptRecurrent({ weight_hh_l0: new Float32Array(3) })).toThrow();
    lazy.adoptRecurrent(weights);
    expect(lazy.rescalingDeferred).toBe(false);
    // The values are copied: changing the copy afterwards does not reach the trainer.
    weights['weight_hh_l0'].fill(0);
    expect(await lazy.parameters()).toEqual(await eager.parameters());
    eager.dispose();
    lazy.dispose();
  });

  it('measures one slider event (rescale + forward + backward), vanilla RNN, H = 64, T = 100', async () => {
    const s = spec('rnn', 64);
    s.network = { ...s.network, activation: 'tanh', layers: 1, readout: 'step' };
    const trainer = Trainer.create(s);
    const random = new Random(1);
    const b: Batch = {
      T: 100,
      B: 1,
      x: new Float32Array(200).map(() => random.normal()),
      target: new Float32Array(100)
    };
    await trainer.setSpectralRadius(1); // the one eigensolve when a drag starts
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const start = performance.now();
      await trainer.setSpectralRadius(0.8 + 0.02 * i);
      await trainer.measure(b);
      times.push(performance.now() - start);
    }
    times.sort((a, c) => a - c);
    console.log(
      `${backend}: slider event median ${times[10].toFixed(1)} ms, p95 ${times[18].toFixed(1)} ms`
    );
    expect(times[10]).toBeGreaterThan(0);
    trainer.dispose();
  });
});
