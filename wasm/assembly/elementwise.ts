// Elementwise float32 kernels: unary functions, binary arithmetic and comparisons with
// broadcasting, and where. Binary kernels walk `rows` rows of `cols` outputs (contiguous);
// each operand has a byte stride between rows and a stride along the row that is 4 (contiguous)
// or 0 (one element repeated: a scalar, or a column broadcast). A repeated element is splatted
// into a 16-byte slot of static memory, so one loop serves every case: its pointer steps 0.
import { erfV, expV, log1pV, logV, sigmoidV, tanhV } from './math';

/** Splat slots of the three operands (16 bytes each, 16-aligned). */
const SLOTS: usize = memory.data(48, 16);

/** Where an operand's row is read from: its own bytes, or (stride 0) its element splatted into a slot. */
// @ts-ignore: decorator
@inline
function rowSource(p: usize, col: i32, slot: usize, bytes: i32): usize {
  if (col !== 0) return p;
  if (bytes === 4) v128.store(slot, v128.load32_splat(p));
  else v128.store(slot, v128.load8_splat(p));
  return slot;
}

// @ts-ignore: decorator
@inline
function unaryOp(op: i32, x: v128): v128 {
  switch (op) {
    case 0:
      return f32x4.neg(x);
    case 1:
      return f32x4.abs(x);
    case 2:
      return f32x4.sqrt(x);
    case 3:
      return expV(x);
    case 4:
      return logV(x);
    case 5:
      return log1pV(x);
    case 6:
      return sigmoidV(x);
    case 7:
      return tanhV(x);
    case 8:
      // wasm's max is NaN-propagating and orders −0 below +0: relu(−0) = +0.
      return f32x4.max(x, f32x4.splat(0.0));
    case 9: {
      const s = v128.or(v128.and(f32x4.gt(x, f32x4.splat(0.0)), f32x4.splat(1.0)), v128.and(f32x4.lt(x, f32x4.splat(0.0)), f32x4.splat(-1.0)));
      return v128.bitselect(s, x, f32x4.eq(x, x));
    }
    default:
      return erfV(x);
  }
}

// @ts-ignore: decorator
@inline
function unaryLoop(op: i32, x: usize, out: usize, n: i32): void {
  const end = out + (<usize>(n & ~3) << 2);
  while (out < end) {
    v128.store(out, unaryOp(op, v128.load(x)));
    x += 16;
    out += 16;
  }
  // The last 1–3 elements through the same vector code (same results as their neighbours).
  for (let i = 0; i < (n & 3); i++) {
    store<f32>(out + (<usize>i << 2), f32x4.extract_lane(unaryOp(op, f32x4.splat(load<f32>(x + (<usize>i << 2)))), 0));
  }
}

/**
 * out[i] = f(x[i]) for i < n: op 0 neg, 1 abs, 2 sqrt, 3 exp, 4 log, 5 log1p, 6 sigmoid, 7 tanh,
 * 8 relu, 9 sign, 10 erf.
 */
export function unaryF32(op: i32, x: usize, out: usize, n: i32): void {
  switch (op) {
    case 0: unaryLoop(0, x, out, n); break;
    case 1: unaryLoop(1, x, out, n); break;
    case 2: unaryLoop(2, x, out, n); break;
    case 3: unaryLoop(3, x, out, n); break;
    case 4: unaryLoop(4, x, out, n); break;
    case 5: unaryLoop(5, x, out, n); break;
    case 6: unaryLoop(6, x, out, n); break;
    case 7: unaryLoop(7, x, out, n); break;
    case 8: unaryLoop(8, x, out, n); break;
    case 9: unaryLoop(9, x, out, n); break;
    default: unaryLoop(10, x, out, n);
  }
}

