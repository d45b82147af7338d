/**
 * The WebAssembly SIMD products compute what they say, at every shape (odd rows, columns past a
 * multiple of 16, empty sums, sums longer than one float32 run): the bits of a float32 model of
 * their sums, and within float32 rounding of the float64 JavaScript kernels. The whole pass with
 * them agrees with the pass without them to float32 rounding, and a workspace reused from one
 * call to the next gives what fresh buffers give.
 */
import { describe, expect, it } from 'vitest';
import { initParameters } from '../init';
import { Random } from '../random';
import { TEST_INIT } from '../testing';
import type { Batch, TrainingSpec } from '../trainer';
import type { CellType } from '../types';
import { productNT, productTN } from './linalg';
import { fastMeasure, FastWorkspace } from './pass';
import type { FastMeasurement, FastWeights } from './pass';
import { CHUNK, makeSimdProducts, simdProducts } from './simd';

const simd = simdProducts();

function floats(random: Random, n: number): Float32Array {
  return new Float32Array(n).map(() => random.normal());
}

/** Bit-equal arrays (NaN equal to NaN, +0 and −0 told apart). */
function expectSameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string) {
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    if (!Object.is(a[i], b[i])) expect(`${what}[${i}] = ${a[i]}`).toBe(`${b[i]}`);
}

/** out[i, j] (+)= Σ_l A(i, l) · BT[l, j], as the kernel sums it: float32 runs of CHUNK terms. */
function float32Model(
  A: Float32Array,
  ao: number,
  m: number,
  rowStride: number,
  colStride: number,
  BT: Float32Array,
  bo: number,
  n: number,
  len: number,
  out: Float64Array,
  oo: number,
  accumulate: boolean
) {
  const f = Math.fround;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let total = accumulate ? out[oo + i * n + j] : 0;
      for (let l0 = 0; l0 < len; l0 += CHUNK) {
        let run = 0;
        for (let l = l0; l < Math.min(len, l0 + CHUNK); l++)
          run = f(run + f(A[ao + i * rowStride + l * colStride] * BT[bo + l * n + j]));
        total += run;
      }
      out[oo + i * n + j] = total;
    }
}

/**
 * |fast − reference| ≤ (terms per run + 1) · 2⁻²⁴ · Σ_l |A(i, l) · BT[l, j]| + 2⁻⁵⁰ |reference|
 * for every output (a float32 sum's rounding bound), given those sums of |products| in `scale`.
 */
function expectWithinFloat32(
  fast: Float64Array,
  reference: Float64Array,
  scale: Float64Array,
  len: number,
  what: string
) {
  const u = 2 ** -24;
  const terms = Math.min(len, CHUNK) + 1;
  for (let i = 0; i < reference.length; i++) {
    const bound = terms * u * scale[i] + 2 ** -50 * Math.abs(reference[i]);
    if (!(Math.abs(fast[i] - reference[i]) <= bound))
      expect(`${what}[${i}]: ${fast[i]} vs ${reference[i]}`).toBe(`within ${bound}`);
  }
}

/** Σ_l |A(i, l) · BT[l, j]| at [oo + i·n + j] (zero elsewhere), for the bound above. */
function absoluteSums(
  A: Float32Array,
  ao: number,
  m: number,
  rowStride: number,
  colStride: number,
  BT: Float32Array,
  bo: number,
  n: number,
  len: number,
  size: number,
  oo: number
): Float64Array {
  const sums = new Float64Array(size);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++)
      for (let l = 0; l < len; l++)
        sums[oo + i * n + j] += Math.abs(
          A[ao + i * rowStride + l * colStride] * BT[bo + l * n + j]
        );
  return sums;
}

const SHAPES: [number, number, number][] = [
  [16, 64, 64],
  [2, 16, 1],
  [3, 5, 7],
  [5, 17, 9],
  [1, 8, 3],
  [4, 16, 13],
  [7, 24, 0],
  [6, 11, 130],
  [64, 64, 200]
];

