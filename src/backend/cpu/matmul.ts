/**
 * Matrix product, cache-blocked (the GotoBLAS/BLIS scheme, in scalar JS):
 *
 * - the output is computed in tiles of BLOCK_M × BLOCK_N;
 * - the depth is walked in slices of BLOCK_K, so the A panel (BLOCK_M × BLOCK_K) and the B
 *   panel (BLOCK_K × BLOCK_N) being multiplied stay in L2 (2 × 128 KiB of float64);
 * - both are packed into float64 scratch in the order the micro-kernel reads them (A by
 *   groups of 4 rows, B by groups of 4 columns, interleaved along the depth), zero-padded to
 *   multiples of 4, so the micro-kernel reads two contiguous streams and is monomorphic (always
 *   Float64Array) whatever the input dtypes. B's column block is packed once for the whole
 *   depth and reused by every row block; A's panel is repacked per column block (1/BLOCK_N of
 *   the multiply-adds);
 * - the micro-kernel keeps a 4 × 4 block of outputs in 16 local accumulators.
 *
 * Every output is summed in float64 in increasing depth order (the partial sums between depth
 * slices are carried in a float64 tile), exactly as the reference's naive triple loop, so a
 * float32 result is the same float64 value rounded once.
 */
import type { TypedArray } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import { broadcastStridesOf, collapse, RowWalker } from './strided.js';

/** Rows of A per tile. */
export const BLOCK_M = 64;
/** Columns of B per tile. */
export const BLOCK_N = 64;
/** Depth per packed slice. */
export const BLOCK_K = 256;

// Scratch reused across calls (JS is single-threaded and the kernels do not re-enter).
const packedA = new Float64Array(BLOCK_M * BLOCK_K);
/** B's column block over the whole depth (k × BLOCK_N), grown on demand up to PACKED_B_CACHE. */
let packedB = new Float64Array(BLOCK_K * BLOCK_N);
/** Larger packed blocks (a very deep product) are allocated per call rather than kept alive. */
const PACKED_B_CACHE = 1 << 20;
const tile = new Float64Array(BLOCK_M * BLOCK_N);

/**
 * Packs rows i0..i0+h−1, depth p0..p0+d−1 of A as groups of 4 rows interleaved by depth; element
 * (i, p) of A is at aOff + i·rs + p·cs (row-major m × k: rs = k, cs = 1; transposed: rs = 1, cs = m).
 */
function packA(a: TypedArray, aOff: number, rs: number, cs: number, i0: number, h: number, p0: number, d: number): void {
  for (let g = 0; g < h; g += 4) {
    const base = g * d;
    for (let r = 0; r < 4; r++) {
      if (g + r < h) {
        const row = aOff + (i0 + g + r) * rs + p0 * cs;
        if (cs === 1) for (let p = 0; p < d; p++) packedA[base + p * 4 + r] = a[row + p]!;
        else for (let p = 0; p < d; p++) packedA[base + p * 4 + r] = a[row + p * cs]!;
      } else {
        for (let p = 0; p < d; p++) packedA[base + p * 4 + r] = 0;
      }
    }
  }
}

/**
 * Packs columns j0..j0+w−1 of B for the whole depth as groups of 4 columns interleaved by depth
 * (group g, depth p, column c at (g·k + p)·4 + c); element (p, j) of B is at bOff + p·rs + j·cs
 * (row-major k × n: rs = n, cs = 1; transposed: rs = 1, cs = k).
 */
