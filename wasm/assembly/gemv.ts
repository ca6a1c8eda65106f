// Products with few rows of A (batch-1 inference, the last rows of a batch): no packing, no
// padding to 4 rows. gemm packs all of B per call (O(k·n) work, as much as a 1-row product
// itself), so for m < 4 these read B where it lies.
import { madd } from './simd';

/**
 * C (m × n, row-major) = A · Bᵀ where B is n × k row-major (a Linear layer's weight): each
 * output is a dot product of a row of A with a row of B, four rows of B at a time, SIMD along k.
 * Sums run in float32 in lanes of 4 then across lanes (as a SIMD BLAS does).
 */
export function gemvT(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32): void {
  const k4 = k & ~3;
  const rowB = <usize>k << 2;
  for (let i: i32 = 0; i < m; i++) {
    const ai = a + <usize>i * rowB;
    const ci = c + ((<usize>i * <usize>n) << 2);
    let j: i32 = 0;
    for (; j + 4 <= n; j += 4) {
      const b0 = b + <usize>j * rowB;
      const b1 = b0 + rowB;
      const b2 = b1 + rowB;
      const b3 = b2 + rowB;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      for (let p: i32 = 0; p < k4; p += 4) {
        const off = <usize>p << 2;
        const av = v128.load(ai + off);
        s0 = madd(av, v128.load(b0 + off), s0);
        s1 = madd(av, v128.load(b1 + off), s1);
        s2 = madd(av, v128.load(b2 + off), s2);
        s3 = madd(av, v128.load(b3 + off), s3);
      }
      let r0 = hsum(s0), r1 = hsum(s1), r2 = hsum(s2), r3 = hsum(s3);
      for (let p: i32 = k4; p < k; p++) {
        const off = <usize>p << 2;
        const x = load<f32>(ai + off);
        r0 += x * load<f32>(b0 + off);
        r1 += x * load<f32>(b1 + off);
        r2 += x * load<f32>(b2 + off);
        r3 += x * load<f32>(b3 + off);
      }
      const cj = ci + (<usize>j << 2);
      store<f32>(cj, r0);
      store<f32>(cj, r1, 4);
      store<f32>(cj, r2, 8);
      store<f32>(cj, r3, 12);
    }
    for (; j < n; j++) {
      const bj = b + <usize>j * rowB;
      let s = f32x4.splat(0);
      for (let p: i32 = 0; p < k4; p += 4) {
        const off = <usize>p << 2;
        s = madd(v128.load(ai + off), v128.load(bj + off), s);
      }
      let r = hsum(s);
      for (let p: i32 = k4; p < k; p++) r += load<f32>(ai + (<usize>p << 2)) * load<f32>(bj + (<usize>p << 2));
      store<f32>(ci + (<usize>j << 2), r);
    }
  }
}

/**
 * C (m × n) = A · B where B is k × n row-major: each row of C is a sum of rows of B scaled by
 * A's elements, accumulated in C (SIMD along n), in increasing p.
 */
export function gemvN(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32): void {
  const n4 = n & ~3;
  const rowB = <usize>n << 2;
  for (let i: i32 = 0; i < m; i++) {
    const ai = a + ((<usize>i * <usize>k) << 2);
    const ci = c + <usize>i * rowB;
    memory.fill(ci, 0, rowB);
    for (let p: i32 = 0; p < k; p++) {
      const x = load<f32>(ai + (<usize>p << 2));
      const xv = f32x4.splat(x);
      const bp = b + <usize>p * rowB;
      let j: i32 = 0;
      for (; j < n4; j += 4) {
        const off = <usize>j << 2;
        v128.store(ci + off, madd(xv, v128.load(bp + off), v128.load(ci + off)));
      }
      for (; j < n; j++) {
        const off = <usize>j << 2;
        store<f32>(ci + off, load<f32>(ci + off) + x * load<f32>(bp + off));
      }
    }
  }
}

@inline
function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}