describe('SIMD products', () => {
  it('run in Node (WebAssembly SIMD is there)', () => {
    expect(simd).not.toBeNull();
  });

  it.each(SHAPES)('A Bᵀ, m = %i, n = %i, len = %i: float32 runs, near productNT', (m, n, len) => {
    const random = new Random(m * 1000 + n * 10 + len);
    for (const accumulate of [false, true]) {
      const A = floats(random, m * len + 3);
      const B = floats(random, n * len);
      const BT = new Float32Array(len * n);
      for (let j = 0; j < n; j++) for (let l = 0; l < len; l++) BT[l * n + j] = B[j * len + l];
      const start = Float64Array.from(floats(random, m * n + 2));
      const reference = Float64Array.from(start);
      const model = Float64Array.from(start);
      const fast = Float64Array.from(start);
      productNT(A, 3, m, B, 0, n, len, reference, 1, accumulate);
      float32Model(A, 3, m, len, 1, BT, 0, n, len, model, 1, accumulate);
      simd!.product(A, 3, m, len, 1, BT, 0, n, len, fast, 1, accumulate);
      expectSameBits(fast, model, `accumulate ${accumulate}`);
      const scale = absoluteSums(A, 3, m, len, 1, BT, 0, n, len, m * n + 2, 1);
      expectWithinFloat32(fast, reference, scale, len, `accumulate ${accumulate}`);
    }
  });

  it.each(SHAPES)('Aᵀ X, m = %i, n = %i, rows = %i: float32 runs, near productTN', (m, n, rows) => {
    const random = new Random(m * 1000 + n * 10 + rows + 1);
    const A = floats(random, rows * m);
    const X = floats(random, rows * n + 5);
    const start = Float64Array.from(floats(random, m * n));
    const reference = Float64Array.from(start);
    const model = Float64Array.from(start);
    const fast = Float64Array.from(start);
    productTN(A, 0, m, X, 5, n, rows, reference);
    float32Model(A, 0, m, 1, m, X, 5, n, rows, model, 0, true);
    simd!.product(A, 0, m, 1, m, X, 5, n, rows, fast, 0, true);
    expectSameBits(fast, model, 'out');
    expectWithinFloat32(
      fast,
      reference,
      absoluteSums(A, 0, m, 1, m, X, 5, n, rows, m * n, 0),
      rows,
      'out'
    );
  });

  it('a float32 sum loses what a float64 one keeps, and the kernel sums in float32', () => {
    // 1 + 2⁻²⁴ − 1: 2⁻²⁴ in float64, 0 in float32 (the bound above is not met by accident).
    const A = new Float32Array([1, 2 ** -24, -1, 0, 0, 0]);
    const BT = new Float32Array(3 * 16).fill(1);
    const fast = new Float64Array(2 * 16);
    const reference = new Float64Array(2 * 16);
    simd!.product(A, 0, 2, 3, 1, BT, 0, 16, 3, fast, 0, false);
    productInFloat64(A, BT, reference);
    expect(reference[0]).toBe(2 ** -24);
    expect(fast[0]).toBe(0);
  });

  it('uses BT as copied in before only while it is the previous call’s', () => {
    const random = new Random(23);
    const [m, n, len] = [4, 32, 16];
    const A = floats(random, m * len);
    const first = floats(random, len * n);
    const second = floats(random, len * n);
    const run = (BT: Float32Array, sameB: boolean) => {
      const fast = new Float64Array(m * n);
      simd!.product(A, 0, m, len, 1, BT, 0, n, len, fast, 0, false, sameB);
      const model = new Float64Array(m * n);
      float32Model(A, 0, m, len, 1, BT, 0, n, len, model, 0, false);
      expectSameBits(fast, model, sameB ? 'same B' : 'new B');
    };
    run(first, false);
    run(first, true);
    run(second, false);
    // `first` is not the previous call's BT: copied in again.
    run(first, true);
    // The same array at another size: copied in again.
    simd!.product(A, 0, m, len / 2, 1, first, 0, n, len / 2, new Float64Array(m * n), 0, false);
    run(first, true);
  });

  it('where the memory cannot grow enough, compute in JavaScript in float64', () => {
    // One page (64 KiB): dW_hh's operands at the size (~800 KB) do not fit.
    const small = makeSimdProducts(1)!;
    const random = new Random(11);
    const [m, n, rows] = [64, 64, 1600];
    const A = floats(random, rows * m);
    const X = floats(random, rows * n);
    const reference = new Float64Array(m * n);
    const fast = new Float64Array(m * n);
    productTN(A, 0, m, X, 0, n, rows, reference);
    small.product(A, 0, m, 1, m, X, 0, n, rows, fast, 0, true);
    expect(Math.max(...fast.map((v, i) => Math.abs(v - reference[i])))).toBeLessThan(1e-12);
    // A product that fits still runs in the kernel's memory, in float32 runs.
    const B = floats(random, 16 * 8);
    const BT = new Float32Array(16 * 8);
    for (let j = 0; j < 8; j++) for (let l = 0; l < 16; l++) BT[l * 8 + j] = B[j * 16 + l];
    const model = new Float64Array(2 * 8);
    const after = new Float64Array(2 * 8);
    float32Model(A, 0, 2, 16, 1, BT, 0, 8, 16, model, 0, false);
    small.product(A, 0, 2, 16, 1, BT, 0, 8, 16, after, 0, false);
    expectSameBits(after, model, 'small product');
  });
});

