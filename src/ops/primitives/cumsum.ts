import { DTypeError, ShapeError } from '../../errors.js';
import { formatShape } from '../../tensor/shape.js';
import { cumsumRaw } from '../scan.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

/**
 * Running sums along an axis. A primitive because composed (a product with a triangular matrix of
 * ones) it costs n² per slice. Linear, so its rule is its adjoint: the running sums of the upstream
 * gradient taken from the other end; that rule is a cumsum again, so every order is differentiable.
 */
export const cumsumDef: OpDef<'cumsum'> = {
  name: 'cumsum',
  symbol: 'cumsum',
  symbolFor: ({ reverse }) => (reverse ? 'cumsum ←' : 'cumsum'),
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [], result: false },
  infer: ([x], { axis }) => {
    if (x === undefined) throw new DTypeError('internal: cumsum needs an input');
    if (!(axis >= 0 && axis < x.shape.length)) throw new ShapeError(`internal: cumsum axis ${axis} does not fit shape ${formatShape(x.shape)}`);
    // PyTorch sums integers and bools as int64; int32 is chainrule's widest integer.
    return { shape: x.shape, dtype: x.dtype === 'bool' ? 'int32' : x.dtype };
  },
  backward: ({ grad, params: { axis, reverse } }) => [cumsumRaw(grad, axis, !reverse)],
  forward: formula('Σ_{s≤t} {0}_s', '\\textstyle\\sum_{s \\le t} {0}_s'),
  local: [formula('[s ≤ t]', '\\mathbb 1[s \\le t]')],
  formulasFor: ({ reverse }) =>
    reverse
      ? { forward: formula('Σ_{s≥t} {0}_s', '\\textstyle\\sum_{s \\ge t} {0}_s'), local: [formula('[s ≥ t]', '\\mathbb 1[s \\ge t]')] }
      : { forward: formula('Σ_{s≤t} {0}_s', '\\textstyle\\sum_{s \\le t} {0}_s'), local: [formula('[s ≤ t]', '\\mathbb 1[s \\le t]')] },
};
