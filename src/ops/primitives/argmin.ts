import { DTypeError, ShapeError } from '../../errors.js';
import { formatShape } from '../../tensor/shape.js';
import { reducedShape } from './reduceHelpers.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

export const argminDef: OpDef<'argmin'> = {
  name: 'argmin',
  symbol: 'argmin',
  role: null,
  arity: 1,
  nondifferentiable: [0],
  saves: { inputs: [], result: false },
  infer: ([x], { axis, keepdims }) => {
    if (x === undefined) throw new DTypeError('internal: argmin needs an input');
    if (x.shape[axis] === 0) throw new ShapeError(`argmin: axis ${axis} of shape ${formatShape(x.shape)} is empty`);
    return { shape: reducedShape(x.shape, [axis], keepdims), dtype: 'int32' };
  },
  backward: null,
  forward: formula('argmin {0}', '\\operatorname{argmin} {0}'),
  local: [null],
};