/** out[i, j] = Σ_l A[i, l] · BT[l, j] in float64 for A [2, 3], BT [3, 16]. */
function productInFloat64(A: Float32Array, BT: Float32Array, out: Float64Array) {
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 16; j++) {
      let sum = 0;
      for (let l = 0; l < 3; l++) sum += A[i * 3 + l] * BT[l * 16 + j];
      out[i * 16 + j] = sum;
    }
}

function spec(cell: CellType, bidirectional: boolean, truncation: number): TrainingSpec {
  return {
    network: {
      cell,
      activation: 'tanh',
      inputSize: 3,
      hidden: 9,
      layers: 2,
      bidirectional,
      readout: 'step',
      outputSize: 2,
      peepholes: cell === 'lstm',
      learnedInitialState: bidirectional
    },
    init: TEST_INIT,
    optimizer: 'sgd',
    learningRate: 0.1,
    clipping: 'off',
    clipThreshold: 1,
    truncation,
    loss: 'mse'
  };
}

function expectSameMeasurement(a: FastMeasurement, b: FastMeasurement) {
  expectSameBits([a.loss, a.gradNorm], [b.loss, b.gradNorm], 'loss, gradNorm');
  expectSameBits(a.output, b.output, 'output');
  a.directions.forEach((d, i) => {
    const e = b.directions[i];
    expectSameBits(d.hNorm, e.hNorm, `${d.dir.suffix} ||h_t||`);
    expectSameBits(d.gradNormPerStep, e.gradNormPerStep, `${d.dir.suffix} ||dL/dh_t||`);
    if (d.cNorm) expectSameBits(d.cNorm, e.cNorm!, `${d.dir.suffix} ||c_t||`);
    if (d.cellGradNormPerStep)
      expectSameBits(d.cellGradNormPerStep, e.cellGradNormPerStep!, `${d.dir.suffix} ||dL/dc_t||`);
  });
  for (const name of Object.keys(b.grads)) expectSameBits(a.grads[name], b.grads[name], name);
}

/** max_t |a_t − b_t| / |b_t|. */
function stepwiseError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let t = 0; t < b.length; t++)
    worst = Math.max(worst, Math.abs(a[t] - b[t]) / Math.max(Math.abs(b[t]), 1e-12));
  return worst;
}

