/**
 * Echo state network (reservoir computing, Jaeger 2001): a fixed random recurrent reservoir driven
 * by the input, and a linear readout trained in closed form by ridge regression (no BPTT).
 *
 * Leaky-integrator reservoir, N units, K inputs, for t = 0 … T−1 from x_{−1} (zeros by default):
 *   x̃_t = tanh(W_in [1; u_t] + W x_{t−1}),     x_t = (1 − a) x_{t−1} + a x̃_t,
 * W [N, N] and W_in [N, 1 + K] (its column 0 is the bias) fixed; a is the leak rate.
 * Readout: y_t = W_out [1; u_t; x_t], W_out [O, 1 + K + N], fitted after a washout.
 *
 * Plain Float64Array maths, not tfjs: the reservoir is at most 256 units, the recurrence is
 * strictly sequential (one N × N mat-vec per step, ~65k multiply-adds: dispatching that as a GPU
 * kernel per step would cost more than doing it), and the closed-form readout needs float64, which
 * WebGL/WebGPU do not have. Everything here is deterministic and identical on every backend.
 */
import { CholeskyDecomposition, Matrix, solve } from 'ml-matrix';
import { Random } from './random';
import { eigenvalues } from './spectrum';

export interface ReservoirSpec {
  /** Reservoir size N. */
  hidden: number;
  /** Input size K. */
  inputSize: number;
  /** Spectral radius ρ(W) the reservoir is scaled to. */
  spectralRadius: number;
  /** Leak rate a ∈ (0, 1]: 1 replaces the state at each step, small values integrate slowly. */
  leakRate: number;
  /** σ: the input weights (and the bias) are uniform on [−σ, σ]. */
  inputScaling: number;
  seed: number | string;
}

/** A drawn reservoir: its fixed weights and the eigenvalues of W. */
export interface Reservoir extends ReservoirSpec {
  /**
   * W, [N, N] row-major: dense, entries N(0, 1) from the seed, then multiplied by ρ / ρ(W₀) so that
   * its largest |eigenvalue| is exactly `spectralRadius`.
   */
  weights: Float64Array;
  /** W_in, [N, 1 + K] row-major; column 0 multiplies the constant 1 (the bias). U[−σ, σ]. */
  inputWeights: Float64Array;
  /** Eigenvalues λ = re + i·im of W (after scaling), length N. */
  eigenvalues: { re: Float64Array; im: Float64Array };
}

/**
 * Draws a reservoir. W is dense: at N ≤ 256 a dense mat-vec is cheap and sparsity would change
 * nothing the explorer shows (the echo state property is governed by the spectral radius); the
 * eigenvalues (ml-matrix, via `spectrum.ts`) are computed once and scaled with W.
 */
export function createReservoir(spec: ReservoirSpec): Reservoir {
  const { hidden: n, inputSize: k } = spec;
  const random = new Random(`esn:${spec.seed}`);
  const weightRandom = random.fork('W');
  const inputRandom = random.fork('W_in');
  const weights = new Float64Array(n * n);
  for (let i = 0; i < weights.length; i++) weights[i] = weightRandom.normal();
  const eig = eigenvalues({ n, values: weights });
  let radius = 0;
  for (let i = 0; i < n; i++) radius = Math.max(radius, Math.hypot(eig.re[i], eig.im[i]));
  if (!(radius > 1e-12)) throw new Error('The random reservoir has spectral radius 0.');
  const scale = spec.spectralRadius / radius;
  for (let i = 0; i < weights.length; i++) weights[i] *= scale;
  for (let i = 0; i < n; i++) {
    eig.re[i] *= scale;
    eig.im[i] *= scale;
  }
  const inputWeights = new Float64Array(n * (1 + k));
  for (let i = 0; i < inputWeights.length; i++)
    inputWeights[i] = inputRandom.between(-1, 1) * spec.inputScaling;
  return { ...spec, weights, inputWeights, eigenvalues: eig };
}

/**
 * Drives the reservoir with inputs u [T, K] (row-major) from `initial` x_{−1} (default zeros).
 * Returns the states x_t, [T, N] row-major (x_t is the state after reading u_t).
 */
