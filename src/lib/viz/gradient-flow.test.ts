import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '$lib/engine/node-backend';
import { Random } from '$lib/engine/random';
import { Trainer } from '$lib/engine/trainer';
import type { Batch, TrainingSpec } from '$lib/engine/trainer';
import type { DirectionView } from '$lib/session/snapshot';
import {
  directionSpectralRadius,
  flowDomain,
  flowSeries,
  jacobianBound,
  jacobianDomain,
  lastProcessedStep,
  seriesLength,
  stepsBack,
  theoryCurve
} from './gradient-flow';

function close(actual: ArrayLike<number>, expected: number[]) {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i], `index ${i}`).toBeCloseTo(e, 12));
}

describe('which step a direction processes last', () => {
  it.each([
    { T: 5, reverse: false, last: 4, back: [4, 3, 2, 1, 0] },
    { T: 5, reverse: true, last: 0, back: [0, 1, 2, 3, 4] },
    { T: 1, reverse: false, last: 0, back: [0] }
  ])('T=$T reverse=$reverse', ({ T, reverse, last, back }) => {
    expect(lastProcessedStep(T, reverse)).toBe(last);
    expect(Array.from({ length: T }, (_, t) => stepsBack(t, T, reverse))).toEqual(back);
  });
});

describe('theory curve ρ^(T−t)·||dL/dh_T||, by hand', () => {
  it.each([
    { grad: [9, 9, 9, 2], rho: 0.5, reverse: false, expected: [0.25, 0.5, 1, 2] },
    { grad: [2, 9, 9, 9], rho: 0.5, reverse: true, expected: [2, 1, 0.5, 0.25] },
    { grad: [0, 0, 3], rho: 2, reverse: false, expected: [12, 6, 3] },
    { grad: [5, 1], rho: 1, reverse: false, expected: [1, 1] },
    { grad: [4], rho: 0.1, reverse: false, expected: [4] },
    { grad: [], rho: 0.9, reverse: false, expected: [] }
  ])('grad=$grad ρ=$rho reverse=$reverse → $expected', ({ grad, rho, reverse, expected }) => {
    close(theoryCurve(grad, rho, reverse), expected);
  });

  it('is NaN everywhere when ρ is unknown', () => {
    expect(
      Array.from(theoryCurve([1, 2, 3], NaN))
        .slice(0, 2)
        .every(Number.isNaN)
    ).toBe(true);
  });
});

describe('bound ||dL/dh_T||·Π_{s>t}||∂h_s/∂h_{s−1}||, by hand', () => {
  it.each([
    // forward: t=3 → 3; t=2 → 3·J3 = 12; t=1 → 12·J2 = 6; t=0 → 6·J1 = 12 (J0 is unused).
    { grad: [1, 1, 1, 3], jac: [9, 2, 0.5, 4], reverse: false, expected: [12, 6, 12, 3] },
    // reverse: t=0 → 3; t=1 → 3·J0 = 6; t=2 → 6·J1 = 3; t=3 → 3·J2 = 12 (J3 is unused).
    { grad: [3, 1, 1, 1], jac: [2, 0.5, 4, 9], reverse: true, expected: [3, 6, 3, 12] },
    { grad: [1, 1, 2], jac: [0, 0, 0], reverse: false, expected: [0, 0, 2] },
    { grad: [7], jac: [3], reverse: false, expected: [7] }
  ])('grad=$grad J=$jac reverse=$reverse → $expected', ({ grad, jac, reverse, expected }) => {
    close(jacobianBound(grad, jac, reverse), expected);
  });

  it('overflows to Infinity rather than wrapping, for a log axis to skip', () => {
    const T = 400;
    const bound = jacobianBound(new Float32Array(T).fill(1), new Float32Array(T).fill(10));
    expect(bound[0]).toBe(Infinity);
    expect(bound[T - 1]).toBe(1);
  });
});

