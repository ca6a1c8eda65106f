import { DTypeError } from '../../errors.js';
import { isFloating } from '../../tensor/dtype.js';
import { cast } from '../elementwise.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

export const castDef: OpDef<'cast'> = {
  name: 'cast',
  symbol: 'cast',
  symbolFor: ({ dtype }) => `cast ${dtype}`,
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [0], result: false },
  infer: ([x], { dtype }) => {
    if (x === undefined) throw new DTypeError('internal: cast needs an input');
    return { shape: x.shape, dtype };
  },
  // A cast to an integer type is not differentiable; the engine never asks (int outputs record no graph).
  backward: ({ grad, inputs: [x] }) => [isFloating(x!.dtype) ? cast(grad, x!.dtype) : null],
  forward: formula('{0}', '{0}'),
  local: [formula('1', '1')],
};
