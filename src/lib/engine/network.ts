import * as tf from '@tensorflow/tfjs-core';
import { makeCell } from './cells';
import type { RecurrentWeights, StepRecord } from './cells';
import { layerDirections } from './types';
import type { LayerDirection, NetworkSpec } from './types';

/** Parameter tensors by PyTorch name (see init.ts for names and shapes). */
export type Params = Record<string, tf.Tensor>;

/** An identity whose gradient is zero: the state passes forward, no gradient passes back. */
export const stopGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  return { value: x.clone(), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
}) as (x: tf.Tensor) => tf.Tensor;

/** The forward pass of one layer in one direction. Arrays are indexed by time t (0 … T−1). */
export interface DirectionPass {
  dir: LayerDirection;
  /** The layer's input, flattened time-major, [T·B, I_l]. */
  input: tf.Tensor;
  /** What step t recorded. */
  records: StepRecord[];
  /** The hidden state entering step t (h_{t−1}; for the reverse direction h_{t+1}), [B, H]. */
  hPrev: tf.Tensor[];
  /** The cell state entering step t (LSTM), [B, H]. */
  cPrev: (tf.Tensor | undefined)[];
  /** h_t for every t, [T, B, H]. */
  states: tf.Tensor;
  /** Whether it started from the learned initial state (whose gradient it then owes). */
  learnedStart: boolean;
}

/** A whole forward pass. */
export interface ForwardPass {
  /** `layers[l]` holds the forward direction, then (bidirectional) the reverse one. */
  layers: DirectionPass[][];
  /** What the readout read: [T·B, D] (step), or [B, D] (last, mean); empty without a readout. */
  readoutInput: tf.Tensor;
  /** Outputs y, [T_out, B, O]: T_out = T for the per-step readout, 1 otherwise; empty without a readout. */
  output: tf.Tensor;
  /** Each direction's last state (after its final processed step), by suffix: [B, H]. */
  finalState: Record<string, State>;
}

/** A recurrent state: h, and c for the LSTM; each [B, H]. */
export interface State {
  h: tf.Tensor;
  c?: tf.Tensor;
}

export interface ForwardOptions {
  /**
   * Truncated BPTT window k (0 = full). The sequence is cut into consecutive windows of k steps
   * in each direction's processing order; the state crosses a window boundary forward, but no
   * gradient crosses it backward (PyTorch: `h = h.detach()` every k steps).
   */
  truncation: number;
  /**
   * Test hook: sees each new state, h_t after its step and c_t where it is formed, and may replace
   * it (e.g. by adding a zero offset, whose autodiff gradient is then the total dL/dh_t or dL/dc_t).
   */
  /**
   * The state entering the first processed step, by direction suffix (`l0`, `l0_reverse`, …);
   * otherwise the learned initial state (parameters `initial_h_*`, `initial_c_*`) if the network
   * has one, else zeros.
   */
  initialState?: Record<string, State>;
  probe?: (
    what: 'h' | 'c',
    layer: number,
    reverse: boolean,
    t: number,
    value: tf.Tensor
  ) => tf.Tensor;
}

export function recurrentWeights(params: Params, suffix: string): RecurrentWeights {
  return {
    weightHH: params[`weight_hh_${suffix}`] as tf.Tensor,
    biasHH: params[`bias_hh_${suffix}`] as tf.Tensor,
    peephole: params[`peephole_${suffix}`] as tf.Tensor | undefined
  };
}

/**
 * Runs the network on inputs x, [T, B, I], keeping every step's record for the backward pass and
 * the trace. Pure in `params`, so `tf.grads` can differentiate it (the autodiff reference).
 */
