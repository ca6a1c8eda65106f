// Reductions, argmax/argmin and log softmax of float32 tensors in SIMD. A reduction reaches the
// kernels as [outer, len, inner] (len reduced): inner = 1 is a horizontal pass along each row,
// inner > 1 a vertical one that adds whole rows into an accumulator row. Sums accumulate in
// float64 (f64x2), as the cpu backend's do, and round once; a max is exact in float32.

@inline
function lo64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

@inline
function hi64(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3));
}

/** Two f64x2 rounded to one f32x4 (lanes a0, a1, b0, b1). */
@inline
function demote2(a: v128, b: v128): v128 {
  return i32x4.shuffle(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 4, 5);
}

/** Σ of n floats from p, in float64 (eight partial sums, then the tail in order). */
function sumRow(p: usize, n: i32): f64 {
  let a0 = f64x2.splat(0);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  const n8 = n & ~7;
  let i: i32 = 0;
  for (; i < n8; i += 8) {
    const q = p + (<usize>i << 2);
    const v0 = v128.load(q);
    const v1 = v128.load(q, 16);
    a0 = f64x2.add(a0, lo64(v0));
    a1 = f64x2.add(a1, hi64(v0));
    a2 = f64x2.add(a2, lo64(v1));
    a3 = f64x2.add(a3, hi64(v1));
  }
  const a = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; i < n; i++) s += <f64>load<f32>(p + (<usize>i << 2));
  return s;
}

/** out[r] = Σ_i x[r·n + i] for r < rows (x is rows × n). */
export function sumRowsF32(x: usize, out: usize, rows: i32, n: i32): void {
  for (let r: i32 = 0; r < rows; r++) store<f32>(out + (<usize>r << 2), <f32>sumRow(x + ((<usize>r * <usize>n) << 2), n));
}

/**
 * out[o, j] = Σ_i x[o, i, j] for x of [outer, len, inner]: each row added into a float64 row at
 * acc (inner doubles, 16-byte aligned), four rows per pass (in their order) to halve the
 * accumulator's traffic.
 */
export function sumColsF32(x: usize, out: usize, outer: i32, len: i32, inner: i32, acc: usize): void {
  const rowBytes = <usize>inner << 2;
  const inner4 = inner & ~3;
  for (let o: i32 = 0; o < outer; o++) {
    const base = x + <usize>o * <usize>len * rowBytes;
    memory.fill(acc, 0, <usize>inner << 3);
    let i: i32 = 0;
    for (; i + 4 <= len; i += 4) {
      const r0 = base + <usize>i * rowBytes;
      const r1 = r0 + rowBytes;
      const r2 = r1 + rowBytes;
      const r3 = r2 + rowBytes;
      let j: i32 = 0;
      for (; j < inner4; j += 4) {
        const jb = <usize>j << 2;
        const pa = acc + (<usize>j << 3);
        const v0 = v128.load(r0 + jb);
        const v1 = v128.load(r1 + jb);
        const v2 = v128.load(r2 + jb);
        const v3 = v128.load(r3 + jb);
        let l = v128.load(pa);
        let h = v128.load(pa, 16);
        l = f64x2.add(f64x2.add(f64x2.add(f64x2.add(l, lo64(v0)), lo64(v1)), lo64(v2)), lo64(v3));
        h = f64x2.add(f64x2.add(f64x2.add(f64x2.add(h, hi64(v0)), hi64(v1)), hi64(v2)), hi64(v3));
        v128.store(pa, l);
        v128.store(pa, h, 16);
      }
      for (; j < inner; j++) {
        const jb = <usize>j << 2;
        const pa = acc + (<usize>j << 3);
        store<f64>(pa, load<f64>(pa) + <f64>load<f32>(r0 + jb) + <f64>load<f32>(r1 + jb) + <f64>load<f32>(r2 + jb) + <f64>load<f32>(r3 + jb));
      }
    }
    for (; i < len; i++) {
      const r = base + <usize>i * rowBytes;
      let j: i32 = 0;
      for (; j < inner4; j += 4) {
        const v = v128.load(r + (<usize>j << 2));
        const pa = acc + (<usize>j << 3);
        v128.store(pa, f64x2.add(v128.load(pa), lo64(v)));
        v128.store(pa, f64x2.add(v128.load(pa, 16), hi64(v)), 16);
      }
      for (; j < inner; j++) {
        const pa = acc + (<usize>j << 3);
        store<f64>(pa, load<f64>(pa) + <f64>load<f32>(r + (<usize>j << 2)));
      }
    }
    const dst = out + <usize>o * rowBytes;
    let j: i32 = 0;
    for (; j < inner4; j += 4) {
      const pa = acc + (<usize>j << 3);
      v128.store(dst + (<usize>j << 2), demote2(v128.load(pa), v128.load(pa, 16)));
    }
    for (; j < inner; j++) store<f32>(dst + (<usize>j << 2), <f32>load<f64>(acc + (<usize>j << 3)));
  }
}

