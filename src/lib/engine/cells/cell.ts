import type * as tf from '@tensorflow/tfjs-core';

/** The recurrent weights one step of a layer needs (the input projection is done for all steps at once). */
export interface RecurrentWeights {
  /** W_hh, shape [G·H, H]. */
  weightHH: tf.Tensor;
  /**
   * W_hhᵀ, [H, G·H], transposed once per pass: a plain matmul in every forward step (tfjs-wasm's
   * fast matmul takes no transposed operand).
   */
  weightHHT?: tf.Tensor;
  /** b_hh, shape [G·H]. */
  biasHH: tf.Tensor;
  /** LSTM peepholes, shape [3, H], rows p_i, p_f, p_o. */
  peephole?: tf.Tensor;
}

/**
 * What one forward step keeps: the new state, and per gate its pre-activation and value.
 * Every tensor is [B, H].
 */
export interface StepRecord {
  /** Hidden state h_t. */
  h: tf.Tensor;
  /** Cell state c_t (LSTM only). */
  c?: tf.Tensor;
  /** Pre-activation of each gate, by gate name (vanilla: `a`, the total input of φ). */
  pre: Record<string, tf.Tensor>;
  /** Value of each gate after its nonlinearity (empty for the vanilla cell, whose output is h). */
  gates: Record<string, tf.Tensor>;
  /** Intermediates the backward step reuses (LSTM: tanh(c_t); GRU: hn = h_{t-1} W_hn^T + b_hn). */
  aux: Record<string, tf.Tensor>;
}

/** The gradients one backward step produces. */
export interface StepGradients {
  /** dL/d(x_t W_ih^T + b_ih), [B, G·H]: accumulates into dW_ih, db_ih and dx_t. */
  dPreInput: tf.Tensor;
  /** dL/d(h_{t-1} W_hh^T + b_hh), [B, G·H]: accumulates into dW_hh and db_hh. */
  dPreRecurrent: tf.Tensor;
  /** dL/dh_{t-1} through this step (to be added to the direct gradient at t-1), [B, H]. */
  dhPrev: tf.Tensor;
  /** Total dL/dc_t (LSTM), [B, H]: through h_t and through c_{t+1}. */
  dc?: tf.Tensor;
  /** dL/dc_{t-1} through this step (LSTM), [B, H]. */
  dcPrev?: tf.Tensor;
  /** dL/d(peepholes) from this step (LSTM with peepholes), [3, H]. */
  dPeephole?: tf.Tensor;
}

/**
 * One recurrent cell: a forward step and its explicit backward step.
 * `xProj` is x_t W_ih^T + b_ih (+ b_hh where {@link Cell.foldsRecurrentBias}), [B, G·H].
 */
export interface Cell {
  /** Gate names in the row order of W_ih and W_hh. */
  readonly gateNames: readonly string[];
  readonly hasCellState: boolean;
  /** b_hh enters only as a sum with b_ih, so the layer may add it to the input projection once. */
  readonly foldsRecurrentBias: boolean;
  forward(
    w: RecurrentWeights,
    xProj: tf.Tensor,
    hPrev: tf.Tensor,
    cPrev: tf.Tensor | undefined,
    /** Test hook: may replace c_t right where it is formed, before h_t reads it. */
    probeC?: (c: tf.Tensor) => tf.Tensor
  ): StepRecord;
  /**
   * `dh` is the total dL/dh_t; `dcCarry` is dL/dc_t through c_{t+1} only (undefined at the last
   * step of a window).
   */
  backward(
    w: RecurrentWeights,
    record: StepRecord,
    hPrev: tf.Tensor,
    cPrev: tf.Tensor | undefined,
    dh: tf.Tensor,
    dcCarry: tf.Tensor | undefined
  ): StepGradients;
}
