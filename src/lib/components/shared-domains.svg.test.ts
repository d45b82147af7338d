/**
 * The domains a chart can be given to share its axes with a neighbour (the comparison page): the
 * chart draws on the given domain instead of its own, and says which in `data-y-domain`.
 */
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import type { DirectionView } from '$lib/session/snapshot';
import GradNormChart from './GradNormChart.svg.svelte';
import GradientFlow from './GradientFlow.svg.svelte';
import LossChart from './LossChart.svg.svelte';
import SeriesPlot from './SeriesPlot.svg.svelte';
import { attributes } from './svg-snapshot';

const direction: DirectionView = {
  suffix: 'l0',
  layer: 0,
  reverse: false,
  h: new Float32Array(),
  gates: {},
  pre: {},
  hNorm: new Float32Array(),
  gradNormPerStep: new Float32Array([0.125, 0.25, 0.5, 1]),
  jacobianNorm: new Float32Array([0.5, 0.5, 0.5, 0.5]),
  eigenvalues: [
    { gate: 'a', re: new Float64Array([0.5]), im: new Float64Array([0]), spectralRadius: 0.5 }
  ]
};

describe('shared domains', () => {
  it('GradientFlow: its own domains, or the ones given (both charts)', () => {
    const own = render(GradientFlow, { props: { directions: [direction] } }).body;
    expect(attributes(own, 'role="img"', 'data-y-domain')).toEqual(['0.1,1', '0.1,10']);
    const shared = render(GradientFlow, {
      props: { directions: [direction], yDomain: [1e-6, 10], jacobianYDomain: [0.01, 100] }
    }).body;
    expect(attributes(shared, 'role="img"', 'data-y-domain')).toEqual(['0.000001,10', '0.01,100']);
    // The axis is labelled down to the given bottom, far below the data.
    expect(shared).toContain('>10⁻⁶</text>');
    expect(own).not.toContain('>10⁻⁶</text>');
  });

  it('LossChart and GradNormChart: the given y domain and x extent', () => {
    const history = new Float32Array([0.5, 0.4, 0.3]);
    const own = render(LossChart, { props: { history, stride: 1, step: 3 } }).body;
    expect(attributes(own, 'role="img"', 'data-x-domain')).toEqual(['0,10']);
    const loss = render(LossChart, {
      props: { history, stride: 1, step: 3, yDomain: [0.01, 2], xMax: 40 }
    }).body;
    expect(attributes(loss, 'role="img"', 'data-y-domain')).toEqual(['0.01,2']);
    expect(attributes(loss, 'role="img"', 'data-x-domain')).toEqual(['0,40']);
    const norm = render(GradNormChart, {
      props: {
        history,
        stride: 1,
        step: 3,
        last: null,
        clipping: 'norm',
        threshold: 1,
        yDomain: [0.1, 5],
        xMax: 25
      }
    }).body;
    expect(attributes(norm, 'role="img"', 'data-y-domain')).toEqual(['0.1,5']);
    expect(attributes(norm, 'role="img"', 'data-x-domain')).toEqual(['0,25']);
  });

  it('SeriesPlot: the given y domain, rounded out like its own', () => {
    const props = { input: [0, 0.5], target: [0.2, 0.3], output: [0.1, 0.4] };
    const own = render(SeriesPlot, { props }).body;
    expect(attributes(own, 'role="img"', 'data-y-domain')).toEqual(['-0.05,0.55']);
    const shared = render(SeriesPlot, { props: { ...props, yDomain: [-1.32, 3.32] } }).body;
    expect(attributes(shared, 'role="img"', 'data-y-domain')).toEqual(['-1.5,3.5']);
  });
});
