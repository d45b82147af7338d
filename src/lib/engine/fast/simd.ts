/**
 * The fast pass's three large products per direction (h_{t−1} W_hhᵀ forwards, dPR_t W_hh
 * backwards, Σ_t dPR_tᵀ h_{t−1} for dW_hh) on WebAssembly SIMD, four float32 lanes at a time.
 * Each output is summed over l in order in float32 (a float32 product, then a float32 sum, not
 * fused) over runs of at most {@link CHUNK} terms; each run's sum is then widened to float64 and
 * added to the output. A float32 sum of 64 terms is what a float32 engine (tfjs on webgl or webgpu)
 * makes of such a product; the float64 sum across runs keeps dW_hh's 1 600-term sums from
 * drifting. So the numbers are not the bits of the float64 JavaScript kernels of linalg.ts (the
 * pass's products where SIMD is missing), but within float32 rounding of them
 * (simd.test.ts bounds the difference).
 *
 * The module is a few hundred bytes, assembled below (no build step, no file to fetch) and
 * compiled synchronously at the first use. Where WebAssembly or its SIMD is missing,
 * {@link simdProducts} returns null and the pass keeps to linalg.ts.
 */

/** The most terms summed in float32 before the sum is added to the float64 output. */
export const CHUNK = 64;

/** out[i, j] (+)= Σ_l A(i, l) · BT[l, j]: see {@link SimdProducts.product}. */
export interface SimdProducts {
  /**
   * For i < m, j < n: out[oo + i·n + j] (+)= Σ_{l<len} A[ao + i·rowStride + l·colStride] ·
   * BT[bo + l·n + j], out row-major [m, n], BT row-major [len, n]; added to out when
   * `accumulate`. The kernel's memory holds the operands padded to an even number of rows and a
   * multiple of 16 columns; where it cannot grow so far, the product is summed in JavaScript in
   * float64, as linalg.ts sums it. `sameB`: BT (the array, offset, shape and entries) is the
   * previous call's, unchanged since (the pass's W_hh from one step to the next): its copy in the
   * kernel's memory is used again where it is still there.
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
    accumulate: boolean,
    sameB?: boolean
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
/** i8x16.shuffle's lanes that move float32 lanes 2 and 3 of a vector to lanes 0 and 1. */
const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  tee: (local: number) => [0x22, ...uleb(local)],
  i32: (value: number) => [0x41, ...sleb(value)],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32GeS: [0x4e],
  // SIMD: 0xfd, then the opcode (LEB128), then a memarg (log2 alignment, offset) for memory ops.
  v128Load: (offset: number) => [0xfd, ...uleb(0x00), 4, ...uleb(offset)],
  v128Store: (offset: number) => [0xfd, ...uleb(0x0b), 4, ...uleb(offset)],
  v128Zero: [0xfd, ...uleb(0x0c), ...new Array<number>(16).fill(0)],
  shuffleHigh: [0xfd, ...uleb(0x0d), ...HIGH_HALF],
  load32Splat: [0xfd, ...uleb(0x09), 2, 0],
  promoteLow: [0xfd, ...uleb(0x5f)],
  f32x4Add: [0xfd, ...uleb(0xe4)],
  f32x4Mul: [0xfd, ...uleb(0xe6)],
  f64x2Add: [0xfd, ...uleb(0xf0)]
};

/**
 * The kernel, `product(a, m2, rs, cs, b, n16, bRow, len, out, outRow)`, every argument an i32,
 * addresses and strides in bytes: for even m2 rows and n16 (a multiple of 16) columns, two rows by
 * sixteen columns at a time in eight f32x4 accumulators, summed over l < len in float32, then
 * widened and added to the float64 out.
 */
