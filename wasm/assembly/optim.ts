// The optimizers' updates, fused: one SIMD pass over a float32 parameter, its gradient and its
// float32 state, in place. Every step is a float32 operation in PyTorch's order (each result
// rounded to float32), so a JS loop that rounds with Math.fround after each gives the same bits.
// Scalars come as float64 and are rounded once, after 1 − β and the like are formed (as
// PyTorch forms them in Python floats). A state pointer of 0 means the option that needs it is off.

/**
 * Adam / AdamW: g ← g + l2·p; p ← p·shrink; m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²;
 * (AMSGrad: vMax ← max(vMax, v), used for v); p ← p − stepSize · m / (√v / bc2 + ε).
 */
export function adamF32(p: usize, g: usize, m: usize, v: usize, vMax: usize, n: i32, beta1In: f64, beta2In: f64, l2In: f64, shrinkIn: f64, stepSizeIn: f64, bc2In: f64, epsIn: f64): void {
  const beta1 = <f32>beta1In;
  const beta2 = <f32>beta2In;
  const keep1 = <f32>(1 - beta1In);
  const keep2 = <f32>(1 - beta2In);
  const l2 = <f32>l2In;
  const shrink = <f32>shrinkIn;
  const stepSize = <f32>stepSizeIn;
  const bc2 = <f32>bc2In;
  const eps = <f32>epsIn;
  const b1 = f32x4.splat(beta1);
  const c1 = f32x4.splat(keep1);
  const b2 = f32x4.splat(beta2);
  const c2 = f32x4.splat(keep2);
  const wd = f32x4.splat(l2);
  const sh = f32x4.splat(shrink);
  const ss = f32x4.splat(stepSize);
  const bc = f32x4.splat(bc2);
  const ep = f32x4.splat(eps);
  const n4 = n & ~3;
  for (let i: i32 = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    let pv = v128.load(p + o);
    let gv = v128.load(g + o);
    if (l2 != 0) gv = f32x4.add(gv, f32x4.mul(wd, pv));
    if (shrink != 1) pv = f32x4.mul(pv, sh);
    const mv = f32x4.add(f32x4.mul(v128.load(m + o), b1), f32x4.mul(c1, gv));
    let vv = f32x4.add(f32x4.mul(v128.load(v + o), b2), f32x4.mul(c2, f32x4.mul(gv, gv)));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    if (vMax != 0) {
      vv = f32x4.max(v128.load(vMax + o), vv);
      v128.store(vMax + o, vv);
    }
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), bc), ep);
    v128.store(p + o, f32x4.sub(pv, f32x4.mul(ss, f32x4.div(mv, denom))));
  }
  for (let i: i32 = n4; i < n; i++) {
    const o = <usize>i << 2;
    let pi = load<f32>(p + o);
    let gi = load<f32>(g + o);
    if (l2 != 0) gi = gi + l2 * pi;
    if (shrink != 1) pi = pi * shrink;
    const mi = load<f32>(m + o) * beta1 + keep1 * gi;
    let vi = load<f32>(v + o) * beta2 + keep2 * (gi * gi);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    if (vMax != 0) {
      vi = max(load<f32>(vMax + o), vi);
      store<f32>(vMax + o, vi);
    }
    store<f32>(p + o, pi - stepSize * (mi / (sqrt(vi) / bc2 + eps)));
  }
}

/**
 * RMSprop: g ← g + λp; s ← αs + (1 − α)g²; centered: ḡ ← αḡ + (1 − α)g, d = √(s − ḡ²) + ε, else
 * d = √s + ε; momentum: b ← μb + g/d, p ← p − lr·b; else p ← p − lr·(g/d).
 */
