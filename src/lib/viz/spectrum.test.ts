import { describe, expect, it } from 'vitest';
import {
  eigenPoints,
  largestSingularValue,
  largestSpectralRadius,
  singularBars,
  singularValuesOf,
  spectrumExtent,
  subscript
} from './spectrum';

describe('spectrumExtent: the unit circle always shows, in a few fixed steps', () => {
  it.each([
    [0, 1.25],
    [0.9, 1.25],
    [1.15, 1.25],
    [1.2, 1.5],
    [1.5, 2],
    [2.5, 3],
    [4, 5],
    [NaN, 1.25],
    [150, 1000]
  ])('ρ = %s → ±%s', (radius, expected) => expect(spectrumExtent(radius)).toBe(expected));
});

describe('eigenPoints', () => {
  it('keeps finite eigenvalues with their moduli', () => {
    expect(eigenPoints([3, NaN, 0], [4, 0, -1])).toEqual([
      { re: 3, im: 4, modulus: 5 },
      { re: 0, im: -1, modulus: 1 }
    ]);
  });
  it('the largest spectral radius over every block', () => {
    const block = (spectralRadius: number) => ({
      gate: 'a',
      re: new Float64Array(),
      im: new Float64Array(),
      spectralRadius
    });
    expect(
      largestSpectralRadius([
        { eigenvalues: [block(0.5), block(NaN)] },
        { eigenvalues: [block(1.2)] }
      ])
    ).toBe(1.2);
    expect(largestSpectralRadius([])).toBe(0);
  });
});

describe('singular values', () => {
  const direction = (...blocks: [string, number[]][]) => ({
    singularValues: blocks.map(([gate, values]) => ({ gate, values: new Float64Array(values) }))
  });

  it('bars: the finite values, largest first', () => {
    expect(singularBars([0.5, 2, NaN, 1, Infinity, 0])).toEqual([2, 1, 0.5, 0]);
    expect(singularBars([])).toEqual([]);
  });

  it('the largest σ over every block and direction; 0 without any', () => {
    expect(
      largestSingularValue([
        direction(['i', [0.9, 0.2]], ['f', [NaN, 1.7]]),
        direction(['i', [1.2]]),
        { singularValues: undefined }
      ])
    ).toBe(1.7);
    expect(largestSingularValue([{}])).toBe(0);
    // Shared through spectrumExtent, σ = 1 always shows.
    expect(spectrumExtent(largestSingularValue([direction(['a', [0.3]])]))).toBe(1.25);
  });

  it('a block’s values by gate name', () => {
    const d = direction(['r', [1]], ['z', [2, 1]]);
    expect(Array.from(singularValuesOf(d, 'z')!)).toEqual([2, 1]);
    expect(singularValuesOf(d, 'n')).toBeUndefined();
    expect(singularValuesOf({}, 'a')).toBeUndefined();
  });
});

it('subscript digits', () => {
  expect(subscript(1)).toBe('₁');
  expect(subscript(256)).toBe('₂₅₆');
  expect(subscript(0)).toBe('₀');
});