/** The max of n ≥ 1 floats from p; NaN wins (f32x4.max and f32.max propagate it). */
function maxRow(p: usize, n: i32): f32 {
  let m0 = f32x4.splat(-Infinity);
  let m1 = m0;
  const n8 = n & ~7;
  let i: i32 = 0;
  for (; i < n8; i += 8) {
    const q = p + (<usize>i << 2);
    m0 = f32x4.max(m0, v128.load(q));
    m1 = f32x4.max(m1, v128.load(q, 16));
  }
  const m = f32x4.max(m0, m1);
  let s = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  for (; i < n; i++) s = max(s, load<f32>(p + (<usize>i << 2)));
  return s;
}

/** out[r] = max_i x[r·n + i] (n ≥ 1). */
export function maxRowsF32(x: usize, out: usize, rows: i32, n: i32): void {
  for (let r: i32 = 0; r < rows; r++) store<f32>(out + (<usize>r << 2), maxRow(x + ((<usize>r * <usize>n) << 2), n));
}

/** out[o, j] = max_i x[o, i, j] (len ≥ 1), kept in the output row itself. */
export function maxColsF32(x: usize, out: usize, outer: i32, len: i32, inner: i32): void {
  const rowBytes = <usize>inner << 2;
  const inner4 = inner & ~3;
  for (let o: i32 = 0; o < outer; o++) {
    const base = x + <usize>o * <usize>len * rowBytes;
    const dst = out + <usize>o * rowBytes;
    memory.copy(dst, base, rowBytes);
    for (let i: i32 = 1; i < len; i++) {
      const r = base + <usize>i * rowBytes;
      let j: i32 = 0;
      for (; j < inner4; j += 4) {
        const jb = <usize>j << 2;
        v128.store(dst + jb, f32x4.max(v128.load(dst + jb), v128.load(r + jb)));
      }
      for (; j < inner; j++) {
        const jb = <usize>j << 2;
        store<f32>(dst + jb, max(load<f32>(dst + jb), load<f32>(r + jb)));
      }
    }
  }
}

/** Whether a beats b for argmax (minimum = 0) or argmin (1). */
@inline
function beats(a: f32, b: f32, minimum: i32): bool {
  return minimum != 0 ? a < b : a > b;
}

/**
 * The index of the largest (smallest when minimum is 1) of n ≥ 1 floats from p: the first of
 * ties, and the first NaN over everything (as the cpu kernel). Each lane keeps the first index
 * of its own best; the best lanes' smallest index is then the first overall.
 */
function argRow(p: usize, n: i32, minimum: i32): i32 {
  let at: i32 = 0;
  let best = load<f32>(p);
  let i: i32 = 1;
  if (n >= 8) {
    let bv = v128.load(p);
    let iv = i32x4(0, 1, 2, 3);
    let cur = iv;
    const four = i32x4.splat(4);
    let nan = f32x4.ne(bv, bv);
    const n4 = n & ~3;
    for (i = 4; i < n4; i += 4) {
      const v = v128.load(p + (<usize>i << 2));
      cur = i32x4.add(cur, four);
      const take = minimum != 0 ? f32x4.lt(v, bv) : f32x4.gt(v, bv);
      bv = v128.bitselect(v, bv, take);
      iv = v128.bitselect(cur, iv, take);
      nan = v128.or(nan, f32x4.ne(v, v));
    }
    if (v128.any_true(nan)) {
      for (let k: i32 = 0; k < n; k++) {
        const v = load<f32>(p + (<usize>k << 2));
        if (v != v) return k;
      }
    }
    best = f32x4.extract_lane(bv, 0);
    at = i32x4.extract_lane(iv, 0);
    const b1 = f32x4.extract_lane(bv, 1);
    const k1 = i32x4.extract_lane(iv, 1);
    if (beats(b1, best, minimum) || (b1 == best && k1 < at)) {
      best = b1;
      at = k1;
    }
    const b2 = f32x4.extract_lane(bv, 2);
    const k2 = i32x4.extract_lane(iv, 2);
    if (beats(b2, best, minimum) || (b2 == best && k2 < at)) {
      best = b2;
      at = k2;
    }
    const b3 = f32x4.extract_lane(bv, 3);
    const k3 = i32x4.extract_lane(iv, 3);
    if (beats(b3, best, minimum) || (b3 == best && k3 < at)) {
      best = b3;
      at = k3;
    }
  } else if (best != best) return 0;
  for (; i < n; i++) {
    const v = load<f32>(p + (<usize>i << 2));
    if (beats(v, best, minimum)) {
      best = v;
      at = i;
    } else if (v != v) return i;
  }
  return at;
}

