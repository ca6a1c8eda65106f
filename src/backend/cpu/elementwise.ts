/**
 * Elementwise kernels on typed arrays: the kernel types, and the kernels with special cases of
 * their own (bit-level float32 paths, casts, copies, where, fused backward steps). The plain
 * one-expression loops (neg, exp, …, add, mul, …, ge) are generated into
 * elementwise.generated.ts from a table (npm run gen:cpu) and re-exported from here, so callers
 * import every cpu elementwise kernel from this file.
 *
 * Values are read as numbers (whatever the input dtypes) and stored into `out`, whose typed
 * array does the conversion (rounding to float32, ToInt32, …), exactly as the reference
 * backend's element stores.
 *
 * Unary: `fooImpl(x, xOff, out, outOff, n)` over n contiguous elements.
 * Binary rows: `fooRowImpl(a, aOff, aStride, b, bOff, bStride, out, outOff, n)` writes n
 * contiguous outputs from operands read with their own strides (0 = broadcast).
 */
import type { TypedArray } from '../../tensor/dtype.js';

export * from './elementwise.generated.js';

export type UnaryImpl = (x: TypedArray, xOff: number, out: TypedArray, outOff: number, n: number) => void;

export type BinaryRowImpl = (
  a: TypedArray,
  aOff: number,
  aStride: number,
  b: TypedArray,
  bOff: number,
  bStride: number,
  out: TypedArray,
  outOff: number,
  n: number,
) => void;

/** max(x, 0); NaN stays NaN, −0 gives +0. */
export function reluImpl(x: TypedArray, xOff: number, out: TypedArray, outOff: number, n: number): void {
  if (x instanceof Float32Array && out instanceof Float32Array) {
    reluFloat32BitsImpl(int32View(x), xOff, int32View(out), outOff, n);
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = x[xOff + i]!;
    out[outOff + i] = v > 0 || v !== v ? v : 0;
  }
}

/**
 * relu on the bit patterns of float32 values, without branches (a random sign costs a
 * mispredicted branch per element otherwise): a set sign bit clears the value to +0, unless
 * the value is a NaN (exponent all ones, mantissa non-zero), which is kept.
 */
export function reluFloat32BitsImpl(x: Int32Array, xOff: number, out: Int32Array, outOff: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const bits = x[xOff + i]!;
    const nan = (0x7f800000 - (bits & 0x7fffffff)) >> 31;
    out[outOff + i] = bits & (~(bits >> 31) | nan);
  }
}

/** The same memory as 32-bit integers (for bit-level kernels on float32 data). */
export function int32View(x: Float32Array | Int32Array): Int32Array {
  return x instanceof Int32Array ? x : new Int32Array(x.buffer, x.byteOffset, x.length);
}

/** Converts to `out`'s dtype: to bool is v ≠ 0 (NaN is true); to int32 truncates (ToInt32 on store). */
export function castImpl(x: TypedArray, xOff: number, out: TypedArray, outOff: number, n: number): void {
  if (out instanceof Uint8Array) {
    for (let i = 0; i < n; i++) out[outOff + i] = +(x[xOff + i]! !== 0);
    return;
  }
  // Storing into Int32Array truncates toward zero (ToInt32), like Math.trunc then store.
  for (let i = 0; i < n; i++) out[outOff + i] = x[xOff + i]!;
}

/** Copies n elements read with stride xStride (0 repeats one element) into contiguous out. */
export function copyRowImpl(x: TypedArray, xOff: number, xStride: number, out: TypedArray, outOff: number, n: number): void {
  // Long runs through the engine's own loops (a broadcast row: fill; a contiguous one: set), which
  // convert each value exactly as an assignment does.
  if (n >= 16 && xStride === 0) {
    out.fill(x[xOff]!, outOff, outOff + n);
    return;
  }
  if (n >= 16 && xStride === 1) {
    out.set(x.subarray(xOff, xOff + n), outOff);
    return;
  }
  if (xStride === 1) {
    for (let i = 0; i < n; i++) out[outOff + i] = x[xOff + i]!;
    return;
  }
  let xi = xOff;
  for (let i = 0; i < n; i++, xi += xStride) out[outOff + i] = x[xi]!;
}

