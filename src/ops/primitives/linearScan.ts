import { DTypeError, ShapeError } from '../../errors.js';
import { promoteTypes } from '../../tensor/dtype.js';
import { formatShape, shapeEqual } from '../../tensor/shape.js';
import { mul } from '../elementwise.js';
import { linearScanRaw, shiftAlong } from '../scan.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

/**
 * The first-order linear recurrence h₀ = b₀, h_t = a_t·h_{t−1} + b_t along an axis (from the end
 * when reversed). cumprod is this scan with a = x and b = x at the first step (0 after), and its
 * gradient is this scan again, run the other way: λ_t = g_t + a_{t+1}·λ_{t+1}, so ∂/∂b = λ and
 * ∂/∂a_t = λ_t·h_{t−1}. No division by the input, so zeros in it need no special case (PyTorch's
 * cumprod backward divides where it can and falls back to an n² product where the input holds a
 * zero), and since the rule is this op, mul and shifts, every order is differentiable.
 */
export const linearScanDef: OpDef<'linearScan'> = {
  name: 'linearScan',
  symbol: 'scan',
  role: null,
  arity: 2,
  nondifferentiable: [],
  saves: { inputs: [0], result: true },
  infer: ([a, b], { axis }) => {
    if (a === undefined || b === undefined) throw new DTypeError('internal: linearScan needs two inputs');
    if (!shapeEqual(a.shape, b.shape)) throw new ShapeError(`linearScan: a ${formatShape(a.shape)} and b ${formatShape(b.shape)} must have the same shape`);
    if (!(axis >= 0 && axis < a.shape.length)) throw new ShapeError(`internal: linearScan axis ${axis} does not fit shape ${formatShape(a.shape)}`);
    const dtype = promoteTypes(a.dtype, b.dtype);
    return { shape: a.shape, dtype: dtype === 'bool' ? 'int32' : dtype };
  },
  backward: ({ grad, result, inputs: [a], params: { axis, reverse }, needsGrad }) => {
    const lambda = linearScanRaw(shiftAlong(a!, axis, reverse ? 1 : -1), grad, axis, !reverse);
    return [needsGrad[0] === true ? mul(lambda, shiftAlong(result, axis, reverse ? -1 : 1)) : null, lambda];
  },
  forward: formula('h_t = {0}_t·h_{t−1} + {1}_t', 'h_t = {0}_t h_{t-1} + {1}_t'),
  local: [formula('h_{t−1}', 'h_{t-1}'), formula('1', '1')],
};
