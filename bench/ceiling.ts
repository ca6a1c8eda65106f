// The 4 × 8 micro-kernel of wasm/assembly/gemm.ts with every operand in L1 (one 8 KiB panel of B,
// A packed), repeated: the most this engine's code for the kernel can do on one core, without any
// memory traffic. bench/ceiling.mjs compiles it as plain SIMD and as relaxed SIMD and times both.
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
/** A packed kc × 4 (4 per depth step), B packed kc × 8; `reps` passes over the same data. */
export function k4x8(a: usize, b: usize, c: usize, kc: i32, reps: i32): void {
  for (let r = 0; r < reps; r++) {
    let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
    let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
    let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
    let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
    let pa = a, pb = b;
    const end = b + (<usize>(kc << 3) << 2);
    while (pb < end) {
      const b0 = v128.load(pb);
      const b1 = v128.load(pb, 16);
      let av = v128.load32_splat(pa);
      c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
      av = v128.load32_splat(pa, 4);
      c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
      av = v128.load32_splat(pa, 8);
      c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
      av = v128.load32_splat(pa, 12);
      c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
      pa += 16; pb += 32;
    }
    v128.store(c, f32x4.add(v128.load(c), c00)); v128.store(c, f32x4.add(v128.load(c,16), c01), 16);
    v128.store(c, f32x4.add(v128.load(c,32), c10), 32); v128.store(c, f32x4.add(v128.load(c,48), c11), 48);
    v128.store(c, f32x4.add(v128.load(c,64), c20), 64); v128.store(c, f32x4.add(v128.load(c,80), c21), 80);
    v128.store(c, f32x4.add(v128.load(c,96), c30), 96); v128.store(c, f32x4.add(v128.load(c,112), c31), 112);
  }
}
