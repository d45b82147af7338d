/**
 * The few dense loops the fast pass is made of, over row-major typed arrays with offsets. Sums run
 * in float64 (JavaScript numbers); what is stored goes into float32 arrays, as tfjs stores it.
 */
import type { SimdProducts } from './simd';

/** A float array of either width (weights and records are float32, accumulators float64). */
export type Floats = Float32Array | Float64Array;

/** Σ_k a[ao + k] · b[bo + k], k < n: four partial sums, so the loop is not one long chain. */
export function dot(a: Floats, ao: number, b: Floats, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    s0 += a[ao + k] * b[bo + k];
    s1 += a[ao + k + 1] * b[bo + k + 1];
    s2 += a[ao + k + 2] * b[bo + k + 2];
    s3 += a[ao + k + 3] * b[bo + k + 3];
  }
  for (; k < n; k++) s0 += a[ao + k] * b[bo + k];
  return s0 + s1 + (s2 + s3);
}

/**
 * out[i, j] (+)= Σ_l A[i, l] · B[j, l] for i < m, j < n: the product A Bᵀ of row-major A [m, len]
 * and B [n, len] (each from its offset), into row-major out [m, n]; added to out when
 * `accumulate`. Every product of the pass is of this form (a weight matrix W [rows, cols] is used
 * as stored, or transposed once). Blocked two rows of A by four of B, so each value loaded serves
 * four or two products: about three times the speed of one dot product at a time in V8. One
 * set of array types at every call (float32 operands, a float64 result) keeps V8's code for it
 * monomorphic.
 */
export function productNT(
  A: Float32Array,
  ao: number,
  m: number,
  Bm: Float32Array,
  bo: number,
  n: number,
  len: number,
  out: Float64Array,
  oo: number,
  accumulate: boolean
): void {
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = ao + i * len;
    const a1 = a0 + len;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const b0 = bo + j * len;
      const b1 = b0 + len;
      const b2 = b1 + len;
      const b3 = b2 + len;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      for (let l = 0; l < len; l++) {
        const x = A[a0 + l];
        const y = A[a1 + l];
        const c0 = Bm[b0 + l];
        const c1 = Bm[b1 + l];
        const c2 = Bm[b2 + l];
        const c3 = Bm[b3 + l];
        s0 += x * c0;
        s1 += x * c1;
        s2 += x * c2;
        s3 += x * c3;
        t0 += y * c0;
        t1 += y * c1;
        t2 += y * c2;
        t3 += y * c3;
      }
      const o = oo + i * n + j;
      if (accumulate) {
        out[o] += s0;
        out[o + 1] += s1;
        out[o + 2] += s2;
        out[o + 3] += s3;
        out[o + n] += t0;
        out[o + n + 1] += t1;
        out[o + n + 2] += t2;
        out[o + n + 3] += t3;
      } else {
        out[o] = s0;
        out[o + 1] = s1;
        out[o + 2] = s2;
        out[o + 3] = s3;
        out[o + n] = t0;
        out[o + n + 1] = t1;
        out[o + n + 2] = t2;
        out[o + n + 3] = t3;
      }
    }
    // The last columns (the readout's one column for one output) in dot()'s four partial sums.
    for (; j < n; j++) {
      const b0 = bo + j * len;
      const o = oo + i * n + j;
      out[o] = (accumulate ? out[o] : 0) + dot(A, a0, Bm, b0, len);
      out[o + n] = (accumulate ? out[o + n] : 0) + dot(A, a1, Bm, b0, len);
    }
  }
  for (; i < m; i++)
    for (let j = 0; j < n; j++) {
      const o = oo + i * n + j;
      out[o] = (accumulate ? out[o] : 0) + dot(A, ao + i * len, Bm, bo + j * len, len);
    }
}

