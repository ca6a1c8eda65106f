import type { DType, TypedArray } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { PrimitiveName, PrimitiveParams } from '../ops/primitives/types.js';

/**
 * What a kernel receives. Inputs may have different dtypes (the engine promotes by choosing
 * the output dtype; kernels read elements as numbers). `out` is allocated by the backend and
 * has the output's dtype and size; kernels fill every element of it.
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
 * `allocate` is the seam for backends whose buffers live outside the JS heap (WebAssembly
 * memory): they return typed-array views and free them with a FinalizationRegistry, so users
 * never call dispose().
 */
export interface Backend {
  readonly name: string;
  readonly kernels: Kernels;
  allocate(dtype: DType, size: number): TypedArray;
  /**
   * y ← y + a·x in place for float32 arrays of one length: what an optimizer's update is.
   * Optional; callers fall back to their own loop. (wasm computes it in float32, as PyTorch's
   * `add_`; the JS loop rounds once from float64: the two may differ in the last bit.)
   */
  readonly axpyFloat32?: (y: Float32Array, a: number, x: Float32Array) => void;
}
