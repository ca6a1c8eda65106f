// The matrix product: B packed once, a cache-blocked 4 × 8 f32x4 micro-kernel whose c += a·b
// are `madd`s: fused multiply-adds in the relaxed-SIMD build. 4 × 8 is the largest tile that
// stays in x64's registers under V8: TurboFan issues every broadcast of A before the
// multiply-adds, so a 6 × 8 tile (12 accumulators, 2 of B, 6 broadcasts) spills four
// accumulators to the stack each step and ran 1.5× slower than this one (measured, relaxed build).

import { madd } from './simd';
import { transpose4x4 } from './transpose';
/** Depth per packed slice of B (a kc × 8 panel is 8 KiB: L1-resident). */
const KC: i32 = 256;
/** Columns of B per block (kc × NC floats: 256 KiB, L2-resident). */
const NC: i32 = 256;

/**
 * Packs all of B for gemmPacked: for each depth slice (p0 = 0, KC, 2·KC, …; kc = min(KC, k − p0)
 * deep) and each panel of 8 columns, kc × 8 floats contiguous, at pk + (p0·n8 + 8q·kc)·4 for
 * panel q; zero past n. b is k × n row-major, or n × k (B stored transposed) when tB is 1.
 * Packed once per product, it is shared by every thread and every chunk of rows.
 */
export function packB(b: usize, pk: usize, k: i32, n: i32, n8: i32, tB: i32): void {
  for (let p0: i32 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    const slice = pk + ((<usize>p0 * <usize>n8) << 2);
    if (tB != 0) {
      packTransposed(b, slice, p0, kc, 0, n8, k, n);
      continue;
    }
    for (let j: i32 = 0; j < n8; j += 8) {
      const panel = slice + ((<usize>j * <usize>kc) << 2);
      for (let p: i32 = 0; p < kc; p++) {
        const src = b + ((<usize>(p0 + p) * <usize>n + <usize>j) << 2);
        const dst = panel + (<usize>(p << 3) << 2);
        if (j + 8 <= n) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
        } else {
          for (let q: i32 = 0; q < 8; q++) store<f32>(dst + (<usize>q << 2), j + q < n ? load<f32>(src + (<usize>q << 2)) : 0);
        }
      }
    }
  }
}

/**
 * C = A · B in float32, SIMD (f32x4), cache-blocked as GotoBLAS/BLIS do, with a 4 × 8 micro-kernel
 * (eight f32x4 accumulators, A broadcast by load32_splat), B packed beforehand by packB.
 *
 * - a: m4 × k, element (i, p) at a + i·rsA + p·csA bytes (row-major: rsA = 4k, csA = 4; A stored
 *   transposed, k × m: rsA = 4, csA = 4m). m4 is a multiple of 4; the rows past m are the caller's
 *   padding (their outputs are never read);
 * - pk: B packed by packB (k × n8);
 * - c: m4 × n8 row-major output (n8 = n rounded up to 8), overwritten (the first depth slice
 *   stores its sums, later ones add to them: no pass to clear C first).
 * The depth is walked in slices of KC and the columns in blocks of NC (a kc × NC block of the
 * packed B, 256 KiB, stays in L2 while every row group passes over it). Sums run in increasing
 * depth order within each 4 × 8 tile, in float32, whatever rows a call is given: threads that
 * split the rows get the same bits as one thread.
 */