/**
 * out[i, j] += Σ_r A[r, i] · X[r, j] for i < m, j < n: the product Aᵀ X of row-major A [rows, m]
 * and X [rows, n], into row-major out [m, n], without making the transposes: every output summed
 * over r in order from 0 in float64, then added to out; blocked two columns of A by four of X,
 * the rest (a few columns, as dW_ih's for one input, or an odd column of A, as the readout's for
 * one output) row by row.
 */
export function productTN(
  A: Float32Array,
  ao: number,
  m: number,
  X: Float32Array,
  xo: number,
  n: number,
  rows: number,
  out: Float64Array
): void {
  let i = 0;
  for (; i + 1 < m; i += 2) {
    let j = 0;
    for (; j + 3 < n; j += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      let a = ao + i;
      let x = xo + j;
      for (let r = 0; r < rows; r++) {
        const p = A[a];
        const q = A[a + 1];
        const c0 = X[x];
        const c1 = X[x + 1];
        const c2 = X[x + 2];
        const c3 = X[x + 3];
        s0 += p * c0;
        s1 += p * c1;
        s2 += p * c2;
        s3 += p * c3;
        t0 += q * c0;
        t1 += q * c1;
        t2 += q * c2;
        t3 += q * c3;
        a += m;
        x += n;
      }
      const o = i * n + j;
      out[o] += s0;
      out[o + 1] += s1;
      out[o + 2] += s2;
      out[o + 3] += s3;
      out[o + n] += t0;
      out[o + n + 1] += t1;
      out[o + n + 2] += t2;
      out[o + n + 3] += t3;
    }
  }
  // The rest, each output summed over r in order as above, in registers: the columns past a
  // multiple of 4 (dW_ih's one column for one input) four rows at a time, then an odd last row
  // (the readout's for one output) four columns at a time.
  const m2 = i;
  for (let j = n - (n % 4); j < n; j++) {
    let i = 0;
    for (; i + 3 < m2; i += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let a = ao + i;
      let x = xo + j;
      for (let r = 0; r < rows; r++) {
        const c = X[x];
        s0 += A[a] * c;
        s1 += A[a + 1] * c;
        s2 += A[a + 2] * c;
        s3 += A[a + 3] * c;
        a += m;
        x += n;
      }
      out[i * n + j] += s0;
      out[(i + 1) * n + j] += s1;
      out[(i + 2) * n + j] += s2;
      out[(i + 3) * n + j] += s3;
    }
    for (; i < m2; i++) out[i * n + j] += columnDot(A, ao + i, m, X, xo + j, n, rows);
  }
  if (m2 === m) return;
  let j = 0;
  for (; j + 3 < n; j += 4) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let a = ao + m2;
    let x = xo + j;
    for (let r = 0; r < rows; r++) {
      const p = A[a];
      s0 += p * X[x];
      s1 += p * X[x + 1];
      s2 += p * X[x + 2];
      s3 += p * X[x + 3];
      a += m;
      x += n;
    }
    const o = m2 * n + j;
    out[o] += s0;
    out[o + 1] += s1;
    out[o + 2] += s2;
    out[o + 3] += s3;
  }
  for (; j < n; j++) out[m2 * n + j] += columnDot(A, ao + m2, m, X, xo + j, n, rows);
}

/** Σ_r a[ao + r·aStride] · x[xo + r·xStride], r < rows, in order. */
function columnDot(
  a: Float32Array,
  ao: number,
  aStride: number,
  x: Float32Array,
  xo: number,
  xStride: number,
  rows: number
): number {
  let sum = 0;
  for (let r = 0; r < rows; r++) sum += a[ao + r * aStride] * x[xo + r * xStride];
  return sum;
}

/**
 * The transpose of row-major x [rows, cols] (from `offset`), as a float32 array [cols, rows] (a new
 * one, or `out`); in 32 × 32 tiles, so that neither the reads nor the writes stride across the whole array.
 */
