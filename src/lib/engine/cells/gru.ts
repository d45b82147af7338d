import * as tf from '@tensorflow/tfjs-core';
import type { Cell, RecurrentWeights, StepGradients, StepRecord } from './cell';

/**
 * The GRU cell as in PyTorch and cuDNN, gates r, z, n, the reset gate applied after the recurrent
 * matmul:
 *   [x_r x_z x_n] = x_t W_ih^T + b_ih,   [h_r h_z h_n] = h_{t-1} W_hh^T + b_hh
 *   r = σ(x_r + h_r),  z = σ(x_z + h_z),  n = tanh(x_n + r ⊙ h_n)
 *   h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
 * Backward:
 *   dn = dh⊙(1−z), dz = dh⊙(h_{t-1} − n), da_n = dn⊙(1−n²), dr = da_n⊙h_n
 *   da_r = dr⊙r(1−r), da_z = dz⊙z(1−z)
 *   d(x proj) = [da_r da_z da_n],  d(h proj) = [da_r da_z da_n⊙r]
 *   dh_{t-1} = dh⊙z + d(h proj) W_hh
 */
export function gruCell(): Cell {
  return {
    gateNames: ['r', 'z', 'n'],
    hasCellState: false,
    foldsRecurrentBias: false,
    forward(w: RecurrentWeights, xProj: tf.Tensor, hPrev: tf.Tensor): StepRecord {
      const hProj = tf.add(tf.matMul(hPrev, w.weightHHT ?? tf.transpose(w.weightHH)), w.biasHH);
      const [xR, xZ, xN] = tf.split(xProj, 3, 1);
      const [hR, hZ, hN] = tf.split(hProj, 3, 1);
      const aR = tf.add(xR, hR);
      const aZ = tf.add(xZ, hZ);
      const r = tf.sigmoid(aR);
      const z = tf.sigmoid(aZ);
      const aN = tf.add(xN, tf.mul(r, hN));
      const n = tf.tanh(aN);
      const h = tf.add(n, tf.mul(z, tf.sub(hPrev, n)));
      return { h, pre: { r: aR, z: aZ, n: aN }, gates: { r, z, n }, aux: { hN } };
    },
    backward(
      w: RecurrentWeights,
      record: StepRecord,
      hPrev: tf.Tensor,
      _cPrev,
      dh: tf.Tensor
    ): StepGradients {
      const { r, z, n } = record.gates;
      const { hN } = record.aux;
      const dn = tf.mul(dh, tf.sub(1, z));
      const dz = tf.mul(dh, tf.sub(hPrev, n));
      const daN = tf.mul(dn, tf.sub(1, tf.square(n)));
      const daR = tf.mul(tf.mul(daN, hN), tf.mul(r, tf.sub(1, r)));
      const daZ = tf.mul(dz, tf.mul(z, tf.sub(1, z)));
      const dPreInput = tf.concat([daR, daZ, daN], 1);
      const dPreRecurrent = tf.concat([daR, daZ, tf.mul(daN, r)], 1);
      const dhPrev = tf.add(tf.mul(dh, z), tf.matMul(dPreRecurrent, w.weightHH));
      return { dPreInput, dPreRecurrent, dhPrev };
    }
  };
}
