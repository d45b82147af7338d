/**
 * Log-axis helpers: domains that ignore what a log axis cannot place (zeros, negatives, NaN,
 * ±Infinity) and decade ticks labelled as powers of ten. Pure maths, no DOM.
 */

/** A value a log axis can place: finite and strictly positive. */
export function isLoggable(value: number): boolean {
  return Number.isFinite(value) && value > 0;
}

/** [smallest, largest] of the loggable values of every series, or null when there is none. */
export function logExtent(series: Iterable<ArrayLike<number>>): [number, number] | null {
  let low = Infinity;
  let high = -Infinity;
  for (const values of series) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!isLoggable(v)) continue;
      if (v < low) low = v;
      if (v > high) high = v;
    }
  }
  return low <= high ? [low, high] : null;
}

/** The smaller interval [a, b] ∩ [low, high], or null when they do not meet. */
function intersect(
  extent: [number, number] | null,
  low: number,
  high: number
): [number, number] | null {
  if (!extent) return null;
  const a = Math.max(extent[0], low);
  const b = Math.min(extent[1], high);
  return a <= b ? [a, b] : null;
}

/** The union of two extents (either may be null). */
export function unionExtent(
  a: [number, number] | null,
  b: [number, number] | null
): [number, number] | null {
  if (!a) return b;
  if (!b) return a;
  return [Math.min(a[0], b[0]), Math.max(a[1], b[1])];
}

/**
 * A log domain for `data`, widened to show `overlays` (theory and bound curves) by at most
 * `maxExtraDecades` decades either side, so that a bound running off to 10⁴⁰ cannot squash the
 * measured curve into a line; the rest of an overlay is clipped. Rounded out to whole decades,
 * at least one decade wide. With no loggable data at all, the overlays alone, then [0.1, 1].
 */
export function logDomain(
  data: Iterable<ArrayLike<number>>,
  overlays: Iterable<ArrayLike<number>> = [],
  maxExtraDecades = 3
): [number, number] {
  const measured = logExtent(data);
  const extra = logExtent(overlays);
  const extent = measured
    ? unionExtent(
        measured,
        intersect(extra, measured[0] / 10 ** maxExtraDecades, measured[1] * 10 ** maxExtraDecades)
      )
    : extra;
  if (!extent) return [0.1, 1];
  return niceDecades(extent);
}

/** [low, high] rounded out to powers of ten, at least one decade apart. */
export function niceDecades([low, high]: [number, number]): [number, number] {
  const a = Math.floor(Math.log10(low) + 1e-9);
  let b = Math.ceil(Math.log10(high) - 1e-9);
  if (b <= a) b = a + 1;
  return [10 ** a, 10 ** b];
}

/**
 * Tick values of a log axis over [low, high] (both powers of ten or not): powers of ten, every
 * k-th decade (the multiples of k) so that there are at most `maxTicks`; within one decade, 1-2-5
 * steps.
 */
export function logTicks([low, high]: [number, number], maxTicks = 6): number[] {
  if (!(low > 0) || !(high > low)) return [];
  const a = Math.ceil(Math.log10(low) - 1e-9);
  const b = Math.floor(Math.log10(high) + 1e-9);
  if (b - a < 1) {
    const ticks: number[] = [];
    const base = 10 ** Math.floor(Math.log10(low));
    for (let decade = base; decade <= high * 10; decade *= 10)
      for (const m of [1, 2, 5]) {
        const v = m * decade;
        if (v >= low * (1 - 1e-9) && v <= high * (1 + 1e-9)) ticks.push(v);
      }
    return ticks;
  }
  const every = Math.max(1, Math.ceil((b - a + 1) / maxTicks));
  const ticks: number[] = [];
  // Multiples of `every`, so that 10⁰ = 1 is a tick whenever it is in the domain.
  for (let e = Math.ceil(a / every) * every; e <= b; e += every) ticks.push(10 ** e);
  return ticks;
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻',
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹'
};

/** A tick label: `10⁻³` for a power of ten, `1`, `10`, `0.1` for the three nearest 1, else `2×10⁻³`. */
export function formatPowerOfTen(value: number): string {
  if (!isLoggable(value)) return String(value);
  const exponent = Math.floor(Math.log10(value) + 1e-9);
  const mantissa = Math.round((value / 10 ** exponent) * 1000) / 1000;
  if (exponent >= -1 && exponent <= 1) return String(Math.round(value * 1e6) / 1e6);
  const power = `10${String(exponent)
    .split('')
    .map((ch) => SUPERSCRIPT[ch])
    .join('')}`;
  return mantissa === 1 ? power : `${mantissa}×${power}`;
}
