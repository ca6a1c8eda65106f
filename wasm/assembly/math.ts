// Vector float32 approximations of the transcendental functions: range reduction, then a
// polynomial (Cephes' coefficients for exp, log and tanh; erf's from a Lawson minimax fit in
// float64, rounded to float32), with inf, NaN, overflow, underflow, denormals and −0 as the
// float64 functions rounded to float32 give them. Error bounds (asserted by
// test/backend/wasmElementwise.test.ts over dense sweeps) are listed in docs/performance.md.
import { madd } from './simd';

// @ts-ignore: decorator
@inline
function splat(v: f32): v128 {
  return f32x4.splat(v);
}

/** Copies the sign of `s` onto the non-negative `m`. */
// @ts-ignore: decorator
@inline
export function withSignOf(m: v128, s: v128): v128 {
  return v128.or(m, v128.and(s, i32x4.splat(0x80000000)));
}

/**
 * eˣ: x = n·ln 2 + r with |r| ≤ ln 2 / 2 (ln 2 in two parts, so n·C1 is exact), eʳ by Cephes'
 * degree-7 polynomial, then 2ⁿ as two halves 2^(n>>1)·2^(n−(n>>1)): each half is a normal
 * float32 for every n in [−150, 128], so the results that are denormal are rounded once, and
 * those past float32's range become ∞. x is clamped to [−104, 89] first (eˣ is 0 below and ∞
 * above in float32) with pmin/pmax, one instruction each, which pass a NaN x through.
 * n is rounded by adding 1.5·2²³ (its bits then hold n: cheaper than nearest and a conversion).
 */