export function runReservoir(
  reservoir: Reservoir,
  inputs: ArrayLike<number>,
  steps: number,
  initial?: ArrayLike<number>
): Float64Array {
  const { hidden: n, inputSize: k, leakRate: a, weights, inputWeights } = reservoir;
  const states = new Float64Array(steps * n);
  let previous = new Float64Array(n);
  if (initial) previous.set(initial);
  const cols = 1 + k;
  for (let t = 0; t < steps; t++) {
    const current = states.subarray(t * n, (t + 1) * n);
    for (let i = 0; i < n; i++) {
      const inRow = i * cols;
      let pre = inputWeights[inRow];
      for (let j = 0; j < k; j++) pre += inputWeights[inRow + 1 + j] * inputs[t * k + j];
      const row = i * n;
      for (let j = 0; j < n; j++) pre += weights[row + j] * previous[j];
      current[i] = (1 - a) * previous[i] + a * Math.tanh(pre);
    }
    previous = current;
  }
  return states;
}

/** ||x_t||₂ for each step of states [T, N]. */
export function stateNorms(states: Float64Array, steps: number, hidden: number): Float64Array {
  const norms = new Float64Array(steps);
  for (let t = 0; t < steps; t++) {
    let sum = 0;
    for (let i = t * hidden; i < (t + 1) * hidden; i++) sum += states[i] * states[i];
    norms[t] = Math.sqrt(sum);
  }
  return norms;
}

/**
 * Readout features z_t = [1; u_t; x_t] for steps t = from … to−1: [to − from, 1 + K + N].
 * The input is passed straight to the readout as well, as is usual for ESNs.
 */
export function readoutFeatures(
  inputs: ArrayLike<number>,
  states: Float64Array,
  inputSize: number,
  hidden: number,
  from: number,
  to: number
): Float64Array {
  const f = 1 + inputSize + hidden;
  const out = new Float64Array((to - from) * f);
  for (let t = from; t < to; t++) {
    const row = (t - from) * f;
    out[row] = 1;
    for (let j = 0; j < inputSize; j++) out[row + 1 + j] = inputs[t * inputSize + j];
    out.set(states.subarray(t * hidden, (t + 1) * hidden), row + 1 + inputSize);
  }
  return out;
}

/**
 * Ridge regression in closed form, in float64: the weights w [F, O] minimising
 * ||X w − Y||² + λ ||w||², i.e. the solution of the normal equations (XᵀX + λI) w = XᵀY, with
 * X [rows, F] and Y [rows, O] row-major. Every weight is penalised, the bias included. Solved by
 * Cholesky (XᵀX + λI is symmetric positive definite for λ > 0); if rounding makes it fail
 * (λ tiny, X rank-deficient), by SVD.
 */
export function ridgeRegression(
  features: Float64Array,
  targets: ArrayLike<number>,
  rows: number,
  outputs: number,
  ridge: number
): Float64Array {
  const f = features.length / rows;
  const gram = new Float64Array(f * f);
  const cross = new Float64Array(f * outputs);
  for (let r = 0; r < rows; r++) {
    const row = r * f;
    for (let i = 0; i < f; i++) {
      const zi = features[row + i];
      if (zi === 0) continue;
      const g = i * f;
      for (let j = i; j < f; j++) gram[g + j] += zi * features[row + j];
      for (let o = 0; o < outputs; o++) cross[i * outputs + o] += zi * targets[r * outputs + o];
    }
  }
  const a = new Matrix(f, f);
  for (let i = 0; i < f; i++) {
    for (let j = i; j < f; j++) {
      a.set(i, j, gram[i * f + j]);
      a.set(j, i, gram[i * f + j]);
    }
    a.set(i, i, a.get(i, i) + ridge);
  }
  const b = new Matrix(f, outputs);
  for (let i = 0; i < f; i++) for (let o = 0; o < outputs; o++) b.set(i, o, cross[i * outputs + o]);
  const cholesky = new CholeskyDecomposition(a);
  const w = cholesky.isPositiveDefinite() ? cholesky.solve(b) : solve(a, b, true);
  return Float64Array.from(w.to1DArray());
}

/** y = X w: outputs [rows, O] of features X [rows, F] through weights w [F, O]. */
export function applyReadout(
  features: Float64Array,
  readout: Float64Array,
  rows: number,
  outputs: number
): Float64Array {
  const f = features.length / rows;
  const out = new Float64Array(rows * outputs);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < outputs; o++) {
      let sum = 0;
      for (let i = 0; i < f; i++) sum += features[r * f + i] * readout[i * outputs + o];
      out[r * outputs + o] = sum;
    }
  return out;
}

/**
 * NRMSE = √(Σ (y − y*)² / Σ (y* − mean y*)²) = RMSE / std(y*) (population std): 0 is perfect,
 * 1 is no better than always answering the target's mean. Over all elements.
 */
export function normalizedRootMeanSquaredError(
  output: ArrayLike<number>,
  target: ArrayLike<number>
): number {
  const n = target.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += target[i];
  const mean = sum / n;
  let variance = 0;
  let error = 0;
  for (let i = 0; i < n; i++) {
    variance += (target[i] - mean) ** 2;
    error += (output[i] - target[i]) ** 2;
  }
  return Math.sqrt(error / variance);
}

