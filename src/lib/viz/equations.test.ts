import { beforeAll, describe, expect, it } from 'vitest';
import { decodeHash } from '$lib/config';
import { useNodeBackend } from '$lib/engine/node-backend';
import { Trainer } from '$lib/engine/trainer';
import { makeView, type View } from '$lib/session/snapshot';
import { trainingSpec } from '$lib/tasks';
import { sineTask } from '$lib/tasks/sine';
import { cellEquations, evaluateStep, GATE_ORDER, stepValues, texNumber } from './equations';

describe('numbers in the equations', () => {
  it.each([
    [0.63012, '0.630'],
    [-0.3104, '-0.310'],
    [12.34567, '12.346'],
    [0.001, '0.001'],
    [0, '0'],
    [1.234e-5, '1.23\\times10^{-5}'],
    [-4.5e7, '-4.50\\times10^{7}'],
    [Infinity, '\\infty'],
    [-Infinity, '-\\infty'],
    [NaN, '\\mathrm{NaN}']
  ])('%d → %s', (value, tex) => {
    expect(texNumber(value)).toBe(tex);
  });
});

describe('equations for a known step', () => {
  it('LSTM: gates in the order i, f, g, o with their rounded numbers; c and h substituted', () => {
    const lines = cellEquations(
      {
        pre: { i: 0.5321, f: 1.2049, g: -0.3104, o: 0.9111 },
        gates: { i: 0.62998, f: 0.76937, g: -0.3008, o: 0.71322 },
        h: -0.04412,
        hPrev: 0.1,
        c: -0.09718,
        cPrev: 0.12
      },
      { cell: 'lstm', activation: 'tanh' }
    );
    expect(lines.map((l) => l.name)).toEqual(['pre', 'i', 'f', 'g', 'o', 'c', 'h']);
    const tex = Object.fromEntries(lines.map((l) => [l.name, l.tex]));
    expect(tex.pre).toContain('a_i & a_f & a_g & a_o');
    expect(tex.pre).toContain('0.532 & 1.205 & -0.310 & 0.911');
    expect(tex.i).toContain('\\sigma\\!\\left(0.532\\right) = 0.630');
    expect(tex.f).toContain('= 0.769');
    expect(tex.g).toMatch(/^g_t = \\tanh.*\\tanh\\!\\left\(-0\.310\\right\) = -0\.301$/);
    expect(tex.c).toContain('0.769 \\cdot 0.120 + 0.630 \\cdot (-0.301) = -0.097');
    expect(tex.h).toContain('0.713 \\cdot \\tanh\\!\\left(-0.097\\right) = -0.044');
    expect(tex.pre).not.toContain('p_i');
  });

  it('LSTM with peepholes says so; a reverse direction enters from step t+1', () => {
    const lines = cellEquations(
      {
        pre: { i: 0, f: 0, g: 0, o: 0 },
        gates: { i: 0.5, f: 0.5, g: 0, o: 0.5 },
        h: 0,
        hPrev: 0,
        c: 0,
        cPrev: null
      },
      { cell: 'lstm', activation: 'tanh', peepholes: true, reverse: true }
    );
    expect(lines[0].tex).toContain('p_i \\odot c_{t+1}');
    expect(lines[0].tex).toContain('h_{t+1} W_{hh}^\\top');
    // A learned initial state the view does not carry stays a symbol.
    expect(lines[5].tex).toContain('0.500 \\cdot c_{t+1} + ');
  });

  it('GRU: r, z, n; the reset gate multiplies the recurrent matmul with its bias', () => {
    const lines = cellEquations(
      {
        pre: { r: 0.1234, z: -0.5, n: 0.4321 },
        gates: { r: 0.53081, z: 0.37754, n: 0.40707 },
        h: 0.17796,
        hPrev: -0.2
      },
      { cell: 'gru', activation: 'tanh' }
    );
    expect(lines.map((l) => l.name)).toEqual(['pre', 'r', 'z', 'n', 'h']);
    const [, r, z, n, h] = lines.map((l) => l.tex);
    expect(r).toContain('\\sigma\\!\\left(0.123\\right) = 0.531');
    expect(z).toContain('= 0.378');
    expect(n).toContain('x_n + r_t \\odot \\left(h_{t-1} W_{hn}^\\top + b_{hn}\\right)');
    expect(n).toContain('\\tanh\\!\\left(0.432\\right) = 0.407');
    expect(h).toContain('(1 - 0.378) \\cdot 0.407 + 0.378 \\cdot (-0.200) = 0.178');
  });

  it.each([
    ['tanh', 'h_t = \\tanh\\!\\left(a_t\\right) = \\tanh\\!\\left(-1.500\\right) = -0.905'],
    ['relu', 'h_t = \\max\\!\\left(0,\\, a_t\\right) = \\max\\!\\left(0,\\, -1.500\\right) = 0'],
    ['sigmoid', '\\sigma\\!\\left(-1.500\\right) = 0.182'],
    ['linear', 'h_t = a_t = -1.500']
  ] as const)('vanilla %s: %s', (activation, expected) => {
    const h = { tanh: Math.tanh(-1.5), relu: 0, sigmoid: 1 / (1 + Math.exp(1.5)), linear: -1.5 }[
      activation
    ];
    const lines = cellEquations(
      { pre: { a: -1.5 }, gates: {}, h, hPrev: 0.3 },
      { cell: 'rnn', activation }
    );
    expect(lines[0].tex).toBe(
      'a_t = x_t W_{ih}^\\top + b_{ih} + h_{t-1} W_{hh}^\\top + b_{hh} = -1.500'
    );
    expect(lines[1].tex).toContain(expected);
  });
});

