/**
 * The numbers of the gradient-flow view: the measured ||dL/dh_t|| of each layer and direction,
 * the linear-RNN theory curve ρ^(T−t)·||dL/dh_T|| and the bound from the per-step Jacobian norms.
 * Pure maths, no DOM.
 *
 * Arrays are indexed by time step t = 0 … T−1 as in the Snapshot. A forward direction processes
 * t = 0 first and t = T−1 last; a reverse direction the other way round. The gradient enters a
 * direction's chain of states at the step it processes last (for `readout=last`, the only place
 * it enters), and flows back through the steps processed before it; "steps back" counts them.
 */
import type { DirectionView } from '$lib/session/snapshot';
import { logDomain } from './log-scale';

/** The step a direction processes last: T−1 forward, 0 reverse. */
export function lastProcessedStep(length: number, reverse: boolean): number {
  return reverse ? 0 : length - 1;
}

/** How many recurrent steps lie between step t and the last processed step: T−1−t, or t reversed. */
export function stepsBack(t: number, length: number, reverse: boolean): number {
  return reverse ? t : length - 1 - t;
}

/**
 * The theory curve of a linear RNN with W_hh = ρQ (Q orthogonal), where every step back multiplies
 * ||dL/dh|| by exactly ρ: value_t = ρ^(T−1−t) · ||dL/dh_{T−1}|| (forward; t counted from 0, which
 * is ρ^(T−t)·||dL/dh_T|| with t counted from 1), and ρ^t · ||dL/dh_0|| for a reverse direction.
 * Exact when the loss reads only the last state; otherwise a reference slope. Non-finite where
 * the anchor gradient or ρ is not finite.
 */
export function theoryCurve(
  gradNormPerStep: ArrayLike<number>,
  spectralRadius: number,
  reverse = false
): Float64Array {
  const T = gradNormPerStep.length;
  const out = new Float64Array(T);
  if (T === 0) return out;
  const anchor = gradNormPerStep[lastProcessedStep(T, reverse)];
  for (let t = 0; t < T; t++) out[t] = anchor * spectralRadius ** stepsBack(t, T, reverse);
  return out;
}

/**
 * The upper bound on ||dL/dh_t|| from the per-step Jacobian norms (submultiplicativity of the
 * spectral norm, loss at the last step only):
 *   forward  ||dL/dh_t|| ≤ ||dL/dh_{T−1}|| · Π_{s=t+1}^{T−1} ||∂h_s/∂h_{s−1}||,
 *   reverse  ||dL/dh_t|| ≤ ||dL/dh_0||     · Π_{s=0}^{t−1}   ||∂h_s/∂h_{s+1}||
 * (a reverse direction's `jacobianNorm[s]` is ||∂h_s/∂h_{s+1}||, the step it came from). The
 * Jacobians are of the shown batch item, the gradient norm is over the batch: an exact bound for
 * a linear RNN, for a nonlinear one a close estimate. Products are taken in float64 and may
 * overflow to Infinity, which a log axis skips.
 */
export function jacobianBound(
  gradNormPerStep: ArrayLike<number>,
  jacobianNorm: ArrayLike<number>,
  reverse = false
): Float64Array {
  const T = gradNormPerStep.length;
  const out = new Float64Array(T);
  if (T === 0) return out;
  const last = lastProcessedStep(T, reverse);
  let value = gradNormPerStep[last];
  out[last] = value;
  if (reverse) {
    for (let t = 1; t < T; t++) {
      value *= jacobianNorm[t - 1];
      out[t] = value;
    }
  } else {
    for (let t = T - 2; t >= 0; t--) {
      value *= jacobianNorm[t + 1];
      out[t] = value;
    }
  }
  return out;
}

/**
 * The ρ of a direction's theory line: the spectral radius of W_hh for the vanilla cell, the
 * largest over the gate blocks for LSTM and GRU (each block is rescaled to the config's ρ, so
 * all are equal at initialization). NaN when there are no eigenvalues.
 */
export function directionSpectralRadius(direction: Pick<DirectionView, 'eigenvalues'>): number {
  if (direction.eigenvalues.length === 0) return NaN;
  return Math.max(...direction.eigenvalues.map((e) => e.spectralRadius));
}

/** Everything the gradient-flow view draws of one layer and direction. */
export interface FlowSeries {
  suffix: string;
  reverse: boolean;
  /** ||dL/dh_t||, [T]. */
  grad: ArrayLike<number>;
  /** ||dL/dc_t|| (LSTM), [T]. */
  cellGrad?: ArrayLike<number>;
  /** ρ^(T−t)·||dL/dh_T||, [T]. */
  theory: Float64Array;
  /** ||dL/dh_T||·Π||∂h_s/∂h_{s−1}||, [T]. */
  bound: Float64Array;
  /** ||∂h_t/∂h_{t−1}||, [T]. */
  jacobian: ArrayLike<number>;
  spectralRadius: number;
}

/** The series of every direction of a view. */
export function flowSeries(directions: readonly DirectionView[]): FlowSeries[] {
  return directions.map((d) => {
    const spectralRadius = directionSpectralRadius(d);
    return {
      suffix: d.suffix,
      reverse: d.reverse,
      grad: d.gradNormPerStep,
      cellGrad: d.cellGradNormPerStep,
      theory: theoryCurve(d.gradNormPerStep, spectralRadius, d.reverse),
      bound: jacobianBound(d.gradNormPerStep, d.jacobianNorm, d.reverse),
      jacobian: d.jacobianNorm,
      spectralRadius
    };
  });
}

/**
 * The y domain of the gradient chart: the measured ||dL/dh_t|| and ||dL/dc_t|| of every series,
 * widened by at most three decades for the theory and bound curves. Union the series of two
 * views before calling it to give two charts a shared axis.
 */
export function flowDomain(series: readonly FlowSeries[]): [number, number] {
  return logDomain(
    series.flatMap((s) => (s.cellGrad ? [s.grad, s.cellGrad] : [s.grad])),
    series.flatMap((s) => [s.theory, s.bound])
  );
}

/**
 * The y domain of the Jacobian chart: every ||∂h_t/∂h_{t−1}|| in whole decades, with 1 (neither
 * growing nor shrinking) strictly inside, so that the line at 1 never sits on the frame.
 */
export function jacobianDomain(series: readonly FlowSeries[]): [number, number] {
  const [low, high] = logDomain([...series.map((s) => s.jacobian), [1]]);
  return [Math.min(low, 0.1), Math.max(high, 10)];
}

/** The longest series length: the x domain is [0, T−1]. */
export function seriesLength(series: readonly FlowSeries[]): number {
  return Math.max(0, ...series.map((s) => s.grad.length));
}
