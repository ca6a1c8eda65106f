import type { Backend } from '../backend.js';
import { allocArray, dtypeOfArray, type DType, type TypedArray } from '../../tensor/dtype.js';
import { cpuKernels } from './kernels.js';

/**
 * Arrays of tensors nothing can reach any more (a backward pass's temporaries: engine.ts), kept
 * for the next op of their dtype and size, so a training loop's steps reuse them instead of
 * allocating (and zeroing, and collecting) as many again. Bounded: at most POOL_BYTES in all,
 * POOL_DEPTH arrays per size.
 */
const POOL_BYTES = 64 * 2 ** 20;
const POOL_DEPTH = 8;
const pools: Record<DType, Map<number, TypedArray[]>> = { float32: new Map(), float64: new Map(), int32: new Map(), bool: new Map() };
let pooledBytes = 0;


function recycle(array: TypedArray): void {
  // Only whole arrays (never a view into a larger buffer) of a size worth keeping.
  if (array.byteOffset !== 0 || array.byteLength !== array.buffer.byteLength || pooledBytes + array.byteLength > POOL_BYTES) return;
  const pool = pools[dtypeOfArray(array)];
  let list = pool.get(array.length);
  if (list === undefined) pool.set(array.length, (list = []));
  if (list.length >= POOL_DEPTH) return;
  list.push(array);
  pooledBytes += array.byteLength;
}

function allocate(dtype: DType, size: number): TypedArray {
  const list = pools[dtype].get(size);
  if (list !== undefined && list.length > 0) {
    const array = list.pop()!;
    pooledBytes -= array.byteLength;
    return array;
  }
  return allocArray(dtype, size);
}

/** The default backend: kernels written for speed on typed arrays. */
export const cpuBackend: Backend = {
  name: 'cpu',
  kernels: cpuKernels,
  allocate,
  recycle,
};