describe('the equations are the engine’s', () => {
  const views: Record<string, View> = {};
  const hashes = {
    rnn: 'cell=rnn&act=tanh&hidden=4&T=6&batch=3&seed=3',
    relu: 'cell=rnn&act=relu&hidden=4&T=6&batch=3&seed=3',
    lstm: 'cell=lstm&hidden=4&T=6&batch=3&bidir=1&seed=5',
    peep: 'cell=lstm&peep=1&hidden=4&T=6&batch=3&seed=5',
    gru: 'cell=gru&hidden=4&T=6&batch=3&bidir=1&seed=6'
  };

  beforeAll(async () => {
    await useNodeBackend('cpu');
    for (const [name, hash] of Object.entries(hashes)) {
      const { config } = decodeHash(hash);
      const { spec } = trainingSpec(config);
      const batch = sineTask.batch(config.seed, 0, config.seqLength, config.batchSize);
      const trainer = Trainer.create(spec);
      const inspection = await trainer.inspect(batch, { batchItem: 1 });
      trainer.dispose();
      views[name] = makeView({
        step: 0,
        batchIndex: 0,
        batch,
        inspection,
        hidden: config.hidden,
        task: sineTask
      });
    }
  });

  it.each(Object.keys(hashes))(
    '%s: gates, c_t and h_t from the substituted numbers match the trace at every step, unit and direction',
    (name) => {
      const view = views[name];
      const { config } = decodeHash(hashes[name as keyof typeof hashes]);
      for (const direction of view.directions) {
        expect(Object.keys(direction.gates)).toEqual(GATE_ORDER[config.cell]);
        for (let t = 0; t < view.T; t++)
          for (let unit = 0; unit < view.H; unit++) {
            const values = stepValues(direction, t, unit, view.H);
            const computed = evaluateStep(values, config);
            for (const gate of GATE_ORDER[config.cell])
              expect(computed.gates[gate]).toBeCloseTo(values.gates[gate], 5);
            if (values.c !== undefined) expect(computed.c).toBeCloseTo(values.c, 5);
            expect(computed.h).toBeCloseTo(values.h, 5);
          }
      }
    }
  );

  it('the entering state is the previous processed step’s (t−1 forward, t+1 reverse), 0 first', () => {
    const [forward, reverse] = views.gru.directions;
    const H = views.gru.H;
    expect(stepValues(forward, 0, 2, H).hPrev).toBe(0);
    expect(stepValues(forward, 3, 2, H).hPrev).toBe(forward.h[2 * H + 2]);
    expect(stepValues(reverse, 5, 2, H).hPrev).toBe(0);
    expect(stepValues(reverse, 3, 2, H).hPrev).toBe(reverse.h[4 * H + 2]);
    expect(stepValues(forward, 0, 2, H, true).hPrev).toBeNull();
  });
});
