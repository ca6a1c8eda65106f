/**
 * Layer norm and RMS norm over the trailing dimensions, as F.layer_norm / F.rms_norm and their
 * modules. Composites of mean, sub, mul, div and sqrt: first and second derivatives come from
 * autograd, and every backend runs them.
 */
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { add, cast, div, mul, sqrt, sub } from '../ops/elementwise.js';
import { mean } from '../ops/reduce.js';
import { ones, zeros } from '../tensor/create.js';
import { isFloating, type DType } from '../tensor/dtype.js';
import { formatShape, shapeEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { FloatDType } from './init.js';
import { Module, type ModuleConfig } from './module.js';

export interface LayerNormOptions {
  /** Elementwise scale γ of shape normalizedShape (default none: 1). */
  readonly weight?: Tensor | null;
  /** Elementwise shift β of shape normalizedShape (default none: 0). */
  readonly bias?: Tensor | null;
  /** Added to the variance before the square root (default 1e-5). */
  readonly eps?: number;
}

export interface RmsNormOptions {
  /** Elementwise scale γ of shape normalizedShape (default none: 1). */
  readonly weight?: Tensor | null;
  /** Added to the mean square before the square root (default: the dtype's machine epsilon, as torch). */
  readonly eps?: number | null;
}

/** PyTorch's torch.finfo(dtype).eps: rms_norm's default eps. */
const MACHINE_EPS: Record<FloatDType, number> = { float32: 2 ** -23, float64: Number.EPSILON };

function normalizedDims(op: string, normalizedShape: number | readonly number[]): number[] {
  const dims = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  if (dims.length === 0 || !dims.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ValueError(`${op}: normalizedShape must be a positive integer or a non-empty list of them, got ${JSON.stringify(normalizedShape)}`);
  }
  return dims;
}

/** The trailing axes to normalize over, after checking the input, weight and bias against them. */
function trailingAxes(op: string, x: Tensor, dims: readonly number[], params: readonly (readonly [string, Tensor | null | undefined])[], eps: number): number[] {
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: the input must be float32 or float64, got ${x.dtype}`);
  const k = dims.length;
  if (x.ndim < k || !shapeEqual(x.shape.slice(x.ndim - k), dims)) {
    throw new ShapeError(`${op}: given normalizedShape ${formatShape(dims)}, expected an input of shape [*, ${dims.join(', ')}], got ${formatShape(x.shape)}`);
  }
  for (const [name, t] of params) {
    if (t === null || t === undefined) continue;
    if (!shapeEqual(t.shape, dims)) throw new ShapeError(`${op}: ${name} has shape ${formatShape(t.shape)} but must be the normalizedShape ${formatShape(dims)}`);
    if (!isFloating(t.dtype)) throw new DTypeError(`${op}: ${name} must be float32 or float64, got ${t.dtype}`);
  }
  if (!(typeof eps === 'number' && eps >= 0 && Number.isFinite(eps))) throw new ValueError(`${op}: eps must be a finite number ≥ 0, got ${eps}`);
  return Array.from({ length: k }, (_, i) => x.ndim - k + i);
}

/**
 * Layer normalization, as PyTorch's F.layer_norm: over the trailing `normalizedShape` dimensions
 * of each sample, y = (x − μ)/√(σ² + eps)·weight + bias, σ² the biased variance.
 * @example
 * layerNorm(tensor([[1, 3], [10, 30]]), 2, { eps: 0 }).toArray(); // [[-1, 1], [-1, 1]]
 */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], options: LayerNormOptions = {}): Tensor {
  const op = 'layerNorm';
  const eps = options.eps ?? 1e-5;
  const dims = normalizedDims(op, normalizedShape);
  const axes = trailingAxes(op, x, dims, [['weight', options.weight], ['bias', options.bias]], eps);
  const centered = sub(x, mean(x, axes, true));
  // The mean of squared deviations, not E[x²] − E[x]², which cancels for large means.
  const variance = mean(mul(centered, centered), axes, true);
  // NOTE: eps keeps a constant row finite (output β, gradient γ/√eps·(δ − mean δ)), as batchNorm.
  let y = mul(centered, div(1, sqrt(add(variance, eps))));
  if (options.weight !== null && options.weight !== undefined) y = mul(y, options.weight);
  if (options.bias !== null && options.bias !== undefined) y = add(y, options.bias);
  return y;
}

/**
 * Root-mean-square normalization, as PyTorch 2.4's F.rms_norm: y = x/√(mean(x²) + eps)·weight
 * over the trailing `normalizedShape` dimensions; eps defaults to the dtype's machine epsilon.
 * @example
 * rmsNorm(tensor([[3, 4]]), 2, { eps: 0 }).toArray(); // ≈ [[0.8485, 1.1314]]
 */
export function rmsNorm(x: Tensor, normalizedShape: number | readonly number[], options: RmsNormOptions = {}): Tensor {
  const op = 'rmsNorm';
  const dims = normalizedDims(op, normalizedShape);
  const eps = options.eps ?? (isFloating(x.dtype) ? MACHINE_EPS[x.dtype === 'float64' ? 'float64' : 'float32'] : 0);
  const axes = trailingAxes(op, x, dims, [['weight', options.weight]], eps);
  const y = mul(x, div(1, sqrt(add(mean(mul(x, x), axes, true), eps))));
  return options.weight === null || options.weight === undefined ? y : mul(y, options.weight);
}

export interface LayerNormLayerOptions {
  /** Added to the variance before the square root (default 1e-5). */
  readonly eps?: number;
  /** Learnable elementwise weight (1) and bias (0) (default true). */
  readonly elementwiseAffine?: boolean;
  /** With elementwiseAffine, learn the bias too (default true; PyTorch 2.1's `bias`). */
  readonly bias?: boolean;
  /** Parameter dtype: float32 (default) or float64. */
  readonly dtype?: DType;
}

export interface RmsNormLayerOptions {
  /** Added to the mean square (default null: the input dtype's machine epsilon). */
  readonly eps?: number | null;
  /** Learnable elementwise weight (1) (default true). */
  readonly elementwiseAffine?: boolean;
  /** Parameter dtype: float32 (default) or float64. */
  readonly dtype?: DType;
}

function checkDType(where: string, dtype: DType): FloatDType {
  if (dtype !== 'float32' && dtype !== 'float64') throw new DTypeError(`${where}: parameters must be float32 or float64, got dtype ${String(dtype)}`);
  return dtype;
}

/**
 * Layer normalization as a layer, as PyTorch's nn.LayerNorm: parameters `weight` (1) and `bias`
 * (0) of shape normalizedShape.
 * @example
 * const norm = new LayerNorm(4);
 * norm.forward(randn([2, 3, 4])).shape; // [2, 3, 4]
 * Object.keys(norm.stateDict()); // ['weight', 'bias']
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  readonly dtype: FloatDType;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormLayerOptions = {}) {
    super();
    this.normalizedShape = normalizedDims('LayerNorm', normalizedShape);
    this.eps = options.eps ?? 1e-5;
    if (!(typeof this.eps === 'number' && this.eps >= 0 && Number.isFinite(this.eps))) throw new ValueError(`LayerNorm: eps must be a finite number ≥ 0, got ${this.eps}`);
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    this.dtype = checkDType('LayerNorm', options.dtype ?? 'float32');
    const dtype = this.dtype;
    this.weight = this.elementwiseAffine ? this.registerParameter('weight', ones(this.normalizedShape, { dtype }).named('weight')) : null;
    const bias = this.elementwiseAffine && (options.bias ?? true);
    this.bias = bias ? this.registerParameter('bias', zeros(this.normalizedShape, { dtype }).named('bias')) : null;
  }

  forward(x: Tensor): Tensor {
    const input = x.dtype === this.dtype ? x : cast(x, this.dtype);
    return layerNorm(input, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override describe(): string {
    const extras = !this.elementwiseAffine ? ', no affine' : this.bias === null ? ', no bias' : '';
    return `LayerNorm(${this.normalizedShape.join('×')}${extras})`;
  }

  override config(): ModuleConfig {
    return {
      type: 'LayerNorm',
      normalizedShape: [...this.normalizedShape],
      eps: this.eps,
      elementwiseAffine: this.elementwiseAffine,
      bias: this.bias !== null,
      dtype: this.dtype,
    };
  }
}

/**
 * RMS normalization as a layer, as PyTorch 2.4's nn.RMSNorm: parameter `weight` (1) of shape
 * normalizedShape; eps null uses the input dtype's machine epsilon.
 * @example
 * const norm = new RMSNorm([3, 4]);
 * norm.forward(randn([2, 3, 4])).shape; // [2, 3, 4]
 */
export class RMSNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number | null;
  readonly elementwiseAffine: boolean;
  readonly dtype: FloatDType;
  readonly weight: Tensor | null;

  constructor(normalizedShape: number | readonly number[], options: RmsNormLayerOptions = {}) {
    super();
    this.normalizedShape = normalizedDims('RMSNorm', normalizedShape);
    const eps = options.eps ?? null;
    if (eps !== null && !(typeof eps === 'number' && eps >= 0 && Number.isFinite(eps))) throw new ValueError(`RMSNorm: eps must be a finite number ≥ 0 or null, got ${eps}`);
    this.eps = eps;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    this.dtype = checkDType('RMSNorm', options.dtype ?? 'float32');
    this.weight = this.elementwiseAffine ? this.registerParameter('weight', ones(this.normalizedShape, { dtype: this.dtype }).named('weight')) : null;
  }

  forward(x: Tensor): Tensor {
    const input = x.dtype === this.dtype ? x : cast(x, this.dtype);
    return rmsNorm(input, this.normalizedShape, { weight: this.weight, eps: this.eps });
  }

  override describe(): string {
    return `RMSNorm(${this.normalizedShape.join('×')}${this.elementwiseAffine ? '' : ', no affine'})`;
  }

  override config(): ModuleConfig {
    return { type: 'RMSNorm', normalizedShape: [...this.normalizedShape], eps: this.eps, elementwiseAffine: this.elementwiseAffine, dtype: this.dtype };
  }
}
