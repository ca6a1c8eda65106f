import { apply } from '../autograd/engine.js';
import { matmulDef } from './primitives/matmul.js';
import { NO_PARAMS } from './primitives/helpers.js';
import { ShapeError } from '../errors.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { reshape, unsqueeze } from './shape.js';

export interface MatmulOptions {
  /** Read `a` with its last two axes swapped (as tf.matMul's transposeA); no copy is made. */
  readonly transposeA?: boolean;
  /** Read `b` with its last two axes swapped. */
  readonly transposeB?: boolean;
}

/**
 * Matrix product with NumPy/PyTorch semantics: 1-D operands are treated as a row (left) or
 * column (right) vector and that axis is removed from the result; batch axes broadcast.
 * `transposeA` / `transposeB` multiply by an operand's transpose (rank ≥ 2) without copying it.
 * @example matmul(ones([2, 3]), ones([3, 4])).shape // [2, 4]
 * @example matmul(ones([2, 3]), ones([4, 3]), { transposeB: true }).shape // [2, 4]
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const ta = options.transposeA === true;
  const tb = options.transposeB === true;
  if (ta || tb) {
    if ((ta && a.ndim < 2) || (tb && b.ndim < 2)) {
      throw new ShapeError(`matmul: transpose${ta && a.ndim < 2 ? 'A' : 'B'} needs an operand of rank 2 or more, got ${formatShape(ta && a.ndim < 2 ? a.shape : b.shape)}`);
    }
    if (a.ndim < 2 || b.ndim < 2) return matmul(ta ? a.transpose() : a, tb ? b.transpose() : b);
    return matmulT(a, b, ta, tb);
  }
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(`matmul: cannot multiply ${formatShape(a.shape)} by ${formatShape(b.shape)}: both operands need at least one dimension (use mul for scalars)`);
  }
  // Checked here, before 1-D operands are unsqueezed, so the message shows the shapes the caller passed.
  const k1 = a.shape[a.ndim - 1];
  const k2 = b.ndim === 1 ? b.shape[0] : b.shape[b.ndim - 2];
  if (k1 !== k2) {
    throw new ShapeError(`matmul: cannot multiply ${formatShape(a.shape)} by ${formatShape(b.shape)}: inner dimensions ${String(k1)} and ${String(k2)} differ`);
  }
  const a2 = a.ndim === 1 ? unsqueeze(a, 0) : a;
  const b2 = b.ndim === 1 ? unsqueeze(b, 1) : b;
  let out = apply(matmulDef, [a2, b2], {});
  if (a.ndim === 1 || b.ndim === 1) {
    const shape = [...out.shape];
    if (b.ndim === 1) shape.pop();
    if (a.ndim === 1) shape.splice(shape.length - (b.ndim === 1 ? 1 : 2), 1);
    out = reshape(out, shape);
  }
  return out;
}

// The four parameter sets, shared (params are never mutated): no object per product.
const T_B: MatmulOptions = Object.freeze({ transposeA: false, transposeB: true });
const T_A: MatmulOptions = Object.freeze({ transposeA: true, transposeB: false });
const T_AB: MatmulOptions = Object.freeze({ transposeA: true, transposeB: true });

/** op(a)·op(b) for operands of rank ≥ 2, op a transpose of the last two axes where asked: the primitive itself. */
export function matmulT(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
  return apply(matmulDef, [a, b], transposeA ? (transposeB ? T_AB : T_A) : transposeB ? T_B : NO_PARAMS);
}

/** Dot product of two 1-D tensors. */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw new ShapeError(`dot: expected two 1-D tensors, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  if (a.shape[0] !== b.shape[0]) {
    throw new ShapeError(`dot: cannot take the dot product of ${formatShape(a.shape)} and ${formatShape(b.shape)}: lengths ${String(a.shape[0])} and ${String(b.shape[0])} differ`);
  }
  return matmul(a, b);
}
