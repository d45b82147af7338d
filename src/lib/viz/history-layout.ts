/**
 * The gradient-history heatmap's maths: rows of ||dL/dh_t|| per training step, coloured by
 * log10 on a sequential scale; each row spans the training steps it stands for. Pure, no DOM.
 */
import { MISSING_COLOUR, colourTable, interpolateGradient, rgbBytes } from './colour';
import { logExtent } from './log-scale';

/** One received training step: ||dL/dh_t|| over the training batch, [T]. */
export interface HistoryRow {
  /** Updates applied (1-based), as in `snapshot.last.step`. */
  step: number;
  values: Float32Array;
}

/**
 * The colour domain [log10 min, log10 max] over every loggable value of the rows; a zero-width
 * extent is widened to ±0.5; [−1, 0] when there is nothing to place.
 */
export function historyLogDomain(rows: readonly HistoryRow[]): [number, number] {
  const extent = logExtent(rows.map((r) => r.values));
  if (!extent) return [-1, 0];
  const low = Math.log10(extent[0]);
  const high = Math.log10(extent[1]);
  return high - low > 1e-9 ? [low, high] : [low - 0.5, high + 0.5];
}

/**
 * The vertical band [top, bottom) of each row on an axis from `top` to `bottom` with training
 * steps increasing downwards: row i reaches halfway to its neighbours' steps, the first and last
 * rows as far out as the gap to their one neighbour (a single row fills the axis). Rows are in
 * increasing step order.
 */
export function historyRowBands(
  steps: readonly number[],
  top: number,
  bottom: number
): { top: number; bottom: number }[] {
  const n = steps.length;
  if (n === 0) return [];
  if (n === 1) return [{ top, bottom }];
  const first = steps[0] - (steps[1] - steps[0]) / 2;
  const last = steps[n - 1] + (steps[n - 1] - steps[n - 2]) / 2;
  const y = (step: number) => top + ((bottom - top) * (step - first)) / (last - first);
  const edges = [first];
  for (let i = 1; i < n; i++) edges.push((steps[i - 1] + steps[i]) / 2);
  edges.push(last);
  return steps.map((_, i) => ({ top: y(edges[i]), bottom: y(edges[i + 1]) }));
}

/** The training step at the centre of each band: for the axis, the same linear map as the bands. */
export function historyStepScale(
  steps: readonly number[],
  top: number,
  bottom: number
): { domain: [number, number]; range: [number, number] } {
  const n = steps.length;
  if (n < 2) {
    const s = n === 1 ? steps[0] : 0;
    return { domain: [s - 0.5, s + 0.5], range: [top, bottom] };
  }
  const first = steps[0] - (steps[1] - steps[0]) / 2;
  const last = steps[n - 1] + (steps[n - 1] - steps[n - 2]) / 2;
  return { domain: [first, last], range: [top, bottom] };
}

const TABLE = 256;
let table: Uint8Array | null = null;

/**
 * The RGBA pixels of the rows as an image T wide and one pixel per row high: the colour of
 * log10 ||dL/dh_t|| on magma over `domain`; zero or non-finite values grey. Rows shorter than
 * T leave transparent pixels.
 */
export function historyPixels(
  rows: readonly HistoryRow[],
  T: number,
  domain: [number, number]
): Uint8ClampedArray<ArrayBuffer> {
  table ??= colourTable(interpolateGradient, TABLE);
  const missing = rgbBytes(MISSING_COLOUR);
  const [low, high] = domain;
  const span = high - low;
  const pixels = new Uint8ClampedArray(T * rows.length * 4);
  rows.forEach((row, r) => {
    const n = Math.min(T, row.values.length);
    for (let t = 0; t < n; t++) {
      const v = row.values[t];
      const p = (r * T + t) * 4;
      let colour: ArrayLike<number> = missing;
      let k = 0;
      if (Number.isFinite(v) && v > 0) {
        const u = span > 0 ? Math.min(1, Math.max(0, (Math.log10(v) - low) / span)) : 0.5;
        k = Math.round(u * (TABLE - 1)) * 3;
        colour = table!;
      }
      pixels[p] = colour[k];
      pixels[p + 1] = colour[k + 1];
      pixels[p + 2] = colour[k + 2];
      pixels[p + 3] = 255;
    }
  });
  return pixels;
}

/**
 * Labelled positions on the colour legend, as fractions 0…1 along it: both ends always (values
 * to two significant digits), and the powers of ten between them that are not within a quarter
 * of the legend's length of an end or of each other (the labels are wide).
 */
export function historyLegendTicks([low, high]: [number, number]): { at: number; value: number }[] {
  const span = high - low;
  if (!(span > 0)) return [{ at: 0.5, value: 10 ** low }];
  const ticks = [{ at: 0, value: 10 ** low }];
  for (let e = Math.ceil(low); e <= high; e++) {
    const at = (e - low) / span;
    if (at - ticks[ticks.length - 1].at >= 0.25 && 1 - at >= 0.25)
      ticks.push({ at, value: 10 ** e });
  }
  ticks.push({ at: 1, value: 10 ** high });
  return ticks;
}
