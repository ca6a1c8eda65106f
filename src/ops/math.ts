/**
 * Everyday math (issue 17): rounding, the inverse and hyperbolic trigonometric functions, expm1,
 * log2, atan2 (primitives), rsqrt, reciprocal and the vector norm (composites), with PyTorch's
 * names and semantics.
 */
import { apply } from '../autograd/engine.js';
import { acosDef } from './primitives/acos.js';
import { asinDef } from './primitives/asin.js';
import { atanDef } from './primitives/atan.js';
import { atan2Def } from './primitives/atan2.js';
import { coshDef } from './primitives/cosh.js';
import { expm1Def } from './primitives/expm1.js';
import { log2Def } from './primitives/log2.js';
import { ceilDef, floorDef, roundDef, truncDef } from './primitives/rounding.js';
import { sinhDef } from './primitives/sinh.js';
import { tanDef } from './primitives/tan.js';
import { NO_PARAMS } from './primitives/helpers.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { isFloating } from '../tensor/dtype.js';
import { formatShape, normalizeAxes } from '../tensor/shape.js';
import type { Tensor, TensorLike } from '../tensor/tensor.js';
import { abs, asTensor, cast, div, eq, mul, ne, pow, sqrt, where } from './elementwise.js';
import { max, min, sum, type Axis } from './reduce.js';

/** The largest integer ≤ x (int32 stays int32); its gradient is 0. @example floor(tensor([-1.5, 1.5])) // [-2, 1] */
export function floor(x: TensorLike): Tensor { return apply(floorDef, [asTensor(x)], NO_PARAMS); }
/** The smallest integer ≥ x; its gradient is 0. @example ceil(tensor([-1.5, 1.5])) // [-1, 2] */
export function ceil(x: TensorLike): Tensor { return apply(ceilDef, [asTensor(x)], NO_PARAMS); }
/**
 * The nearest integer, ties to the even one (torch.round): 0.5 → 0, 1.5 → 2, −2.5 → −2. Its gradient is 0.
 * @example round(tensor([0.5, 1.5, 2.5, -0.5])) // [0, 2, 2, -0]
 */
export function round(x: TensorLike): Tensor { return apply(roundDef, [asTensor(x)], NO_PARAMS); }
/** x with its fractional part dropped (towards 0); its gradient is 0. @example trunc(tensor([-1.7, 1.7])) // [-1, 1] */
export function trunc(x: TensorLike): Tensor { return apply(truncDef, [asTensor(x)], NO_PARAMS); }
/** eˣ − 1, keeping the digits of a tiny x that exp(x) − 1 cancels. @example expm1(tensor(1e-10, { dtype: 'float64' })).item() // 1e-10 */
export function expm1(x: TensorLike): Tensor { return apply(expm1Def, [asTensor(x)], NO_PARAMS); }
/** Base-2 logarithm, exact at powers of two. @example log2(tensor([1, 8, 0.25])) // [0, 3, -2] */
export function log2(x: TensorLike): Tensor { return apply(log2Def, [asTensor(x)], NO_PARAMS); }
/** Tangent. @example tan(tensor(Math.PI / 4)).item() // 1 */
export function tan(x: TensorLike): Tensor { return apply(tanDef, [asTensor(x)], NO_PARAMS); }
/** Arctangent, in (−π/2, π/2). @example atan(tensor(1)).item() // 0.7854 */
export function atan(x: TensorLike): Tensor { return apply(atanDef, [asTensor(x)], NO_PARAMS); }
/** Arcsine; NaN outside [−1, 1], as in PyTorch (no real value there). @example asin(tensor([1, 2])) // [1.5708, NaN] */
export function asin(x: TensorLike): Tensor { return apply(asinDef, [asTensor(x)], NO_PARAMS); }
/** Arccosine; NaN outside [−1, 1], as in PyTorch. @example acos(tensor([-1, 1])) // [3.1416, 0] */
export function acos(x: TensorLike): Tensor { return apply(acosDef, [asTensor(x)], NO_PARAMS); }
/** Hyperbolic sine. @example sinh(tensor(1)).item() // 1.1752 */
export function sinh(x: TensorLike): Tensor { return apply(sinhDef, [asTensor(x)], NO_PARAMS); }
/** Hyperbolic cosine. @example cosh(tensor(0)).item() // 1 */
export function cosh(x: TensorLike): Tensor { return apply(coshDef, [asTensor(x)], NO_PARAMS); }

/**
 * The angle of the point (x, y) in (−π, π], with broadcasting (torch.atan2: y first). Signed
 * zeros and infinities pick the quadrant as C's atan2; at the origin the gradient is NaN.
 * @example atan2(tensor([1, -1]), tensor([-1, -1])) // [2.3562, -2.3562]
 */
export function atan2(y: TensorLike, x: TensorLike): Tensor {
  return apply(atan2Def, [asTensor(y, x), asTensor(x, y)], NO_PARAMS);
}

