import { Matrix, QrDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  applyReadout,
  createReservoir,
  echoStateDistance,
  evaluateEchoStateNetwork,
  normalizedRootMeanSquaredError,
  readoutFeatures,
  ridgeRegression,
  runReservoir,
  stateNorms
} from './esn';
import type { Reservoir } from './esn';
import { Random } from './random';
import { spectralRadius } from './spectrum';

function randomMatrix(rows: number, cols: number, seed: string): Float64Array {
  const random = new Random(seed);
  return Float64Array.from({ length: rows * cols }, () => random.normal());
}

describe('ridge regression readout', () => {
  it('recovers the weights of a noiseless linear target (two outputs)', () => {
    const rows = 200;
    const f = 6;
    const x = randomMatrix(rows, f, 'ridge-x');
    const truth = Float64Array.from([0.5, -1, 2, 0, 0.25, -3, 1, 1, -0.5, 0.75, 0, 2]); // [F, 2]
    const y = applyReadout(x, truth, rows, 2);
    const w = ridgeRegression(x, y, rows, 2, 1e-10);
    for (let i = 0; i < truth.length; i++) expect(Math.abs(w[i] - truth[i])).toBeLessThan(1e-9);
  });

  it('solves the normal equations (XᵀX + λI) w = Xᵀy: residual ~0', () => {
    const rows = 120;
    const f = 10;
    const x = randomMatrix(rows, f, 'ridge-normal-x');
    const y = randomMatrix(rows, 1, 'ridge-normal-y');
    for (const ridge of [1e-6, 0.5, 30]) {
      const w = ridgeRegression(x, y, rows, 1, ridge);
      const X = new Matrix(
        Array.from({ length: rows }, (_, r) => Array.from(x.subarray(r * f, (r + 1) * f)))
      );
      const Y = Matrix.columnVector(Array.from(y));
      const W = Matrix.columnVector(Array.from(w));
      const lhs = X.transpose().mmul(X).add(Matrix.eye(f).mul(ridge)).mmul(W);
      const rhs = X.transpose().mmul(Y);
      expect(lhs.sub(rhs).norm() / rhs.norm()).toBeLessThan(1e-12);
    }
  });

  it('with orthonormal columns, w = Xᵀy / (1 + λ) exactly', () => {
    const rows = 50;
    const f = 5;
    const q = new QrDecomposition(
      new Matrix(Array.from({ length: rows }, (_, r) => Array.from(randomMatrix(1, f, `q${r}`))))
    ).orthogonalMatrix;
    const x = Float64Array.from({ length: rows * f }, (_, i) => q.get(Math.floor(i / f), i % f));
    const y = randomMatrix(rows, 1, 'ortho-y');
    const ridge = 0.25;
    const w = ridgeRegression(x, y, rows, 1, ridge);
    for (let i = 0; i < f; i++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += x[r * f + i] * y[r];
      expect(w[i]).toBeCloseTo(dot / (1 + ridge), 12);
    }
  });
});

describe('reservoir', () => {
  it('is scaled to the spectral radius ρ, with input weights in [−σ, σ], from the seed', () => {
    const spec = {
      hidden: 40,
      inputSize: 2,
      spectralRadius: 1.25,
      leakRate: 0.5,
      inputScaling: 0.3,
      seed: 4
    };
    const reservoir = createReservoir(spec);
    expect(spectralRadius({ n: 40, values: reservoir.weights })).toBeCloseTo(1.25, 10);
    const moduli = Array.from(reservoir.eigenvalues.re, (re, i) =>
      Math.hypot(re, reservoir.eigenvalues.im[i])
    );
    expect(Math.max(...moduli)).toBeCloseTo(1.25, 10);
    expect(reservoir.inputWeights.length).toBe(40 * 3);
    expect(Math.max(...reservoir.inputWeights.map(Math.abs))).toBeLessThanOrEqual(0.3);
    expect(Math.max(...reservoir.inputWeights.map(Math.abs))).toBeGreaterThan(0.25);
    expect(Array.from(createReservoir(spec).weights)).toEqual(Array.from(reservoir.weights));
    expect(Array.from(createReservoir({ ...spec, seed: 5 }).weights)).not.toEqual(
      Array.from(reservoir.weights)
    );
  });

  it('runs the leaky update x_t = (1 − a) x_{t−1} + a tanh(W_in [1; u_t] + W x_{t−1}), by hand', () => {
    // N = 2, K = 1, a = 0.5: W = [[0.5, −0.2], [0.1, 0.3]], W_in = [[0.1, 1], [−0.2, 0.5]].
    const reservoir: Reservoir = {
      hidden: 2,
      inputSize: 1,
      spectralRadius: 0,
      leakRate: 0.5,
      inputScaling: 1,
      seed: 0,
      weights: Float64Array.from([0.5, -0.2, 0.1, 0.3]),
      inputWeights: Float64Array.from([0.1, 1, -0.2, 0.5]),
      eigenvalues: { re: new Float64Array(2), im: new Float64Array(2) }
    };
    const states = runReservoir(reservoir, [1, -2], 2);
    const x0 = [0.5 * Math.tanh(1.1), 0.5 * Math.tanh(0.3)];
    const x1 = [
      0.5 * x0[0] + 0.5 * Math.tanh(0.1 - 2 + 0.5 * x0[0] - 0.2 * x0[1]),
      0.5 * x0[1] + 0.5 * Math.tanh(-0.2 - 1 + 0.1 * x0[0] + 0.3 * x0[1])
    ];
    expect(Array.from(states)).toEqual([...x0, ...x1]);
    expect(stateNorms(states, 2, 2)[1]).toBeCloseTo(Math.hypot(x1[0], x1[1]), 15);
    expect(Array.from(readoutFeatures([1, -2], states, 1, 2, 1, 2))).toEqual([1, -2, ...x1]);
  });
});

