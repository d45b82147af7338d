import { GATES, layerDirections, layerInputSize, layerOutputSize } from './types';
import type { InitScheme, InitSpec, NetworkSpec } from './types';
import { Random } from './random';
import { orthogonalFromGaussian, spectralRadius } from './spectrum';

/** A parameter as plain numbers: row-major values of the given shape. */
export interface ParamArray {
  shape: number[];
  values: Float32Array;
}

/** All parameters of a network by PyTorch name (`weight_ih_l0`, …, `readout.weight`). */
export type ParamArrays = Record<string, ParamArray>;

/** Something the initializer could not do as asked, said plainly. */
export interface InitNote {
  param: string;
  message: string;
}

/**
 * Draw one gate block [rows, cols] (rows = H units, cols = fan-in n) with the given scheme.
 * - glorot-uniform: U(±√(6 / (n + rows)))
 * - orthogonal: the top-left block of a Haar-random orthogonal max(rows, cols)² matrix
 * - identity: ones on the diagonal
 * - normal: N(0, g²/n); uniform: U(±√(3g²/n)), which also has variance g²/n
 * - zeros
 */
export function drawBlock(
  scheme: InitScheme,
  rows: number,
  cols: number,
  gainSquared: number,
  random: Random
): Float64Array {
  const out = new Float64Array(rows * cols);
  switch (scheme) {
    case 'glorot-uniform': {
      const limit = Math.sqrt(6 / (cols + rows));
      for (let i = 0; i < out.length; i++) out[i] = random.between(-limit, limit);
      break;
    }
    case 'orthogonal': {
      const n = Math.max(rows, cols);
      const gaussian = new Float64Array(n * n);
      for (let i = 0; i < gaussian.length; i++) gaussian[i] = random.normal();
      const q = orthogonalFromGaussian(gaussian, n);
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++) out[r * cols + c] = q[r * n + c];
      break;
    }
    case 'identity':
      for (let i = 0; i < Math.min(rows, cols); i++) out[i * cols + i] = 1;
      break;
    case 'normal': {
      const std = Math.sqrt(gainSquared / cols);
      for (let i = 0; i < out.length; i++) out[i] = std * random.normal();
      break;
    }
    case 'uniform': {
      const limit = Math.sqrt((3 * gainSquared) / cols);
      for (let i = 0; i < out.length; i++) out[i] = random.between(-limit, limit);
      break;
    }
    case 'zeros':
      break;
  }
  return out;
}

/** Draw a [G·H, n] weight gate block by gate block (each block initialized on its own). */
function drawGateStack(
  scheme: InitScheme,
  gates: number,
  hidden: number,
  cols: number,
  gainSquared: number,
  random: Random
): Float64Array {
  const out = new Float64Array(gates * hidden * cols);
  for (let g = 0; g < gates; g++)
    out.set(drawBlock(scheme, hidden, cols, gainSquared, random), g * hidden * cols);
  return out;
}

/**
 * Rescale each H × H gate block of W_hh (shape [G·H, H]) in place so that its spectral radius is
 * `target`. A block whose radius is 0 (all zeros, nilpotent) cannot be rescaled and is reported.
 */
export function rescaleSpectralRadius(
  weightHH: Float32Array | Float64Array,
  hidden: number,
  target: number
): { before: number[]; after: number[]; failed: number[] } {
  const blockSize = hidden * hidden;
  const gates = weightHH.length / blockSize;
  const before: number[] = [];
  const after: number[] = [];
  const failed: number[] = [];
  for (let g = 0; g < gates; g++) {
    const block = weightHH.subarray(g * blockSize, (g + 1) * blockSize);
    const radius = spectralRadius({ n: hidden, values: block });
    before.push(radius);
    if (radius < 1e-12) {
      failed.push(g);
      after.push(radius);
      continue;
    }
    const scale = target / radius;
    for (let i = 0; i < block.length; i++) block[i] *= scale;
    after.push(target);
  }
  return { before, after, failed };
}

/**
 * Every parameter of the network, drawn from the seed. Names and layouts are PyTorch's
 * (`torch.nn.RNN/LSTM/GRU` with `batch_first` irrelevant to the weights), plus
 * `peephole_l{k}` [3, H] (rows p_i, p_f, p_o) when peepholes are on, and the readout
 * `readout.weight` [O, D], `readout.bias` [O] with D = H or 2H (bidirectional), and with a learned
 * initial state `initial_h_l{k}` [H] (and `initial_c_l{k}` for the LSTM), starting at zero.
 */
export function initParameters(
  spec: NetworkSpec,
  init: InitSpec
): { params: ParamArrays; notes: InitNote[] } {
  const root = new Random(init.seed);
  const gates = GATES[spec.cell].length;
  const H = spec.hidden;
  const params: ParamArrays = {};
  const notes: InitNote[] = [];
  for (const { layer, suffix } of layerDirections(spec)) {
    const inputSize = layerInputSize(spec, layer);
    const wih = drawGateStack(
      init.input,
      gates,
      H,
      inputSize,
      init.gainSquared,
      root.fork(`weight_ih_${suffix}`)
    );
    const whh = drawGateStack(
      init.recurrent,
      gates,
      H,
      H,
      init.gainSquared,
      root.fork(`weight_hh_${suffix}`)
    );
    if (init.spectralRadius !== null) {
      const { failed } = rescaleSpectralRadius(whh, H, init.spectralRadius);
      for (const g of failed)
        notes.push({
          param: `weight_hh_${suffix}`,
          message: `gate ${GATES[spec.cell][g]}: W_hh has spectral radius 0 (e.g. zeros init), so it cannot be rescaled to ρ = ${init.spectralRadius}.`
        });
    }
    const bih = new Float32Array(gates * H);
    if (spec.cell === 'lstm') bih.fill(init.forgetBias, H, 2 * H); // the f block
    params[`weight_ih_${suffix}`] = {
      shape: [gates * H, inputSize],
      values: Float32Array.from(wih)
    };
    params[`weight_hh_${suffix}`] = { shape: [gates * H, H], values: Float32Array.from(whh) };
    params[`bias_ih_${suffix}`] = { shape: [gates * H], values: bih };
    params[`bias_hh_${suffix}`] = { shape: [gates * H], values: new Float32Array(gates * H) };
    if (spec.cell === 'lstm' && spec.peepholes)
      params[`peephole_${suffix}`] = { shape: [3, H], values: new Float32Array(3 * H) };
    if (spec.learnedInitialState) {
      params[`initial_h_${suffix}`] = { shape: [H], values: new Float32Array(H) };
      if (spec.cell === 'lstm')
        params[`initial_c_${suffix}`] = { shape: [H], values: new Float32Array(H) };
    }
  }
  const D = layerOutputSize(spec);
  const readout = drawBlock('glorot-uniform', spec.outputSize, D, 1, root.fork('readout.weight'));
  params['readout.weight'] = { shape: [spec.outputSize, D], values: Float32Array.from(readout) };
  params['readout.bias'] = { shape: [spec.outputSize], values: new Float32Array(spec.outputSize) };
  return { params, notes };
}