// @ts-ignore: decorator
@inline
export function expV(x0: v128): v128 {
  const x = f32x4.pmin(f32x4.pmax(x0, splat(-104.0)), splat(89.0));
  const shifted = madd(x, splat(1.44269504088896341), splat(12582912.0));
  const n = f32x4.sub(shifted, splat(12582912.0));
  let r = madd(n, splat(-0.693359375), x);
  r = madd(n, splat(2.12194440e-4), r);
  let p = madd(splat(1.9875691500e-4), r, splat(1.3981999507e-3));
  p = madd(p, r, splat(8.3334519073e-3));
  p = madd(p, r, splat(4.1665795894e-2));
  p = madd(p, r, splat(1.6666665459e-1));
  p = madd(p, r, splat(5.0000001201e-1));
  const y = f32x4.add(madd(p, f32x4.mul(r, r), r), splat(1.0));
  const ni = i32x4.sub(shifted, i32x4.splat(0x4b400000));
  const n1 = i32x4.shr_s(ni, 1);
  const n2 = i32x4.sub(ni, n1);
  const s1 = i32x4.shl(i32x4.add(n1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(n2, i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(y, s1), s2);
}

/**
 * ln x: x = 2ᵉ·m with m in [√½, √2) (denormals scaled by 2²³ first), ln m by Cephes' polynomial
 * in m − 1, e·ln 2 added in two parts. ln 0 = −∞, ln ∞ = ∞, ln of a negative or NaN is NaN.
 */
// @ts-ignore: decorator
@inline
export function logV(x: v128): v128 {
  const tiny = f32x4.lt(x, splat(1.17549435e-38));
  const xs = v128.bitselect(f32x4.mul(x, splat(8388608.0)), x, tiny);
  let e = i32x4.add(i32x4.sub(i32x4.shr_s(xs, 23), i32x4.splat(126)), v128.and(tiny, i32x4.splat(-23)));
  let m = v128.or(v128.and(xs, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
  const low = f32x4.lt(m, splat(0.707106781186547524));
  e = i32x4.add(e, low);
  m = f32x4.sub(f32x4.add(m, v128.and(m, low)), splat(1.0));
  const ef = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(m, m);
  let y = madd(splat(7.0376836292e-2), m, splat(-1.1514610310e-1));
  y = madd(y, m, splat(1.1676998740e-1));
  y = madd(y, m, splat(-1.2420140846e-1));
  y = madd(y, m, splat(1.4249322787e-1));
  y = madd(y, m, splat(-1.6668057665e-1));
  y = madd(y, m, splat(2.0000714765e-1));
  y = madd(y, m, splat(-2.4999993993e-1));
  y = madd(y, m, splat(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, m), z);
  y = madd(ef, splat(-2.12194440e-4), y);
  y = madd(z, splat(-0.5), y);
  let r = madd(ef, splat(0.693359375), f32x4.add(m, y));
  r = v128.bitselect(splat(-Infinity), r, f32x4.eq(x, splat(0.0)));
  r = v128.bitselect(x, r, f32x4.eq(x, splat(Infinity)));
  return v128.bitselect(r, splat(NaN), f32x4.ge(x, splat(0.0)));
}

/**
 * ln(1 + x) as ln u + (x − (u − 1))/u with u = 1 + x rounded: the second term is the first-order
 * correction for the rounding of u (exact x where u = 1). It is NaN only where it does not apply
 * (x = ∞: ∞ − ∞; x = −1: 0/0), and is dropped there; ±0 gives itself.
 */
// @ts-ignore: decorator
@inline
export function log1pV(x: v128): v128 {
  const u = f32x4.add(x, splat(1.0));
  let c = f32x4.div(f32x4.sub(x, f32x4.sub(u, splat(1.0))), u);
  c = v128.and(c, f32x4.eq(c, c));
  const r = f32x4.add(logV(u), c);
  return v128.bitselect(x, r, f32x4.eq(x, splat(0.0)));
}

/**
 * The logistic function with e = e^(−|x|) ∈ (0, 1], which never overflows: 1/(1 + e) for x ≥ 0,
 * e/(1 + e) below (so tiny results keep their relative accuracy, denormals included).
 */
// @ts-ignore: decorator
@inline
export function sigmoidV(x: v128): v128 {
  const e = expV(f32x4.neg(f32x4.abs(x)));
  const num = v128.bitselect(splat(1.0), e, f32x4.ge(x, splat(0.0)));
  return f32x4.div(num, f32x4.add(e, splat(1.0)));
}

/**
 * tanh: Cephes' odd polynomial x + x³·P(x²) below |x| = 0.625, else 1 − 2/(e^(2|x|) + 1) with
 * x's sign (e^(2|x|) = ∞ gives ±1). Both are computed and one selected per lane.
 */
// @ts-ignore: decorator
@inline
export function tanhV(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = madd(splat(-5.70498872745e-3), z, splat(2.06390887954e-2));
  p = madd(p, z, splat(-5.37397155531e-2));
  p = madd(p, z, splat(1.33314422036e-1));
  p = madd(p, z, splat(-3.33332819422e-1));
  // On |x| with x's sign after: x + x·(z·p) would give tanh(−0) = +0.
  const small = withSignOf(madd(f32x4.mul(p, z), ax, ax), x);
  const e = expV(f32x4.add(ax, ax));
  const large = withSignOf(f32x4.sub(splat(1.0), f32x4.div(splat(2.0), f32x4.add(e, splat(1.0)))), x);
  return v128.bitselect(small, large, f32x4.lt(ax, splat(0.625)));
}

/**
 * erf: below |x| = 0.921875, x + x·Q(x²) (Q of degree 5); above, 1 − e^R(|x|) with R of degree 6
 * approximating ln erfc on [0.921875, 4] (|x| is clamped to 4, where erf rounds to 1), with x's
 * sign. Coefficients: Lawson minimax fits (relative for Q, weighted by erfc for R), rounded to
 * float32; 1.5 ulp measured.
 */
// @ts-ignore: decorator
@inline
export function erfV(x: v128): v128 {
  const ax = f32x4.abs(x);
  const s = f32x4.mul(x, x);
  let q = madd(splat(-6.013395613990724e-4), s, splat(4.998001269996166e-3));
  q = madd(q, s, splat(-2.6770232245326042e-2));
  q = madd(q, s, splat(1.1281926929950714e-1));
  q = madd(q, s, splat(-3.761250674724579e-1));
  q = madd(q, s, splat(1.2837915122509003e-1));
  // + 0: erf(−0) = +0, as the reference (src/math/erf.ts) gives it.
  const small = f32x4.add(madd(x, q, x), splat(0.0));
  const t = f32x4.min(ax, splat(4.0));
  let r = madd(splat(1.947338751051575e-4), t, splat(-3.0315949115902185e-3));
  r = madd(r, t, splat(2.2181376814842224e-2));
  r = madd(r, t, splat(-1.0383886843919754e-1));
  r = madd(r, t, splat(-6.372858285903931e-1));
  r = madd(r, t, splat(-1.1276154518127441));
  r = madd(r, t, splat(-2.0991952624171972e-4));
  const large = withSignOf(f32x4.sub(splat(1.0), expV(r)), x);
  return v128.bitselect(small, large, f32x4.lt(ax, splat(0.921875)));
}
