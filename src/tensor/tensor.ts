import { AutogradError, DTypeError, ShapeError, ValueError } from '../errors.js';
import type { OpDef, PrimitiveName, PrimitiveParams } from '../ops/primitives/types.js';
import { isFloating, type DType, type TypedArray } from './dtype.js';
import { formatShape, frozenShape, shapeEqual, shapeSize, type Shape } from './shape.js';
import { formatTensor } from './format.js';
import * as ops from '../ops/functional.js';
import type { SliceSpec } from '../ops/shape.js';
import type { ArgReduceOptions, Axis, ReduceOptions, VarianceOptions } from '../ops/reduce.js';
import type { SortOptions, SortResult, TopkOptions } from '../ops/sorting.js';
import type { MultinomialOptions } from '../ops/sampling.js';
import { runBackward } from '../autograd/engine.js';
import { isManaged, RELEASED_BLOCK, type ManagedBlock, type TensorStorage } from '../backend/storage.js';
import { backwardOptions, isBackwardOptions, seedFrom, type BackwardCallOptions } from './backwardArgs.js';
export type { BackwardCallOptions } from './backwardArgs.js';
import { addHook, type GradHook, type RemovableHandle } from './hooks.js';

/** A node of the recorded graph: the primitive that made a tensor, and its inputs. */
export interface GradNode<P extends PrimitiveName = PrimitiveName> {
  readonly op: P;
  readonly params: PrimitiveParams[P];
  readonly inputs: readonly Tensor[];
  /** Stack trace at creation (anomaly mode only). */
  readonly stack: string | null;
  /** The primitive's definition: backward reads its gradient rule from here and looks nothing up. */
  readonly def: OpDef<P>;
}

/** A number or a tensor: binary ops accept either (`x.mul(2)`). */
export type TensorLike = Tensor | number;

/** Nested arrays of numbers (or booleans for bool tensors), as returned by `toArray()`. */
export type NestedArray = number | boolean | NestedArray[];

let nextId = 0;

/** backward() captures no intermediate gradients. */
const NO_CAPTURE: ReadonlySet<Tensor> = new Set<Tensor>();
/** Set by engineTensor only: the engine allocated `data` for `shape`, so the constructor need not count. */
let trusted = false;

/** @internal A tensor whose storage the engine allocated for exactly this shape (apply's result): skips the size check. */
export function engineTensor(data: TensorStorage, shape: Shape, dtype: DType, node: GradNode | null): Tensor {
  trusted = true;
  const t = new Tensor(data, shape, dtype, node);
  trusted = false;
  return t;
}

/**
 * An n-dimensional array with reverse-mode autodiff. Create one with `tensor()`, `zeros()`, ….
 * Tensors are immutable values: ops return new tensors, and memory is reclaimed by the garbage
 * collector (there is no `dispose()`).
 * @example
 * const x = tensor([[1, 2], [3, 4]]);
 * x.mul(2).sum().item(); // 20
 */
export class Tensor {
  /** Unique id, increasing in creation order. */
  readonly id: number;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** @internal The elements as a JS typed array, row-major and contiguous (null when they are on `_block`). */
  readonly _buf: TypedArray | null;
  /** @internal The backend's block holding the elements (the wasm heap's), shared by tensors that share elements. */
  _block: ManagedBlock | null;
  /** @internal The op that made this tensor, when it was recorded for autograd. */
  readonly _node: GradNode | null;
  /** @internal */
  _retainsGrad = false;
  /** @internal A gradient on its way to this tensor during backward() (autograd/engine.ts runBackward). */
  _pending: Tensor | null = null;
  /** @internal The number of the last graph walk that reached this tensor (autograd/engine.ts topoSort). */
  _visit = 0;
  /** @internal The composite step (a Linear layer, a loss) that produced this tensor, for explanations: see autograd/annotate.ts. */
  _composite: unknown = undefined;
  private _requiresGrad: boolean;
  /** Accumulated gradient of a leaf (or of a tensor that called `retainGrad()`). */
  grad: Tensor | null = null;
  /** A label carried into graph inspection and explanations, e.g. `'w1'`. */
  name: string | undefined;

