import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import type { DirectionView } from '$lib/session/snapshot';
import Spectrum from './Spectrum.svg.svelte';
import { attributes, normalizeMarkup } from './svg-snapshot';

function direction(
  suffix: string,
  blocks: DirectionView['eigenvalues'],
  singularValues?: DirectionView['singularValues']
): DirectionView {
  return {
    singularValues,
    suffix,
    layer: 0,
    reverse: suffix.endsWith('_reverse'),
    h: new Float32Array(),
    gates: {},
    pre: {},
    hNorm: new Float32Array(),
    gradNormPerStep: new Float32Array(),
    jacobianNorm: new Float32Array(),
    eigenvalues: blocks
  };
}

const block = (gate: string, re: number[], im: number[]) => ({
  gate,
  re: new Float64Array(re),
  im: new Float64Array(im),
  spectralRadius: Math.max(...re.map((r, k) => Math.hypot(r, im[k])))
});

describe('Spectrum.svg', () => {
  it('puts each eigenvalue in the complex plane, with the unit circle and ρ written', () => {
    // A rotation by 90° scaled by 0.9: λ = ±0.9i; and a real 0.5.
    const { body } = render(Spectrum, {
      props: { directions: [direction('l0', [block('a', [0, 0, 0.5], [0.9, -0.9, 0])])], size: 200 }
    });
    expect(attributes(body, 'class="eigenvalue', 'data-gate')).toEqual(['a', 'a', 'a']);
    const cx = attributes(body, 'class="eigenvalue', 'cx').map(Number);
    const cy = attributes(body, 'class="eigenvalue', 'cy').map(Number);
    // Plane ±1.25 in a 144 px square (200 − 30 left − 26 right) from (30, 58), centred at
    // (102, 130): 57.6 px per unit.
    const unit = 144 / 2.5;
    expect(cx[0]).toBeCloseTo(102, 6);
    expect(cy[0]).toBeCloseTo(130 - 0.9 * unit, 6);
    expect(cy[1]).toBeCloseTo(130 + 0.9 * unit, 6);
    expect(cx[2]).toBeCloseTo(102 + 0.5 * unit, 6);
    expect(attributes(body, 'class="unit-circle', 'r').map(Number)).toEqual([unit]);
    expect(attributes(body, 'class="radius', 'r').map(Number)[0]).toBeCloseTo(0.9 * unit, 6);
    expect(body).toContain('ρ = 0.900');
    expect(normalizeMarkup(body)).toMatchSnapshot();
  });

  it('draws one panel per gate block and direction, on one shared plane', () => {
    const gates = ['i', 'f', 'g', 'o'].map((g, k) => block(g, [0.5 * (k + 1), 0], [0, 0]));
    const { body } = render(Spectrum, {
      props: { directions: [direction('l0', gates), direction('l0_reverse', gates)] }
    });
    expect(attributes(body, 'data-testid="spectrum-panel"', 'data-gate')).toEqual([
      ...['i', 'f', 'g', 'o'],
      ...['i', 'f', 'g', 'o']
    ]);
    expect(attributes(body, 'class="eigenvalue', 'data-suffix').length).toBe(16);
    // The largest |λ| is 2: every panel spans ±3.
    expect(body).toContain('>3</text>');
    expect(body).toContain('ρ = 2.000');
  });

  it('draws each block’s singular values as sorted bars beside its plane, with σ = 1 and σ_1', () => {
    // W = diag(2, 0.5, 1) has σ = 2, 1, 0.5 and eigenvalues 2, 0.5, 1 (ρ = σ_1: normal).
    const { body } = render(Spectrum, {
      props: {
        directions: [
          direction(
            'l0',
            [block('a', [2, 0.5, 1], [0, 0, 0])],
            [{ gate: 'a', values: new Float64Array([2, 0.5, 1]) }]
          )
        ],
        size: 200
      }
    });
    expect(attributes(body, 'data-testid="singular-values"', 'data-spectral-norm')).toEqual(['2']);
    // σ up to 2 snaps to the axis [0, 3].
    expect(attributes(body, 'data-testid="singular-values"', 'data-extent')).toEqual(['3']);
    expect(attributes(body, 'class="singular-value', 'data-value').map(Number)).toEqual([
      2, 1, 0.5
    ]);
    // The σ chart beside the plane (which ends at 200): from 226, 115 px (80 % of the plane's 144)
    // wide, as tall as the plane: y from 58 to 202.
    const left = 226;
    const bottom = 58 + 144;
    const perUnit = 144 / 3;
    const heights = attributes(body, 'class="singular-value', 'height').map(Number);
    const ys = attributes(body, 'class="singular-value', 'y').map(Number);
    [2, 1, 0.5].forEach((sigma, k) => {
      expect(heights[k]).toBeCloseTo(sigma * perUnit, 6);
      expect(ys[k] + heights[k]).toBeCloseTo(bottom, 6);
    });
    // Bars left to right, inside the chart.
    const xs = attributes(body, 'class="singular-value', 'x').map(Number);
    const widths = attributes(body, 'class="singular-value', 'width').map(Number);
    expect(xs[0]).toBeGreaterThanOrEqual(left);
    expect(xs[1]).toBeGreaterThan(xs[0]);
    expect(xs[2] + widths[2]).toBeLessThanOrEqual(left + 115);
    expect(Number(attributes(body, 'class="sigma-one', 'y1')[0])).toBeCloseTo(bottom - perUnit, 6);
    expect(Number(attributes(body, 'class="sigma-max', 'y1').at(-1))).toBeCloseTo(
      bottom - 2 * perUnit,
      6
    );
    expect(body).toContain('= 2.000');
    expect(body).toContain('<title>σ₂ = 1.000</title>');
    // The panel grew sideways by the σ chart (226 + 115 + 12), not downwards.
    expect(attributes(body, 'data-testid="spectrum-panel"', 'width')).toEqual(['353']);
    expect(attributes(body, 'data-testid="spectrum-panel"', 'height')).toEqual(['226']);
    expect(normalizeMarkup(body)).toMatchSnapshot();
  });

  it('shares a given σ axis, and clips a σ above it to the top', () => {
    const { body } = render(Spectrum, {
      props: {
        directions: [
          direction(
            'l0',
            [block('a', [0, 0], [0, 0])],
            [{ gate: 'a', values: new Float64Array([7, 0.25]) }]
          )
        ],
        size: 200,
        singularExtent: 5
      }
    });
    expect(attributes(body, 'data-testid="singular-values"', 'data-extent')).toEqual(['5']);
    const heights = attributes(body, 'class="singular-value', 'height').map(Number);
    expect(heights[0]).toBeCloseTo(144, 6);
    expect(heights[1]).toBeCloseTo((0.25 / 5) * 144, 6);
    // Without singular values the panel is the plane alone.
    const plain = render(Spectrum, {
      props: { directions: [direction('l0', [block('a', [0.5], [0])])], size: 200 }
    }).body;
    expect(plain).not.toContain('singular-value');
    expect(attributes(plain, 'data-testid="spectrum-panel"', 'width')).toEqual(['200']);
  });
});
