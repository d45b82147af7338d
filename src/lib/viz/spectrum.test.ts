import { describe, expect, it } from 'vitest';
import { eigenPoints, largestSpectralRadius, spectrumExtent } from './spectrum';

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
