import * as tf from '@tensorflow/tfjs-core';
import { backward } from './bptt';
import type { DirectionGradients } from './bptt';
import { initParameters } from './init';
import type { InitNote, ParamArrays } from './init';
import { lossGradient } from './loss';
import { forward } from './network';
import type { DirectionPass, Params, State } from './network';
import type { Batch, TrainingSpec } from './trainer';

/** One forward and backward pass of a model on a batch, as tensors. */
export interface ModelPass {
  loss: tf.Tensor;
  /** y, [T_out, B, O]. */
  output: tf.Tensor;
  grads: Params;
  /** Every recurrent direction (each with its `dir`), and its gradients, in the same order. */
  passes: DirectionPass[];
  gradients: DirectionGradients[];
  /** The state after the last step, for carrying into the next window. */
  finalState: Record<string, State>;
}

export interface PassOptions {
  /** The state to start from (a carried window state). */
  initialState?: Record<string, State>;
  /** Training step number (for schedules). */
  step: number;
  /** Teacher-forcing ratio to use instead of the scheduled one (encoder–decoder only). */
  teacherForcing?: number;
}

/** A trainable recurrent model: draws its parameters and runs a pass (inside the caller's tidy). */
export interface Model {
  init(): { params: ParamArrays; notes: InitNote[] };
  pass(params: Params, batch: Batch, options: PassOptions): ModelPass;
}

/** The plain network: stacked (bidirectional) layers and a readout. */
export function rnnModel(spec: TrainingSpec): Model {
  const { network } = spec;
  return {
    init: () => initParameters(network, spec.init),
    pass(params, batch, options) {
      const tOut = network.readout === 'step' ? batch.T : 1;
      const x = tf.tensor3d(batch.x, [batch.T, batch.B, network.inputSize]);
      const target = tf.tensor3d(batch.target, [tOut, batch.B, network.outputSize]);
      const mask = batch.mask ? tf.tensor2d(batch.mask, [tOut, batch.B]) : undefined;
      const forwardOptions = { truncation: spec.truncation, initialState: options.initialState };
      const fwd = forward(network, params, x, forwardOptions);
      const { loss, dY } = lossGradient(spec.loss, fwd.output, target, mask);
      const bp = backward(network, params, fwd, dY, forwardOptions);
      return {
        loss,
        output: fwd.output,
        grads: bp.grads,
        passes: fwd.layers.flat(),
        gradients: bp.directions,
        finalState: fwd.finalState
      };
    }
  };
}