function direction(overrides: Partial<DirectionView>): DirectionView {
  return {
    suffix: 'l0',
    layer: 0,
    reverse: false,
    h: new Float32Array(),
    gates: {},
    pre: {},
    hNorm: new Float32Array(),
    gradNormPerStep: new Float32Array([0.25, 0.5, 1]),
    jacobianNorm: new Float32Array([2, 2, 2]),
    eigenvalues: [
      { gate: 'i', re: new Float64Array(), im: new Float64Array(), spectralRadius: 0.5 },
      { gate: 'f', re: new Float64Array(), im: new Float64Array(), spectralRadius: 2 }
    ],
    ...overrides
  };
}

describe('flow series of a view', () => {
  it('takes the largest gate-block spectral radius as ρ', () => {
    expect(directionSpectralRadius(direction({}))).toBe(2);
    expect(directionSpectralRadius(direction({ eigenvalues: [] }))).toBeNaN();
  });

  it('computes theory and bound per direction', () => {
    const [s] = flowSeries([direction({})]);
    close(s.theory, [4, 2, 1]);
    close(s.bound, [4, 2, 1]);
    expect(s.spectralRadius).toBe(2);
    expect(seriesLength([s])).toBe(3);
  });

  it('takes its domain from the measured curves, zeros and Infinity skipped', () => {
    const series = flowSeries([
      direction({
        gradNormPerStep: new Float32Array([0, 0.02, Infinity, 0.5]),
        cellGradNormPerStep: new Float32Array([3, NaN, 0, 0]),
        jacobianNorm: new Float32Array([1, 1, 1, 1])
      })
    ]);
    const [low, high] = flowDomain(series);
    expect(low).toBeCloseTo(0.01, 12);
    expect(high).toBeCloseTo(10, 12);
    const [jLow, jHigh] = jacobianDomain(series);
    expect(jLow).toBeCloseTo(0.1, 12);
    expect(jHigh).toBeCloseTo(10, 12);
    const wide = flowSeries([direction({ jacobianNorm: new Float32Array([0.003, 40, 2]) })]);
    const [wLow, wHigh] = jacobianDomain(wide);
    expect(wLow).toBeCloseTo(0.001, 12);
    expect(wHigh).toBeCloseTo(100, 12);
  });
});

describe('against the engine: a linear RNN with W_hh = ρQ', () => {
  beforeAll(async () => {
    expect((await useNodeBackend('cpu')).active).toBe('cpu');
  });

  it.each([
    { rho: 0.9, reverse: false },
    { rho: 1.1, reverse: false },
    { rho: 0.8, reverse: true }
  ])(
    'the measured ||dL/dh_t|| lies on the theory line and on the bound (ρ=$rho, bidirectional=$reverse)',
    async ({ rho, reverse }) => {
      const T = 16;
      const spec: TrainingSpec = {
        network: {
          cell: 'rnn',
          activation: 'linear',
          inputSize: 2,
          hidden: 8,
          layers: 1,
          bidirectional: reverse,
          readout: 'last',
          outputSize: 1,
          peepholes: false
        },
        init: {
          recurrent: 'orthogonal',
          input: 'glorot-uniform',
          gainSquared: 1,
          spectralRadius: rho,
          forgetBias: 1,
          seed: 3
        },
        optimizer: 'sgd',
        learningRate: 0.01,
        clipping: 'off',
        clipThreshold: 1,
        truncation: 0,
        loss: 'mse'
      };
      const random = new Random(5);
      const B = 3;
      const batch: Batch = {
        T,
        B,
        x: new Float32Array(T * B * 2).map(() => random.normal()),
        target: new Float32Array(B).map(() => random.normal())
      };
      const inspection = await Trainer.create(spec).inspect(batch);
      const d = inspection.directions.find((x) => x.dir.reverse === reverse)!;
      const radius = Math.max(...d.eigenvalues.map((e) => e.spectralRadius));
      expect(radius).toBeCloseTo(rho, 4);
      const theory = theoryCurve(d.gradNormPerStep, radius, reverse);
      const bound = jacobianBound(d.gradNormPerStep, d.jacobianNorm, reverse);
      for (let t = 0; t < T; t++) {
        const g = d.gradNormPerStep[t];
        expect(Math.abs(theory[t] - g) / g, `theory t=${t}`).toBeLessThan(1e-3);
        expect(Math.abs(bound[t] - g) / g, `bound t=${t}`).toBeLessThan(1e-3);
      }
    }
  );
});