// @ts-ignore: decorator
@inline
function binaryOp(op: i32, a: v128, b: v128): v128 {
  const one = f32x4.splat(1.0);
  switch (op) {
    case 0:
      return f32x4.add(a, b);
    case 1:
      return f32x4.sub(a, b);
    case 2:
      return f32x4.mul(a, b);
    case 3:
      return f32x4.div(a, b);
    case 4:
      // NaN wins and +0 beats −0, as Math.max.
      return f32x4.max(a, b);
    case 5:
      return f32x4.min(a, b);
    case 6:
      // sigmoidGrad(g, s) = g·s·(1 − s).
      return f32x4.mul(a, f32x4.mul(b, f32x4.sub(one, b)));
    case 7:
      // tanhGrad(g, t) = g·(1 − t²), as (1 − t)(1 + t): exact 1 − t near |t| = 1, where 1 − t·t cancels.
      return f32x4.mul(a, f32x4.mul(f32x4.sub(one, b), f32x4.add(one, b)));
    default:
      // reluGrad(g, x) = g where x > 0, else +0 (NaN x included).
      return v128.and(a, f32x4.gt(b, f32x4.splat(0.0)));
  }
}

// @ts-ignore: decorator
@inline
function binaryRows(op: i32, a: usize, b: usize, out: usize, rows: i32, cols: i32, aRow: i32, aCol: i32, bRow: i32, bCol: i32): void {
  const sa: usize = aCol !== 0 ? 16 : 0;
  const sb: usize = bCol !== 0 ? 16 : 0;
  const n4 = cols & ~3;
  for (let r: i32 = 0; r < rows; r++) {
    let pa = rowSource(a + <usize>(r * aRow), aCol, SLOTS, 4);
    let pb = rowSource(b + <usize>(r * bRow), bCol, SLOTS + 16, 4);
    let po = out + (<usize>(r * cols) << 2);
    const end = po + (<usize>n4 << 2);
    while (po < end) {
      v128.store(po, binaryOp(op, v128.load(pa), v128.load(pb)));
      pa += sa;
      pb += sb;
      po += 16;
    }
    for (let i = 0; i < (cols & 3); i++) {
      const x = f32x4.splat(load<f32>(pa + (<usize>i * (sa >> 4)) * 4));
      const y = f32x4.splat(load<f32>(pb + (<usize>i * (sb >> 4)) * 4));
      store<f32>(po + (<usize>i << 2), f32x4.extract_lane(binaryOp(op, x, y), 0));
    }
  }
}

/**
 * out = f(a, b) over rows × cols (see the top of this file): op 0 add, 1 sub, 2 mul, 3 div,
 * 4 maximum, 5 minimum, 6 sigmoidGrad, 7 tanhGrad, 8 reluGrad. Strides in bytes.
 */
export function binaryF32(op: i32, a: usize, b: usize, out: usize, rows: i32, cols: i32, aRow: i32, aCol: i32, bRow: i32, bCol: i32): void {
  switch (op) {
    case 0: binaryRows(0, a, b, out, rows, cols, aRow, aCol, bRow, bCol); break;
    case 1: binaryRows(1, a, b, out, rows, cols, aRow, aCol, bRow, bCol); break;
    case 2: binaryRows(2, a, b, out, rows, cols, aRow, aCol, bRow, bCol); break;
    case 3: binaryRows(3, a, b, out, rows, cols, aRow, aCol, bRow, bCol); break;
    case 4: binaryRows(4, a, b, out, rows, cols, aRow, aCol, bRow, bCol); break;
    case 5: binaryRows(5, a, b, out, rows, cols, aRow, aCol, bRow, bCol); break;
    case 6: binaryRows(6, a, b, out, rows, cols, aRow, aCol, bRow, bCol); break;
    case 7: binaryRows(7, a, b, out, rows, cols, aRow, aCol, bRow, bCol); break;
    default: binaryRows(8, a, b, out, rows, cols, aRow, aCol, bRow, bCol);
  }
}

// @ts-ignore: decorator
@inline
function compareOp(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case 0:
      return f32x4.eq(a, b);
    case 1:
      // True where either is NaN, as !==.
      return f32x4.ne(a, b);
    case 2:
      return f32x4.lt(a, b);
    case 3:
      return f32x4.le(a, b);
    case 4:
      return f32x4.gt(a, b);
    default:
      return f32x4.ge(a, b);
  }
}

/** Four lane masks (all ones or zero) as four bytes 1 or 0, in the low lane. */
// @ts-ignore: decorator
@inline
function maskBytes(m: v128): v128 {
  const h = i16x8.narrow_i32x4_s(m, m);
  return v128.and(i8x16.narrow_i16x8_s(h, h), i8x16.splat(1));
}

