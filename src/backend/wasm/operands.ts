/**
 * How a kernel of the wasm backend reaches its operands: by byte offset in the module's memory.
 * A tensor on a block of the heap (heap.ts) is passed where it lies; any other array (a small
 * tensor kept in JS, a tensor made on another backend, one moved out under memory pressure) is
 * copied into the scratch area first, and an output that is not on a block is copied back after.
 */
import type { TypedArray } from '../../tensor/dtype.js';
import { scratch } from './heap.js';
import { currentBuffer } from './module.js';

const align = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/** Whether `a` lies in the module's memory now (a kernel can take its byte offset). */
export function inMemory(a: TypedArray): boolean {
  return a.buffer === currentBuffer;
}

function viewLike(a: TypedArray, byteOffset: number): TypedArray {
  const buffer = currentBuffer;
  if (a instanceof Float32Array) return new Float32Array(buffer, byteOffset, a.length);
  if (a instanceof Float64Array) return new Float64Array(buffer, byteOffset, a.length);
  if (a instanceof Int32Array) return new Int32Array(buffer, byteOffset, a.length);
  return new Uint8Array(buffer, byteOffset, a.length);
}

/** Byte offsets of a kernel's operands, and of `extra` bytes of scratch for the kernel's own use. */
export interface Operands {
  readonly inputs: number[];
  readonly out: number;
  readonly extra: number;
}

/**
 * Runs `kernel` with byte offsets of `inputs`, `out` and `extra` scratch bytes; `before` (given
 * the offsets, before the kernel) may copy what the kernel needs into its scratch. Returns false,
 * having written nothing, where the memory cannot hold the copies: the caller then runs its cpu
 * kernel on the same arrays (which stay valid: nothing grew).
 *
 * Taking scratch may grow the memory, which detaches an own memory's views, so every offset is
 * read before and every copy is made through views made after.
 */
export function withOperands(inputs: readonly TypedArray[], out: TypedArray, extra: number, kernel: (o: Operands) => void): boolean {
  const n = inputs.length;
  const offsets: number[] = new Array<number>(n);
  let need = 0;
  for (let i = 0; i < n; i++) {
    const a = inputs[i]!;
    if (inMemory(a)) offsets[i] = a.byteOffset;
    else {
      offsets[i] = -1 - need;
      need += align(a.byteLength);
    }
  }
  const outInPlace = inMemory(out);
  const outAt = outInPlace ? out.byteOffset : need;
  if (!outInPlace) need += align(out.byteLength);
  const extraAt = need;
  need += align(extra);
  let base = 0;
  if (need > 0) {
    const s = scratch(need);
    if (s === null) return false;
    base = s;
  }
  for (let i = 0; i < n; i++) {
    const at = offsets[i]!;
    if (at < 0) {
      offsets[i] = base - 1 - at;
      viewLike(inputs[i]!, offsets[i]!).set(inputs[i]!);
    }
  }
  const outPtr = outInPlace ? outAt : base + outAt;
  kernel({ inputs: offsets, out: outPtr, extra: base + extraAt });
  if (!outInPlace) out.set(viewLike(out, outPtr));
  return true;
}

/** A float32 view of the memory at a byte offset (made now: valid until the memory next grows). */
export function f32At(byteOffset: number, length: number): Float32Array {
  return new Float32Array(currentBuffer, byteOffset, length);
}
