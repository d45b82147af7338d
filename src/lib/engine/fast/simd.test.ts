/**
 * The WebAssembly SIMD products give the plain-JavaScript kernels' numbers to the last bit, at
 * every shape (odd rows, columns past a multiple of 8, empty sums), and so does the whole pass;
 * a workspace reused from one call to the next gives what fresh buffers give.
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
import { makeSimdProducts, simdProducts } from './simd';

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

const SHAPES: [number, number, number][] = [
  [16, 64, 64],
  [2, 8, 1],
  [3, 5, 7],
  [5, 17, 9],
  [1, 8, 3],
  [4, 16, 13],
  [7, 24, 0],
  [6, 11, 130]
];

describe('SIMD products', () => {
  it('run in Node (WebAssembly SIMD is there)', () => {
    expect(simd).not.toBeNull();
  });

  it.each(SHAPES)('A Bᵀ, m = %i, n = %i, len = %i: the bits of productNT', (m, n, len) => {
    const random = new Random(m * 1000 + n * 10 + len);
    for (const accumulate of [false, true]) {
      const A = floats(random, m * len + 3);
      const B = floats(random, n * len);
      const BT = new Float32Array(len * n);
      for (let j = 0; j < n; j++) for (let l = 0; l < len; l++) BT[l * n + j] = B[j * len + l];
      const reference = Float64Array.from(floats(random, m * n + 2));
      const fast = Float64Array.from(reference);
      productNT(A, 3, m, B, 0, n, len, reference, 1, accumulate);
      simd!.product(A, 3, m, len, 1, BT, 0, n, len, fast, 1, accumulate);
      expectSameBits(fast, reference, `accumulate ${accumulate}`);
    }
  });

  it.each(SHAPES)('Aᵀ X, m = %i, n = %i, rows = %i: the bits of productTN', (m, n, rows) => {
    const random = new Random(m * 1000 + n * 10 + rows + 1);
    const A = floats(random, rows * m);
    const X = floats(random, rows * n + 5);
    const reference = Float64Array.from(floats(random, m * n));
    const fast = Float64Array.from(reference);
    productTN(A, 0, m, X, 5, n, rows, reference);
    simd!.product(A, 0, m, 1, m, X, 5, n, rows, fast, 0, true);
    expectSameBits(fast, reference, 'out');
  });

  it('where the memory cannot grow enough, compute in JavaScript, with the same bits', () => {
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
    expectSameBits(fast, reference, 'out');
    // A product that fits still runs in the kernel's memory.
    const B = floats(random, 16 * 8);
    const before = new Float64Array(2 * 8);
    const after = new Float64Array(2 * 8);
    productNT(A, 0, 2, B, 0, 8, 16, before, 0, false);
    const BT = new Float32Array(16 * 8);
    for (let j = 0; j < 8; j++) for (let l = 0; l < 16; l++) BT[l * 8 + j] = B[j * 16 + l];
    small.product(A, 0, 2, 16, 1, BT, 0, 8, 16, after, 0, false);
    expectSameBits(after, before, 'small product');
  });
});

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

describe('the fast pass with and without SIMD, with a reused workspace', () => {
  it.each([
    ['rnn', false, 0],
    ['rnn', true, 3],
    ['lstm', true, 0],
    ['gru', false, 2]
  ] as const)('%s, bidirectional %s, truncation %i: the same bits', (cell, bi, k) => {
    const s = spec(cell, bi, k);
    const { params } = initParameters(s.network, { ...TEST_INIT, seed: 3 });
    const weights: FastWeights = Object.fromEntries(
      Object.entries(params).map(([name, p]) => [name, Float32Array.from(p.values)])
    );
    const random = new Random(5);
    const T = 11;
    const B = 5;
    const batch: Batch = { T, B, x: floats(random, T * B * 3), target: floats(random, T * B * 2) };
    const plain = fastMeasure(s, weights, batch, new FastWorkspace({ simd: false }));
    const workspace = new FastWorkspace();
    expect(workspace.simd).not.toBeNull();
    expectSameMeasurement(fastMeasure(s, weights, batch, workspace), plain);
    // Again in the same buffers (they are zeroed, not left over from the first call).
    expectSameMeasurement(fastMeasure(s, weights, batch, workspace), plain);
  });
});
