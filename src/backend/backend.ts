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
  /**
   * One optimizer update fused into a pass over float32 arrays of one length, in place on the
   * parameter and the state (src/optim: Adam, AdamW, RMSprop, SGD with momentum use it for large
   * float32 parameters, with float32 state). Optional; the optimizers run their own loop without.
   */
  readonly updateFloat32?: (update: FusedUpdate) => void;
}

/**
 * A fused optimizer update: every step a float32 operation in PyTorch's order (scalars rounded
 * to float32 once, after forming 1 − β and the like), where the optimizers' JS loops compute in
 * float64 and round once. A null state array means its option is off.
 */
export type FusedUpdate =
  | {
      /** Adam/AdamW: g ← g + l2·p; p ← p·shrink; m, v updated; v ← max(vMax, v) with vMax; p ← p − stepSize·m/(√v/bc2 + ε). */
      readonly kind: 'adam';
      readonly param: Float32Array;
      readonly grad: Float32Array;
      readonly expAvg: Float32Array;
      readonly expAvgSq: Float32Array;
      readonly maxExpAvgSq: Float32Array | null;
      readonly beta1: number;
      readonly beta2: number;
      readonly l2: number;
      readonly shrink: number;
      readonly stepSize: number;
      readonly biasCorrection2Sqrt: number;
      readonly eps: number;
    }
  | {
      /** RMSprop: g ← g + λp; s ← αs + (1 − α)g²; centered with gradAvg; momentum with momentumBuffer. */
      readonly kind: 'rmsprop';
      readonly param: Float32Array;
      readonly grad: Float32Array;
      readonly squareAvg: Float32Array;
      readonly gradAvg: Float32Array | null;
      readonly momentumBuffer: Float32Array | null;
      readonly alpha: number;
      readonly weightDecay: number;
      readonly eps: number;
      readonly momentum: number;
      readonly lr: number;
    }
  | {
      /** SGD: g ← g + λp; b ← g (first) or μb + (1 − dampening)g; g ← g + μb (Nesterov) or b; p ← p − lr·g. */
      readonly kind: 'sgd';
      readonly param: Float32Array;
      readonly grad: Float32Array;
      readonly momentumBuffer: Float32Array | null;
      readonly lr: number;
      readonly weightDecay: number;
      readonly momentum: number;
      readonly dampening: number;
      readonly nesterov: boolean;
      readonly first: boolean;
    };