/** 1/√x (∞ at 0, NaN below). @example rsqrt(tensor([4, 0.25])) // [0.5, 2] */
export function rsqrt(x: TensorLike): Tensor { return div(1, sqrt(x)); }
/** 1/x (integers give float32). @example reciprocal(tensor([2, -0.5])) // [0.5, -2] */
export function reciprocal(x: TensorLike): Tensor { return div(1, asTensor(x)); }

/** norm's options (torch.norm / torch.linalg.vector_norm). */
export interface NormOptions {
  /** The order: 2 (default) or 'fro' (the same for a vector norm), 1, Infinity, −Infinity, 0 (a count), or any positive number. */
  readonly p?: number | 'fro';
  /** The axis or axes reduced; all (the flattened tensor) when omitted or null. */
  readonly axis?: Axis;
  readonly keepdims?: boolean;
}

const NORM_KEYS = ['p', 'axis', 'keepdims'];
const NORM_ALIASES: Readonly<Record<string, string>> = { dim: 'axis', keepdim: 'keepdims', ord: 'p' };

function normOptions(options: NormOptions): { p: number; axis: Axis; keepdims: boolean; fro: boolean } {
  for (const key of Object.keys(options)) {
    if (NORM_KEYS.includes(key)) continue;
    const alias = NORM_ALIASES[key];
    throw new ValueError(`norm: unknown option ${JSON.stringify(key)}${alias === undefined ? '' : ` (did you mean ${alias}?)`}; the options are ${NORM_KEYS.join(', ')}`);
  }
  const { p = 2, axis, keepdims = false } = options;
  if (typeof keepdims !== 'boolean') throw new ValueError(`norm: keepdims must be true or false, got ${String(keepdims)}`);
  if (p === 'fro') return { p: 2, axis, keepdims, fro: true };
  if (typeof p !== 'number' || Number.isNaN(p) || (p < 0 && p !== -Infinity)) {
    throw new ValueError(`norm: p must be 'fro', a number ≥ 0, Infinity or -Infinity, got ${typeof p === 'string' ? JSON.stringify(p) : String(p)}`);
  }
  return { p, axis, keepdims, fro: false };
}

/** tᵉ for t ≥ 0 with 0 where t = 0, and a gradient of 0 there (not 0·∞), as PyTorch's norm masks it. */
function powOrZero(t: Tensor, e: number): Tensor {
  const zero = eq(t, 0);
  const safe = where(zero, 1, t);
  return where(zero, 0, e === 0.5 ? sqrt(safe) : pow(safe, e));
}

/**
 * The vector p-norm over `axis` (all elements when omitted), as torch.norm with a numeric p
 * (torch.linalg.vector_norm): (Σ|x|ᵖ)^(1/p), max |x| for p = ∞, min |x| for −∞, the count of
 * non-zeros for p = 0. At a zero norm (and at zero entries for p < 1) the gradient is 0, PyTorch's
 * convention (docs/gradients.md).
 * @example norm(tensor([3, -4])).item() // 5; norm(tensor([[3, -4], [0, 1]]), { p: 1, axis: 1 }) // [7, 1]
 */
export function norm(x: Tensor, options: NormOptions = {}): Tensor {
  const { p, axis, keepdims, fro } = normOptions(options);
  if (!isFloating(x.dtype)) throw new DTypeError(`norm: expected a floating-point tensor, got ${x.dtype}; cast it first with .cast('float32')`);
  const axes = normalizeAxes('norm', axis, x.ndim);
  if (fro && axis !== undefined && axis !== null && axes.length > 2) throw new ShapeError(`norm: p 'fro' takes at most 2 axes, got ${axes.length} of shape ${formatShape(x.shape)}; use p: 2 for the vector norm over more`);
  if (p === Infinity || p === -Infinity) {
    if (axes.some((a) => x.shape[a] === 0)) {
      throw new ValueError(`norm: cannot take the ${p > 0 ? '' : '-'}Infinity norm over an empty axis of shape ${formatShape(x.shape)} (a max has no identity)`);
    }
    // NOTE: ties share the gradient evenly (max's rule) and abs'(0) = 0, as PyTorch's amax-based rule.
    return p > 0 ? max(abs(x), axes, keepdims) : min(abs(x), axes, keepdims);
  }
  // The count of non-zeros is piecewise constant: a constant here, outside the graph.
  if (p === 0) return sum(cast(ne(x, 0), x.dtype), axes, keepdims);
  if (p === 1) return sum(abs(x), axes, keepdims);
  // NOTE: powOrZero makes the gradient 0 at a zero norm (PyTorch masks norm == 0), not 0/0.
  if (p === 2) return powOrZero(sum(mul(x, x), axes, keepdims), 0.5);
  return powOrZero(sum(powOrZero(abs(x), p), axes, keepdims), 1 / p);
}
