import { describe, expect, it } from 'vitest';
import {
  formatPowerOfTen,
  isLoggable,
  logDomain,
  logExtent,
  logTicks,
  niceDecades,
  unionExtent
} from './log-scale';

describe('isLoggable', () => {
  it.each([
    [1, true],
    [1e-30, true],
    [0, false],
    [-1, false],
    [NaN, false],
    [Infinity, false],
    [-Infinity, false]
  ])('%s → %s', (value, expected) => expect(isLoggable(value)).toBe(expected));
});

describe('logExtent skips what a log axis cannot place', () => {
  it.each([
    { series: [[1, 2, 3]], expected: [1, 3] },
    { series: [[0, 0.5, NaN, 4, Infinity, -2]], expected: [0.5, 4] },
    { series: [new Float32Array([0, 0]), [7]], expected: [7, 7] },
    { series: [[0, -1, NaN]], expected: null },
    { series: [], expected: null }
  ])('$series → $expected', ({ series, expected }) => {
    expect(logExtent(series)).toEqual(expected);
  });
});

describe('unionExtent', () => {
  it.each([
    { a: null, b: null, expected: null },
    { a: [1, 2], b: null, expected: [1, 2] },
    { a: null, b: [3, 4], expected: [3, 4] },
    { a: [1, 5], b: [0.5, 2], expected: [0.5, 5] }
  ] as const)('$a ∪ $b', ({ a, b, expected }) => {
    expect(unionExtent(a && [...a], b && [...b])).toEqual(expected && [...expected]);
  });
});

describe('niceDecades', () => {
  it.each([
    { extent: [0.03, 0.7], expected: [0.01, 1] },
    { extent: [1, 1], expected: [1, 10] },
    { extent: [1, 100], expected: [1, 100] },
    { extent: [2e-7, 3e4], expected: [1e-7, 1e5] }
  ] as const)('$extent → $expected', ({ extent, expected }) => {
    const [a, b] = niceDecades([...extent]);
    expect(a).toBeCloseTo(expected[0], 12);
    expect(b / expected[1]).toBeCloseTo(1, 12);
  });
});

describe('logDomain', () => {
  it('covers the data in whole decades', () => {
    expect(logDomain([[0.02, 0.5, 0]])).toEqual([0.01, 1]);
  });
  it('widens for overlays by at most three decades either side', () => {
    const [low, high] = logDomain([[1, 5]], [[1e-40, 1e40]]);
    expect(Math.log10(low)).toBeCloseTo(-3, 9);
    expect(Math.log10(high)).toBeCloseTo(4, 9); // 5 · 10³ rounds out to 10⁴
  });
  it('widens for a nearby overlay only as far as it goes', () => {
    const [low, high] = logDomain([[1, 5]], [[0.2, 3]]);
    expect(low).toBeCloseTo(0.1, 12);
    expect(high).toBeCloseTo(10, 12);
  });
  it('falls back to the overlays, then to [0.1, 1]', () => {
    expect(logDomain([[0, NaN]], [[2, 30]])).toEqual([1, 100]);
    expect(logDomain([[0]], [[Infinity]])).toEqual([0.1, 1]);
  });
});

describe('logTicks', () => {
  it.each([
    { domain: [1e-3, 10], max: 6, expected: [1e-3, 1e-2, 1e-1, 1, 10] },
    { domain: [1e-12, 1], max: 6, expected: [1e-12, 1e-9, 1e-6, 1e-3, 1] },
    { domain: [1e-13, 10], max: 6, expected: [1e-12, 1e-9, 1e-6, 1e-3, 1] },
    { domain: [0.3, 0.9], max: 6, expected: [0.5] },
    { domain: [1, 10], max: 6, expected: [1, 10] },
    { domain: [0, 10], max: 6, expected: [] }
  ] as const)('$domain (≤ $max) → $expected', ({ domain, max, expected }) => {
    const ticks = logTicks([...domain], max);
    expect(ticks.length).toBe(expected.length);
    ticks.forEach((t, i) => expect(t / expected[i]).toBeCloseTo(1, 9));
  });
});

describe('formatPowerOfTen', () => {
  it.each([
    [1, '1'],
    [10, '10'],
    [0.1, '0.1'],
    [0.5, '0.5'],
    [1e-3, '10⁻³'],
    [1e12, '10¹²'],
    [100, '10²'],
    [2e-5, '2×10⁻⁵'],
    [0, '0']
  ])('%s → %s', (value, expected) => expect(formatPowerOfTen(value)).toBe(expected));
});