export function forward(
  spec: NetworkSpec,
  params: Params,
  x: tf.Tensor,
  options: ForwardOptions
): ForwardPass {
  const cell = makeCell(spec.cell, spec.activation);
  const [T, B, inputSize] = x.shape as number[];
  const H = spec.hidden;
  const k = options.truncation;
  const directions = layerDirections(spec);
  const layers: DirectionPass[][] = [];
  const finalState: Record<string, State> = {};
  let layerInput = tf.reshape(x, [T * B, inputSize]);
  for (let layer = 0; layer < spec.layers; layer++) {
    const passes: DirectionPass[] = [];
    for (const dir of directions.filter((d) => d.layer === layer)) {
      const w = recurrentWeights(params, dir.suffix);
      w.weightHHT = tf.transpose(w.weightHH);
      let bias = params[`bias_ih_${dir.suffix}`];
      if (cell.foldsRecurrentBias) bias = tf.add(bias, w.biasHH);
      const projection = tf.add(
        tf.matMul(layerInput, tf.transpose(params[`weight_ih_${dir.suffix}`])),
        bias
      );
      const xProj = timeSteps(projection, T);
      const records: StepRecord[] = new Array(T);
      const hPrev: tf.Tensor[] = new Array(T);
      const cPrev: (tf.Tensor | undefined)[] = new Array(T);
      const start = initialState(params, dir.suffix, B, H, cell.hasCellState, options.initialState);
      let h = start.h;
      let c = start.c;
      for (let p = 0; p < T; p++) {
        const t = dir.reverse ? T - 1 - p : p;
        if (k > 0 && p > 0 && p % k === 0) {
          h = stopGradient(h);
          if (c) c = stopGradient(c);
        }
        hPrev[t] = h;
        cPrev[t] = c;
        const probe = options.probe;
        const record = cell.forward(
          w,
          xProj[t],
          h,
          c,
          probe && ((v) => probe('c', layer, dir.reverse, t, v))
        );
        if (probe) record.h = probe('h', layer, dir.reverse, t, record.h);
        records[t] = record;
        h = record.h;
        c = record.c;
      }
      const states = tf.stack(records.map((r) => r.h));
      const learnedStart =
        !options.initialState?.[dir.suffix] && !!params[`initial_h_${dir.suffix}`];
      passes.push({ dir, input: layerInput, records, hPrev, cPrev, states, learnedStart });
      finalState[dir.suffix] = { h, c };
    }
    layers.push(passes);
    const out =
      passes.length === 1
        ? passes[0].states
        : tf.concat(
            passes.map((p) => p.states),
            2
          );
    layerInput = tf.reshape(out, [T * B, -1]);
  }
  const top = layers[spec.layers - 1];
  // A network without readout parameters (an encoder) has no output of its own.
  if (!params['readout.weight']) {
    const empty = tf.zeros([0]);
    return { layers, readoutInput: empty, output: empty, finalState };
  }
  let readoutInput: tf.Tensor;
  if (spec.readout === 'step') readoutInput = layerInput;
  else if (spec.readout === 'last') readoutInput = lastStates(top);
  else readoutInput = tf.mean(tf.reshape(layerInput, [T, B, -1]), 0);
  const y = tf.add(
    tf.matMul(readoutInput, tf.transpose(params['readout.weight'])),
    params['readout.bias']
  );
  const output = tf.reshape(y, [spec.readout === 'step' ? T : 1, B, spec.outputSize]);
  return { layers, readoutInput, output, finalState };
}

/**
 * The T steps of a time-major sequence ([T·B, n] or [T, B, n]) as T tensors [B, n]. One split:
 * tfjs-wasm's Slice (behind unstack) copies the whole input for every slice, T² work, and split
 * is 3–4× cheaper there; a one-step unstack would also trip tfjs's Unpack gradient. (A gather per
 * step is cheaper still, but its gradient has no wasm kernel.)
 */
export function timeSteps(x: tf.Tensor, T: number): tf.Tensor[] {
  const size = x.size / T;
  const B = (x.rank === 3 ? x.shape[1] : (x.shape[0] as number) / T) as number;
  const rows = tf.reshape(x, [T, size]);
  return (T === 1 ? [rows] : tf.split(rows, T, 0)).map((r) => tf.reshape(r, [B, size / B]));
}

/** The state entering a direction's first step: given, learned (broadcast over the batch), or zeros. */
function initialState(
  params: Params,
  suffix: string,
  B: number,
  H: number,
  hasCellState: boolean,
  given: Record<string, State> | undefined
): State {
  const provided = given?.[suffix];
  const learnedH = params[`initial_h_${suffix}`];
  const learnedC = params[`initial_c_${suffix}`];
  const broadcast = (p: tf.Tensor) => tf.tile(tf.reshape(p, [1, H]), [B, 1]);
  const h = provided?.h ?? (learnedH ? broadcast(learnedH) : tf.zeros([B, H]));
  const c = hasCellState
    ? (provided?.c ?? (learnedC ? broadcast(learnedC) : tf.zeros([B, H])))
    : undefined;
  return { h, c };
}

/** Each direction's final state, concatenated: [h→_{T−1}, h←_0] (PyTorch's h_n of the top layer). */
function lastStates(top: DirectionPass[]): tf.Tensor {
  const finals = top.map((p) => p.records[p.dir.reverse ? 0 : p.records.length - 1].h);
  return finals.length === 1 ? finals[0] : tf.concat(finals, 1);
}
