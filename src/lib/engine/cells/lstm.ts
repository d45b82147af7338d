import * as tf from '@tensorflow/tfjs-core';
import type { Cell, RecurrentWeights, StepGradients, StepRecord } from './cell';

/** Row `k` of a [3, H] peephole matrix as a [1, H] tensor (broadcasts over the batch). */
function peepholeRow(peephole: tf.Tensor, k: number): tf.Tensor {
  return tf.slice(peephole, [k, 0], [1, -1]);
}

/**
 * The LSTM cell, gates in PyTorch's order i, f, g, o:
 *   [a_i a_f a_g a_o] = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh  (+ p_i⊙c_{t-1}, p_f⊙c_{t-1})
 *   i = σ(a_i), f = σ(a_f), g = tanh(a_g),  c_t = f⊙c_{t-1} + i⊙g
 *   o = σ(a_o (+ p_o⊙c_t)),  h_t = o ⊙ tanh(c_t)
 * Backward, with dc_t the total dL/dc_t:
 *   dc_t = dcCarry + dh⊙o⊙(1−tanh²c_t) (+ p_o⊙da_o),  da_o = dh⊙tanh(c_t)⊙o(1−o)
 *   da_i = dc_t⊙g⊙i(1−i), da_f = dc_t⊙c_{t-1}⊙f(1−f), da_g = dc_t⊙i⊙(1−g²)
 *   dc_{t-1} via this step = dc_t⊙f (+ p_i⊙da_i + p_f⊙da_f),  dh_{t-1} = [da_i da_f da_g da_o] W_hh
 */
export function lstmCell(): Cell {
  return {
    gateNames: ['i', 'f', 'g', 'o'],
    hasCellState: true,
    foldsRecurrentBias: true,
    forward(
      w: RecurrentWeights,
      xProj: tf.Tensor,
      hPrev: tf.Tensor,
      cPrev?: tf.Tensor,
      probeC?: (c: tf.Tensor) => tf.Tensor
    ): StepRecord {
      const a = tf.add(xProj, tf.matMul(hPrev, w.weightHHT ?? tf.transpose(w.weightHH)));
      const split = tf.split(a, 4, 1);
      const aG = split[2];
      let [aI, aF, , aO] = split;
      const c0 = cPrev!;
      if (w.peephole) {
        aI = tf.add(aI, tf.mul(peepholeRow(w.peephole, 0), c0));
        aF = tf.add(aF, tf.mul(peepholeRow(w.peephole, 1), c0));
      }
      const i = tf.sigmoid(aI);
      const f = tf.sigmoid(aF);
      const g = tf.tanh(aG);
      let c = tf.add(tf.mul(f, c0), tf.mul(i, g));
      if (probeC) c = probeC(c);
      if (w.peephole) aO = tf.add(aO, tf.mul(peepholeRow(w.peephole, 2), c));
      const o = tf.sigmoid(aO);
      const tanhC = tf.tanh(c);
      const h = tf.mul(o, tanhC);
      return { h, c, pre: { i: aI, f: aF, g: aG, o: aO }, gates: { i, f, g, o }, aux: { tanhC } };
    },
    backward(
      w: RecurrentWeights,
      record: StepRecord,
      _hPrev: tf.Tensor,
      cPrev: tf.Tensor | undefined,
      dh: tf.Tensor,
      dcCarry: tf.Tensor | undefined
    ): StepGradients {
      const { i, f, g, o } = record.gates;
      const { tanhC } = record.aux;
      const c0 = cPrev!;
      const daO = tf.mul(tf.mul(dh, tanhC), tf.mul(o, tf.sub(1, o)));
      let dc = tf.mul(tf.mul(dh, o), tf.sub(1, tf.square(tanhC)));
      if (dcCarry) dc = tf.add(dc, dcCarry);
      if (w.peephole) dc = tf.add(dc, tf.mul(daO, peepholeRow(w.peephole, 2)));
      const daI = tf.mul(tf.mul(dc, g), tf.mul(i, tf.sub(1, i)));
      const daF = tf.mul(tf.mul(dc, c0), tf.mul(f, tf.sub(1, f)));
      const daG = tf.mul(tf.mul(dc, i), tf.sub(1, tf.square(g)));
      let dcPrev = tf.mul(dc, f);
      let dPeephole: tf.Tensor | undefined;
      if (w.peephole) {
        dcPrev = tf.add(
          dcPrev,
          tf.add(tf.mul(daI, peepholeRow(w.peephole, 0)), tf.mul(daF, peepholeRow(w.peephole, 1)))
        );
        dPeephole = tf.stack([
          tf.sum(tf.mul(daI, c0), 0),
          tf.sum(tf.mul(daF, c0), 0),
          tf.sum(tf.mul(daO, record.c!), 0)
        ]);
      }
      const dA = tf.concat([daI, daF, daG, daO], 1);
      return {
        dPreInput: dA,
        dPreRecurrent: dA,
        dhPrev: tf.matMul(dA, w.weightHH),
        dc,
        dcPrev,
        dPeephole
      };
    }
  };
}