export function rmspropF32(p: usize, g: usize, s: usize, gAvg: usize, buf: usize, n: i32, alphaIn: f64, wdIn: f64, epsIn: f64, momentumIn: f64, lrIn: f64): void {
  const alpha = <f32>alphaIn;
  const keep = <f32>(1 - alphaIn);
  const wd = <f32>wdIn;
  const eps = <f32>epsIn;
  const momentum = <f32>momentumIn;
  const lr = <f32>lrIn;
  const al = f32x4.splat(alpha);
  const ca = f32x4.splat(keep);
  const wv = f32x4.splat(wd);
  const ep = f32x4.splat(eps);
  const mu = f32x4.splat(momentum);
  const lv = f32x4.splat(lr);
  const n4 = n & ~3;
  for (let i: i32 = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    const pv = v128.load(p + o);
    let gv = v128.load(g + o);
    if (wd != 0) gv = f32x4.add(gv, f32x4.mul(wv, pv));
    const sv = f32x4.add(f32x4.mul(v128.load(s + o), al), f32x4.mul(ca, f32x4.mul(gv, gv)));
    v128.store(s + o, sv);
    let d: v128;
    if (gAvg != 0) {
      const av = f32x4.add(f32x4.mul(v128.load(gAvg + o), al), f32x4.mul(ca, gv));
      v128.store(gAvg + o, av);
      d = f32x4.add(f32x4.sqrt(f32x4.sub(sv, f32x4.mul(av, av))), ep);
    } else d = f32x4.add(f32x4.sqrt(sv), ep);
    if (buf != 0) {
      const bv = f32x4.add(f32x4.mul(v128.load(buf + o), mu), f32x4.div(gv, d));
      v128.store(buf + o, bv);
      v128.store(p + o, f32x4.sub(pv, f32x4.mul(lv, bv)));
    } else v128.store(p + o, f32x4.sub(pv, f32x4.mul(lv, f32x4.div(gv, d))));
  }
  for (let i: i32 = n4; i < n; i++) {
    const o = <usize>i << 2;
    const pi = load<f32>(p + o);
    let gi = load<f32>(g + o);
    if (wd != 0) gi = gi + wd * pi;
    const si = load<f32>(s + o) * alpha + keep * (gi * gi);
    store<f32>(s + o, si);
    let d: f32;
    if (gAvg != 0) {
      const ai = load<f32>(gAvg + o) * alpha + keep * gi;
      store<f32>(gAvg + o, ai);
      d = sqrt(si - ai * ai) + eps;
    } else d = sqrt(si) + eps;
    if (buf != 0) {
      const bi = load<f32>(buf + o) * momentum + gi / d;
      store<f32>(buf + o, bi);
      store<f32>(p + o, pi - lr * bi);
    } else store<f32>(p + o, pi - lr * (gi / d));
  }
}

/**
 * SGD: g ← g + λp; with a momentum buffer (buf ≠ 0): b ← g on the first step (first = 1), else
 * b ← μb + (1 − dampening)g, and g ← g + μb (Nesterov) or g ← b; then p ← p − lr·g.
 */
export function sgdF32(p: usize, g: usize, buf: usize, n: i32, lrIn: f64, wdIn: f64, momentumIn: f64, dampeningIn: f64, nesterov: i32, first: i32): void {
  const lr = <f32>lrIn;
  const wd = <f32>wdIn;
  const momentum = <f32>momentumIn;
  const keep = <f32>(1 - dampeningIn);
  const lv = f32x4.splat(lr);
  const wv = f32x4.splat(wd);
  const mu = f32x4.splat(momentum);
  const cd = f32x4.splat(keep);
  const n4 = n & ~3;
  for (let i: i32 = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    const pv = v128.load(p + o);
    let gv = v128.load(g + o);
    if (wd != 0) gv = f32x4.add(gv, f32x4.mul(wv, pv));
    if (buf != 0) {
      const bv = first != 0 ? gv : f32x4.add(f32x4.mul(v128.load(buf + o), mu), f32x4.mul(cd, gv));
      v128.store(buf + o, bv);
      gv = nesterov != 0 ? f32x4.add(gv, f32x4.mul(mu, bv)) : bv;
    }
    v128.store(p + o, f32x4.sub(pv, f32x4.mul(lv, gv)));
  }
  for (let i: i32 = n4; i < n; i++) {
    const o = <usize>i << 2;
    const pi = load<f32>(p + o);
    let gi = load<f32>(g + o);
    if (wd != 0) gi = gi + wd * pi;
    if (buf != 0) {
      const bi = first != 0 ? gi : load<f32>(buf + o) * momentum + keep * gi;
      store<f32>(buf + o, bi);
      gi = nesterov != 0 ? gi + momentum * bi : bi;
    }
    store<f32>(p + o, pi - lr * gi);
  }
}
