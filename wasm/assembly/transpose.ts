// Transposes of float32 matrices in 4 × 4 register blocks.

/** The 4 × 4 float32 block at src (rows srcStride bytes apart), transposed in registers with shuffles, to dst (rows dstStride apart). */
// @ts-ignore: decorator
@inline
export function transpose4x4(src: usize, srcStride: usize, dst: usize, dstStride: usize): void {
  const r0 = v128.load(src);
  const r1 = v128.load(src + srcStride);
  const r2 = v128.load(src + 2 * srcStride);
  const r3 = v128.load(src + 3 * srcStride);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst + dstStride, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * dstStride, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * dstStride, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

/**
 * dst (cols × rows) = the transpose of src (rows × cols), both row-major float32: 4 × 4 blocks
 * transposed in registers with shuffles, in 32 × 32 tiles so both sides stay in L1; the edges
 * that do not fill a 4 × 4 block are copied one by one.
 */
export function transposeF32(src: usize, dst: usize, rows: i32, cols: i32): void {
  const r4 = rows & ~3;
  const c4 = cols & ~3;
  const rs = <usize>cols << 2;
  const ds = <usize>rows << 2;
  for (let i0: i32 = 0; i0 < r4; i0 += 32) {
    const i1 = min(r4, i0 + 32);
    for (let j0: i32 = 0; j0 < c4; j0 += 32) {
      const j1 = min(c4, j0 + 32);
      for (let i = i0; i < i1; i += 4) {
        for (let j = j0; j < j1; j += 4) {
          transpose4x4(src + ((<usize>i * <usize>cols + <usize>j) << 2), rs, dst + ((<usize>j * <usize>rows + <usize>i) << 2), ds);
        }
      }
    }
  }
  // The last rows (past r4) and the last columns (past c4).
  for (let i: i32 = 0; i < rows; i++) {
    const j0 = i < r4 ? c4 : 0;
    for (let j = j0; j < cols; j++) {
      store<f32>(dst + ((<usize>j * <usize>rows + <usize>i) << 2), load<f32>(src + ((<usize>i * <usize>cols + <usize>j) << 2)));
    }
  }
}

