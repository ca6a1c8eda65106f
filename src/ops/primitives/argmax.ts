import { DTypeError, ShapeError } from '../../errors.js';
import { formatShape } from '../../tensor/shape.js';
import { reducedShape } from './reduceHelpers.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

export const argmaxDef: OpDef<'argmax'> = {
  name: 'argmax',
  symbol: 'argmax',
  role: null,
  arity: 1,
  nondifferentiable: [0],
  saves: { inputs: [], result: false },
  infer: ([x], { axis, keepdims }) => {
    if (x === undefined) throw new DTypeError('internal: argmax needs an input');
    if (x.shape[axis] === 0) throw new ShapeError(`argmax: axis ${axis} of shape ${formatShape(x.shape)} is empty`);
    return { shape: reducedShape(x.shape, [axis], keepdims), dtype: 'int32' };
  },
  backward: null,
  forward: formula('argmax {0}', '\\operatorname{argmax} {0}'),
  local: [null],
};
