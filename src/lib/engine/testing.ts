/**
 * Helpers shared by the engine's tests: random networks and batches, comparisons.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initParameters } from './init';
import type { ParamArrays } from './init';
import type { Params } from './network';
import { Random } from './random';
import type { InitSpec, NetworkSpec } from './types';

export const TEST_INIT: InitSpec = {
  recurrent: 'orthogonal',
  input: 'glorot-uniform',
  gainSquared: 1,
  spectralRadius: null,
  forgetBias: 1,
  seed: 7
};

export function uploadParams(arrays: ParamArrays): Params {
  const params: Params = {};
  for (const [name, { shape, values }] of Object.entries(arrays))
    params[name] = tf.tensor(values, shape);
  return params;
}

/** Parameters with every entry (biases and peepholes too) perturbed, so no gradient is trivially zero. */
export function randomParams(spec: NetworkSpec, seed: number, scale = 0.4): Params {
  const { params } = initParameters(spec, { ...TEST_INIT, seed });
  const random = new Random(seed + 1000);
  for (const p of Object.values(params))
    for (let i = 0; i < p.values.length; i++) p.values[i] += scale * random.normal();
  return uploadParams(params);
}

/** A random input [T, B, I] and target [T_out, B, O] (one-hot rows for cross-entropy). */
export function randomBatch(
  spec: NetworkSpec,
  T: number,
  B: number,
  seed: number,
  loss: 'mse' | 'xent'
): { x: tf.Tensor; target: tf.Tensor } {
  const random = new Random(seed);
  const xs = new Float32Array(T * B * spec.inputSize).map(() => random.normal());
  const tOut = spec.readout === 'step' ? T : 1;
  const O = spec.outputSize;
  const ts = new Float32Array(tOut * B * O);
  for (let row = 0; row < tOut * B; row++) {
    if (loss === 'xent') ts[row * O + random.int(O)] = 1;
    else for (let o = 0; o < O; o++) ts[row * O + o] = random.normal();
  }
  return { x: tf.tensor3d(xs, [T, B, spec.inputSize]), target: tf.tensor3d(ts, [tOut, B, O]) };
}

/** max |a − b| / (max |b| + floor): a relative error that does not blow up on tiny entries. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-6): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / (scale + floor);
}

export function disposeParams(params: Params): void {
  for (const t of Object.values(params)) t.dispose();
}
