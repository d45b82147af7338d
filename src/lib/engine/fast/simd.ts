/**
 * The fast pass's three large products per direction (h_{t−1} W_hhᵀ forwards, dPR_t W_hh
 * backwards, Σ_t dPR_tᵀ h_{t−1} for dW_hh) on WebAssembly SIMD, two float64 lanes at a time, with
 * exactly the sums of the plain-JavaScript kernels of linalg.ts: each output is summed over l in
 * order, from 0, in float64 (products of float32 values widened to float64, not fused), then
 * stored or added to the output. The lanes are two neighbouring outputs, never two parts of one
 * sum, so the numbers are the same to the last bit (linalg.test.ts checks it).
 *
 * The module is a few hundred bytes, assembled below (no build step, no file to fetch) and
 * compiled synchronously at the first use. Where WebAssembly or its SIMD is missing,
 * {@link simdProducts} returns null and the pass keeps to linalg.ts.
 */

/** out[i, j] (+)= Σ_l A(i, l) · BT[l, j]: see {@link SimdProducts.product}. */
export interface SimdProducts {
  /**
   * For i < m, j < n: out[oo + i·n + j] (+)= Σ_{l<len} A[ao + i·rowStride + l·colStride] ·
   * BT[bo + l·n + j], out row-major [m, n], BT row-major [len, n]; added to out when
   * `accumulate`. Rows and columns the vector kernel does not take (an odd last row, the columns
   * past a multiple of 8) are summed here in JavaScript the way linalg.ts sums them: the main
   * rows in order; an odd last row in dot()'s four partial sums, as `productNT` does.
   */
  product(
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
  ): void;
}

// --- a tiny assembler --------------------------------------------------------------------------

/** Unsigned LEB128. */
function uleb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value) byte |= 0x80;
    bytes.push(byte);
  } while (value);
  return bytes;
}

/** Signed LEB128 (small values). */
function sleb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && !(byte & 0x40)) || (value === -1 && byte & 0x40);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(text: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(text));
  return [...uleb(bytes.length), ...bytes];
}

const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  i32: (value: number) => [0x41, ...sleb(value)],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32GeS: [0x4e],
  // SIMD: 0xfd, then the opcode (LEB128), then a memarg (log2 alignment, offset) for memory ops.
  v128Load: (offset: number) => [0xfd, ...uleb(0x00), 3, ...uleb(offset)],
  v128Store: (offset: number) => [0xfd, ...uleb(0x0b), 3, ...uleb(offset)],
  v128Zero: [0xfd, ...uleb(0x0c), ...new Array<number>(16).fill(0)],
  load32Splat: [0xfd, ...uleb(0x09), 2, 0],
  load64Zero: (offset: number) => [0xfd, ...uleb(0x5d), 2, ...uleb(offset)],
  promoteLow: [0xfd, ...uleb(0x5f)],
  f64x2Add: [0xfd, ...uleb(0xf0)],
  f64x2Mul: [0xfd, ...uleb(0xf2)]
};

/**
 * The kernel, `product(a, m2, rs, cs, b, n8, bRow, len, out, outRow, accumulate)`, every argument
 * an i32, addresses and strides in bytes: for even m2 rows and n8 (a multiple of 8) columns,
 * two rows by eight columns at a time in eight f64x2 accumulators.
 */
