/**
 * Shared axes of the comparison page: every chart drawn for both runs gets one domain computed
 * from both, so that equal heights mean equal numbers across the two columns. Each domain is the
 * one the chart would compute for itself, over the union of both sides' data (same padding, same
 * snapping), so a side alone would look as it does in the explorer. Pure, no DOM.
 */
import type { Config } from '$lib/config';
import { logDomain } from '$lib/explorer.svelte';
import type { Snapshot } from '$lib/session/snapshot';
import { flowDomain, flowSeries, jacobianDomain } from '$lib/viz/gradient-flow';
import type { FlowSeries } from '$lib/viz/gradient-flow';
import { largestSingularValue, largestSpectralRadius, spectrumExtent } from '$lib/viz/spectrum';

/** What one side contributes: its latest snapshot and the clipping its gradient chart marks. */
export interface AxisSource {
  snapshot: Snapshot | null;
  config: Pick<Config, 'clipping' | 'clipThreshold'>;
}

export interface SharedAxes {
  /** y of the ‖dL/dh_t‖ chart: every measured series, theory and bound; null before any look. */
  flow: [number, number] | null;
  /** y of the per-step Jacobian chart (whole decades, 1 inside); null before any look. */
  jacobian: [number, number] | null;
  /** x of the training charts: [0, steps], the further of the two runs (at least 10). */
  steps: number;
  /** y of the loss chart: both histories, both latest losses and both sets of baselines. */
  loss: [number, number];
  /** y of the gradient-norm chart: both histories and each norm-clipping threshold. */
  gradNorm: [number, number];
  /** Half-width R of the eigenvalue planes [−R, R]². */
  spectrum: number;
  /** Top of the singular-value axis [0, R_σ]. */
  singular: number;
  /** y of the prediction's series plot (input, target, output of both); null when none is a series. */
  series: [number, number] | null;
}

/** Values of several arrays as one list (for the domain functions, which take one array). */
function joined(arrays: readonly ArrayLike<number>[]): number[] {
  return arrays.flatMap((a) => Array.from(a));
}

/** The series a side's prediction view plots (the task's, or the echo state network's test). */
function plottedSeries(snapshot: Snapshot | null): number[][] {
  const prediction = snapshot?.reservoir?.prediction ?? snapshot?.view?.prediction;
  if (prediction?.kind !== 'series') return [];
  return [prediction.input, prediction.target, prediction.output];
}

/**
 * A linear y domain for series: their finite extent, padded by 8 % of its span each side (by 0.08
 * for a flat series); null when there is no finite value. The plot rounds it outwards (`nice`).
 */
export function seriesDomain(values: readonly number[]): [number, number] | null {
  let low = Infinity;
  let high = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    low = Math.min(low, v);
    high = Math.max(high, v);
  }
  if (low === Infinity) return null;
  const pad = (high - low || 1) * 0.08;
  return [low - pad, high + pad];
}

/** The axes both columns share, from the two (or more) sides' latest snapshots. */
export function sharedAxes(sides: readonly AxisSource[]): SharedAxes {
  const snapshots = sides.map((s) => s.snapshot);
  const views = snapshots.flatMap((s) => (s?.view ? [s.view] : []));
  const directions = views.flatMap((v) => v.directions);
  const series: FlowSeries[] = flowSeries(directions);

  const lossExtras = snapshots.flatMap((s) => {
    if (!s) return [];
    const current = s.last?.loss ?? s.view?.loss;
    const baselines = s.baselines.flatMap((b) =>
      b.loss !== undefined && b.loss > 0 ? [b.loss] : []
    );
    return current === undefined ? baselines : [...baselines, current];
  });
  const thresholds = sides.flatMap((s) =>
    s.config.clipping === 'norm' ? [s.config.clipThreshold] : []
  );
  const plotted = snapshots.flatMap(plottedSeries);

  return {
    flow: series.length > 0 ? flowDomain(series) : null,
    jacobian: series.length > 0 ? jacobianDomain(series) : null,
    steps: Math.max(10, ...snapshots.map((s) => s?.step ?? 0)),
    loss: logDomain(joined(snapshots.map((s) => s?.lossHistory ?? [])), lossExtras),
    gradNorm: logDomain(joined(snapshots.map((s) => s?.gradNormHistory ?? [])), thresholds),
    spectrum: spectrumExtent(largestSpectralRadius(directions)),
    singular: spectrumExtent(largestSingularValue(directions)),
    series: plotted.length > 0 ? seriesDomain(plotted.flat()) : null
  };
}
