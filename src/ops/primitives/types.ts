import type { DType } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';

type NoParams = Record<never, never>;

export interface AxesParams {
  /** Sorted, distinct, non-negative axes. */
  readonly axes: readonly number[];
  readonly keepdims: boolean;
}

export interface ArgParams {
  readonly axis: number;
  readonly keepdims: boolean;
}

export interface MatmulParams {
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

/** A 2-D convolution's geometry (1-D convolutions are 2-D ones with a height of 1). */
export interface ConvParams {
  readonly stride: readonly [number, number];
  /** Zeros added to each spatial axis: [top, bottom, left, right] (an even kernel's 'same' pads one more after). */
  readonly padding: readonly [number, number, number, number];
  readonly dilation: readonly [number, number];
  readonly groups: number;
}

export interface SliceParams {
  /** Start index per axis (already normalized: in range). */
  readonly starts: readonly number[];
  /** Step per axis (non-zero; negative walks backwards). */
  readonly steps: readonly number[];
  /** Number of elements taken per axis. */
  readonly sizes: readonly number[];
}

/** A 2-d max pooling's window geometry, every entry a [height, width] pair; `outSize` resolves ceilMode. */
export interface MaxPool2dParams {
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly dilation: readonly number[];
  readonly outSize: readonly number[];
}

/**
 * Average pooling's windows, separable: output (i, j) averages input rows rowLo[i] ≤ h < rowHi[i]
 * and columns colLo[j] ≤ w < colHi[j] of its plane, dividing the sum by `divisor`, or where null by
 * rowCount[i]·colCount[j] (1 where that is 0). `inSize` is the input's [H, W].
 */
export interface WindowMeanParams {
  readonly rowLo: readonly number[];
  readonly rowHi: readonly number[];
  readonly colLo: readonly number[];
  readonly colHi: readonly number[];
  readonly rowCount: readonly number[];
  readonly colCount: readonly number[];
  readonly divisor: number | null;
  readonly inSize: readonly number[];
}

/**
 * Every primitive and its parameters. `PrimitiveName` is derived from this map, so adding a
 * primitive here makes every table keyed by primitive (definitions, each backend's kernels)
 * fail to compile until it has an entry.
 */
export interface PrimitiveParams {
  // unary elementwise
  neg: NoParams;
  exp: NoParams;
  log: NoParams;
  log1p: NoParams;
  sqrt: NoParams;
  abs: NoParams;
  sign: NoParams;
  sin: NoParams;
  cos: NoParams;
  tanh: NoParams;
  sigmoid: NoParams;
  relu: NoParams;
  erf: NoParams;
  cast: { readonly dtype: DType };
  // binary elementwise (NumPy broadcasting)
  add: NoParams;
  sub: NoParams;
  mul: NoParams;
  div: NoParams;
  pow: NoParams;
  maximum: NoParams;
  minimum: NoParams;
  eq: NoParams;
  ne: NoParams;
  lt: NoParams;
  le: NoParams;
  gt: NoParams;
  ge: NoParams;
  // backward steps of activations (an upstream gradient and the activation's output)
  sigmoidGrad: NoParams;
  tanhGrad: NoParams;
  reluGrad: NoParams;
  // ternary
  where: NoParams;
  // reductions
  sum: AxesParams;
  max: AxesParams;
  argmax: ArgParams;
  argmin: ArgParams;
  /** log softmax along `axis` (normalized, non-negative). */
  logSoftmax: { readonly axis: number };
  // linear algebra
  /** transposeA / transposeB: the operand's last two axes are swapped before the product (no copy is made). */
  matmul: MatmulParams;
  /** x·Wᵀ + b (x [m, k], W [n, k], b [n]): Linear's product and bias in one op. */
  linear: NoParams;
  // movement
  reshape: { readonly shape: readonly number[] };
  permute: { readonly axes: readonly number[] };
  expand: { readonly shape: readonly number[] };
  slice: SliceParams;
  sliceScatter: SliceParams & { readonly shape: readonly number[] };
  concat: { readonly axis: number };
  gather: { readonly axis: number };
  scatterAdd: { readonly axis: number; readonly shape: readonly number[] };
  // convolution (NCHW; weight [out, in/groups, kH, kW])
  conv2d: ConvParams;
  /** The gradient of conv2d with respect to its input (a transposed convolution): δ, weight → [N, C, H, W]. */
  conv2dInputGrad: ConvParams & { readonly inputSize: readonly [number, number] };
  /** The gradient of conv2d with respect to its weight (the correlation of the input with δ): x, δ → [out, in/groups, kH, kW]. */
  conv2dWeightGrad: ConvParams & { readonly kernelSize: readonly [number, number] };
  // pooling
  /** max's backward step: g·[x = max]/#ties over `axes` (sorted, non-negative), g in the kept shape. */
  maxGrad: { readonly axes: readonly number[] };
  /** Where each max-pooling window of x [N, C, H, W] has its maximum, as int32 indices into the H·W plane. */
  maxPool2dIndices: MaxPool2dParams;
  /** Each window's mean of x [N, C, H, W] (average pooling); `windowMeanAdjoint` spreads them back. */
  windowMean: WindowMeanParams;
  windowMeanAdjoint: WindowMeanParams;
  // issue 17: math ops
  floor: NoParams;
  ceil: NoParams;
  round: NoParams;
  trunc: NoParams;
  expm1: NoParams;
  log2: NoParams;
  tan: NoParams;
  atan: NoParams;
  asin: NoParams;
  acos: NoParams;
  sinh: NoParams;
  cosh: NoParams;
  /** atan2(y, x) with broadcasting: y is input 0, x input 1 (PyTorch's order). */
  atan2: NoParams;
  // issue 17: index ops
  /** The indices that sort each slice along `axis`: stable, NaN as the largest value (PyTorch's order). */
  argsort: { readonly axis: number; readonly descending: boolean };
  /** Running sums along `axis`; from the end when `reverse` (cumsum's own adjoint). */
  cumsum: ScanParams;
  /** h = b at the first step, then h ← a·h + b along `axis` (from the end when `reverse`): cumprod and its exact adjoint. */
  linearScan: ScanParams;
}

/** A scan's axis (non-negative) and direction. */
export interface ScanParams {
  readonly axis: number;
  readonly reverse: boolean;
}

export type PrimitiveName = keyof PrimitiveParams;

/** What shape and dtype inference sees of an input. */
export interface TensorMeta {
  readonly shape: Shape;
  readonly dtype: DType;
}

export interface BackwardContext<P extends PrimitiveName> {
  /** The op's inputs, as recorded in the graph. */
  readonly inputs: readonly Tensor[];
  /** The op's forward output. */
  readonly result: Tensor;
  /** Gradient of the final output with respect to `result`. */
  readonly grad: Tensor;
  readonly params: PrimitiveParams[P];
  /** Which inputs need a gradient: a rule may skip (return null for) the others. */
  readonly needsGrad: readonly boolean[];
}

/**
 * Returns one gradient per input (or null where not needed). A gradient may have the
 * broadcast output shape: the engine sums it back to the input's shape.
 */
// Written as a method's type so that OpDef<'sum'> is an OpDef<PrimitiveName> (method parameters
// are bivariant): graph nodes hold any primitive's definition under the union type.
export type BackwardRule<P extends PrimitiveName> = { rule(ctx: BackwardContext<P>): readonly (Tensor | null)[] }['rule'];

/** A formula in plain text and LaTeX; `{0}`, `{1}`, … stand for the inputs, `{out}` for the result. */
export interface Formula {
  readonly text: string;
  readonly latex: string;
}

/** What an op is for, where shared code (the explainer) needs to know: `activation` marks a layer's nonlinearity. */
export type OpRole = 'activation';

export interface OpDef<P extends PrimitiveName> {
  readonly name: P;
  /** Its label in pictures of the graph (`+`, `σ`, `x·Wᵀ+b`); the name where no symbol reads better. */
  readonly symbol: string;
  /** The label for these params where it differs from `symbol` (a transposing permute, a cast's dtype). */
  symbolFor?(params: PrimitiveParams[P]): string;
  /** Its role for the explainer, or null. */
  readonly role: OpRole | null;
  /** Number of inputs, or 'variadic' (concat). */
  readonly arity: number | 'variadic';
  /** Inputs that never receive a gradient (indices, conditions). */
  readonly nondifferentiable: readonly number[];
  /** What the gradient rule reads besides `grad`: these are the node's saved values. */
  readonly saves: { readonly inputs: readonly number[]; readonly result: boolean };
  /** Validates the inputs and returns the output's shape and dtype; throws ShapeError/DTypeError. */
  infer(inputs: readonly TensorMeta[], params: PrimitiveParams[P]): TensorMeta;
  /** The gradient rule, or null for an op that is not differentiable (its output never requires grad). */
  readonly backward: BackwardRule<P> | null;
  /** How the forward op reads, e.g. `σ({0})`. */
  readonly forward: Formula;
  /** ∂out/∂input for each input, e.g. sigmoid: `σ({0})(1−σ({0}))`; null where not meaningful. */
  readonly local: readonly (Formula | null)[];
  /** The formulas for these params where they differ from `forward` and `local` (matmul with transposed operands). */
  formulasFor?(params: PrimitiveParams[P]): { readonly forward: Formula; readonly local: readonly (Formula | null)[] };
}

export type OpTable = { readonly [P in PrimitiveName]: OpDef<P> };