function kernelModule(): Uint8Array<ArrayBuffer> {
  // Parameters.
  const P = { a: 0, m2: 1, rs: 2, cs: 3, b: 4, n8: 5, bRow: 6, len: 7, out: 8, outRow: 9, acc: 10 };
  // Locals: i32 i, j, l, pa0, pa1, pb, po, po1; v128 s0..s3 (row i), t0..t3 (row i + 1), x0, x1.
  const L = { i: 11, j: 12, l: 13, pa0: 14, pa1: 15, pb: 16, po: 17, po1: 18 };
  const s = (k: number) => 19 + k;
  const t = (k: number) => 23 + k;
  const x0 = 27;
  const x1 = 28;
  const code: number[] = [];
  const emit = (...parts: (number | number[])[]) => {
    for (const part of parts)
      if (typeof part === 'number') code.push(part);
      else code.push(...part);
  };
  emit(op.i32(0), op.set(L.i));
  emit(op.block, op.loop); // rows
  emit(op.get(L.i), op.get(P.m2), op.i32GeS, op.brIf(1));
  emit(op.i32(0), op.set(L.j));
  emit(op.block, op.loop); // columns
  emit(op.get(L.j), op.get(P.n8), op.i32GeS, op.brIf(1));
  for (let k = 0; k < 4; k++) emit(op.v128Zero, op.set(s(k)), op.v128Zero, op.set(t(k)));
  // pa0 = a + i·rs, pa1 = pa0 + rs, pb = b + 4j.
  emit(op.get(P.a), op.get(L.i), op.get(P.rs), op.i32Mul, op.i32Add, op.set(L.pa0));
  emit(op.get(L.pa0), op.get(P.rs), op.i32Add, op.set(L.pa1));
  emit(op.get(P.b), op.get(L.j), op.i32(4), op.i32Mul, op.i32Add, op.set(L.pb));
  emit(op.i32(0), op.set(L.l));
  emit(op.block, op.loop); // l
  emit(op.get(L.l), op.get(P.len), op.i32GeS, op.brIf(1));
  emit(op.get(L.pa0), op.load32Splat, op.promoteLow, op.set(x0));
  emit(op.get(L.pa1), op.load32Splat, op.promoteLow, op.set(x1));
  for (let k = 0; k < 4; k++) {
    // BT[l, j + 2k … j + 2k + 1], widened; the stack keeps it for both rows' products.
    emit(op.get(s(k)), op.get(x0), op.get(L.pb), op.load64Zero(8 * k), op.promoteLow);
    emit(op.f64x2Mul, op.f64x2Add, op.set(s(k)));
    emit(op.get(t(k)), op.get(x1), op.get(L.pb), op.load64Zero(8 * k), op.promoteLow);
    emit(op.f64x2Mul, op.f64x2Add, op.set(t(k)));
  }
  emit(op.get(L.pa0), op.get(P.cs), op.i32Add, op.set(L.pa0));
  emit(op.get(L.pa1), op.get(P.cs), op.i32Add, op.set(L.pa1));
  emit(op.get(L.pb), op.get(P.bRow), op.i32Add, op.set(L.pb));
  emit(op.get(L.l), op.i32(1), op.i32Add, op.set(L.l));
  emit(op.br(0), op.end, op.end); // l
  // po = out + i·outRow + 8j, po1 = po + outRow.
  emit(op.get(P.out), op.get(L.i), op.get(P.outRow), op.i32Mul, op.i32Add);
  emit(op.get(L.j), op.i32(8), op.i32Mul, op.i32Add, op.set(L.po));
  emit(op.get(L.po), op.get(P.outRow), op.i32Add, op.set(L.po1));
  emit(op.get(P.acc), op.if);
  for (let k = 0; k < 4; k++) {
    emit(op.get(L.po), op.get(L.po), op.v128Load(16 * k), op.get(s(k)), op.f64x2Add);
    emit(op.v128Store(16 * k));
    emit(op.get(L.po1), op.get(L.po1), op.v128Load(16 * k), op.get(t(k)), op.f64x2Add);
    emit(op.v128Store(16 * k));
  }
  emit(op.else);
  for (let k = 0; k < 4; k++) {
    emit(op.get(L.po), op.get(s(k)), op.v128Store(16 * k));
    emit(op.get(L.po1), op.get(t(k)), op.v128Store(16 * k));
  }
  emit(op.end);
  emit(op.get(L.j), op.i32(8), op.i32Add, op.set(L.j));
  emit(op.br(0), op.end, op.end); // columns
  emit(op.get(L.i), op.i32(2), op.i32Add, op.set(L.i));
  emit(op.br(0), op.end, op.end); // rows
  emit(op.end); // function

  const locals = [
    [...uleb(8), I32],
    [...uleb(10), V128]
  ];
  const body = [...vector(locals), ...code];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    // One type: eleven i32 → nothing.
    ...section(1, vector([[0x60, ...vector(new Array(11).fill([I32])), 0]])),
    // The memory, imported as env.memory.
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vector([[0]])),
    ...section(7, vector([[...name('product'), 0x00, 0x00]])),
    ...section(10, vector([[...uleb(body.length), ...body]]))
  ];
  return new Uint8Array(bytes);
}

