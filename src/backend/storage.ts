import { AutogradError } from '../errors.js';
import type { TypedArray } from '../tensor/dtype.js';

/**
 * Elements that live in a backend's own memory (the wasm backend's blocks), not in a JS typed
 * array of their own. Tensors that share elements (a detached tensor, a gradient viewed in
 * another shape) share one block; each calls `retain` so the block is freed when the last of
 * them is garbage-collected (a FinalizationRegistry: users never call dispose()).
 *
 * `array()` gives the elements as a typed array that is valid until the next op runs or the
 * backend's memory grows: code that keeps elements across an op keeps the tensor, not the array.
 */
export interface ManagedBlock {
  readonly dtype: string;
  /** Elements. */
  readonly size: number;
  /** The elements now (marks the block as used by the op being prepared). */
  array(): TypedArray;
  /** Makes the elements resident in the backend's memory again if they were moved out (before an op). */
  prepare(): void;
  /** `owner` (a tensor) shares this block: the block lives at least as long as it. */
  retain(owner: object): void;
  /** `owner` gives up its share now (it will never be read again), as if it had been collected. */
  release(owner: object): void;
}

/** What a backend's `allocate` returns: a JS typed array, or a block of its own memory. */
export type TensorStorage = TypedArray | ManagedBlock;

export function isManaged(storage: TensorStorage): storage is ManagedBlock {
  return !ArrayBuffer.isView(storage);
}

/** The elements of a storage as a typed array (see ManagedBlock.array for how long it stays valid). */
export function storageArray(storage: TensorStorage): TypedArray {
  return ArrayBuffer.isView(storage) ? storage : storage.array();
}

/** The block of a tensor the backward pass released (autograd/engine.ts): any use is an internal error naming it. */
export const RELEASED_BLOCK: ManagedBlock = {
  dtype: 'released',
  size: 0,
  array(): never {
    throw new AutogradError('internal: a temporary of backward() was read after backward released its memory');
  },
  prepare(): never {
    throw new AutogradError('internal: a temporary of backward() was used after backward released its memory');
  },
  retain(): never {
    throw new AutogradError('internal: a temporary of backward() was shared after backward released its memory');
  },
  release(): void {},
};
