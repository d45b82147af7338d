import { describe, expect, it } from 'vitest';
import { formatValues, logLinePath, loggableCount, pathYs } from './paths';

const scales = { x: (t: number) => 10 * t, y: (v: number) => -Math.log10(v) * 100 };

describe('logLinePath', () => {
  it.each([
    { values: [1, 10, 100], d: 'M0,0L10,-100L20,-200' },
    { values: [1, 0, 100, 1000], d: 'M0,0ZM20,-200L30,-300' },
    { values: [1, NaN, Infinity, 0.1], d: 'M0,0ZM30,100Z' },
    { values: [0, -1], d: '' },
    { values: [1 / 3], d: 'M0,47.712Z' }
  ])('$values → $d', ({ values, d }) => {
    expect(logLinePath(values, scales)).toBe(d);
  });
});

describe('loggableCount and formatValues', () => {
  it('counts the points a log axis shows', () => {
    expect(loggableCount([1, 0, NaN, 2, -3, Infinity])).toBe(2);
  });
  it('writes 6 significant digits and keeps non-finite values readable', () => {
    expect(formatValues([1 / 3, 0, NaN, Infinity, 1234567])).toBe(
      '0.333333,0,NaN,Infinity,1234570'
    );
  });
});

describe('pathYs', () => {
  it('reads the y of every vertex', () => {
    expect(pathYs('M0,0L10,-100L20,-2e3')).toEqual([0, -100, -2000]);
    expect(pathYs('M0,0ZM20,-200L30,-300')).toEqual([0, -200, -300]);
    expect(pathYs('')).toEqual([]);
  });
});
