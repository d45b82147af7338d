/**
 * Shared engine types. Conventions, used in every file of the engine:
 * - Time-major tensors: a sequence is [T, B, features]; step t of it is [B, features].
 * - Row-vector maths as in PyTorch: a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh, with
 *   W_ih of shape [G·H, I] and W_hh of shape [G·H, H], gate blocks stacked in the row order
 *   of {@link GATES} (G gates, H hidden units).
 */

export type CellType = 'rnn' | 'lstm' | 'gru';
export type Activation = 'tanh' | 'relu' | 'sigmoid' | 'linear';
/** Where the readout sees the top layer: at every step, only the final state, or the mean over time. */
export type Readout = 'step' | 'last' | 'mean';
export type LossKind = 'mse' | 'xent';
export type InitScheme =
  'glorot-uniform' | 'orthogonal' | 'identity' | 'normal' | 'uniform' | 'zeros';
export type OptimizerKind = 'sgd' | 'momentum' | 'rmsprop' | 'adam';
export type ClipKind = 'off' | 'norm' | 'value';
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** Gate blocks of W_ih / W_hh in row order (PyTorch's order). The vanilla cell has one block, `a`. */
export const GATES: Record<CellType, readonly string[]> = {
  rnn: ['a'],
  lstm: ['i', 'f', 'g', 'o'],
  gru: ['r', 'z', 'n']
};

/** The shape of a network: everything needed to build its parameters. */
export interface NetworkSpec {
  cell: CellType;
  /** Nonlinearity φ of the vanilla cell h_t = φ(a_t); LSTM and GRU ignore it. */
  activation: Activation;
  inputSize: number;
  hidden: number;
  layers: number;
  bidirectional: boolean;
  readout: Readout;
  outputSize: number;
  /** LSTM peephole connections p_i, p_f (from c_{t-1}) and p_o (from c_t). */
  peepholes: boolean;
  /** Learn the state at t = 0 (parameters `initial_h_*`, and `initial_c_*` for the LSTM) instead of zeros. */
  learnedInitialState?: boolean;
}

/** How the weights are first drawn. */
export interface InitSpec {
  recurrent: InitScheme;
  input: InitScheme;
  /** Variance scale g²: the normal and uniform schemes draw entries of variance g²/n (n = fan-in). */
  gainSquared: number;
  /** Rescale each gate block of W_hh to this spectral radius after drawing; null leaves it. */
  spectralRadius: number | null;
  /** Initial LSTM forget-gate bias (put in bias_ih's f block; bias_hh's stays 0). */
  forgetBias: number;
  seed: number;
}

/** One layer and direction: the parameter-name suffix, e.g. `l0` or `l1_reverse`. */
export interface LayerDirection {
  layer: number;
  reverse: boolean;
  /** PyTorch suffix: `l{layer}` plus `_reverse` for the backward direction. */
  suffix: string;
  /** The submodule it belongs to (`encoder`, `decoder`), which prefixes its parameter names. */
  module?: string;
}

/** The full parameter name of a direction's parameter: `weight_hh_l0`, `decoder.weight_hh_l0`. */
export function parameterName(
  dir: Pick<LayerDirection, 'suffix' | 'module'>,
  base: string
): string {
  return `${dir.module ? `${dir.module}.` : ''}${base}_${dir.suffix}`;
}

/** How a direction is labelled in reports: `l0`, `decoder.l0`. */
export function directionLabel(dir: Pick<LayerDirection, 'suffix' | 'module'>): string {
  return dir.module ? `${dir.module}.${dir.suffix}` : dir.suffix;
}

export function layerDirections(
  spec: Pick<NetworkSpec, 'layers' | 'bidirectional'>
): LayerDirection[] {
  const out: LayerDirection[] = [];
  for (let layer = 0; layer < spec.layers; layer++) {
    out.push({ layer, reverse: false, suffix: `l${layer}` });
    if (spec.bidirectional) out.push({ layer, reverse: true, suffix: `l${layer}_reverse` });
  }
  return out;
}

/** Width of one layer's output: H, or 2H when bidirectional (forward and backward states concatenated). */
export function layerOutputSize(spec: Pick<NetworkSpec, 'hidden' | 'bidirectional'>): number {
  return spec.bidirectional ? 2 * spec.hidden : spec.hidden;
}

/** Input width of layer l: the task's input size for l = 0, the layer below's output otherwise. */
export function layerInputSize(spec: NetworkSpec, layer: number): number {
  return layer === 0 ? spec.inputSize : layerOutputSize(spec);
}