// @ts-ignore: decorator
@inline
function compareRows(op: i32, a: usize, b: usize, out: usize, rows: i32, cols: i32, aRow: i32, aCol: i32, bRow: i32, bCol: i32): void {
  const sa: usize = aCol !== 0 ? 16 : 0;
  const sb: usize = bCol !== 0 ? 16 : 0;
  const n4 = cols & ~3;
  for (let r: i32 = 0; r < rows; r++) {
    let pa = rowSource(a + <usize>(r * aRow), aCol, SLOTS, 4);
    let pb = rowSource(b + <usize>(r * bRow), bCol, SLOTS + 16, 4);
    let po = out + <usize>(r * cols);
    const end = po + <usize>n4;
    while (po < end) {
      v128.store32_lane(po, maskBytes(compareOp(op, v128.load(pa), v128.load(pb))), 0);
      pa += sa;
      pb += sb;
      po += 4;
    }
    for (let i = 0; i < (cols & 3); i++) {
      const x = f32x4.splat(load<f32>(pa + (<usize>i * (sa >> 4)) * 4));
      const y = f32x4.splat(load<f32>(pb + (<usize>i * (sb >> 4)) * 4));
      store<u8>(po + <usize>i, i8x16.extract_lane_u(maskBytes(compareOp(op, x, y)), 0));
    }
  }
}

/** out (bytes 1/0) = a ⋄ b over rows × cols: op 0 eq, 1 ne, 2 lt, 3 le, 4 gt, 5 ge. Strides in bytes of the float32 operands. */
export function compareF32(op: i32, a: usize, b: usize, out: usize, rows: i32, cols: i32, aRow: i32, aCol: i32, bRow: i32, bCol: i32): void {
  switch (op) {
    case 0: compareRows(0, a, b, out, rows, cols, aRow, aCol, bRow, bCol); break;
    case 1: compareRows(1, a, b, out, rows, cols, aRow, aCol, bRow, bCol); break;
    case 2: compareRows(2, a, b, out, rows, cols, aRow, aCol, bRow, bCol); break;
    case 3: compareRows(3, a, b, out, rows, cols, aRow, aCol, bRow, bCol); break;
    case 4: compareRows(4, a, b, out, rows, cols, aRow, aCol, bRow, bCol); break;
    default: compareRows(5, a, b, out, rows, cols, aRow, aCol, bRow, bCol);
  }
}

/**
 * out = c ≠ 0 ? a : b over rows × cols, c bytes (bool), a, b and out float32: the values' bits
 * are selected, so NaN payloads and −0 pass unchanged. cCol is 1 or 0 (bytes), aCol and bCol 4 or 0.
 */
export function whereF32(c: usize, a: usize, b: usize, out: usize, rows: i32, cols: i32, cRow: i32, cCol: i32, aRow: i32, aCol: i32, bRow: i32, bCol: i32): void {
  const sc: usize = cCol !== 0 ? 4 : 0;
  const sa: usize = aCol !== 0 ? 16 : 0;
  const sb: usize = bCol !== 0 ? 16 : 0;
  const n4 = cols & ~3;
  for (let r: i32 = 0; r < rows; r++) {
    let pc = rowSource(c + <usize>(r * cRow), cCol, SLOTS + 32, 1);
    let pa = rowSource(a + <usize>(r * aRow), aCol, SLOTS, 4);
    let pb = rowSource(b + <usize>(r * bRow), bCol, SLOTS + 16, 4);
    let po = out + (<usize>(r * cols) << 2);
    const end = po + (<usize>n4 << 2);
    while (po < end) {
      const m = i32x4.ne(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(pc))), i32x4.splat(0));
      v128.store(po, v128.bitselect(v128.load(pa), v128.load(pb), m));
      pc += sc;
      pa += sa;
      pb += sb;
      po += 16;
    }
    for (let i = 0; i < (cols & 3); i++) {
      const ci = load<u8>(pc + <usize>i * (sc >> 2));
      const ai = load<u32>(pa + (<usize>i * (sa >> 4)) * 4);
      const bi = load<u32>(pb + (<usize>i * (sb >> 4)) * 4);
      store<u32>(po + (<usize>i << 2), ci !== 0 ? ai : bi);
    }
  }
}
