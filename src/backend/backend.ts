import type { DType, TypedArray } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { PrimitiveName, PrimitiveParams } from '../ops/primitives/types.js';
import type { TensorStorage } from './storage.js';

/**
 * What a kernel receives. Inputs may have different dtypes (the engine promotes by choosing
 * the output dtype; kernels read elements as numbers). `out` is allocated by the backend and
 * has the output's dtype and size; its old contents are unspecified (a recycled array, a reused
 * block): kernels fill every element of it (the conformance suite checks this with sentinels).
 */
export interface KernelArgs<P extends PrimitiveName> {
  readonly inputs: readonly TypedArray[];
  readonly shapes: readonly Shape[];
  readonly out: TypedArray;
  readonly outShape: Shape;
  readonly params: PrimitiveParams[P];
}

export type Kernel<P extends PrimitiveName> = (args: KernelArgs<P>) => void;

/** One kernel per primitive: a backend missing one fails type-checking. */
export type Kernels = { readonly [P in PrimitiveName]: Kernel<P> };

/**
 * A backend: the memory it hands out and a kernel for every primitive.
 * `allocate` returns a JS typed array (contents unspecified: see KernelArgs), or a block of the backend's own memory
 * (storage.ts: the wasm backend's tensors live in WebAssembly memory, freed through a
 * FinalizationRegistry, so users never call dispose()).
 */
export interface Backend {
  readonly name: string;
  readonly kernels: Kernels;
  allocate(dtype: DType, size: number): TensorStorage;
  /** Takes back the array of a tensor nothing can reach any more (a backward pass's temporary) for reuse. */
  readonly recycle?: (array: TypedArray) => void;
  /** Where a tensor made from user data (tensor(), randn(), …) keeps it: default, the array itself. */
  readonly adopt?: (data: TypedArray) => TensorStorage;
  /** Called by the engine before it prepares an op's operands (the wasm heap protects their blocks until the next). */
  readonly beginOp?: () => void;
  /**
   * y ← y + a·x in place for float32 arrays of one length: what an optimizer's update is.
   * Optional; callers fall back to their own loop. (wasm computes it in float32, as PyTorch's
   * `add_`; the JS loop rounds once from float64: the two may differ in the last bit.)
   */
  readonly axpyFloat32?: (y: Float32Array, a: number, x: Float32Array) => void;
}