export function gemmPacked(a: usize, pk: usize, c: usize, m4: i32, k: i32, n8: i32, rsA: i32, csA: i32): void {
  for (let p0: i32 = 0; p0 < k; p0 += KC) {
    const first = p0 == 0;
    const kc = min(KC, k - p0);
    const slice = pk + ((<usize>p0 * <usize>n8) << 2);
    for (let j0: i32 = 0; j0 < n8; j0 += NC) {
      const nc = min(NC, n8 - j0);
      for (let i: i32 = 0; i < m4; i += 4) {
        const rowA = a + <usize>i * <usize>rsA + <usize>p0 * <usize>csA;
        const strideA = <usize>rsA;
        const stepA = <usize>csA;
        for (let j: i32 = 0; j < nc; j += 8) {
          const panel = slice + ((<usize>(j0 + j) * <usize>kc) << 2);
          let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
          let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
          let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
          let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
          let pa = rowA;
          let pb = panel;
          const end = panel + (<usize>(kc << 3) << 2);
          while (pb < end) {
            const b0 = v128.load(pb);
            const b1 = v128.load(pb, 16);
            let av = v128.load32_splat(pa);
            c00 = madd(av, b0, c00);
            c01 = madd(av, b1, c01);
            av = v128.load32_splat(pa + strideA);
            c10 = madd(av, b0, c10);
            c11 = madd(av, b1, c11);
            av = v128.load32_splat(pa + 2 * strideA);
            c20 = madd(av, b0, c20);
            c21 = madd(av, b1, c21);
            av = v128.load32_splat(pa + 3 * strideA);
            c30 = madd(av, b0, c30);
            c31 = madd(av, b1, c31);
            pa += stepA;
            pb += 32;
          }
          const strideC = <usize>n8 << 2;
          const pc = c + ((<usize>i * <usize>n8 + <usize>(j0 + j)) << 2);
          if (!first) {
            c00 = f32x4.add(v128.load(pc), c00);
            c01 = f32x4.add(v128.load(pc, 16), c01);
            c10 = f32x4.add(v128.load(pc + strideC), c10);
            c11 = f32x4.add(v128.load(pc + strideC, 16), c11);
            c20 = f32x4.add(v128.load(pc + 2 * strideC), c20);
            c21 = f32x4.add(v128.load(pc + 2 * strideC, 16), c21);
            c30 = f32x4.add(v128.load(pc + 3 * strideC), c30);
            c31 = f32x4.add(v128.load(pc + 3 * strideC, 16), c31);
          }
          v128.store(pc, c00);
          v128.store(pc, c01, 16);
          v128.store(pc + strideC, c10);
          v128.store(pc + strideC, c11, 16);
          v128.store(pc + 2 * strideC, c20);
          v128.store(pc + 2 * strideC, c21, 16);
          v128.store(pc + 3 * strideC, c30);
          v128.store(pc + 3 * strideC, c31, 16);
        }
      }
    }
  }
}

/**
 * Packs depth p0..p0+kc−1, columns j0..j0+nc−1 of B stored transposed (n × k row-major) into
 * panels of 8 columns (kc × 8 each, as gemmPacked reads them), zero past n: 4 × 4 blocks are
 * transposed in registers; the depth tail and the last columns go one by one.
 */
function packTransposed(b: usize, pack: usize, p0: i32, kc: i32, j0: i32, nc: i32, k: i32, n: i32): void {
  const rowBytes = <usize>k << 2;
  const kc4 = kc & ~3;
  for (let j: i32 = 0; j < nc; j += 8) {
    const panel = pack + ((<usize>j * <usize>kc) << 2);
    const col = j0 + j;
    if (col + 8 <= n) {
      const r0 = b + ((<usize>col * <usize>k + <usize>p0) << 2);
      for (let p: i32 = 0; p < kc4; p += 4) {
        const s = r0 + (<usize>p << 2);
        const dst = panel + (<usize>(p << 3) << 2);
        // Columns col..col+3, then col+4..col+7: each a 4 × 4 block into its half of the 8-wide rows.
        transpose4x4(s, rowBytes, dst, 32);
        transpose4x4(s + 4 * rowBytes, rowBytes, dst + 16, 32);
      }
    }
    // The depth tail of a full panel, or every depth of the last panel (zero past n), one by one.
    for (let p: i32 = col + 8 <= n ? kc4 : 0; p < kc; p++) {
      const dst = panel + (<usize>(p << 3) << 2);
      for (let q: i32 = 0; q < 8; q++) store<f32>(dst + (<usize>q << 2), col + q < n ? load<f32>(b + ((<usize>(col + q) * <usize>k + <usize>(p0 + p)) << 2)) : 0);
    }
  }
}

