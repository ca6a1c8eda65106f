import { DTypeError, ShapeError } from '../../errors.js';
import { formatShape } from '../../tensor/shape.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

export const expandDef: OpDef<'expand'> = {
  name: 'expand',
  symbol: 'expand',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [], result: false },
  infer: ([x], { shape }) => {
    if (x === undefined) throw new DTypeError('internal: expand needs an input');
    const offset = shape.length - x.shape.length;
    if (offset < 0) {
      throw new ShapeError(`expand: cannot expand ${formatShape(x.shape)} to ${formatShape(shape)}: the target has fewer dimensions than the input`);
    }
    const ok = offset >= 0 && x.shape.every((d, i) => d === 1 || d === shape[i + offset]);
    if (!ok) {
      throw new ShapeError(`expand: cannot expand ${formatShape(x.shape)} to ${formatShape(shape)}: only size-1 dimensions can grow`);
    }
    return { shape, dtype: x.dtype };
  },
  // The engine sums the broadcast gradient back to the input's shape.
  backward: ({ grad }) => [grad],
  forward: formula('expand({0})', '\\operatorname{expand}({0})'),
  local: [formula('Σ over broadcast axes', '\\textstyle\\sum_{\\text{broadcast}}')],
};
