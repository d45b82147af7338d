import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import type { DirectionView } from '$lib/session/snapshot';
import { pathYs } from '$lib/viz/paths';
import GradientFlow from './GradientFlow.svg.svelte';
import { attributes, normalizeMarkup } from './svg-snapshot';

function direction(overrides: Partial<DirectionView> = {}): DirectionView {
  return {
    suffix: 'l0',
    layer: 0,
    reverse: false,
    h: new Float32Array(),
    gates: {},
    pre: {},
    hNorm: new Float32Array(),
    // ρ = 0.5 exactly: each step back halves the gradient, and every Jacobian norm is 0.5.
    gradNormPerStep: new Float32Array([0.125, 0.25, 0.5, 1]),
    jacobianNorm: new Float32Array([0.5, 0.5, 0.5, 0.5]),
    eigenvalues: [
      { gate: 'a', re: new Float64Array([0.5]), im: new Float64Array([0]), spectralRadius: 0.5 }
    ],
    ...overrides
  };
}

const series = (html: string, name: string, attribute = 'd') =>
  attributes(html, `data-series="${name}"`, attribute);

describe('GradientFlow.svg', () => {
  it('draws the measured curve, the theory line and the bound on top of each other when ρ^(T−t) holds', () => {
    const { body } = render(GradientFlow, { props: { directions: [direction()] } });
    const [grad] = series(body, 'grad-h');
    expect(series(body, 'theory')).toEqual([grad]);
    expect(series(body, 'bound')).toEqual([grad]);
    expect(series(body, 'grad-h', 'data-points')).toEqual(['4']);
    expect(series(body, 'theory', 'data-values')).toEqual(['0.125,0.25,0.5,1']);
    // Log axis: equal ratios are equal steps in y.
    const ys = pathYs(grad);
    expect(ys[1] - ys[0]).toBeCloseTo(ys[2] - ys[1], 2);
    expect(ys[2] - ys[1]).toBeCloseTo(ys[3] - ys[2], 2);
    expect(normalizeMarkup(body)).toMatchSnapshot();
  });

  it('computes the theory line and the bound by hand where they differ from the measurement', () => {
    const { body } = render(GradientFlow, {
      props: {
        directions: [
          direction({
            gradNormPerStep: new Float32Array([1, 1, 1, 2]),
            jacobianNorm: new Float32Array([9, 3, 0.5, 4]),
            eigenvalues: [
              { gate: 'i', re: new Float64Array(), im: new Float64Array(), spectralRadius: 0.5 },
              { gate: 'f', re: new Float64Array(), im: new Float64Array(), spectralRadius: 2 }
            ]
          })
        ]
      }
    });
    // ρ = max over gate blocks = 2: 2·2³, 2·2², 2·2, 2.
    expect(series(body, 'theory', 'data-values')).toEqual(['16,8,4,2']);
    // 2; 2·4 = 8; 8·0.5 = 4; 4·3 = 12 (the first Jacobian, into h_0, is unused).
    expect(series(body, 'bound', 'data-values')).toEqual(['12,4,8,2']);
    expect(body).toContain('(ρ = 2.000)');
  });

  it('skips zeros and non-finite values on the log axis, and draws ‖dL/dc_t‖ dashed for the LSTM', () => {
    const { body } = render(GradientFlow, {
      props: {
        directions: [
          direction({
            gradNormPerStep: new Float32Array([0, NaN, 0.5, 1]),
            cellGradNormPerStep: new Float32Array([Infinity, 0.1, 0.2, 0.4])
          }),
          direction({ suffix: 'l0_reverse', reverse: true })
        ]
      }
    });
    expect(series(body, 'grad-h', 'data-points')).toEqual(['2', '4']);
    expect(series(body, 'grad-c', 'data-points')).toEqual(['3']);
    expect(series(body, 'grad-h', 'data-suffix')).toEqual(['l0', 'l0_reverse']);
    for (const d of attributes(body, 'data-series=', 'd')) expect(d).not.toMatch(/NaN|Infinity/);
    expect(body).toContain('‖dL/dc<sub>t</sub>‖');
  });

  it('leaves out the theory line, the bound and the Jacobian chart when asked', () => {
    const { body } = render(GradientFlow, {
      props: { directions: [direction()], theory: false, bound: false, jacobian: false }
    });
    expect(series(body, 'grad-h')).toHaveLength(1);
    expect(series(body, 'theory')).toEqual([]);
    expect(series(body, 'bound')).toEqual([]);
    expect(series(body, 'jacobian')).toEqual([]);
    expect(body).not.toContain('bound from');
  });

  it('says so when there is nothing to draw', () => {
    const { body } = render(GradientFlow, { props: { directions: [] } });
    expect(body).toContain('No gradients yet.');
    expect(body).not.toContain('<path');
  });
});