// --- the products --------------------------------------------------------------------------------

type Kernel = (...args: number[]) => void;

class WasmProducts implements SimdProducts {
  private singles: Float32Array;
  private doubles: Float64Array;

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly kernel: Kernel
  ) {
    this.singles = new Float32Array(memory.buffer);
    this.doubles = new Float64Array(memory.buffer);
  }

  /** At least `bytes` of memory (growing it renews the views); false if it cannot grow so far. */
  private reserve(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return true;
    try {
      this.memory.grow(Math.ceil((bytes - have) / 65536));
    } catch {
      return false;
    }
    this.singles = new Float32Array(this.memory.buffer);
    this.doubles = new Float64Array(this.memory.buffer);
    return true;
  }

  product(
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
  ): void {
    if (m <= 0 || n <= 0) return;
    const m2 = m - (m % 2);
    const n8 = n - (n % 8);
    /** Columns the kernel computed in rows i < m2. */
    let done = 0;
    // The operands copied in: A's span, BT's rows, out (when added to); 16-byte aligned.
    const aSpan = (m - 1) * rowStride + (len - 1) * colStride + 1;
    const aAt = 0;
    const bAt = align16(aAt + 4 * aSpan);
    const outAt = align16(bAt + 4 * len * n);
    if (m2 > 0 && n8 > 0 && len > 0 && this.reserve(outAt + 8 * m * n)) {
      this.singles.set(A.subarray(ao, ao + aSpan), aAt / 4);
      this.singles.set(BT.subarray(bo, bo + len * n), bAt / 4);
      const outView = this.doubles.subarray(outAt / 8, outAt / 8 + m * n);
      if (accumulate) outView.set(out.subarray(oo, oo + m * n));
      this.kernel(
        aAt,
        m2,
        4 * rowStride,
        4 * colStride,
        bAt,
        n8,
        4 * n,
        len,
        outAt,
        8 * n,
        accumulate ? 1 : 0
      );
      // Back: the block the kernel computed, row by row.
      for (let i = 0; i < m2; i++) out.set(outView.subarray(i * n, i * n + n8), oo + i * n);
      done = n8;
    }
    // The rest (all of it where the memory could not grow), as linalg.ts sums it.
    for (let i = 0; i < m2; i++)
      for (let j = done; j < n; j++) {
        let sum = 0;
        for (let l = 0; l < len; l++)
          sum += A[ao + i * rowStride + l * colStride] * BT[bo + l * n + j];
        const o = oo + i * n + j;
        out[o] = (accumulate ? out[o] : 0) + sum;
      }
    if (m2 < m) {
      const a = ao + m2 * rowStride;
      for (let j = 0; j < n; j++) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let l = 0;
        for (; l + 3 < len; l += 4) {
          s0 += A[a + l * colStride] * BT[bo + l * n + j];
          s1 += A[a + (l + 1) * colStride] * BT[bo + (l + 1) * n + j];
          s2 += A[a + (l + 2) * colStride] * BT[bo + (l + 2) * n + j];
          s3 += A[a + (l + 3) * colStride] * BT[bo + (l + 3) * n + j];
        }
        for (; l < len; l++) s0 += A[a + l * colStride] * BT[bo + l * n + j];
        const o = oo + m2 * n + j;
        out[o] = (accumulate ? out[o] : 0) + (s0 + s1 + (s2 + s3));
      }
    }
  }
}

function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/**
 * New SIMD products with their own memory (at most `maximumPages` of 64 KiB, for tests), or null
 * where this JavaScript engine cannot run them.
 */
export function makeSimdProducts(maximumPages?: number): SimdProducts | null {
  try {
    if (typeof WebAssembly === 'undefined') return null;
    const bytes = kernelModule();
    if (!WebAssembly.validate(bytes)) return null;
    const memory = new WebAssembly.Memory(
      maximumPages === undefined ? { initial: 1 } : { initial: 1, maximum: maximumPages }
    );
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    return new WasmProducts(memory, instance.exports.product as Kernel);
  } catch {
    return null;
  }
}

let products: SimdProducts | null | undefined;

/** The SIMD products shared by every pass (made at the first call), or null where they cannot run. */
export function simdProducts(): SimdProducts | null {
  if (products === undefined) products = makeSimdProducts();
  return products;
}
