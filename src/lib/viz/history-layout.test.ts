import { describe, expect, it } from 'vitest';
import { MISSING_COLOUR, interpolateGradient, rgbBytes } from './colour';
import {
  historyLegendTicks,
  historyLogDomain,
  historyPixels,
  historyRowBands,
  historyStepScale,
  type HistoryRow
} from './history-layout';

const row = (step: number, values: number[]): HistoryRow => ({
  step,
  values: new Float32Array(values)
});

describe('historyLogDomain: log10 of the loggable values', () => {
  it.each([
    { rows: [row(1, [0.01, 1]), row(2, [0.1, 10])], expected: [-2, 1] },
    { rows: [row(1, [0, NaN, 100])], expected: [1.5, 2.5] },
    { rows: [row(1, [0])], expected: [-1, 0] },
    { rows: [], expected: [-1, 0] }
  ])('$expected', ({ rows, expected }) => {
    const [low, high] = historyLogDomain(rows);
    expect(low).toBeCloseTo(expected[0], 6);
    expect(high).toBeCloseTo(expected[1], 6);
  });
});

describe('historyRowBands: each row reaches halfway to its neighbours', () => {
  it.each([
    { steps: [], expected: [] },
    { steps: [5], expected: [[0, 100]] },
    // evenly spaced: four equal bands
    {
      steps: [1, 2, 3, 4],
      expected: [
        [0, 25],
        [25, 50],
        [50, 75],
        [75, 100]
      ]
    },
    // steps 10, 20, 60: edges 5, 15, 40, 80 on [5, 80] → 0, 13.33, 46.67, 100
    {
      steps: [10, 20, 60],
      expected: [
        [0, 100 / 7.5],
        [100 / 7.5, 35 * (100 / 75)],
        [35 * (100 / 75), 100]
      ]
    }
  ])('$steps', ({ steps, expected }) => {
    const bands = historyRowBands(steps, 0, 100);
    expect(bands.length).toBe(expected.length);
    bands.forEach((b, i) => {
      expect(b.top).toBeCloseTo(expected[i][0], 9);
      expect(b.bottom).toBeCloseTo(expected[i][1], 9);
    });
  });
  it('has a step axis that agrees with the bands', () => {
    expect(historyStepScale([10, 20, 60], 0, 100)).toEqual({ domain: [5, 80], range: [0, 100] });
    expect(historyStepScale([7], 0, 50)).toEqual({ domain: [6.5, 7.5], range: [0, 50] });
  });
});

describe('historyPixels', () => {
  it('colours log10 ||dL/dh_t|| on magma; zeros grey; one row per training step', () => {
    const rows = [row(1, [0.01, 1]), row(2, [0, 0.1])];
    const pixels = historyPixels(rows, 2, [-2, 0]);
    const at = (x: number, y: number) =>
      Array.from(pixels.subarray((y * 2 + x) * 4, (y * 2 + x) * 4 + 3));
    expect(at(0, 0)).toEqual(rgbBytes(interpolateGradient(0)));
    expect(at(1, 0)).toEqual(rgbBytes(interpolateGradient(1)));
    expect(at(0, 1)).toEqual(rgbBytes(MISSING_COLOUR));
    expect(at(1, 1)).toEqual(rgbBytes(interpolateGradient(128 / 255)));
  });
});

describe('historyLegendTicks', () => {
  it.each([
    {
      domain: [-2, 1],
      expected: [
        [0, 1e-2],
        [1 / 3, 0.1],
        [2 / 3, 1],
        [1, 10]
      ]
    },
    // less than a decade: the ends, and 0.1 between them
    {
      domain: [-1.2, -0.7],
      expected: [
        [0, 10 ** -1.2],
        [0.4, 0.1],
        [1, 10 ** -0.7]
      ]
    },
    // the ends only
    {
      domain: [-1.9, -1.1],
      expected: [
        [0, 10 ** -1.9],
        [1, 10 ** -1.1]
      ]
    },
    // 1 sits within a quarter of the legend of the top end: left out
    {
      domain: [-3, 0.1],
      expected: [
        [0, 1e-3],
        [1 / 3.1, 1e-2],
        [2 / 3.1, 0.1],
        [1, 10 ** 0.1]
      ]
    },
    { domain: [2, 2], expected: [[0.5, 100]] }
  ])('$domain', ({ domain, expected }) => {
    const ticks = historyLegendTicks(domain as [number, number]);
    expect(ticks.length).toBe(expected.length);
    ticks.forEach((tick, i) => {
      expect(tick.at).toBeCloseTo(expected[i][0], 9);
      expect(tick.value / expected[i][1]).toBeCloseTo(1, 9);
    });
  });
});