export function transpose(
  x: Float32Array,
  offset: number,
  rows: number,
  cols: number,
  out: Float32Array = new Float32Array(rows * cols)
): Float32Array {
  const tile = 32;
  for (let r0 = 0; r0 < rows; r0 += tile) {
    const r1 = Math.min(rows, r0 + tile);
    for (let c0 = 0; c0 < cols; c0 += tile) {
      const c1 = Math.min(cols, c0 + tile);
      for (let r = r0; r < r1; r++) {
        const xo = offset + r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = x[xo + c];
      }
    }
  }
  return out;
}

/**
 * Σ over rows of x [rows, cols] (each column in order from 0, four columns at a time in
 * registers), added into out [cols].
 */
export function addColumnSums(x: Floats, rows: number, cols: number, out: Floats): void {
  let c = 0;
  for (; c + 3 < cols; c += 4) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = c; i < rows * cols; i += cols) {
      s0 += x[i];
      s1 += x[i + 1];
      s2 += x[i + 2];
      s3 += x[i + 3];
    }
    out[c] += s0;
    out[c + 1] += s1;
    out[c + 2] += s2;
    out[c + 3] += s3;
  }
  for (; c < cols; c++) {
    let sum = 0;
    for (let i = c; i < rows * cols; i += cols) sum += x[i];
    out[c] += sum;
  }
}

/**
 * The backward pass of a linear map a = x Wᵀ (+ bias) over `rows` rows, given dA [rows, m], x
 * [rows, n], W [m, n]: dW += dAᵀ x, dBias += Σ_rows dA, and (when `dx` is given) dx += dA W
 * (with Wᵀ made in `weightT`, [n, m], when given). The products on `simd` where given and
 * {@link simdPays} for their shape (a layer's input of 16 or more, as above the first layer).
 */
export function linearBackward(
  dA: Float32Array,
  x: Float32Array,
  rows: number,
  n: number,
  weight: Float32Array,
  m: number,
  dWeight: Float64Array,
  dBias: Float64Array,
  dx: Float64Array | null,
  weightT: Float32Array = new Float32Array(m * n),
  simd: SimdProducts | null = null
): void {
  if (simd && simdPays(m, n, rows)) simd.product(dA, 0, m, 1, m, x, 0, n, rows, dWeight, 0, true);
  else productTN(dA, 0, m, x, 0, n, rows, dWeight);
  addColumnSums(dA, rows, m, dBias);
  if (!dx) return;
  if (simd && simdPays(rows, n, m)) simd.product(dA, 0, rows, m, 1, weight, 0, n, m, dx, 0, true);
  else productNT(dA, 0, rows, transpose(weight, 0, m, n, weightT), 0, n, m, dx, 0, true);
}

/**
 * Whether a product out [m, n] (+)= Σ over `terms` goes to the SIMD kernel: at least 16 columns
 * and 16 terms (it pads the columns to a multiple of 16 and copies its operands in). Below that
 * (one input, one output: the network) the JavaScript kernels are as fast or faster.
 */
export function simdPays(m: number, n: number, terms: number): boolean {
  return m >= 2 && n >= 16 && terms >= 16;
}

/**
 * out[r, :] = x[r, :] Wᵀ + bias (+ bias2): x [rows, n], W [m, n], out [rows, m]; the product on
 * `simd` where given and {@link simdPays} (with Wᵀ made in `weightT`, [n, m]).
 */
export function affine(
  x: Float32Array,
  rows: number,
  n: number,
  weight: Float32Array,
  m: number,
  bias: Float32Array,
  bias2: Float32Array | null,
  out: Float64Array,
  simd: SimdProducts | null = null,
  weightT: Float32Array = new Float32Array(m * n)
): void {
  // The biases first, the product added to them: the same sum as the product plus the biases.
  const biases = new Float64Array(m);
  for (let j = 0; j < m; j++) biases[j] = bias[j] + (bias2 ? bias2[j] : 0);
  for (let r = 0; r < rows; r++) out.set(biases, r * m);
  if (simd && simdPays(rows, m, n))
    simd.product(x, 0, rows, n, 1, transpose(weight, 0, m, n, weightT), 0, m, n, out, 0, true);
  else productNT(x, 0, rows, weight, 0, m, n, out, 0, true);
}