  /** @internal Use `tensor()` and the creation functions instead. */
  constructor(data: TensorStorage, shape: Shape, dtype: DType, node: GradNode | null = null, name?: string) {
    const managed = isManaged(data);
    const size = managed ? data.size : data.length;
    if (!trusted && size !== shapeSize(shape)) {
      throw new ShapeError(`Tensor: ${size} elements do not fill shape ${formatShape(shape)}`);
    }
    this.id = nextId++;
    this.size = size;
    if (managed) {
      this._buf = null;
      this._block = data;
      data.retain(this);
    } else {
      this._buf = data;
      this._block = null;
    }
    // A frozen shape (another tensor's, or a shared small one) is used as it is: it cannot change.
    this.shape = frozenShape(shape);
    this.dtype = dtype;
    this._node = node;
    this._requiresGrad = node !== null;
    this.name = name;
  }

  /**
   * @internal The elements, row-major and contiguous. On a block, the array is valid until the
   * next op runs (the backend's memory may grow or move the block): keep the tensor, not the array.
   */
  get _data(): TypedArray {
    const b = this._block;
    return b === null ? this._buf! : b.array();
  }

  /**
   * @internal Gives up this tensor's share of its block now instead of when it is collected: the
   * engine's backward pass does so for its temporaries (nothing outside it can reach them).
   * Reading it afterwards is an internal error, never another tensor's elements.
   */
  _release(recycle?: (array: TypedArray) => void): void {
    const b = this._block;
    if (b === RELEASED_BLOCK) return;
    if (b !== null) b.release(this);
    // A JS array goes back to the backend's pool unless another tensor shares it (its block
    // counts its owners; a JS array does not).
    else if (recycle !== undefined && !this._shared) recycle(this._buf!);
    this._block = RELEASED_BLOCK;
  }

  /** @internal Whether another tensor shares these elements (see `_alias`). */
  _shared = false;

  /** @internal A tensor of another shape (the same size) on the same elements: detach, a gradient's view. */
  _alias(shape: Shape, name?: string): Tensor {
    this._shared = true;
    const t = new Tensor(this._block ?? this._buf!, shape, this.dtype, null, name);
    t._shared = true;
    return t;
  }

  /** Number of dimensions (0 for a scalar). */
  get ndim(): number {
    return this.shape.length;
  }

