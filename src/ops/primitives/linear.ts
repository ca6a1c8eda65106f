import { DTypeError, ShapeError } from '../../errors.js';
import { promoteTypes } from '../../tensor/dtype.js';
import { formatShape } from '../../tensor/shape.js';
import { matmulT } from '../linalg.js';
import { sumToShape } from '../shape.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

/**
 * x·Wᵀ + b in one op (PyTorch's `addmm`, TensorFlow's fused MatMul + BiasAdd): x [m, k], W [n, k]
 * (Linear's layout), b [n] → [m, n]. What `Linear` records for a 2-D input: one node and one
 * output array where a product and a broadcast add made two. Its gradients are products with
 * transposed operands and a sum over the batch, all differentiable again.
 */
export const linearDef: OpDef<'linear'> = {
  name: 'linear',
  symbol: 'x·Wᵀ+b',
  role: null,
  arity: 3,
  nondifferentiable: [],
  saves: { inputs: [0, 1], result: false },
  infer: ([x, w, b]) => {
    if (x === undefined || w === undefined || b === undefined) throw new DTypeError('internal: linear needs three inputs');
    if (x.dtype === 'bool' || w.dtype === 'bool' || b.dtype === 'bool') throw new DTypeError('linear: bool tensors cannot be multiplied; cast them first');
    const k = x.shape[1];
    if (x.shape.length !== 2 || w.shape.length !== 2 || b.shape.length !== 1 || w.shape[1] !== k || b.shape[0] !== w.shape[0]) {
      throw new ShapeError(
        `linear: expected x [batch, in], weight [out, in] and bias [out], got ${formatShape(x.shape)}, ${formatShape(w.shape)} and ${formatShape(b.shape)}`,
      );
    }
    const dtype = x.dtype === w.dtype && w.dtype === b.dtype ? x.dtype : promoteTypes(promoteTypes(x.dtype, w.dtype), b.dtype);
    return { shape: [x.shape[0]!, w.shape[0]!], dtype };
  },
  backward: ({ grad, inputs: [x, w], needsGrad }) => [
    needsGrad[0] ? matmulT(grad, w!, false, false) : null,
    needsGrad[1] ? matmulT(grad, x!, true, false) : null,
    // Σ over the batch, as any broadcast gradient is summed back (one row is a reshape there).
    needsGrad[2] ? sumToShape(grad, [grad.shape[1]!]) : null,
  ],
  forward: formula('{0}·{1}ᵀ + {2}', '{0} {1}^\\top + {2}'),
  local: [formula('grad·{1}', '\\bar{g}\\,{1}'), formula('gradᵀ·{0}', '\\bar{g}^\\top {0}'), formula('Σ_batch grad', '\\textstyle\\sum_{\\text{batch}} \\bar{g}')],
};