function kernelModule(): Uint8Array<ArrayBuffer> {
  // Parameters.
  const P = { a: 0, m2: 1, rs: 2, cs: 3, b: 4, n16: 5, bRow: 6, len: 7, out: 8, outRow: 9 };
  // Locals: i32 i, j, l, pa0, pa1, pb, po, po1; v128 s0..s3 (row i), t0..t3 (row i + 1), x0, x1, y.
  const L = { i: 10, j: 11, l: 12, pa0: 13, pa1: 14, pb: 15, po: 16, po1: 17 };
  const s = (k: number) => 18 + k;
  const t = (k: number) => 22 + k;
  const x0 = 26;
  const x1 = 27;
  const y = 28;
  const code: number[] = [];
  const emit = (...parts: (number | number[])[]) => {
    for (const part of parts)
      if (typeof part === 'number') code.push(part);
      else code.push(...part);
  };
  /** out[p + offset …] += the four float32 lanes of `acc`, widened (two f64x2 at a time). */
  const addWidened = (p: number, acc: number, offset: number) => {
    emit(op.get(p), op.get(p), op.v128Load(offset), op.get(acc), op.promoteLow, op.f64x2Add);
    emit(op.v128Store(offset));
    emit(op.get(p), op.get(p), op.v128Load(offset + 16), op.get(acc), op.get(acc));
    emit(op.shuffleHigh, op.promoteLow, op.f64x2Add, op.v128Store(offset + 16));
  };
  emit(op.i32(0), op.set(L.i));
  emit(op.block, op.loop); // rows
  emit(op.get(L.i), op.get(P.m2), op.i32GeS, op.brIf(1));
  emit(op.i32(0), op.set(L.j));
  emit(op.block, op.loop); // columns
  emit(op.get(L.j), op.get(P.n16), op.i32GeS, op.brIf(1));
  for (let k = 0; k < 4; k++) emit(op.v128Zero, op.set(s(k)), op.v128Zero, op.set(t(k)));
  // pa0 = a + i·rs, pa1 = pa0 + rs, pb = b + 4j.
  emit(op.get(P.a), op.get(L.i), op.get(P.rs), op.i32Mul, op.i32Add, op.set(L.pa0));
  emit(op.get(L.pa0), op.get(P.rs), op.i32Add, op.set(L.pa1));
  emit(op.get(P.b), op.get(L.j), op.i32(4), op.i32Mul, op.i32Add, op.set(L.pb));
  emit(op.i32(0), op.set(L.l));
  emit(op.block, op.loop); // l
  emit(op.get(L.l), op.get(P.len), op.i32GeS, op.brIf(1));
  emit(op.get(L.pa0), op.load32Splat, op.set(x0));
  emit(op.get(L.pa1), op.load32Splat, op.set(x1));
  for (let k = 0; k < 4; k++) {
    // BT[l, j + 4k … j + 4k + 3], kept in y for the second row's products.
    emit(op.get(s(k)), op.get(x0), op.get(L.pb), op.v128Load(16 * k), op.tee(y));
    emit(op.f32x4Mul, op.f32x4Add, op.set(s(k)));
    emit(op.get(t(k)), op.get(x1), op.get(y), op.f32x4Mul, op.f32x4Add, op.set(t(k)));
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
  for (let k = 0; k < 4; k++) {
    addWidened(L.po, s(k), 32 * k);
    addWidened(L.po1, t(k), 32 * k);
  }
  emit(op.get(L.j), op.i32(16), op.i32Add, op.set(L.j));
  emit(op.br(0), op.end, op.end); // columns
  emit(op.get(L.i), op.i32(2), op.i32Add, op.set(L.i));
  emit(op.br(0), op.end, op.end); // rows
  emit(op.end); // function

  const locals = [
    [...uleb(8), I32],
    [...uleb(11), V128]
  ];
  const body = [...vector(locals), ...code];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    // One type: ten i32 → nothing.
    ...section(1, vector([[0x60, ...vector(new Array(10).fill([I32])), 0]])),
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
  /** The last BT copied in: the array, its offset, size and row length, and where it lies. */
  private lastB: {
    array: Float32Array;
    offset: number;
    size: number;
    n: number;
    at: number;
  } | null = null;

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
    accumulate: boolean,
    sameB = false
  ): void {
    if (m <= 0 || n <= 0) return;
    if (len <= 0) {
      if (!accumulate) for (let i = 0; i < m; i++) out.fill(0, oo + i * n, oo + i * n + n);
      return;
    }
    // Padded: an even number of rows, a multiple of 16 columns.
    const m2 = m + (m % 2);
    const n16 = Math.ceil(n / 16) * 16;
    // The operands copied in, 16-byte aligned: A's span (and, for an odd m, the padding row the
    // kernel reads and drops), BT's rows padded with zeros, out.
    const aSpan = (m2 - 1) * rowStride + (len - 1) * colStride + 1;
    const aAt = 0;
    const bAt = align16(aAt + 4 * aSpan);
    const outAt = align16(bAt + 4 * len * n16);
    if (!this.reserve(outAt + 8 * m2 * n16)) {
      this.lastB = null;
      productInJavaScript(A, ao, m, rowStride, colStride, BT, bo, n, len, out, oo, accumulate);
      return;
    }
    const singles = this.singles;
    const have = Math.min(aSpan, A.length - ao);
    singles.set(A.subarray(ao, ao + have), aAt / 4);
    if (have < aSpan) singles.fill(0, aAt / 4 + have, aAt / 4 + aSpan);
    const last = this.lastB;
    const kept =
      sameB &&
      last !== null &&
      last.array === BT &&
      last.offset === bo &&
      last.size === len * n &&
      last.n === n &&
      last.at === bAt;
    if (!kept) {
      if (n16 === n) singles.set(BT.subarray(bo, bo + len * n), bAt / 4);
      else
        for (let l = 0; l < len; l++) {
          const row = bAt / 4 + l * n16;
          singles.set(BT.subarray(bo + l * n, bo + l * n + n), row);
          singles.fill(0, row + n, row + n16);
        }
      this.lastB = { array: BT, offset: bo, size: len * n, n, at: bAt };
    }
    const outView = this.doubles.subarray(outAt / 8, outAt / 8 + m2 * n16);
    if (accumulate && n16 === n) {
      outView.set(out.subarray(oo, oo + m * n));
      if (m2 > m) outView.fill(0, m * n);
    } else {
      outView.fill(0);
      if (accumulate)
        for (let i = 0; i < m; i++) outView.set(out.subarray(oo + i * n, oo + i * n + n), i * n16);
    }
    // Runs of at most CHUNK terms, each added to out in float64.
    for (let l = 0; l < len; l += CHUNK)
      this.kernel(
        aAt + 4 * l * colStride,
        m2,
        4 * rowStride,
        4 * colStride,
        bAt + 4 * l * n16,
        n16,
        4 * n16,
        Math.min(CHUNK, len - l),
        outAt,
        8 * n16
      );
    if (n16 === n) out.set(outView.subarray(0, m * n), oo);
    else for (let i = 0; i < m; i++) out.set(outView.subarray(i * n16, i * n16 + n), oo + i * n);
  }
}

/** The same product in float64, summed over l in order (where the kernel's memory cannot grow). */
function productInJavaScript(
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
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let l = 0; l < len; l++)
        sum += A[ao + i * rowStride + l * colStride] * BT[bo + l * n + j];
      const o = oo + i * n + j;
      out[o] = (accumulate ? out[o] : 0) + sum;
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
