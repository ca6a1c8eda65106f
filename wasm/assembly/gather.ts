// gather and scatterAdd of 4-byte elements along the middle axis of [outer, len, inner], the
// index and the gathered side being [outer, m, inner]. An index row that is one value repeated
// (indexSelect and embedding lookups expand theirs so) moves a whole contiguous row at once.

/** Whether the inner int32s from p all equal the first. */
@inline
function constantRow(p: usize, inner: i32): bool {
  const first = load<i32>(p);
  const fv = i32x4.splat(first);
  const inner4 = inner & ~3;
  let j: i32 = 0;
  for (; j < inner4; j += 4) if (v128.any_true(v128.not(i32x4.eq(v128.load(p + (<usize>j << 2)), fv)))) return false;
  for (; j < inner; j++) if (load<i32>(p + (<usize>j << 2)) != first) return false;
  return true;
}

/** out[o, i, j] = x[o, index[o, i, j], j] (indices known valid). */
export function gather32(x: usize, index: usize, out: usize, outer: i32, len: i32, m: i32, inner: i32): void {
  const rowBytes = <usize>inner << 2;
  for (let o: i32 = 0; o < outer; o++) {
    const xo = x + <usize>o * <usize>len * rowBytes;
    for (let i: i32 = 0; i < m; i++) {
      const at = (<usize>o * <usize>m + <usize>i) * rowBytes;
      const ir = index + at;
      const dst = out + at;
      if (inner == 1) {
        store<i32>(dst, load<i32>(xo + (<usize>load<i32>(ir) << 2)));
      } else if (constantRow(ir, inner)) {
        memory.copy(dst, xo + <usize>load<i32>(ir) * rowBytes, rowBytes);
      } else {
        for (let j: i32 = 0; j < inner; j++) {
          const jb = <usize>j << 2;
          store<i32>(dst + jb, load<i32>(xo + <usize>load<i32>(ir + jb) * rowBytes + jb));
        }
      }
    }
  }
}

/**
 * out (float32, [outer, len, inner]) = zeros, then out[o, index[o, i, j], j] += src[o, i, j] in
 * row-major order of src: a float32 sum per element in the cpu kernel's order (the same bits).
 */
export function scatterAddF32(src: usize, index: usize, out: usize, outer: i32, len: i32, m: i32, inner: i32): void {
  const rowBytes = <usize>inner << 2;
  const inner4 = inner & ~3;
  memory.fill(out, 0, <usize>outer * <usize>len * rowBytes);
  for (let o: i32 = 0; o < outer; o++) {
    const oo = out + <usize>o * <usize>len * rowBytes;
    for (let i: i32 = 0; i < m; i++) {
      const at = (<usize>o * <usize>m + <usize>i) * rowBytes;
      const ir = index + at;
      const sr = src + at;
      if (inner > 1 && constantRow(ir, inner)) {
        const dst = oo + <usize>load<i32>(ir) * rowBytes;
        let j: i32 = 0;
        for (; j < inner4; j += 4) {
          const jb = <usize>j << 2;
          v128.store(dst + jb, f32x4.add(v128.load(dst + jb), v128.load(sr + jb)));
        }
        for (; j < inner; j++) {
          const jb = <usize>j << 2;
          store<f32>(dst + jb, load<f32>(dst + jb) + load<f32>(sr + jb));
        }
      } else {
        for (let j: i32 = 0; j < inner; j++) {
          const jb = <usize>j << 2;
          const d = oo + <usize>load<i32>(ir + jb) * rowBytes + jb;
          store<f32>(d, load<f32>(d) + load<f32>(sr + jb));
        }
      }
    }
  }
}