/** Copies n contiguous elements of x into out with stride outStride. */
export function scatterRowImpl(x: TypedArray, xOff: number, out: TypedArray, outOff: number, outStride: number, n: number): void {
  let o = outOff;
  for (let i = 0; i < n; i++, o += outStride) out[o] = x[xOff + i]!;
}

/**
 * where on 32-bit patterns (a, b and out all float32 or all int32), without branches: a
 * random condition costs a mispredicted branch per element otherwise.
 */
export function whereBitsRowImpl(
  c: TypedArray,
  cOff: number,
  cStride: number,
  a: Int32Array,
  aOff: number,
  aStride: number,
  b: Int32Array,
  bOff: number,
  bStride: number,
  out: Int32Array,
  outOff: number,
  n: number,
): void {
  let ci = cOff;
  let ai = aOff;
  let bi = bOff;
  for (let i = 0; i < n; i++, ci += cStride, ai += aStride, bi += bStride) {
    const mask = -+(c[ci]! !== 0);
    out[outOff + i] = (a[ai]! & mask) | (b[bi]! & ~mask);
  }
}

/** out = condition ≠ 0 ? a : b, each operand with its own stride. */
export function whereRowImpl(
  c: TypedArray,
  cOff: number,
  cStride: number,
  a: TypedArray,
  aOff: number,
  aStride: number,
  b: TypedArray,
  bOff: number,
  bStride: number,
  out: TypedArray,
  outOff: number,
  n: number,
): void {
  let ci = cOff;
  let ai = aOff;
  let bi = bOff;
  for (let i = 0; i < n; i++, ci += cStride, ai += aStride, bi += bStride) {
    out[outOff + i] = c[ci]! !== 0 ? a[ai]! : b[bi]!;
  }
}

/** out = g·s·(1 − s) (the sigmoid's backward step), computed in JS numbers and rounded once. */
export function sigmoidGradRowImpl(g: TypedArray, gOff: number, gStride: number, s: TypedArray, sOff: number, sStride: number, out: TypedArray, outOff: number, n: number): void {
  let gi = gOff;
  let si = sOff;
  for (let i = 0; i < n; i++, gi += gStride, si += sStride) {
    const y = s[si]!;
    out[outOff + i] = g[gi]! * (y * (1 - y));
  }
}

/** out = g·(1 − t²) (tanh's backward step), computed in JS numbers and rounded once. */
export function tanhGradRowImpl(g: TypedArray, gOff: number, gStride: number, t: TypedArray, tOff: number, tStride: number, out: TypedArray, outOff: number, n: number): void {
  let gi = gOff;
  let ti = tOff;
  for (let i = 0; i < n; i++, gi += gStride, ti += tStride) {
    const y = t[ti]!;
    out[outOff + i] = g[gi]! * (1 - y * y);
  }
}

/** out = g where x > 0, else 0 (ReLU's backward step; NaN x gives 0, as where(gt(x, 0), g, 0)). */
export function reluGradRowImpl(g: TypedArray, gOff: number, gStride: number, x: TypedArray, xOff: number, xStride: number, out: TypedArray, outOff: number, n: number): void {
  if (gStride === 1 && xStride === 1 && g instanceof Float32Array && x instanceof Float32Array && out instanceof Float32Array) {
    reluGradFloat32(g, gOff, x, xOff, out, outOff, n);
    return;
  }
  let gi = gOff;
  let xi = xOff;
  for (let i = 0; i < n; i++, gi += gStride, xi += xStride) out[outOff + i] = x[xi]! > 0 ? g[gi]! : 0;
}

/**
 * The float32, contiguous case of reluGradRowImpl on the bits, without a branch (x's sign is
 * random in a network, and a mispredicted branch per element cost more than the rest): x > 0
 * exactly when its bits, as an int32, lie in [1, 0x7f800000] (+0, negatives and NaN do not).
 */
function reluGradFloat32(g: Float32Array, gOff: number, x: Float32Array, xOff: number, out: Float32Array, outOff: number, n: number): void {
  const gb = int32View(g);
  const xb = int32View(x);
  const ob = int32View(out);
  for (let i = 0; i < n; i++) {
    const b = xb[xOff + i]!;
    ob[outOff + i] = gb[gOff + i]! & -Number(((b - 1) >>> 0) < 0x7f800000);
  }
}
