import { describe, expect, it } from 'vitest';
import type { DirectionView, Snapshot, View } from '$lib/session/snapshot';
import { flowDomain, flowSeries } from '$lib/viz/gradient-flow';
import { sharedAxes, seriesDomain, type AxisSource } from './axes';

function direction(
  grad: number[],
  radius: number,
  sigma: number[],
  jacobian = grad.map(() => 1)
): DirectionView {
  return {
    suffix: 'l0',
    layer: 0,
    reverse: false,
    h: new Float32Array(),
    gates: {},
    pre: {},
    hNorm: new Float32Array(grad.length),
    gradNormPerStep: new Float32Array(grad),
    jacobianNorm: new Float32Array(jacobian),
    eigenvalues: [
      {
        gate: 'a',
        re: new Float64Array([radius]),
        im: new Float64Array([0]),
        spectralRadius: radius
      }
    ],
    singularValues: [{ gate: 'a', values: new Float64Array(sigma) }]
  };
}

function snapshot(options: {
  step?: number;
  losses?: number[];
  gradNorms?: number[];
  baselines?: number[];
  directions?: DirectionView[];
  series?: { input: number[]; target: number[]; output: number[] };
}): Snapshot {
  const view: View | null = options.directions
    ? {
        step: options.step ?? 0,
        batchIndex: 0,
        T: options.directions[0].gradNormPerStep.length,
        B: 1,
        H: 1,
        batchItem: 0,
        loss: options.losses?.at(-1) ?? 1,
        gradNorm: 1,
        directions: options.directions,
        metrics: {},
        prediction: options.series
          ? { kind: 'series', ...options.series }
          : { kind: 'text', seed: '', text: '' }
      }
    : null;
  return {
    serial: 1,
    status: 'paused',
    step: options.step ?? 0,
    lossHistory: new Float32Array(options.losses ?? []),
    gradNormHistory: new Float32Array(options.gradNorms ?? []),
    historyStride: 1,
    last: null,
    view,
    baselines: (options.baselines ?? []).map((loss, i) => ({ label: `b${i}`, loss })),
    divergence: null,
    backend: null,
    notice: null,
    switches: [],
    notices: [],
    error: null,
    reservoir: null,
    sample: null,
    timing: { msPerStep: null, stepsPerSecond: 0 }
  };
}

const side = (s: Snapshot | null, clipping: 'off' | 'norm' = 'off', clipThreshold = 1) => ({
  snapshot: s,
  config: { clipping, clipThreshold }
});

describe('sharedAxes', () => {
  // A: a vanishing gradient (1 → 2e-4), B: a flat one around 0.5.
  const a = snapshot({
    step: 35,
    losses: [1, 0.5],
    gradNorms: [2, 3],
    baselines: [0.8],
    directions: [direction([2e-4, 1e-2, 1], 0.9, [1.1, 0.4])],
    series: { input: [-1, 1], target: [0, 0.5], output: [0.2, 0.1] }
  });
  const b = snapshot({
    step: 7,
    losses: [0.01, 0.02],
    gradNorms: [0.2, 0.1],
    directions: [direction([0.5, 0.5, 0.5], 1.3, [2.2, 0.1])],
    series: { input: [0, 3], target: [1, 2], output: [2, 1] }
  });
  const sources: AxisSource[] = [side(a, 'norm', 5), side(b)];
  const axes = sharedAxes(sources);

  it('gives one domain for both, the same whichever side is first', () => {
    expect(sharedAxes([sources[1], sources[0]])).toEqual(axes);
  });

  it('the gradient chart spans both runs’ curves: the union of their series', () => {
    const union = flowDomain(flowSeries([...a.view!.directions, ...b.view!.directions]));
    expect(axes.flow).toEqual(union);
    for (const s of [a, b]) {
      const alone = flowDomain(flowSeries(s.view!.directions));
      expect(axes.flow![0]).toBeLessThanOrEqual(alone[0]);
      expect(axes.flow![1]).toBeGreaterThanOrEqual(alone[1]);
    }
    // 2e-4 (A) … 1 measured, rounded out to whole decades.
    expect(axes.flow).toEqual([10 ** -4, 1]);
    expect(axes.jacobian).toEqual([0.1, 10]);
  });

  it('the training charts share the further run’s steps and both histories', () => {
    expect(axes.steps).toBe(35);
    // Loss: 0.01 (B) … 1 (A), A's baseline 0.8 inside: two decades, padded by 10^0.2.
    expect(axes.loss[0]).toBeCloseTo(0.01 / 10 ** 0.2, 6);
    expect(axes.loss[1]).toBeCloseTo(1 * 10 ** 0.2, 6);
    // Gradient norm: 0.1 (B) … 5 (A's clipping threshold; B clips nothing).
    expect(axes.gradNorm[0]).toBeCloseTo(0.1 / 10 ** 0.2, 6);
    expect(axes.gradNorm[1]).toBeCloseTo(5 * 10 ** 0.2, 5);
    const unclipped = sharedAxes([side(a), side(b)]);
    expect(unclipped.gradNorm[1]).toBeCloseTo(3 * 10 ** 0.2, 5);
  });

  it('the spectra share one plane and one σ axis, each snapped to fit the larger', () => {
    // ρ 0.9 and 1.3: the plane ±1.5; σ_1 1.1 and 2.2: the σ axis [0, 3].
    expect(axes.spectrum).toBe(1.5);
    expect(axes.singular).toBe(3);
  });

  it('the predictions share a y domain over both sides’ input, target and output', () => {
    // −1 … 3, padded by 8 % of the span 4.
    expect(axes.series![0]).toBeCloseTo(-1.32, 12);
    expect(axes.series![1]).toBeCloseTo(3.32, 12);
  });

  it('before anything is known: no gradient or series domain, the charts’ own defaults', () => {
    const empty = sharedAxes([side(null), side(snapshot({}))]);
    expect(empty).toEqual({
      flow: null,
      jacobian: null,
      steps: 10,
      loss: [1e-3, 1],
      gradNorm: [1e-3, 1],
      spectrum: 1.25,
      singular: 1.25,
      series: null
    });
    // One side alone gives that side's own domains.
    expect(sharedAxes([side(a, 'norm', 5), side(null)]).flow).toEqual(
      flowDomain(flowSeries(a.view!.directions))
    );
  });
});

describe('seriesDomain', () => {
  it.each([
    [
      [0, 1],
      [-0.08, 1.08]
    ],
    [
      [2, 2, NaN],
      [1.92, 2.08]
    ],
    [[NaN, Infinity], null],
    [[], null]
  ])('%j → %j', (values, expected) => {
    const domain = seriesDomain(values);
    if (expected === null) expect(domain).toBeNull();
    else {
      expect(domain![0]).toBeCloseTo(expected[0], 12);
      expect(domain![1]).toBeCloseTo(expected[1], 12);
    }
  });
});
