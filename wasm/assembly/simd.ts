// Shared SIMD helpers. `madd` is a fused multiply-add where the relaxed-SIMD build runs
// (f32x4.relaxed_madd: one rounding on hardware with FMA) and a multiply then an add elsewhere.

@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
