import {
  EigenvalueDecomposition,
  Matrix,
  QrDecomposition,
  SingularValueDecomposition
} from 'ml-matrix';

/** A square matrix, row-major, n × n. */
export interface SquareMatrix {
  n: number;
  values: ArrayLike<number>;
}

function toMatrix({ n, values }: SquareMatrix): Matrix {
  const m = new Matrix(n, n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) m.set(r, c, values[r * n + c]);
  return m;
}

/** Eigenvalues λ = re + i·im of a real square matrix (unsorted, as ml-matrix returns them). */
export function eigenvalues(matrix: SquareMatrix): { re: Float64Array; im: Float64Array } {
  const eig = new EigenvalueDecomposition(toMatrix(matrix), { assumeSymmetric: false });
  return {
    re: Float64Array.from(eig.realEigenvalues),
    im: Float64Array.from(eig.imaginaryEigenvalues)
  };
}

/** Spectral radius ρ(W) = max |λ_i|. */
export function spectralRadius(matrix: SquareMatrix): number {
  const { re, im } = eigenvalues(matrix);
  let max = 0;
  for (let i = 0; i < re.length; i++) max = Math.max(max, Math.hypot(re[i], im[i]));
  return max;
}

/** Singular values σ_1 ≥ σ_2 ≥ … of a rows × cols matrix, row-major. */
export function singularValues(
  values: ArrayLike<number>,
  rows: number,
  cols: number
): Float64Array {
  const m = new Matrix(rows, cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) m.set(r, c, values[r * cols + c]);
  const svd = new SingularValueDecomposition(m, {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false
  });
  return Float64Array.from(svd.diagonal).sort().reverse();
}

/**
 * An orthogonal n × n matrix from the QR decomposition of a matrix of standard normals, with the
 * signs of R's diagonal folded into Q so that the result is uniformly (Haar) distributed.
 */
export function orthogonalFromGaussian(gaussian: Float64Array, n: number): Float64Array {
  const a = new Matrix(n, n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) a.set(r, c, gaussian[r * n + c]);
  const qr = new QrDecomposition(a);
  const q = qr.orthogonalMatrix;
  const rm = qr.upperTriangularMatrix;
  const out = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const sign = rm.get(c, c) < 0 ? -1 : 1;
    for (let r = 0; r < n; r++) out[r * n + c] = sign * q.get(r, c);
  }
  return out;
}
