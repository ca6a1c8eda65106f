import { DTypeError, ShapeError } from '../../errors.js';
import { formatShape } from '../../tensor/shape.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

/**
 * The permutation that sorts each slice along `axis`. Always stable (ties keep index order, also
 * when descending) and NaN sorts as the largest value, as PyTorch's `sort(stable=True)`: one total
 * order, so every backend gives the same indices. Not differentiable: `sort` and `topk` take their
 * values with a gather by these indices, whose gradient is a scatter-add.
 */
export const argsortDef: OpDef<'argsort'> = {
  name: 'argsort',
  symbol: 'argsort',
  symbolFor: ({ descending }) => (descending ? 'argsort ↓' : 'argsort'),
  role: null,
  arity: 1,
  nondifferentiable: [0],
  saves: { inputs: [], result: false },
  infer: ([x], { axis }) => {
    if (x === undefined) throw new DTypeError('internal: argsort needs an input');
    if (!(axis >= 0 && axis < x.shape.length)) throw new ShapeError(`internal: argsort axis ${axis} does not fit shape ${formatShape(x.shape)}`);
    return { shape: x.shape, dtype: 'int32' };
  },
  backward: null,
  forward: formula('argsort {0}', '\\operatorname{argsort} {0}'),
  local: [null],
};