/** max |a − b| / max |b|. */
function arrayError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/** The SIMD pass (float32 sums) against the plain one (float64 sums): float32 rounding apart. */
function expectCloseMeasurement(a: FastMeasurement, b: FastMeasurement, tolerance: number) {
  expect(Math.abs(a.loss - b.loss) / Math.abs(b.loss), 'loss').toBeLessThan(tolerance);
  expect(Math.abs(a.gradNorm - b.gradNorm) / b.gradNorm, 'gradNorm').toBeLessThan(tolerance);
  expect(arrayError(a.output, b.output), 'output').toBeLessThan(tolerance);
  a.directions.forEach((d, i) => {
    const e = b.directions[i];
    const where = d.dir.suffix;
    expect(stepwiseError(d.hNorm, e.hNorm), `${where} ||h_t||`).toBeLessThan(tolerance);
    expect(stepwiseError(d.gradNormPerStep, e.gradNormPerStep), `${where} ||dL/dh_t||`)
      //
      .toBeLessThan(tolerance);
    if (d.cNorm)
      expect(stepwiseError(d.cNorm, e.cNorm!), `${where} ||c_t||`).toBeLessThan(tolerance);
    if (d.cellGradNormPerStep)
      expect(
        stepwiseError(d.cellGradNormPerStep, e.cellGradNormPerStep!),
        `${where} ||dL/dc_t||`
      ).toBeLessThan(tolerance);
  });
  for (const name of Object.keys(b.grads))
    expect(arrayError(a.grads[name], b.grads[name]), name).toBeLessThan(tolerance);
}

function weightsOf(s: TrainingSpec, seed: number): FastWeights {
  const { params } = initParameters(s.network, { ...TEST_INIT, seed });
  return Object.fromEntries(
    Object.entries(params).map(([name, p]) => [name, Float32Array.from(p.values)])
  );
}

describe('the fast pass with and without SIMD, with a reused workspace', () => {
  it.each([
    ['rnn', false, 0],
    ['rnn', true, 3],
    ['lstm', true, 0],
    ['gru', false, 2]
  ] as const)('%s, bidirectional %s, truncation %i: float32 rounding apart', (cell, bi, k) => {
    const s = spec(cell, bi, k);
    const weights = weightsOf(s, 3);
    const random = new Random(5);
    const T = 11;
    const B = 5;
    const batch: Batch = { T, B, x: floats(random, T * B * 3), target: floats(random, T * B * 2) };
    const plain = fastMeasure(s, weights, batch, new FastWorkspace({ simd: false }));
    const workspace = new FastWorkspace();
    expect(workspace.simd).not.toBeNull();
    const first = fastMeasure(s, weights, batch, workspace);
    expectCloseMeasurement(first, plain, 1e-5);
    // Again in the same buffers (they are zeroed, not left over from the first call): the same
    // bits. (The grads live in the workspace, so the first call's are copied before.)
    const firstCopy = {
      ...first,
      grads: Object.fromEntries(
        Object.entries(first.grads).map(([n, g]) => [n, Float64Array.from(g)])
      )
    };
    expectSameMeasurement(fastMeasure(s, weights, batch, workspace), firstCopy);
  });

  // The slider's size, with W_hh scaled up: a tanh network near the edge of chaos (beyond it,
  // as at W_hh × 3, float32 rounding anywhere grows over the steps and the plain pass is itself
  // 20–30 % off the tfjs engine), and linear and ReLU networks whose gradients grow by orders of
  // magnitude over the steps.
  it.each([
    ['tanh', 1.5, 100],
    ['linear', 1.6, 30],
    ['relu', 2.5, 30]
  ] as const)('hidden 64, %s, W_hh × %d, T = %i: float32 rounding apart', (activation, gain, T) => {
    const base = spec('rnn', false, 0);
    const s: TrainingSpec = {
      ...base,
      network: { ...base.network, activation, hidden: 64, layers: 1, learnedInitialState: false }
    };
    const weights = weightsOf(s, 7);
    for (const [n, w] of Object.entries(weights))
      if (n.startsWith('weight_hh')) for (let i = 0; i < w.length; i++) w[i] *= gain;
    const random = new Random(9);
    const B = 6;
    const batch: Batch = {
      T,
      B,
      x: floats(random, T * B * 3),
      target: floats(random, T * B * 2)
    };
    const plain = fastMeasure(s, weights, batch, new FastWorkspace({ simd: false }));
    const fast = fastMeasure(s, weights, batch, new FastWorkspace());
    const norms = plain.directions[0].gradNormPerStep;
    expect(norms[0] / norms[T - 1]).toBeGreaterThan(activation === 'tanh' ? 10 : 1e5);
    expect(Number.isFinite(plain.gradNorm)).toBe(true);
    expectCloseMeasurement(fast, plain, 1e-4);
  });
});