function packB(b: TypedArray, bOff: number, k: number, rs: number, cs: number, j0: number, w: number): Float64Array {
  const w4 = (w + 3) & ~3;
  let B = packedB;
  if (B.length < k * w4) {
    if (k * BLOCK_N <= PACKED_B_CACHE) {
      packedB = new Float64Array(k * BLOCK_N);
      B = packedB;
    } else {
      B = new Float64Array(k * w4);
    }
  }
  for (let p = 0; p < k; p++) {
    const row = bOff + p * rs + j0 * cs;
    if (cs === 1) for (let c = 0; c < w; c++) B[((c >> 2) * k + p) * 4 + (c & 3)] = b[row + c]!;
    else for (let c = 0; c < w; c++) B[((c >> 2) * k + p) * 4 + (c & 3)] = b[row + c * cs]!;
    for (let c = w; c < w4; c++) B[((c >> 2) * k + p) * 4 + (c & 3)] = 0;
  }
  return B;
}

/**
 * The 4 × 4 outputs at tile offset t (tile rows have BLOCK_N entries) += the packed A group at
 * qa times the packed B group at qb, over d depth steps.
 */
function microKernel(qa: number, B: Float64Array, qb: number, d: number, t: number): void {
  const A = packedA;
  const T = tile;
  const N = BLOCK_N;
  let s00 = T[t]!, s01 = T[t + 1]!, s02 = T[t + 2]!, s03 = T[t + 3]!;
  let s10 = T[t + N]!, s11 = T[t + N + 1]!, s12 = T[t + N + 2]!, s13 = T[t + N + 3]!;
  let s20 = T[t + 2 * N]!, s21 = T[t + 2 * N + 1]!, s22 = T[t + 2 * N + 2]!, s23 = T[t + 2 * N + 3]!;
  let s30 = T[t + 3 * N]!, s31 = T[t + 3 * N + 1]!, s32 = T[t + 3 * N + 2]!, s33 = T[t + 3 * N + 3]!;
  for (let p = 0; p < d; p++, qa += 4, qb += 4) {
    const x0 = A[qa]!, x1 = A[qa + 1]!, x2 = A[qa + 2]!, x3 = A[qa + 3]!;
    const y0 = B[qb]!, y1 = B[qb + 1]!, y2 = B[qb + 2]!, y3 = B[qb + 3]!;
    s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
    s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
    s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
    s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
  }
  T[t] = s00; T[t + 1] = s01; T[t + 2] = s02; T[t + 3] = s03;
  T[t + N] = s10; T[t + N + 1] = s11; T[t + N + 2] = s12; T[t + N + 3] = s13;
  T[t + 2 * N] = s20; T[t + 2 * N + 1] = s21; T[t + 2 * N + 2] = s22; T[t + 2 * N + 3] = s23;
  T[t + 3 * N] = s30; T[t + 3 * N + 1] = s31; T[t + 3 * N + 2] = s32; T[t + 3 * N + 3] = s33;
}

/**
 * out (m × n, at outOff) = op(A) · op(B), A at aOff (m × k, or k × m read transposed when
 * `transposeA`), B at bOff (k × n, or n × k when `transposeB`), all row-major and contiguous.
 * Inputs of any dtype; sums in float64 in depth order; every output is written (k = 0 gives zeros).
 */
export function matmulImpl(a: TypedArray, aOff: number, b: TypedArray, bOff: number, m: number, k: number, n: number, out: TypedArray, outOff: number, transposeA = false, transposeB = false): void {
  const rsA = transposeA ? 1 : k;
  const csA = transposeA ? m : 1;
  const rsB = transposeB ? 1 : n;
  const csB = transposeB ? k : 1;
  // Tiny products (the tutorial's 1 × 1 layers): the plain loop, the same float64 sums in depth order, without packing.
  if (m * n * k <= 64) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) acc += a[aOff + i * rsA + p * csA]! * b[bOff + p * rsB + j * csB]!;
        out[outOff + i * n + j] = acc;
      }
    }
    return;
  }
  for (let j0 = 0; j0 < n; j0 += BLOCK_N) {
    const w = Math.min(BLOCK_N, n - j0);
    const w4 = (w + 3) & ~3;
    const B = packB(b, bOff, k, rsB, csB, j0, w);
    for (let i0 = 0; i0 < m; i0 += BLOCK_M) {
      const h = Math.min(BLOCK_M, m - i0);
      const h4 = (h + 3) & ~3;
      for (let r = 0; r < h4; r++) tile.fill(0, r * BLOCK_N, r * BLOCK_N + w4);
      for (let p0 = 0; p0 < k; p0 += BLOCK_K) {
        const d = Math.min(BLOCK_K, k - p0);
        packA(a, aOff, rsA, csA, i0, h, p0, d);
        for (let gi = 0; gi < h4; gi += 4) {
          for (let gj = 0; gj < w4; gj += 4) microKernel(gi * d, B, gj * k + p0 * 4, d, gi * BLOCK_N + gj);
        }
      }
      for (let r = 0; r < h; r++) {
        const o = outOff + (i0 + r) * n + j0;
        const t = r * BLOCK_N;
        for (let c = 0; c < w; c++) out[o + c] = tile[t + c]!;
      }
    }
  }
}

