/**
 * Colours of the views, all from d3-scale-chromatic and chosen to stay readable with the common
 * colour-vision deficiencies:
 * - lines of layers/directions: Observable 10 (`schemeObservable10`), designed for contrast and
 *   checked against deuteranopia, protanopia and tritanopia simulations; every line also has a
 *   label, so colour is never the only cue;
 * - signed values (h, c, pre-activations, tanh gates): ColorBrewer RdBu (listed as
 *   colour-blind safe), blue negative, white zero, red positive;
 * - sigmoid gates in [0, 1]: viridis;
 * - the gradient history, log10 ||dL/dh_t||: magma, black (vanished) to pale yellow (large), from
 *   the same perceptually uniform, CVD-friendly family as viridis (cividis was the first choice,
 *   but its middle is a neutral grey, the colour of missing cells).
 *
 * Canvas views colour thousands of cells per frame, so each interpolator is sampled once into a
 * lookup table of RGB bytes ({@link colourTable}).
 */
import {
  color as parseColour,
  interpolateMagma,
  interpolateRdBu,
  interpolateViridis,
  schemeObservable10
} from 'd3';

/** Colours of the layers and directions, in order. */
export const SERIES_COLOURS: readonly string[] = schemeObservable10;

/** The colour of series i (wrapping after ten). */
export function seriesColour(i: number): string {
  return SERIES_COLOURS[
    ((i % SERIES_COLOURS.length) + SERIES_COLOURS.length) % SERIES_COLOURS.length
  ];
}

/** An interpolator of t ∈ [0, 1] to a CSS colour. */
export type Interpolator = (t: number) => string;

/** Diverging: t = 0 blue (negative), 0.5 white (zero), 1 red (positive). */
export const interpolateSigned: Interpolator = (t) => interpolateRdBu(1 - t);
export const interpolateUnit: Interpolator = interpolateViridis;
export const interpolateGradient: Interpolator = interpolateMagma;

/**
 * The colour of cells that are not finite (NaN, ±Infinity) or have no value (zero on a log scale):
 * a mid grey, which none of the scales above passes through.
 */
export const MISSING_COLOUR = '#7f7f7f';

/** [r, g, b] bytes of a CSS colour (black when it cannot be parsed). */
export function rgbBytes(css: string): [number, number, number] {
  const c = parseColour(css)?.rgb();
  if (!c) return [0, 0, 0];
  return [Math.round(c.r), Math.round(c.g), Math.round(c.b)];
}

/** `size` colours of an interpolator at t = i/(size−1), as RGB bytes [size·3]. */
export function colourTable(interpolate: Interpolator, size = 256): Uint8Array {
  const table = new Uint8Array(size * 3);
  for (let i = 0; i < size; i++) table.set(rgbBytes(interpolate(i / (size - 1))), i * 3);
  return table;
}

/**
 * A linear map of values to colour-table entries: `low` → entry 0, `high` → the last, clamped
 * outside; −1 for a value that is not finite. A zero-width domain maps everything to the middle.
 */
export function tableIndex(
  value: number,
  [low, high]: readonly [number, number],
  size: number
): number {
  if (!Number.isFinite(value)) return -1;
  if (!(high > low)) return (size - 1) >> 1;
  const t = (value - low) / (high - low);
  return Math.round(Math.min(1, Math.max(0, t)) * (size - 1));
}

/** A CSS `linear-gradient` (left to right) of an interpolator, for a legend bar. */
export function legendGradient(interpolate: Interpolator, stops = 11): string {
  const parts: string[] = [];
  for (let i = 0; i < stops; i++) {
    const t = i / (stops - 1);
    const [r, g, b] = rgbBytes(interpolate(t));
    parts.push(`rgb(${r}, ${g}, ${b}) ${Math.round(t * 1000) / 10}%`);
  }
  return `linear-gradient(to right, ${parts.join(', ')})`;
}

/** Black or white, whichever reads better on a background of these RGB bytes. */
export function contrastingInk(r: number, g: number, b: number): 'black' | 'white' {
  // Relative luminance (sRGB, approximate): light backgrounds get black ink.
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 140 ? 'black' : 'white';
}
