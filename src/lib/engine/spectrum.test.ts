import { describe, expect, it } from 'vitest';
import { Random } from './random';
import { eigenvalues, orthogonalFromGaussian, singularValues } from './spectrum';

function gaussian(n: number, seed: number): Float64Array {
  const random = new Random(seed);
  return Float64Array.from({ length: n }, () => random.normal());
}

/** The Gram matrix WᵀW (cols × cols) of a rows × cols row-major W, in float64. */
function gram(w: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++)
    for (let j = 0; j < cols; j++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += w[r * cols + i] * w[r * cols + j];
      out[i * cols + j] = sum;
    }
  return out;
}

/** σ_1 by power iteration on WᵀW: v ← WᵀW v / ||WᵀW v||, σ_1 = √(vᵀ WᵀW v). */
function powerIteration(w: ArrayLike<number>, rows: number, cols: number): number {
  const m = gram(w, rows, cols);
  let v = Float64Array.from({ length: cols }, (_, k) => 1 + Math.sin(k + 1));
  let lambda = 0;
  for (let iteration = 0; iteration < 2000; iteration++) {
    const next = new Float64Array(cols);
    for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) next[i] += m[i * cols + j] * v[j];
    const norm = Math.hypot(...next);
    lambda = next.reduce((sum, x, i) => sum + x * v[i], 0);
    v = next.map((x) => x / norm);
  }
  return Math.sqrt(lambda);
}

/**
 * Every singular value, from the eigenvalues of the symmetric WᵀW by cyclic Jacobi rotations
 * (an algorithm independent of ml-matrix's Golub–Kahan SVD), largest first.
 */
function jacobiSingularValues(w: ArrayLike<number>, rows: number, cols: number): number[] {
  const a = gram(w, rows, cols);
  const n = cols;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-26) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A ← Jᵀ A J with the rotation J in the (p, q) plane.
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
  }
  return Array.from({ length: n }, (_, i) => Math.sqrt(Math.max(0, a[i * n + i]))).sort(
    (x, y) => y - x
  );
}

describe('singularValues', () => {
  it.each([0.5, 0.9, 1.3])('of ρQ (Q orthogonal) are all ρ = %s', (rho) => {
    const n = 16;
    const q = orthogonalFromGaussian(gaussian(n * n, 3), n);
    const sigma = singularValues(
      q.map((x) => rho * x),
      n,
      n
    );
    expect(sigma).toHaveLength(n);
    for (const s of sigma) expect(s).toBeCloseTo(rho, 12);
  });

  it('of a diagonal matrix are its |entries|, largest first', () => {
    const d = [3, -2, 0.5, 0, -7];
    const n = d.length;
    const w = new Float64Array(n * n);
    d.forEach((x, i) => (w[i * n + i] = x));
    expect(Array.from(singularValues(w, n, n))).toEqual([7, 3, 2, 0.5, 0]);
  });

  it('of a nilpotent matrix: σ_1 = 2 while every eigenvalue is 0 (σ_1 ≥ ρ, not equal)', () => {
    const w = [0, 2, 0, 0];
    expect(Array.from(singularValues(w, 2, 2))).toEqual([2, 0]);
    const { re, im } = eigenvalues({ n: 2, values: w });
    expect([...re, ...im].every((x) => x === 0)).toBe(true);
  });

  it('of a rank-one u·vᵀ: σ_1 = ||u||·||v||, the rest 0', () => {
    const u = [1, 2, 2];
    const v = [3, 4];
    const w = u.flatMap((a) => v.map((b) => a * b));
    const sigma = singularValues(w, 3, 2);
    expect(sigma).toHaveLength(2);
    expect(sigma[0]).toBeCloseTo(3 * 5, 12);
    expect(sigma[1]).toBeCloseTo(0, 12);
  });

  it.each([
    [12, 12, 1],
    [20, 20, 2],
    [9, 5, 3]
  ])(
    'of a random %s × %s matrix agree with power iteration and Jacobi on WᵀW',
    (rows, cols, seed) => {
      const w = gaussian(rows * cols, seed);
      const sigma = singularValues(w, rows, cols);
      expect(sigma).toHaveLength(Math.min(rows, cols));
      // Sorted, largest first.
      for (let k = 1; k < sigma.length; k++) expect(sigma[k]).toBeLessThanOrEqual(sigma[k - 1]);
      expect(sigma[0]).toBeCloseTo(powerIteration(w, rows, cols), 9);
      const reference = jacobiSingularValues(w, rows, cols);
      sigma.forEach((s, k) => expect(s, `σ_${k + 1}`).toBeCloseTo(reference[k], 9));
      // Σσ² = ||W||_F².
      const frobenius = w.reduce((sum, x) => sum + x * x, 0);
      expect(sigma.reduce((sum, s) => sum + s * s, 0)).toBeCloseTo(frobenius, 9);
    }
  );

  it('of a square matrix multiply to |det W| = Π|λ|, and σ_1 ≥ ρ', () => {
    const n = 10;
    const w = gaussian(n * n, 8);
    const sigma = singularValues(w, n, n);
    const { re, im } = eigenvalues({ n, values: w });
    const moduli = Array.from(re, (r, k) => Math.hypot(r, im[k]));
    const product = (xs: Iterable<number>) => [...xs].reduce((p, x) => p * x, 1);
    expect(product(sigma) / product(moduli)).toBeCloseTo(1, 9);
    expect(sigma[0]).toBeGreaterThanOrEqual(Math.max(...moduli));
  });
});