describe('echo state property', () => {
  // A weak input (σ = 0.1): a noisy sine.
  const random = new Random('esp-input');
  const steps = 400;
  const input = Float64Array.from(
    { length: steps },
    (_, t) => 0.5 * Math.sin(0.2 * t) + 0.1 * random.normal()
  );
  const spec = { hidden: 100, inputSize: 1, leakRate: 1, inputScaling: 0.1 };

  it('ρ = 0.9: two initial states converge to one trajectory; ρ = 1.5: they do not', () => {
    for (const seed of [1, 2, 3]) {
      const stable = echoStateDistance(
        createReservoir({ ...spec, spectralRadius: 0.9, seed }),
        input,
        steps,
        seed
      );
      const broken = echoStateDistance(
        createReservoir({ ...spec, spectralRadius: 1.5, seed }),
        input,
        steps,
        seed
      );
      expect(stable.initial).toBeGreaterThan(0.5);
      expect(stable.distance[99]).toBeLessThan(1e-4);
      expect(stable.distance[steps - 1]).toBeLessThan(1e-12);
      // After 100 steps, never closer than 0.05 per unit (RMS), and 0.2 on average (measured
      // minima 0.66, 0.098, 0.80 and means 0.95, 0.25, 0.97 for seeds 1–3).
      const late = broken.distance.subarray(100);
      expect(Math.min(...late)).toBeGreaterThan(0.05);
      expect(late.reduce((sum, d) => sum + d, 0) / late.length).toBeGreaterThan(0.2);
    }
  });
});

describe('fit and evaluate', () => {
  it('learns a linear filter of the input that it can represent, and scores it with NRMSE', () => {
    // Target y_t = u_t − 0.5 u_{t−1}: the input passes to the readout directly and the reservoir
    // state carries u_{t−1}, so a near-linear reservoir (small σ) gets it almost exactly.
    const random = new Random('filter');
    const length = 700;
    const u = Float64Array.from({ length }, () => random.between(-1, 1));
    const y = Float64Array.from(u, (v, t) => v - 0.5 * (t > 0 ? u[t - 1] : 0));
    const reservoir = createReservoir({
      hidden: 30,
      inputSize: 1,
      spectralRadius: 0.8,
      leakRate: 1,
      inputScaling: 0.05,
      seed: 2
    });
    const result = evaluateEchoStateNetwork(reservoir, u, y, 1, {
      washout: 50,
      trainLength: 450,
      testLength: 200,
      ridge: 1e-8
    });
    expect(result.testNrmse).toBeLessThan(0.01);
    expect(result.stateNorms.length).toBe(length);
    expect(result.testOutput.length).toBe(200);
    expect(normalizedRootMeanSquaredError(result.testOutput, y.subarray(500))).toBe(
      result.testNrmse
    );
  });

  it('NRMSE is 0 for a perfect output and 1 for the mean', () => {
    const target = [1, 2, 3, 6];
    expect(normalizedRootMeanSquaredError(target, target)).toBe(0);
    expect(normalizedRootMeanSquaredError([3, 3, 3, 3], target)).toBeCloseTo(1, 15);
  });
});