/** out[r] (int32) = argmax (argmin when minimum is 1) of row r of x (rows × n, n ≥ 1). */
export function argRowsF32(x: usize, out: usize, rows: i32, n: i32, minimum: i32): void {
  for (let r: i32 = 0; r < rows; r++) store<i32>(out + (<usize>r << 2), argRow(x + ((<usize>r * <usize>n) << 2), n, minimum));
}

/**
 * out[o, j] (int32) = argmax_i x[o, i, j] (argmin when minimum is 1), len ≥ 1; `best` is a
 * scratch row of inner floats. A NaN once taken stays (the cpu kernel's rule).
 */
export function argColsF32(x: usize, out: usize, outer: i32, len: i32, inner: i32, minimum: i32, best: usize): void {
  const rowBytes = <usize>inner << 2;
  const inner4 = inner & ~3;
  for (let o: i32 = 0; o < outer; o++) {
    const base = x + <usize>o * <usize>len * rowBytes;
    const dst = out + <usize>o * rowBytes;
    memory.copy(best, base, rowBytes);
    memory.fill(dst, 0, rowBytes);
    for (let i: i32 = 1; i < len; i++) {
      const r = base + <usize>i * rowBytes;
      const iv = i32x4.splat(i);
      let j: i32 = 0;
      for (; j < inner4; j += 4) {
        const jb = <usize>j << 2;
        const v = v128.load(r + jb);
        const b = v128.load(best + jb);
        const better = minimum != 0 ? f32x4.lt(v, b) : f32x4.gt(v, b);
        const take = v128.and(v128.or(better, f32x4.ne(v, v)), f32x4.eq(b, b));
        v128.store(best + jb, v128.bitselect(v, b, take));
        v128.store(dst + jb, v128.bitselect(iv, v128.load(dst + jb), take));
      }
      for (; j < inner; j++) {
        const jb = <usize>j << 2;
        const b = load<f32>(best + jb);
        if (b != b) continue;
        const v = load<f32>(r + jb);
        if (beats(v, b, minimum) || v != v) {
          store<f32>(best + jb, v);
          store<i32>(dst + jb, i);
        }
      }
    }
  }
}

/**
 * e^x for x ≤ 0 in float32 (Cephes' expf: x = n·ln 2 + r, |r| ≤ ln2/2, a degree-7 polynomial for
 * e^r, scaled by 2^n from the exponent bits): within 1 ulp (measured over [−87, 0]); below −87.3 it returns about 1e-38
 * instead of underflowing (a term a softmax's sum, which is at least 1, cannot see).
 */
@inline
function expNonPositive(x: v128): v128 {
  // pmax is one instruction where max must order NaNs and zeros: x is never NaN here.
  const t = f32x4.pmax(x, f32x4.splat(-87.3));
  // n = round(t·log2 e) by the 1.5·2²³ trick: the sum's low mantissa bits are n itself.
  const magic = f32x4.splat(12582912.0);
  const k = f32x4.add(f32x4.mul(t, f32x4.splat(1.44269504)), magic);
  const n = f32x4.sub(k, magic);
  let r = f32x4.sub(t, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.add(f32x4.mul(f32x4.splat(1.9875691500e-4), r), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(y, f32x4.mul(r, r)), r), f32x4.splat(1));
  // 2ⁿ: n + 127 in the exponent bits (k's low bits hold n; shifting drops the rest).
  return f32x4.mul(y, i32x4.add(i32x4.shl(k, 23), i32x4.splat(127 << 23)));
}

/**
 * log softmax along each row of x (rows × n, n ≥ 1): (x − m) − log Σ exp(x − m), m the row's
 * max; exp in float32, the sum and the log in float64. A row
 * whose max is not finite (NaN, +∞, or every element −∞) is NaN, as in the cpu kernel.
 */
