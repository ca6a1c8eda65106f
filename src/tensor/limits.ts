/**
 * How large a tensor may be, checked in one place before anything is allocated: every creation
 * function and the engine's output allocation call `checkedSize`, and allocate through
 * `allocChecked`, so an impossible size is one line naming the function, the shape and the limit
 * rather than a `RangeError: Invalid typed array length` from inside. The limit itself is in
 * src/limits.ts with the others.
 */
import { ShapeError, ValueError } from '../errors.js';
import { allocArray, type DType, type TypedArray } from './dtype.js';

import { MAX_TENSOR_ELEMENTS } from '../limits.js';

const BYTES: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int32: 4, bool: 1 };

function count(n: number): string {
  if (Number.isSafeInteger(n)) return String(n);
  return Number.isFinite(n) ? `about ${n.toExponential(2)}` : `more than ${Number.MAX_VALUE.toExponential(1)}`;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * `shape` as a new list of non-negative integers holding at most MAX_TENSOR_ELEMENTS elements;
 * a ShapeError for a bad dimension, a ValueError naming `op` and the limit for too many elements.
 */
export function checkedShape(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) {
    throw new ShapeError(`${op}: shape must be a number or a list of numbers, got ${describe(shape)}`);
  }
  const out: number[] = [];
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${op}: dimension ${i} of shape [${shape.map(describe).join(',')}] must be a non-negative integer, got ${describe(d)}`);
    }
    out.push(d);
    n *= d;
  }
  if (n > MAX_TENSOR_ELEMENTS) throw tooLarge(op, `shape [${out.join(',')}] has ${count(n)} elements`);
  return out;
}

/** Checks that a shape computed by an op (already made of non-negative integers) is within the limit; returns its element count. */
export function checkedSize(op: string, shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  if (n > MAX_TENSOR_ELEMENTS) throw tooLarge(op, `output shape [${shape.join(',')}] has ${count(n)} elements`);
  return n;
}

/** The error for `what` (e.g. "shape [10] has 10 elements") past the limit. */
export function tooLarge(op: string, what: string): ValueError {
  return new ValueError(`${op}: ${what}; a tensor holds at most 2^31−1 = ${MAX_TENSOR_ELEMENTS}`);
}

/** Checks an element count computed rather than given as a shape (arange's, linspace's). */
export function checkedCount(op: string, n: number, what: string): number {
  if (n > MAX_TENSOR_ELEMENTS) throw tooLarge(op, `${what} gives ${count(n)} elements`);
  return n;
}

/**
 * A zero-filled typed array, with an allocation failure (`RangeError: Array buffer allocation
 * failed`: the memory is not there) as a ValueError naming `op` and the bytes asked for.
 */
export function allocChecked(op: string, dtype: DType, size: number): TypedArray {
  try {
    return allocArray(dtype, size);
  } catch (e) {
    throw allocationError(op, dtype, size, e);
  }
}

/** What to throw when allocating `size` elements for `op` threw `e`: a RangeError becomes a ValueError naming the bytes. */
export function allocationError(op: string, dtype: DType, size: number, e: unknown): unknown {
  if (!(e instanceof RangeError)) return e;
  const bytes = size * BYTES[dtype];
  return new ValueError(`${op}: cannot allocate ${bytes} bytes (${size} ${dtype} elements, ${(bytes / 2 ** 30).toFixed(2)} GiB): out of memory (${e.message})`);
}
