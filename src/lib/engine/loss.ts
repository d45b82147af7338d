import * as tf from '@tensorflow/tfjs-core';
import type { LossKind } from './types';

/**
 * The loss of outputs y against targets, both [T_out, B, O], with an optional weight mask m of
 * shape [T_out, B] (default all ones):
 * - mse:  L = Σ_{t,b} m_{t,b} Σ_o (y − y*)² / (O · Σ m)       (PyTorch MSELoss, mean, when m ≡ 1)
 * - xent: L = −Σ_{t,b} m_{t,b} Σ_o y*_o log softmax(y)_o / Σ m  (PyTorch CrossEntropyLoss with
 *   class-probability targets, mean, when m ≡ 1; one-hot targets give the usual class-index loss)
 * Written with differentiable ops, so autodiff of it is an independent check of {@link lossGradient}.
 */
export function lossValue(
  kind: LossKind,
  y: tf.Tensor,
  target: tf.Tensor,
  mask?: tf.Tensor
): tf.Tensor {
  return tf.tidy(() => {
    const weights = mask ?? tf.ones(y.shape.slice(0, 2));
    const total = tf.sum(weights);
    if (kind === 'mse') {
      const perItem = tf.sum(tf.square(tf.sub(y, target)), 2);
      return tf.div(tf.sum(tf.mul(perItem, weights)), tf.mul(total, y.shape[2] as number));
    }
    const perItem = tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(y)), 2));
    return tf.div(tf.sum(tf.mul(perItem, weights)), total);
  });
}

/**
 * The loss and its gradient dL/dy, [T_out, B, O], in closed form:
 * - mse:  dL/dy = 2 m (y − y*) / (O · Σ m)
 * - xent: dL/dy = m (softmax(y) · Σ_o y*_o − y*) / Σ m
 */
export function lossGradient(
  kind: LossKind,
  y: tf.Tensor,
  target: tf.Tensor,
  mask?: tf.Tensor
): { loss: tf.Tensor; dY: tf.Tensor } {
  return tf.tidy(() => {
    const weights = mask ?? tf.ones(y.shape.slice(0, 2));
    const w3 = tf.expandDims(weights, 2);
    const total = tf.sum(weights);
    if (kind === 'mse') {
      const diff = tf.sub(y, target);
      const denominator = tf.mul(total, y.shape[2] as number);
      const loss = tf.div(tf.sum(tf.mul(tf.sum(tf.square(diff), 2), weights)), denominator);
      const dY = tf.div(tf.mul(tf.mul(diff, w3), 2), denominator);
      return { loss, dY };
    }
    const logProbabilities = tf.logSoftmax(y);
    const perItem = tf.neg(tf.sum(tf.mul(target, logProbabilities), 2));
    const loss = tf.div(tf.sum(tf.mul(perItem, weights)), total);
    const targetMass = tf.sum(target, 2, true);
    const dY = tf.div(
      tf.mul(tf.sub(tf.mul(tf.exp(logProbabilities), targetMass), target), w3),
      total
    );
    return { loss, dY };
  });
}
