import * as tf from '@tensorflow/tfjs-core';
import type { Cell, RecurrentWeights, StepRecord } from './cells';
import type { DirectionPass } from './network';

/** A direction's step records stacked over time: every tensor [T, B, H]. */
export interface StackedRecords {
  h: tf.Tensor;
  c?: tf.Tensor;
  pre: Record<string, tf.Tensor>;
  gates: Record<string, tf.Tensor>;
  aux: Record<string, tf.Tensor>;
  /** The state entering each step, [T, B, H]. */
  hPrev: tf.Tensor;
  cPrev?: tf.Tensor;
}

function stackField(
  records: StepRecord[],
  pick: (r: StepRecord) => Record<string, tf.Tensor>
): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const name of Object.keys(pick(records[0])))
    out[name] = tf.stack(records.map((r) => pick(r)[name]));
  return out;
}

export function stackRecords(pass: DirectionPass): StackedRecords {
  const { records } = pass;
  const hasC = records[0].c !== undefined;
  return {
    h: pass.states,
    c: hasC ? tf.stack(records.map((r) => r.c!)) : undefined,
    pre: stackField(records, (r) => r.pre),
    gates: stackField(records, (r) => r.gates),
    aux: stackField(records, (r) => r.aux),
    hPrev: tf.stack(pass.hPrev),
    cPrev: hasC ? tf.stack(pass.cPrev.map((c) => c!)) : undefined
  };
}

/**
 * ||x_t||_F over batch and units for each t: x is [T, B, H], the result [T]. Scaled by the
 * largest entry first (m·√Σ(x/m)²), so that finite entries above ~1e19 do not overflow the sum
 * of squares in float32: the norm is non-finite only when an entry is.
 */
export function perStepNorm(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const largest = tf.max(tf.abs(x), [1, 2], true);
    const scale = tf.where(tf.greater(largest, 0), largest, tf.onesLike(largest));
    const norm = tf.mul(
      tf.sqrt(tf.sum(tf.square(tf.div(x, scale)), [1, 2])),
      tf.reshape(scale, [-1])
    );
    // max() skips NaN on some backends: make a NaN anywhere in x show in its step's norm.
    return tf.add(norm, tf.mul(tf.sum(x, [1, 2]), 0));
  });
}

/**
 * Largest singular value of each matrix in a batch J, [T, H, H] → [T]. Computed from the Gram
 * matrix M = J Jᵀ by repeated squaring (A ← A² / tr(A²), 12 times: the power M^4096), then the
 * Rayleigh quotient λ = vᵀMv / vᵀv of v = A r for a fixed r, and σ = √λ. The quotient is exact
 * to second order in the error of v, and v converges like (λ₂/λ₁)^4096.
 */
export function spectralNorms(jacobians: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [T, n] = jacobians.shape as number[];
    const gram = tf.matMul(jacobians, jacobians, false, true);
    const eye = tf.eye(n);
    const trace = (a: tf.Tensor) => tf.reshape(tf.sum(tf.mul(a, eye), [1, 2]), [T, 1, 1]);
    let a = tf.div(gram, tf.add(trace(gram), 1e-30));
    for (let i = 0; i < 12; i++) {
      const squared = tf.matMul(a, a);
      a = tf.div(squared, tf.add(trace(squared), 1e-30));
    }
    // A fixed, generic start vector: no special direction of M is orthogonal to it.
    const r = tf.tile(tf.reshape(tf.sin(tf.mul(tf.range(1, n + 1), 12.9898)), [1, n, 1]), [
      T,
      1,
      1
    ]);
    const v = tf.matMul(a, r);
    const numerator = tf.sum(tf.mul(v, tf.matMul(gram, v)), [1, 2]);
    const denominator = tf.sum(tf.square(v), [1, 2]);
    return tf.sqrt(tf.div(numerator, tf.maximum(denominator, 1e-30)));
  });
}

/**
 * The recurrent Jacobian ∂h_t/∂h_{t−1} of every step for one batch item, [T, H, H] (row k holds
 * ∂h_t[k]/∂h_{t−1}), holding the input and c_{t−1} fixed. Computed by the cell's own backward step
 * applied to the H unit vectors at once, for all steps: a batch of T·H rows.
 */
export function recurrentJacobians(
  cell: Cell,
  weights: RecurrentWeights,
  stacked: StackedRecords,
  batchItem: number
): tf.Tensor {
  return tf.tidy(() => {
    const [T, , H] = stacked.h.shape as number[];
    // [T, B, X] → item b, each step's row repeated H times: [T·H, X].
    const expand = (x: tf.Tensor) => {
      const item = tf.slice(x, [0, batchItem, 0], [-1, 1, -1]);
      return tf.reshape(tf.tile(item, [1, H, 1]), [T * H, -1]);
    };
    const map = (fields: Record<string, tf.Tensor>) =>
      Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, expand(v)]));
    const record: StepRecord = {
      h: expand(stacked.h),
      c: stacked.c && expand(stacked.c),
      pre: map(stacked.pre),
      gates: map(stacked.gates),
      aux: map(stacked.aux)
    };
    const unit = tf.tile(tf.eye(H), [T, 1]);
    const hPrev = expand(stacked.hPrev);
    const cPrev = stacked.cPrev && expand(stacked.cPrev);
    const { dhPrev } = cell.backward(weights, record, hPrev, cPrev, unit, undefined);
    return tf.reshape(dhPrev, [T, H, H]);
  });
}
