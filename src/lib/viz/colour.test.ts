import { describe, expect, it } from 'vitest';
import {
  MISSING_COLOUR,
  SERIES_COLOURS,
  interpolateGradient,
  colourTable,
  contrastingInk,
  interpolateSigned,
  interpolateUnit,
  legendGradient,
  rgbBytes,
  seriesColour,
  tableIndex
} from './colour';

describe('series colours', () => {
  it('are the ten Observable 10 colours, distinct, wrapping after ten', () => {
    expect(SERIES_COLOURS).toHaveLength(10);
    expect(new Set(SERIES_COLOURS).size).toBe(10);
    expect(seriesColour(0)).toBe(SERIES_COLOURS[0]);
    expect(seriesColour(10)).toBe(SERIES_COLOURS[0]);
    expect(seriesColour(-1)).toBe(SERIES_COLOURS[9]);
  });
});

describe('rgbBytes', () => {
  it.each([
    ['#ff0000', [255, 0, 0]],
    ['rgb(1, 2, 3)', [1, 2, 3]],
    ['white', [255, 255, 255]],
    ['not a colour', [0, 0, 0]]
  ])('%s → %s', (css, expected) => expect(rgbBytes(css)).toEqual(expected));
});

describe('the diverging scale: blue negative, white zero, red positive', () => {
  it('puts blue at the low end and red at the high end', () => {
    const [r0, , b0] = rgbBytes(interpolateSigned(0));
    const [r1, , b1] = rgbBytes(interpolateSigned(1));
    expect(b0).toBeGreaterThan(r0);
    expect(r1).toBeGreaterThan(b1);
    expect(Math.min(...rgbBytes(interpolateSigned(0.5)))).toBeGreaterThan(230);
  });
  it('the unit scale (viridis) runs dark to light', () => {
    const dark = rgbBytes(interpolateUnit(0));
    const light = rgbBytes(interpolateUnit(1));
    expect(dark.reduce((a, b) => a + b)).toBeLessThan(light.reduce((a, b) => a + b));
  });
});

describe('tableIndex', () => {
  it.each([
    { value: -1, domain: [-1, 1], expected: 0 },
    { value: 1, domain: [-1, 1], expected: 255 },
    { value: 0, domain: [-1, 1], expected: 128 },
    { value: 5, domain: [-1, 1], expected: 255 },
    { value: -5, domain: [-1, 1], expected: 0 },
    { value: 0.25, domain: [0, 1], expected: 64 },
    { value: 3, domain: [2, 2], expected: 127 },
    { value: NaN, domain: [0, 1], expected: -1 },
    { value: Infinity, domain: [0, 1], expected: -1 }
  ] as const)('$value on $domain → $expected', ({ value, domain, expected }) => {
    expect(tableIndex(value, domain, 256)).toBe(expected);
  });
});

describe('colourTable and legendGradient sample the interpolator', () => {
  it('has the end colours at the ends', () => {
    const table = colourTable(interpolateUnit, 5);
    expect(Array.from(table.subarray(0, 3))).toEqual(rgbBytes(interpolateUnit(0)));
    expect(Array.from(table.subarray(12, 15))).toEqual(rgbBytes(interpolateUnit(1)));
  });
  it('writes a CSS gradient with stops from 0 % to 100 %', () => {
    const css = legendGradient(interpolateUnit, 3);
    const [r, g, b] = rgbBytes(interpolateUnit(0));
    expect(css.startsWith(`linear-gradient(to right, rgb(${r}, ${g}, ${b}) 0%`)).toBe(true);
    expect(css.endsWith('100%)')).toBe(true);
    expect(css.match(/rgb\(/g)).toHaveLength(3);
  });
});

describe('contrastingInk', () => {
  it.each([
    [[255, 255, 255], 'black'],
    [[253, 231, 37], 'black'], // viridis yellow
    [[68, 1, 84], 'white'], // viridis purple
    [[0, 0, 0], 'white']
  ] as const)('%s → %s', ([r, g, b], expected) => expect(contrastingInk(r, g, b)).toBe(expected));
});

describe('missing cells stand out from every scale', () => {
  const grey = rgbBytes(MISSING_COLOUR);
  it.each([
    ['signed (RdBu)', interpolateSigned],
    ['unit (viridis)', interpolateUnit],
    ['gradient history (magma)', interpolateGradient]
  ] as const)('%s never comes within 40 of the missing grey', (_, interpolate) => {
    const table = colourTable(interpolate, 256);
    let nearest = Infinity;
    for (let i = 0; i < 256; i++) {
      const d = Math.hypot(
        table[3 * i] - grey[0],
        table[3 * i + 1] - grey[1],
        table[3 * i + 2] - grey[2]
      );
      nearest = Math.min(nearest, d);
    }
    expect(nearest).toBeGreaterThan(40);
  });
});