export function logSoftmaxRowsF32(x: usize, out: usize, rows: i32, n: i32): void {
  const n4 = n & ~3;
  for (let r: i32 = 0; r < rows; r++) {
    const p = x + ((<usize>r * <usize>n) << 2);
    const q = out + ((<usize>r * <usize>n) << 2);
    const m = maxRow(p, n);
    if (!isFinite(m)) {
      for (let i: i32 = 0; i < n; i++) store<f32>(q + (<usize>i << 2), NaN);
      continue;
    }
    const mv = f32x4.splat(m);
    let s0 = f64x2.splat(0);
    let s1 = s0;
    let i: i32 = 0;
    for (; i < n4; i += 4) {
      const e = expNonPositive(f32x4.sub(v128.load(p + (<usize>i << 2)), mv));
      s0 = f64x2.add(s0, lo64(e));
      s1 = f64x2.add(s1, hi64(e));
    }
    const sv = f64x2.add(s0, s1);
    let s = f64x2.extract_lane(sv, 0) + f64x2.extract_lane(sv, 1);
    for (; i < n; i++) s += Math.exp(<f64>load<f32>(p + (<usize>i << 2)) - <f64>m);
    // (x − m) − log s: two terms of one sign, so float32 loses nothing to cancellation (the
    // result is within 2 ulp of the cpu kernel's x − (m + log s) in float64, however close to 0).
    const ls = <f32>Math.log(s);
    const lv = f32x4.splat(ls);
    i = 0;
    for (; i < n4; i += 4) {
      const o = <usize>i << 2;
      v128.store(q + o, f32x4.sub(f32x4.sub(v128.load(p + o), mv), lv));
    }
    for (; i < n; i++) store<f32>(q + (<usize>i << 2), load<f32>(p + (<usize>i << 2)) - m - ls);
  }
}

/**
 * log softmax along the middle axis of x as [outer, len, inner] (inner > 1): the max row, the
 * float64 row of sums of exp, then the row of log-sum-exps, in scratch at work (inner floats,
 * then 2·inner doubles, 16-byte aligned) — rows are read whole, never with a stride.
 */
export function logSoftmaxColsF32(x: usize, out: usize, outer: i32, len: i32, inner: i32, work: usize): void {
  const rowBytes = <usize>inner << 2;
  const inner4 = inner & ~3;
  const mRow = work;
  const sRow = work + ((rowBytes + 15) & ~15);
  for (let o: i32 = 0; o < outer; o++) {
    const base = x + <usize>o * <usize>len * rowBytes;
    const dst = out + <usize>o * <usize>len * rowBytes;
    maxColsF32(base, mRow, 1, len, inner);
    memory.fill(sRow, 0, <usize>inner << 3);
    for (let i: i32 = 0; i < len; i++) {
      const r = base + <usize>i * rowBytes;
      let j: i32 = 0;
      for (; j < inner4; j += 4) {
        const jb = <usize>j << 2;
        const e = expNonPositive(f32x4.sub(v128.load(r + jb), v128.load(mRow + jb)));
        const ps = sRow + (<usize>j << 3);
        v128.store(ps, f64x2.add(v128.load(ps), lo64(e)));
        v128.store(ps, f64x2.add(v128.load(ps, 16), hi64(e)), 16);
      }
      for (; j < inner; j++) {
        const ps = sRow + (<usize>j << 3);
        store<f64>(ps, load<f64>(ps) + Math.exp(<f64>load<f32>(r + (<usize>j << 2)) - <f64>load<f32>(mRow + (<usize>j << 2))));
      }
    }
    // The sums become log-sum-exps in place (NaN where the max is not finite).
    for (let j: i32 = 0; j < inner; j++) {
      const m = load<f32>(mRow + (<usize>j << 2));
      const ps = sRow + (<usize>j << 3);
      store<f64>(ps, isFinite(m) ? <f64>m + Math.log(load<f64>(ps)) : NaN);
    }
    for (let i: i32 = 0; i < len; i++) {
      const r = base + <usize>i * rowBytes;
      const d = dst + <usize>i * rowBytes;
      let j: i32 = 0;
      for (; j < inner4; j += 4) {
        const ps = sRow + (<usize>j << 3);
        const v = v128.load(r + (<usize>j << 2));
        v128.store(d + (<usize>j << 2), demote2(f64x2.sub(lo64(v), v128.load(ps)), f64x2.sub(hi64(v), v128.load(ps, 16))));
      }
      for (; j < inner; j++) store<f32>(d + (<usize>j << 2), <f32>(<f64>load<f32>(r + (<usize>j << 2)) - load<f64>(sRow + (<usize>j << 3))));
    }
  }
}
