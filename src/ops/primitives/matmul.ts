import { DTypeError, ShapeError } from '../../errors.js';
import { promoteTypes } from '../../tensor/dtype.js';
import { broadcastShapes, formatShape } from '../../tensor/shape.js';
import { matmul } from '../linalg.js';
import { transpose } from '../shape.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

/** Batched matrix product of operands of rank ≥ 2; batch dimensions broadcast. */
export const matmulDef: OpDef<'matmul'> = {
  name: 'matmul',
  arity: 2,
  nondifferentiable: [],
  saves: { inputs: [0, 1], result: false },
  infer: ([a, b]) => {
    if (a === undefined || b === undefined) throw new DTypeError('internal: matmul needs two inputs');
    if (a.dtype === 'bool' || b.dtype === 'bool') throw new DTypeError('matmul: bool tensors cannot be multiplied; cast them first');
    const k1 = a.shape[a.shape.length - 1];
    const k2 = b.shape[b.shape.length - 2];
    if (a.shape.length < 2 || b.shape.length < 2 || k1 !== k2) {
      throw new ShapeError(
        `matmul: cannot multiply ${formatShape(a.shape)} by ${formatShape(b.shape)}: inner dimensions ${String(k1)} and ${String(k2)} differ`,
      );
    }
    let batch: number[] = [];
    // Two matrices (the usual case) have no batch dimensions to broadcast.
    if (a.shape.length > 2 || b.shape.length > 2) {
      try {
        batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
      } catch {
        throw new ShapeError(
          `matmul: cannot multiply ${formatShape(a.shape)} by ${formatShape(b.shape)}: batch dimensions ${formatShape(a.shape.slice(0, -2))} and ${formatShape(b.shape.slice(0, -2))} do not broadcast`,
        );
      }
    }
    return { shape: [...batch, a.shape[a.shape.length - 2] ?? 1, b.shape[b.shape.length - 1] ?? 1], dtype: promoteTypes(a.dtype, b.dtype) };
  },
  backward: ({ grad, inputs: [a, b], needsGrad }) => [
    needsGrad[0] ? matmul(grad, transpose(b!, -1, -2)) : null,
    needsGrad[1] ? matmul(transpose(a!, -1, -2), grad) : null,
  ],
  forward: formula('{0}{1}', '{0}{1}'),
  local: [formula('grad·{1}ᵀ', '\\bar{g}\\,{1}^\\top'), formula('{0}ᵀ·grad', '{0}^\\top \\bar{g}')],
};
