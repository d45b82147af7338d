/**
 * SVG path data of a series against the time step, for a log y axis: values that a log axis
 * cannot place (zero, negative, non-finite) leave a gap instead of a crash or a spike. Numbers are
 * rounded to 3 decimals (d3-shape's `digits`), so generated SVG is stable for snapshot tests.
 */
import { line } from 'd3';
import { isLoggable } from './log-scale';

/** Maps of a time step and a value to SVG coordinates. */
export interface Scales {
  x: (t: number) => number;
  y: (value: number) => number;
}

/** The path `M…L…` through (x(t), y(values[t])), broken where a value is not loggable. */
export function logLinePath(values: ArrayLike<number>, { x, y }: Scales): string {
  const generator = line<number>()
    .defined((v) => isLoggable(v))
    .x((_, t) => x(t))
    .y((v) => y(v))
    .digits(3);
  return generator(Array.from(values)) ?? '';
}

/** How many points of the series a log axis shows. */
export function loggableCount(values: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (isLoggable(values[i])) n++;
  return n;
}

/** The values as text for a `data-values` attribute: comma-separated, 6 significant digits. */
export function formatValues(values: ArrayLike<number>): string {
  return Array.from(values, (v) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : v)).join(',');
}

/** The y coordinate of every vertex of a path made of M and L commands, in order. */
export function pathYs(d: string): number[] {
  return Array.from(d.matchAll(/[ML]\s*(-?[\d.e+-]+)[ ,](-?[\d.e+-]+)/g), (m) => Number(m[2]));
}
