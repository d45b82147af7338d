/**
 * Heatmaps of unit × time: colour scales, the RGBA pixels of a [T, H] array, the cells whose
 * pre-activation saturates its gate, and the canvas layout. Pure maths, no DOM: the canvas
 * component only copies the pixels and draws the marks.
 *
 * Orientation: x is the time step t (column), y is the hidden unit j (row), so that a [T, H]
 * array's value at t·H + j is the pixel at column t, row j.
 */
import {
  MISSING_COLOUR,
  colourTable,
  interpolateSigned,
  interpolateUnit,
  rgbBytes
} from './colour';
import type { Interpolator } from './colour';

/** How a heatmap maps values to colours. */
export interface HeatmapScale {
  /** `signed`: diverging around 0 over [−max, max]; `unit`: sequential over [0, 1]. */
  kind: 'signed' | 'unit';
  domain: [number, number];
  interpolate: Interpolator;
}

/** The largest |value| of the finite values (0 when there is none). */
export function absMax(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(values[i]);
    if (Number.isFinite(v) && v > max) max = v;
  }
  return max;
}

/** Diverging over [−max, max] with max the array's largest |value| (or `fixedMax`), 0 white. */
export function signedScale(values: ArrayLike<number>, fixedMax?: number): HeatmapScale {
  const max = fixedMax ?? absMax(values);
  const m = max > 0 ? max : 1;
  return { kind: 'signed', domain: [-m, m], interpolate: interpolateSigned };
}

/** Sequential over [0, 1], for sigmoid gates. */
export function unitScale(): HeatmapScale {
  return { kind: 'unit', domain: [0, 1], interpolate: interpolateUnit };
}

const TABLE_SIZE = 256;
const tables = new Map<Interpolator, Uint8Array>();
function tableOf(interpolate: Interpolator): Uint8Array {
  let table = tables.get(interpolate);
  if (!table) {
    table = colourTable(interpolate, TABLE_SIZE);
    tables.set(interpolate, table);
  }
  return table;
}

/**
 * The RGBA pixels (width T, height H, row-major) of a time-major [T, H] array under a scale:
 * pixel (x = t, y = j) is the colour of values[t·H + j]; a non-finite value is grey.
 */
export function heatmapPixels(
  values: ArrayLike<number>,
  T: number,
  H: number,
  scale: Pick<HeatmapScale, 'domain' | 'interpolate'>
): Uint8ClampedArray<ArrayBuffer> {
  const table = tableOf(scale.interpolate);
  const [low, high] = scale.domain;
  const span = high - low;
  const missing = rgbBytes(MISSING_COLOUR);
  const pixels = new Uint8ClampedArray(T * H * 4);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < H; j++) {
      const v = values[t * H + j];
      const p = (j * T + t) * 4;
      if (Number.isFinite(v)) {
        const u = span > 0 ? Math.min(1, Math.max(0, (v - low) / span)) : 0.5;
        const k = Math.round(u * (TABLE_SIZE - 1)) * 3;
        pixels[p] = table[k];
        pixels[p + 1] = table[k + 1];
        pixels[p + 2] = table[k + 2];
      } else {
        pixels[p] = missing[0];
        pixels[p + 1] = missing[1];
        pixels[p + 2] = missing[2];
      }
      pixels[p + 3] = 255;
    }
  }
  return pixels;
}

/** |pre-activation| beyond which a sigmoid or tanh gate counts as saturated (σ′(3) ≈ 0.045, tanh′(3) ≈ 0.0099). */
export const SATURATION_THRESHOLD = 3;

/** Indices t·H + j of the cells whose |pre-activation| exceeds the threshold (non-finite counts). */
export function saturatedCells(
  pre: ArrayLike<number>,
  threshold = SATURATION_THRESHOLD
): Uint32Array {
  const hits: number[] = [];
  for (let i = 0; i < pre.length; i++) {
    const v = pre[i];
    if (!(Math.abs(v) <= threshold)) hits.push(i);
  }
  return Uint32Array.from(hits);
}

/** Where a heatmap's cells go on the canvas, in CSS pixels. */
export interface HeatmapLayout {
  width: number;
  height: number;
  cellWidth: number;
  cellHeight: number;
}

/**
 * The layout of a [T, H] heatmap `width` CSS pixels wide: columns of width/T; rows of a whole
 * number of pixels from `minCellHeight` to `maxCellHeight`, aiming at `targetHeight` in all.
 */
export function heatmapLayout(
  T: number,
  H: number,
  width: number,
  { targetHeight = 120, minCellHeight = 1, maxCellHeight = 12 } = {}
): HeatmapLayout {
  const cellWidth = T > 0 ? width / T : 0;
  const cellHeight =
    H > 0
      ? Math.min(maxCellHeight, Math.max(minCellHeight, Math.floor(targetHeight / H)))
      : minCellHeight;
  return { width, height: cellHeight * H, cellWidth, cellHeight };
}

/** The centre of cell (t, j) on the layout. */
export function cellCentre(layout: HeatmapLayout, t: number, j: number): [number, number] {
  return [(t + 0.5) * layout.cellWidth, (j + 0.5) * layout.cellHeight];
}

/** Radius of a saturation dot: a fifth of the smaller side, at least one pixel. */
export function markRadius(layout: HeatmapLayout): number {
  return Math.max(1, 0.2 * Math.min(layout.cellWidth, layout.cellHeight));
}
