import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from '../types';
import type { Cell, RecurrentWeights, StepGradients, StepRecord } from './cell';

/** φ(a) for the vanilla cell. */
export function activate(activation: Activation, a: tf.Tensor): tf.Tensor {
  switch (activation) {
    case 'tanh':
      return tf.tanh(a);
    case 'relu':
      return tf.relu(a);
    case 'sigmoid':
      return tf.sigmoid(a);
    case 'linear':
      return a.clone();
  }
}

/** dL/da = dL/dh ⊙ φ'(a), with φ' written from h = φ(a) where that is cheaper. */
function activationBackward(
  activation: Activation,
  a: tf.Tensor,
  h: tf.Tensor,
  dh: tf.Tensor
): tf.Tensor {
  switch (activation) {
    case 'tanh':
      return tf.mul(dh, tf.sub(1, tf.square(h)));
    case 'relu':
      return tf.mul(dh, tf.step(a));
    case 'sigmoid':
      return tf.mul(dh, tf.mul(h, tf.sub(1, h)));
    case 'linear':
      return dh.clone();
  }
}

/**
 * The vanilla (Elman) cell:
 *   a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh,   h_t = φ(a_t).
 * Backward: dL/da_t = dL/dh_t ⊙ φ'(a_t),  dL/dh_{t-1} = (dL/da_t) W_hh.
 */
export function vanillaCell(activation: Activation): Cell {
  return {
    gateNames: ['a'],
    hasCellState: false,
    foldsRecurrentBias: true,
    forward(w: RecurrentWeights, xProj: tf.Tensor, hPrev: tf.Tensor): StepRecord {
      const a = tf.add(xProj, tf.matMul(hPrev, w.weightHHT ?? tf.transpose(w.weightHH)));
      return { h: activate(activation, a), pre: { a }, gates: {}, aux: {} };
    },
    backward(
      w: RecurrentWeights,
      record: StepRecord,
      _hPrev,
      _cPrev,
      dh: tf.Tensor
    ): StepGradients {
      const da = activationBackward(activation, record.pre.a, record.h, dh);
      return { dPreInput: da, dPreRecurrent: da, dhPrev: tf.matMul(da, w.weightHH) };
    }
  };
}