/** ln 2 in two parts, the first with 32 significant bits (so k · LN2_HIGH is exact for small k). */
const LN2_HIGH = 6.9314718036912381649e-1;
const LN2_LOW = 1.90821492927058770002e-10;
/** 2^k at [k + 64] for k = −64 … 64 (|k| ≤ 2 · 22 / ln 2 + 1 below). */
const POWERS_OF_TWO = Float64Array.from({ length: 129 }, (_, i) => 2 ** (i - 64));
/** 1 / n! at [n], the Taylor coefficients of e^r − 1. */
const INVERSE_FACTORIALS = Float64Array.from({ length: 12 }, (_, n) => {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return 1 / f;
});
const [, , C2, C3, C4, C5, C6, C7, C8, C9, C10, C11] = INVERSE_FACTORIALS;

/**
 * tanh(x) to within ~3e-14 of its value (Math.tanh's to a few float64 ulps), so that rounded to
 * float32, as the pass stores it, it is Math.tanh's float32 but where the value lies within that
 * much of a rounding boundary (none among the 1.6 M inputs of linalg.test.ts, nor 10 M random
 * ones checked once); about twice as fast as Math.tanh in V8, without a branch that depends on
 * the sign. As E / (E + 2) with
 * E = e^(2x) − 1 = 2^k (e^r − 1) + 2^k − 1, 2x = k ln 2 + r, |r| ≤ ln 2 / 2, e^r − 1 by its
 * Taylor series to r¹¹ (relative error under 2e-14), so nothing cancels at small x, where E ≈ 2x.
 * ±1 from |x| ≥ 22 (tanh is 1 to float64 from 19.1); NaN stays NaN and ±0 stays.
 */
export function tanh(x: number): number {
  if (!(x < 22 && x > -22) || x === 0) return x === 0 || x !== x ? x : x > 0 ? 1 : -1;
  const y = 2 * x;
  // k = ⌊y / ln 2 + ½⌋ (the argument is positive, so | 0 floors it).
  const k = ((y * Math.LOG2E + 64.5) | 0) - 64;
  const r = y - k * LN2_HIGH - k * LN2_LOW;
  // e^r − 1 = r + r² (1/2! + r/3! + … + r⁹/11!), the bracket by Estrin's scheme (short
  // dependency chains).
  const r2 = r * r;
  const r4 = r2 * r2;
  const q =
    C2 +
    C3 * r +
    r2 * (C4 + C5 * r) +
    r4 * (C6 + C7 * r + r2 * (C8 + C9 * r)) +
    r4 * r4 * (C10 + C11 * r);
  const scale = POWERS_OF_TWO[k + 64];
  const e = scale * (r + r2 * q) + (scale - 1);
  return e / (e + 2);
}

/** 1 / (1 + e^(−a)). */
export function sigmoid(a: number): number {
  return 1 / (1 + Math.exp(-a));
}

/**
 * ||x_t||_F over the `size` entries of each of the T steps of x ([T, size]), as float32: NaN
 * for a step with a non-finite entry (as the engine's perStepNorm), ∞ where a finite norm
 * exceeds float32.
 */
export function perStepNorms(x: Floats, T: number, size: number): Float32Array {
  const out = new Float32Array(T);
  for (let t = 0; t < T; t++) {
    const sum = dot(x, t * size, x, t * size, size);
    out[t] = Number.isFinite(sum) ? Math.sqrt(sum) : NaN;
  }
  return out;
}

/** Σ x², rounded to float32 (so that an overflow shows as ∞, as in the engine). */
export function squaredNorm(x: Floats): number {
  return Math.fround(dot(x, 0, x, 0, x.length));
}
