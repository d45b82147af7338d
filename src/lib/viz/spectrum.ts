/**
 * The spectrum view's maths: a square complex-plane domain that always shows the unit circle and
 * moves in a few fixed steps (so that a live update does not make the axes jitter), the points of
 * each gate block, and the bars of its singular values (on an axis [0, R] that snaps the same
 * way and always shows σ = 1). Pure, no DOM.
 */
import type { DirectionView } from '$lib/session/snapshot';

/** Half-widths the complex plane snaps to: the smallest that leaves 8 % room around the spectrum. */
export const SPECTRUM_EXTENTS = [1.25, 1.5, 2, 3, 5, 10, 20, 50, 100] as const;

/** The half-width R of the plane [−R, R]² for eigenvalues up to `radius` in modulus. */
export function spectrumExtent(radius: number): number {
  const needed = Math.max(1, Number.isFinite(radius) ? radius : 1) * 1.08;
  for (const extent of SPECTRUM_EXTENTS) if (extent >= needed) return extent;
  return 10 ** Math.ceil(Math.log10(needed));
}

/** The largest spectral radius over every gate block of every direction (0 when none). */
export function largestSpectralRadius(
  directions: readonly Pick<DirectionView, 'eigenvalues'>[]
): number {
  let max = 0;
  for (const d of directions)
    for (const e of d.eigenvalues)
      if (Number.isFinite(e.spectralRadius)) max = Math.max(max, e.spectralRadius);
  return max;
}

/** One eigenvalue as a point, with its modulus. */
export interface EigenPoint {
  re: number;
  im: number;
  modulus: number;
}

/** The finite eigenvalues of a block as points (a non-finite one is left out). */
export function eigenPoints(re: ArrayLike<number>, im: ArrayLike<number>): EigenPoint[] {
  const points: EigenPoint[] = [];
  for (let k = 0; k < re.length; k++) {
    if (!Number.isFinite(re[k]) || !Number.isFinite(im[k])) continue;
    points.push({ re: re[k], im: im[k], modulus: Math.hypot(re[k], im[k]) });
  }
  return points;
}

/**
 * The largest singular value σ_1 = ||W||₂ over every gate block of every direction (0 when there
 * are none). Share it between two charts through `spectrumExtent` to give them one σ axis.
 */
export function largestSingularValue(
  directions: readonly Pick<DirectionView, 'singularValues'>[]
): number {
  let max = 0;
  for (const d of directions)
    for (const block of d.singularValues ?? [])
      for (const value of block.values) if (Number.isFinite(value)) max = Math.max(max, value);
  return max;
}

/** The singular values of the gate block `gate`, when the direction carries them. */
export function singularValuesOf(
  direction: Pick<DirectionView, 'singularValues'>,
  gate: string
): Float64Array | undefined {
  return direction.singularValues?.find((s) => s.gate === gate)?.values;
}

/** The bars of a singular-value chart: the finite values, largest first (σ_1 ≥ σ_2 ≥ …). */
export function singularBars(values: ArrayLike<number>): number[] {
  const bars: number[] = [];
  for (let k = 0; k < values.length; k++) if (Number.isFinite(values[k])) bars.push(values[k]);
  return bars.sort((a, b) => b - a);
}

/** A whole number ≥ 0 in Unicode subscript digits (σ₁₂ in a tooltip, where markup is not). */
export function subscript(n: number): string {
  return String(n).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)]);
}

/** Human names of the gate blocks of W_hh. */
export const GATE_NAMES: Record<string, string> = {
  a: 'recurrent',
  i: 'input gate',
  f: 'forget gate',
  g: 'candidate',
  o: 'output gate',
  r: 'reset gate',
  z: 'update gate',
  n: 'candidate'
};