export interface EchoStateSchedule {
  /** Steps run but not fitted, so the arbitrary start state is forgotten. */
  washout: number;
  /** Steps the readout is fitted on, right after the washout. */
  trainLength: number;
  /** Held-out steps right after the training stretch (the state runs on through them). */
  testLength: number;
  /** Ridge penalty λ. */
  ridge: number;
}

export interface EchoStateEvaluation {
  /** W_out as [F, O], F = 1 + K + N (rows: bias, inputs, reservoir units). */
  readout: Float64Array;
  /** States x_t over the whole run, [washout + train + test, N]. */
  states: Float64Array;
  /** ||x_t||₂ over the whole run. */
  stateNorms: Float64Array;
  /** Readout outputs on the training stretch [train, O] and the test stretch [test, O]. */
  trainOutput: Float64Array;
  testOutput: Float64Array;
  trainNrmse: number;
  testNrmse: number;
}

/**
 * Fits and evaluates an ESN: drives the reservoir with u [L, K] (L = washout + train + test) from
 * zeros, fits W_out on steps [washout, washout + train) to targets [L, O], and predicts the
 * following `testLength` steps (teacher-forced: the true input is fed at every step, one-step-ahead
 * prediction). NRMSE over each stretch.
 */
export function evaluateEchoStateNetwork(
  reservoir: Reservoir,
  inputs: ArrayLike<number>,
  targets: ArrayLike<number>,
  outputs: number,
  schedule: EchoStateSchedule
): EchoStateEvaluation {
  const { washout, trainLength, testLength, ridge } = schedule;
  const { inputSize: k, hidden: n } = reservoir;
  const length = washout + trainLength + testLength;
  const states = runReservoir(reservoir, inputs, length);
  const trainFrom = washout;
  const testFrom = washout + trainLength;
  const trainFeatures = readoutFeatures(inputs, states, k, n, trainFrom, testFrom);
  const trainTargets = sliceRows(targets, outputs, trainFrom, testFrom);
  const readout = ridgeRegression(trainFeatures, trainTargets, trainLength, outputs, ridge);
  const trainOutput = applyReadout(trainFeatures, readout, trainLength, outputs);
  const testFeatures = readoutFeatures(inputs, states, k, n, testFrom, length);
  const testOutput = applyReadout(testFeatures, readout, testLength, outputs);
  const testTargets = sliceRows(targets, outputs, testFrom, length);
  return {
    readout,
    states,
    stateNorms: stateNorms(states, length, n),
    trainOutput,
    testOutput,
    trainNrmse: normalizedRootMeanSquaredError(trainOutput, trainTargets),
    testNrmse: normalizedRootMeanSquaredError(testOutput, testTargets)
  };
}

function sliceRows(values: ArrayLike<number>, cols: number, from: number, to: number) {
  return Float64Array.from({ length: (to - from) * cols }, (_, i) => values[from * cols + i]);
}

/**
 * The echo state property made visible: the same input u [T, K] drives two copies of the reservoir
 * from two different initial states x_a, x_b, each uniform on [−1, 1]^N (drawn from `seed`).
 * Returns d_t = ||x_a(t) − x_b(t)||₂ / √N (the root-mean-square difference per unit) for
 * t = 0 … T−1, and d_{−1} of the initial states. With the property, the reservoir forgets where it
 * started and d_t → 0 (geometrically, for ρ < 1); without it (ρ well above 1 and a weak input), the
 * two copies keep their own autonomous, chaotic dynamics and d_t stays of order one.
 */
export function echoStateDistance(
  reservoir: Reservoir,
  inputs: ArrayLike<number>,
  steps: number,
  seed: number | string = 0
): { initial: number; distance: Float64Array } {
  const n = reservoir.hidden;
  const random = new Random(`esn-esp:${seed}`);
  const a = Float64Array.from({ length: n }, () => random.between(-1, 1));
  const b = Float64Array.from({ length: n }, () => random.between(-1, 1));
  const statesA = runReservoir(reservoir, inputs, steps, a);
  const statesB = runReservoir(reservoir, inputs, steps, b);
  const rms = (p: ArrayLike<number>, q: ArrayLike<number>, offset: number) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (p[offset + i] - q[offset + i]) ** 2;
    return Math.sqrt(sum / n);
  };
  const distance = new Float64Array(steps);
  for (let t = 0; t < steps; t++) distance[t] = rms(statesA, statesB, t * n);
  return { initial: rms(a, b, 0), distance };
}
