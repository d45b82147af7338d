import { describe, expect, it } from 'vitest';
import { MISSING_COLOUR, interpolateSigned, interpolateUnit, rgbBytes } from './colour';
import {
  absMax,
  cellCentre,
  heatmapLayout,
  heatmapPixels,
  markRadius,
  saturatedCells,
  signedScale,
  unitScale
} from './heatmap';

function pixel(pixels: Uint8ClampedArray, width: number, x: number, y: number): number[] {
  const p = (y * width + x) * 4;
  return Array.from(pixels.subarray(p, p + 3));
}

describe('absMax and the signed scale', () => {
  it.each([
    { values: [0.5, -2, 1], expected: 2 },
    { values: [NaN, -Infinity, 0.3], expected: 0.3 },
    { values: [], expected: 0 }
  ])('absMax($values) = $expected', ({ values, expected }) => {
    expect(absMax(values)).toBe(expected);
  });
  it('is symmetric around zero, [−1, 1] for an all-zero array, or a fixed max', () => {
    expect(signedScale([0.5, -2]).domain).toEqual([-2, 2]);
    expect(signedScale([0, 0]).domain).toEqual([-1, 1]);
    expect(signedScale([0.5, -2], 1).domain).toEqual([-1, 1]);
    expect(unitScale().domain).toEqual([0, 1]);
  });
});

describe('heatmapPixels: column t, row j is values[t·H + j]', () => {
  // T = 2 steps, H = 3 units: t=0 → [−1, 0, 1], t=1 → [1, NaN, −1].
  const values = new Float32Array([-1, 0, 1, 1, NaN, -1]);
  const pixels = heatmapPixels(values, 2, 3, signedScale(values));

  it('is T wide and H high, opaque', () => {
    expect(pixels.length).toBe(2 * 3 * 4);
    for (let p = 3; p < pixels.length; p += 4) expect(pixels[p]).toBe(255);
  });
  it.each([
    { t: 0, j: 0, colour: interpolateSigned(0) },
    { t: 0, j: 1, colour: interpolateSigned(128 / 255) },
    { t: 0, j: 2, colour: interpolateSigned(1) },
    { t: 1, j: 0, colour: interpolateSigned(1) },
    { t: 1, j: 1, colour: MISSING_COLOUR },
    { t: 1, j: 2, colour: interpolateSigned(0) }
  ])('t=$t, unit $j', ({ t, j, colour }) => {
    expect(pixel(pixels, 2, t, j)).toEqual(rgbBytes(colour));
  });
  it('maps sigmoid gates 0 → dark, 1 → light on viridis', () => {
    const gate = heatmapPixels([0, 1], 2, 1, unitScale());
    expect(pixel(gate, 2, 0, 0)).toEqual(rgbBytes(interpolateUnit(0)));
    expect(pixel(gate, 2, 1, 0)).toEqual(rgbBytes(interpolateUnit(1)));
  });
});

describe('saturatedCells: |pre-activation| > 3', () => {
  it.each([
    { pre: [0, 3, -3, 3.01, -4, 2.99], expected: [3, 4] },
    { pre: [NaN, 1, Infinity], expected: [0, 2] },
    { pre: [1, 2], expected: [] }
  ])('$pre → $expected', ({ pre, expected }) => {
    expect(Array.from(saturatedCells(pre))).toEqual(expected);
  });
  it('takes another threshold', () => {
    expect(Array.from(saturatedCells([0.5, 1.5], 1))).toEqual([1]);
  });
});

describe('heatmapLayout', () => {
  it.each([
    { T: 20, H: 8, width: 200, cellWidth: 10, cellHeight: 12, height: 96 },
    { T: 20, H: 32, width: 300, cellWidth: 15, cellHeight: 3, height: 96 },
    { T: 100, H: 256, width: 400, cellWidth: 4, cellHeight: 1, height: 256 },
    { T: 10, H: 1, width: 100, cellWidth: 10, cellHeight: 12, height: 12 }
  ])(
    'T=$T H=$H in $width px: cells $cellWidth × $cellHeight',
    ({ T, H, width, cellWidth, cellHeight, height }) => {
      expect(heatmapLayout(T, H, width)).toEqual({ width, height, cellWidth, cellHeight });
    }
  );
  it('centres and marks', () => {
    const layout = heatmapLayout(20, 8, 200);
    expect(cellCentre(layout, 0, 0)).toEqual([5, 6]);
    expect(cellCentre(layout, 19, 7)).toEqual([195, 90]);
    expect(markRadius(layout)).toBeCloseTo(2, 12);
    expect(markRadius(heatmapLayout(100, 256, 400))).toBe(1);
  });
});