  /** True if gradients flow to this tensor: a leaf marked so, or the result of a recorded op. */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }

  set requiresGrad(value: boolean) {
    this.requiresGrad_(value);
  }

  /** True for tensors not made by a recorded op (user-created tensors and parameters). */
  get isLeaf(): boolean {
    return this._node === null;
  }

  /** Name of the primitive that made this tensor, or null for a leaf. */
  get op(): PrimitiveName | null {
    return this._node?.op ?? null;
  }

  /** Marks a leaf as requiring grad (in place) and returns it. Only floating tensors can. */
  requiresGrad_(value = true): this {
    if (this._node !== null) {
      throw new AutogradError(
        'requiresGrad can only be set on leaf tensors; this tensor was made by ' +
          `${this._node.op}. Use .detach() to make a new leaf.`,
      );
    }
    if (value && !isFloating(this.dtype)) {
      throw new DTypeError(`requiresGrad: only float32 and float64 tensors can require gradients; this one is ${this.dtype}`);
    }
    this._requiresGrad = value;
    return this;
  }

  /** Sets `name` and returns this tensor, for chaining: `x.mul(w).named('z1')`. */
  named(name: string): this {
    this.name = name;
    return this;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new ValueError(`item: only a tensor with one element has an item; this one has shape ${formatShape(this.shape)} (${this.size} elements)`);
    }
    return this._data[0] ?? 0;
  }

  /** The values as nested arrays (a number for a 0-d tensor; booleans for bool). */
  toArray(): NestedArray {
    const data = this._data;
    const isBool = this.dtype === 'bool';
    const read = (i: number): number | boolean => (isBool ? data[i] !== 0 : (data[i] ?? 0));
    if (this.shape.length === 0) return read(0);
    const build = (dim: number, offset: number, stride: number): NestedArray[] => {
      const n = this.shape[dim] ?? 0;
      const inner = stride / Math.max(n, 1);
      const out: NestedArray[] = [];
      for (let i = 0; i < n; i++) {
        out.push(dim === this.shape.length - 1 ? read(offset + i) : build(dim + 1, offset + i * inner, inner));
      }
      return out;
    };
    return build(0, 0, this.size);
  }

  /** A copy of the values as a typed array (Float32Array, Float64Array, Int32Array or Uint8Array). */
  data(): TypedArray {
    return this._data.slice();
  }

  /**
   * A copy of the values, awaited: the read a backend whose memory is on a device (a GPU) can
   * give without blocking. On the cpu and wasm backends it is `data()`, resolved at once.
   */
  dataAsync(): Promise<TypedArray> {
    return Promise.resolve(this.data());
  }

  /** Values, shape, dtype and the op that made it, e.g. `tensor([1.0000, 2.0000], shape=[2], dtype=float32)`. */
  toString(): string {
    return formatTensor(this);
  }

  /**
   * Back-propagates from this tensor, adding ∂this/∂leaf into each leaf's `.grad`
   * (gradients accumulate across calls: call `zeroGrad()` between steps). As PyTorch's
   * `backward(gradient, retain_graph, create_graph)`: `backward(gradient?, { retainGraph?, createGraph? })`,
   * or the options alone, `backward({ createGraph: true })`. A non-scalar tensor needs a gradient
   * of its own shape. The graph is always kept (tensors are immutable), so `retainGraph` changes nothing.
   * @example
   * const w = tensor(3, { requiresGrad: true });
   * w.mul(w).backward();
   * w.grad?.item(); // 6
   */
  backward(gradient?: TensorLike | NestedArray | TypedArray | BackwardCallOptions | null, options?: BackwardCallOptions): void {
    // null is PyTorch's None: no gradient given (backward(null, { retainGraph: true })).
    let seed: unknown = gradient === null ? undefined : gradient;
    let opts: unknown = options;
    if (isBackwardOptions(gradient)) {
      if (options !== undefined) throw new ValueError('backward: the options were given twice (as the first argument and the second); pass backward(gradient, options)');
      seed = undefined;
      opts = gradient;
    }
    const createGraph = backwardOptions(opts);
    if (!this.requiresGrad) {
      throw new AutogradError(
        'backward: this tensor does not require grad and has no recorded op; ' +
          'create its inputs with { requiresGrad: true } (and not inside noGrad)',
      );
    }
    let seedTensor: Tensor;
    if (seed === undefined) {
      if (this.size !== 1) {
        throw new AutogradError(
          `backward: a seed gradient is needed for a non-scalar tensor of shape ${formatShape(this.shape)}; ` +
            'pass one of the same shape, e.g. y.backward(onesLike(y))',
        );
      }
      seedTensor = ops.onesLike(this);
    } else {
      seedTensor = seed instanceof Tensor ? seed : seedFrom(seed, this.dtype);
      if (!shapeEqual(seedTensor.shape, this.shape)) {
        throw new ShapeError(`backward: the seed gradient has shape ${formatShape(seedTensor.shape)} but the tensor has shape ${formatShape(this.shape)}`);
      }
      if (seedTensor.dtype !== this.dtype) seedTensor = ops.cast(seedTensor, this.dtype);
    }
    runBackward([this], [seedTensor], { createGraph, accumulate: true, capture: NO_CAPTURE });
  }

  /** Clears the accumulated gradient (sets `.grad` to null). */
  zeroGrad(): void {
    this.grad = null;
  }

  /** Asks backward() to keep this intermediate tensor's gradient in `.grad`. */
  retainGrad(): this {
    if (!this.requiresGrad) throw new AutogradError('retainGrad: this tensor does not require grad');
    this._retainsGrad = true;
    return this;
  }

  /** A new leaf with the same values, cut from the graph (shares storage; tensors are immutable). */
  detach(): Tensor {
    return this._alias(this.shape, this.name);
  }

  /** @internal Gradient hooks in registration order, run by autograd/engine.ts. */
  _hooks: GradHook[] | null = null;
  /**
   * Calls `hook(grad)` when a backward pass computes the gradient with respect to this tensor; a
   * tensor it returns replaces the gradient (torch's `register_hook`; docs/gradients.md).
   * @example
   * const x = tensor([1, 2], { requiresGrad: true }); x.registerHook((g) => g.mul(10)); // after x.sum().backward(), x.grad is [10, 10]
   */
  registerHook(hook: GradHook): RemovableHandle { return addHook(this, hook); }

  // ---- fluent API: every method delegates to the functional op of the same name ----
  cast(dtype: DType): Tensor { return ops.cast(this, dtype); }
  neg(): Tensor { return ops.neg(this); }
  add(other: TensorLike): Tensor { return ops.add(this, other); }
  sub(other: TensorLike): Tensor { return ops.sub(this, other); }
  mul(other: TensorLike): Tensor { return ops.mul(this, other); }
  div(other: TensorLike): Tensor { return ops.div(this, other); }
  pow(exponent: TensorLike): Tensor { return ops.pow(this, exponent); }
  square(): Tensor { return ops.square(this); }
  exp(): Tensor { return ops.exp(this); }
  log(): Tensor { return ops.log(this); }
  log1p(): Tensor { return ops.log1p(this); }
  sqrt(): Tensor { return ops.sqrt(this); }
  abs(): Tensor { return ops.abs(this); }
  sign(): Tensor { return ops.sign(this); }
  sin(): Tensor { return ops.sin(this); }
  cos(): Tensor { return ops.cos(this); }
  tanh(): Tensor { return ops.tanh(this); }
  sigmoid(): Tensor { return ops.sigmoid(this); }
  relu(): Tensor { return ops.relu(this); }
  leakyRelu(negativeSlope?: number): Tensor { return ops.leakyRelu(this, negativeSlope); }
  elu(alpha?: number): Tensor { return ops.elu(this, alpha); }
  gelu(approximate?: 'none' | 'tanh'): Tensor { return ops.gelu(this, approximate); }
  softplus(): Tensor { return ops.softplus(this); }
  erf(): Tensor { return ops.erf(this); }
  maximum(other: TensorLike): Tensor { return ops.maximum(this, other); }
  minimum(other: TensorLike): Tensor { return ops.minimum(this, other); }
  clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor { return ops.clamp(this, min, max); }
  /** This tensor where `condition` is true, `other` elsewhere (PyTorch's `x.where(cond, y)`). */
  where(condition: Tensor, other: TensorLike): Tensor { return ops.where(condition, this, other); }
  eq(other: TensorLike): Tensor { return ops.eq(this, other); }
  ne(other: TensorLike): Tensor { return ops.ne(this, other); }
  lt(other: TensorLike): Tensor { return ops.lt(this, other); }
  le(other: TensorLike): Tensor { return ops.le(this, other); }
  gt(other: TensorLike): Tensor { return ops.gt(this, other); }
  ge(other: TensorLike): Tensor { return ops.ge(this, other); }
  sum(axis?: Axis | ReduceOptions, keepdims?: boolean): Tensor { return ops.sum(this, axis, keepdims); }
  mean(axis?: Axis | ReduceOptions, keepdims?: boolean): Tensor { return ops.mean(this, axis, keepdims); }
  max(axis?: Axis | ReduceOptions, keepdims?: boolean): Tensor { return ops.max(this, axis, keepdims); }
  min(axis?: Axis | ReduceOptions, keepdims?: boolean): Tensor { return ops.min(this, axis, keepdims); }
  var(axis?: Axis | VarianceOptions, keepdims?: boolean, correction?: number): Tensor { return ops.variance(this, axis, keepdims, correction); }
  std(axis?: Axis | VarianceOptions, keepdims?: boolean, correction?: number): Tensor { return ops.std(this, axis, keepdims, correction); }
  logsumexp(axis?: Axis | ReduceOptions, keepdims?: boolean): Tensor { return ops.logsumexp(this, axis, keepdims); }
  argmax(axis?: number | null | ArgReduceOptions, keepdims?: boolean): Tensor { return ops.argmax(this, axis, keepdims); }
  argmin(axis?: number | null | ArgReduceOptions, keepdims?: boolean): Tensor { return ops.argmin(this, axis, keepdims); }
  softmax(axis?: number): Tensor { return ops.softmax(this, axis); }
  logSoftmax(axis?: number): Tensor { return ops.logSoftmax(this, axis); }
  matmul(other: Tensor): Tensor { return ops.matmul(this, other); }
  reshape(...shape: number[] | [readonly number[]]): Tensor { return ops.reshape(this, ops.shapeArgs(shape)); }
  flatten(startAxis?: number, endAxis?: number): Tensor { return ops.flatten(this, startAxis, endAxis); }
  transpose(axis0?: number, axis1?: number): Tensor { return ops.transpose(this, axis0, axis1); }
  get T(): Tensor { return ops.permute(this, this.shape.map((_, i) => this.shape.length - 1 - i)); }
  permute(...axes: number[] | [readonly number[]]): Tensor { return ops.permute(this, ops.shapeArgs(axes)); }
  expand(...shape: number[] | [readonly number[]]): Tensor { return ops.expand(this, ops.shapeArgs(shape)); }
  squeeze(axis?: number | readonly number[]): Tensor { return ops.squeeze(this, axis); }
  unsqueeze(axis: number): Tensor { return ops.unsqueeze(this, axis); }
  split(sizes: number | readonly number[], axis?: number): Tensor[] { return ops.split(this, sizes, axis); }
  slice(...specs: SliceSpec[]): Tensor { return ops.slice(this, ...specs); }
  gather(axis: number, index: Tensor): Tensor { return ops.gather(this, axis, index); }
  indexSelect(axis: number, index: Tensor | readonly number[]): Tensor { return ops.indexSelect(this, axis, index); }
  floor(): Tensor { return ops.floor(this); }
  ceil(): Tensor { return ops.ceil(this); }
  round(): Tensor { return ops.round(this); }
  trunc(): Tensor { return ops.trunc(this); }
  expm1(): Tensor { return ops.expm1(this); }
  log2(): Tensor { return ops.log2(this); }
  rsqrt(): Tensor { return ops.rsqrt(this); }
  reciprocal(): Tensor { return ops.reciprocal(this); }
  tan(): Tensor { return ops.tan(this); }
  atan(): Tensor { return ops.atan(this); }
  asin(): Tensor { return ops.asin(this); }
  acos(): Tensor { return ops.acos(this); }
  sinh(): Tensor { return ops.sinh(this); }
  cosh(): Tensor { return ops.cosh(this); }
  atan2(other: TensorLike): Tensor { return ops.atan2(this, other); }
  norm(options?: ops.NormOptions): Tensor { return ops.norm(this, options); }
  maskedFill(mask: Tensor, value: number | Tensor): Tensor { return ops.maskedFill(this, mask, value); }
  tril(diagonal?: number): Tensor { return ops.tril(this, diagonal); }
  triu(diagonal?: number): Tensor { return ops.triu(this, diagonal); }
  repeat(...reps: number[] | [readonly number[]]): Tensor { return ops.repeat(this, ops.shapeArgs(reps)); }
  tile(...reps: number[] | [readonly number[]]): Tensor { return ops.tile(this, ops.shapeArgs(reps)); }
  flip(...axes: number[] | [readonly number[]]): Tensor { return ops.flip(this, ops.shapeArgs(axes)); }
  chunk(chunks: number, axis?: number): Tensor[] { return ops.chunk(this, chunks, axis); }
  sort(axis?: number | SortOptions, descending?: boolean): SortResult { return ops.sort(this, axis, descending); }
  argsort(axis?: number | SortOptions, descending?: boolean): Tensor { return ops.argsort(this, axis, descending); }
  topk(k: number, options?: TopkOptions): SortResult { return ops.topk(this, k, options); }
  maxWithIndices(axis: number, keepdims?: boolean): SortResult { return ops.maxWithIndices(this, axis, keepdims); }
  minWithIndices(axis: number, keepdims?: boolean): SortResult { return ops.minWithIndices(this, axis, keepdims); }
  cumsum(axis: number): Tensor { return ops.cumsum(this, axis); }
  cumprod(axis: number): Tensor { return ops.cumprod(this, axis); }
  scatter(axis: number, index: Tensor, src: Tensor | number): Tensor { return ops.scatter(this, axis, index, src); }
  scatterAdd(axis: number, index: Tensor, src: Tensor): Tensor { return ops.scatterAdd(this, axis, index, src); }
  multinomial(numSamples: number, options?: MultinomialOptions): Tensor { return ops.multinomial(this, numSamples, options); }
}