/** A 2-D product routine: out (m × n, at outOff) = op(A) (m × k, at aOff) · op(B) (k × n, at bOff), row-major; op transposes where asked. */
export type MatmulImpl = (a: TypedArray, aOff: number, b: TypedArray, bOff: number, m: number, k: number, n: number, out: TypedArray, outOff: number, transposeA: boolean, transposeB: boolean) => void;

/**
 * Batched matmul with NumPy batch broadcasting (each 2-D product by `product`, the cpu's by default): a is [...batchA, m, k], b is [...batchB, k, n],
 * out is [...batch, m, n] with batch the broadcast of batchA and batchB.
 */
export function batchedMatmulImpl(a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape, product: MatmulImpl = matmulImpl, transposeA = false, transposeB = false): void {
  const r = outShape.length;
  const m = outShape[r - 2]!;
  const n = outShape[r - 1]!;
  const k = aShape[aShape.length - (transposeA ? 2 : 1)]!;
  if (out.length === 0) return;
  // Two matrices (the usual case): one product, no batch bookkeeping.
  if (r === 2 && aShape.length === 2 && bShape.length === 2) {
    product(a, 0, b, 0, m, k, n, out, 0, transposeA, transposeB);
    return;
  }
  const batchShape = outShape.slice(0, r - 2);
  const batches = out.length / (m * n);
  const aStrides = broadcastStridesOf(aShape.slice(0, -2), batchShape);
  const bStrides = broadcastStridesOf(bShape.slice(0, -2), batchShape);
  // B shared by every batch and A not broadcast: one product with the batches stacked as rows.
  if (!transposeA && bStrides.every((s) => s === 0) && a.length === batches * m * k) {
    product(a, 0, b, 0, batches * m, k, n, out, 0, false, transposeB);
    return;
  }
  const walker = new RowWalker(collapse(batchShape, [aStrides, bStrides]), [0, 0]);
  const offsets = walker.offsets;
  const [as, bs] = walker.rowStrides;
  let batch = 0;
  for (let row = 0; row < walker.rows; row++) {
    for (let i = 0; i < walker.rowLength; i++, batch++) {
      product(a, (offsets[0]! + i * as!) * m * k, b, (offsets[1]! + i * bs!) * k * n, m, k, n, out, batch * m * n, transposeA, transposeB);
    }
    walker.next();
  }
}

/**
 * out (m × n) = x (m × k) · wᵀ (w: n × k) + b (n): the product by `product` (reading w
 * transposed), then the bias added to each row, each result rounded as a product and an add
 * would round it (so the same bits as matmul then add).
 */
export function linearImpl(x: TypedArray, xShape: Shape, w: TypedArray, b: TypedArray, out: TypedArray, outShape: Shape, product: MatmulImpl): void {
  const m = outShape[0]!;
  const n = outShape[1]!;
  const k = xShape[1]!;
  if (out.length === 0) return;
  product(x, 0, w, 0, m, k, n, out, 0, false, true);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) out[row + j] = out[row + j]! + b[j]!;
  }
}
