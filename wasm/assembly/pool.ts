// Max pooling's argmax (src/backend/wasm/pool.ts): for each window of each H × W plane, the index
// into the plane of its maximum — the first on ties, the last NaN if any (PyTorch's
// `v > best || isnan(v)`) — as int32. Windows hold at least one input element (the op checks).

export function maxPool2dIndicesF32(
  x: usize, out: usize, planes: i32, h: i32, w: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, oh: i32, ow: i32,
): void {
  let o = out;
  for (let p: i32 = 0; p < planes; p++) {
    const plane = x + (<usize>(p * h * w) << 2);
    for (let i: i32 = 0; i < oh; i++) {
      const h0 = i * sh - ph;
      let a0: i32 = 0;
      while (a0 < kh && h0 + a0 * dh < 0) a0++;
      let a1 = a0;
      while (a1 < kh && h0 + a1 * dh < h) a1++;
      for (let j: i32 = 0; j < ow; j++) {
        const w0 = j * sw - pw;
        let b0: i32 = 0;
        while (b0 < kw && w0 + b0 * dw < 0) b0++;
        let b1 = b0;
        while (b1 < kw && w0 + b1 * dw < w) b1++;
        let at: i32 = (h0 + a0 * dh) * w + w0 + b0 * dw;
        let best: f32 = -Infinity;
        for (let a = a0; a < a1; a++) {
          const row = (h0 + a * dh) * w + w0;
          for (let b = b0; b < b1; b++) {
            const k = row + b * dw;
            const v = load<f32>(plane + (<usize>k << 2));
            if (v > best || v != v) {
              best = v;
              at = k;
            }
          }
        }
        store<i32>(o, at);
        o += 4;
      }
    }
  }
}
