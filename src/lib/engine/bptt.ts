import * as tf from '@tensorflow/tfjs-core';
import { makeCell } from './cells';
import { recurrentWeights, timeSteps } from './network';
import type { ForwardOptions, ForwardPass, Params } from './network';
import type { LayerDirection, NetworkSpec } from './types';

/** Per layer and direction, what the backward pass found at each step. */
export interface DirectionGradients {
  dir: LayerDirection;
  /** Total dL/dh_t (through the readout, later steps and upper layers), [T, B, H]. */
  dh: tf.Tensor;
  /** Total dL/dc_t (LSTM), [T, B, H]. */
  dc?: tf.Tensor;
  /** dL/d(initial state): the gradient reaching the state that entered the first step, [B, H]. */
  dInitialH?: tf.Tensor;
  dInitialC?: tf.Tensor;
}

export interface BackwardPass {
  /** dL/dθ for every parameter, by name, shaped as the parameter. */
  grads: Params;
  directions: DirectionGradients[];
}

/**
 * Backpropagation through time, explicit: from dL/dy ([T_out, B, O]) back through the readout,
 * then layer by layer from the top, each direction walking its steps in reverse processing order.
 * The truncation must be the one the forward pass used.
 */
export function backward(
  spec: NetworkSpec,
  params: Params,
  pass: ForwardPass,
  dY: tf.Tensor | null,
  options: ForwardOptions & {
    /** A gradient arriving at each direction's final state from beyond the sequence (e.g. a decoder). */
    dFinalState?: Record<string, { h?: tf.Tensor; c?: tf.Tensor }>;
  }
): BackwardPass {
  const cell = makeCell(spec.cell, spec.activation);
  const top = pass.layers[spec.layers - 1];
  const T = top[0].records.length;
  const B = top[0].records[0].h.shape[0] as number;
  const H = spec.hidden;
  const grads: Params = {};

  // direct[d][t]: the gradient arriving at h_t of direction d from above (null: none).
  let direct: (tf.Tensor | null)[][];
  const columns = (m: tf.Tensor, d: number, count: number) =>
    count === 1 ? m : tf.slice(m, [0, d * H], [-1, H]);
  let dReadoutInput: tf.Tensor | null = null;
  if (dY && params['readout.weight']) {
    const dY2 = tf.reshape(dY, [-1, spec.outputSize]);
    grads['readout.weight'] = tf.matMul(tf.transpose(dY2), pass.readoutInput);
    grads['readout.bias'] = tf.sum(dY2, 0);
    dReadoutInput = tf.matMul(dY2, params['readout.weight']);
  }
  if (!dReadoutInput) {
    direct = top.map(() => new Array(T).fill(null));
  } else if (spec.readout === 'step') {
    direct = top.map((_, d) =>
      timeSteps(tf.reshape(columns(dReadoutInput, d, top.length), [T, B, H]), T)
    );
  } else if (spec.readout === 'last') {
    direct = top.map((p, d) => {
      const arr: (tf.Tensor | null)[] = new Array(T).fill(null);
      arr[p.dir.reverse ? 0 : T - 1] = columns(dReadoutInput, d, top.length);
      return arr;
    });
  } else {
    const perStep = tf.div(dReadoutInput, T);
    direct = top.map((_, d) => new Array(T).fill(columns(perStep, d, top.length)));
  }

  const directions: DirectionGradients[] = [];
  for (let layer = spec.layers - 1; layer >= 0; layer--) {
    const passes = pass.layers[layer];
    const dInputs: tf.Tensor[] = [];
    passes.forEach((dp, d) => {
      const { dir } = dp;
      const w = recurrentWeights(params, dir.suffix);
      const dh: tf.Tensor[] = new Array(T);
      const dc: tf.Tensor[] = new Array(T);
      const dPreInput: tf.Tensor[] = new Array(T);
      const dPreRecurrent: tf.Tensor[] = new Array(T);
      const dPeephole: tf.Tensor[] = [];
      let carryH: tf.Tensor | undefined = options.dFinalState?.[dir.suffix]?.h;
      let carryC: tf.Tensor | undefined = options.dFinalState?.[dir.suffix]?.c;
      for (let p = T - 1; p >= 0; p--) {
        const t = dir.reverse ? T - 1 - p : p;
        const arriving = direct[d][t];
        const total =
          arriving && carryH ? tf.add(arriving, carryH) : (arriving ?? carryH ?? tf.zeros([B, H]));
        dh[t] = total as tf.Tensor;
        const g = cell.backward(w, dp.records[t], dp.hPrev[t], dp.cPrev[t], dh[t], carryC);
        if (g.dc) dc[t] = g.dc;
        dPreInput[t] = g.dPreInput;
        dPreRecurrent[t] = g.dPreRecurrent;
        if (g.dPeephole) dPeephole.push(g.dPeephole);
        const cut = options.truncation > 0 && p > 0 && p % options.truncation === 0;
        carryH = cut ? undefined : g.dhPrev;
        carryC = cut ? undefined : g.dcPrev;
      }
      const dPI = tf.concat(dPreInput, 0);
      const weightIH = params[`weight_ih_${dir.suffix}`] as tf.Tensor;
      grads[`weight_ih_${dir.suffix}`] = tf.matMul(tf.transpose(dPI), dp.input);
      grads[`bias_ih_${dir.suffix}`] = tf.sum(dPI, 0);
      const dPR = cell.foldsRecurrentBias ? dPI : tf.concat(dPreRecurrent, 0);
      grads[`weight_hh_${dir.suffix}`] = tf.matMul(tf.transpose(dPR), tf.concat(dp.hPrev, 0));
      grads[`bias_hh_${dir.suffix}`] = cell.foldsRecurrentBias
        ? grads[`bias_ih_${dir.suffix}`].clone()
        : tf.sum(dPR, 0);
      if (w.peephole) grads[`peephole_${dir.suffix}`] = tf.addN(dPeephole);
      if (layer > 0) dInputs.push(tf.matMul(dPI, weightIH));
      if (dp.learnedStart && params[`initial_h_${dir.suffix}`])
        grads[`initial_h_${dir.suffix}`] = carryH ? tf.sum(carryH, 0) : tf.zeros([H]);
      if (dp.learnedStart && params[`initial_c_${dir.suffix}`])
        grads[`initial_c_${dir.suffix}`] = carryC ? tf.sum(carryC, 0) : tf.zeros([H]);
      directions.push({
        dInitialH: carryH,
        dInitialC: carryC,
        dir,
        dh: tf.stack(dh),
        dc: cell.hasCellState ? tf.stack(dc) : undefined
      });
    });
    if (layer > 0) {
      const dInput = dInputs.length === 1 ? dInputs[0] : tf.addN(dInputs);
      direct = passes.map((_, d) =>
        timeSteps(tf.reshape(columns(dInput, d, passes.length), [T, B, H]), T)
      );
    }
  }
  directions.sort(
    (a, b) => a.dir.layer - b.dir.layer || Number(a.dir.reverse) - Number(b.dir.reverse)
  );
  return { grads, directions };
}
