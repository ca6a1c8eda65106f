import { DTypeError, ShapeError } from '../../errors.js';
import { sliceScatter } from '../shape.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

export const sliceDef: OpDef<'slice'> = {
  name: 'slice',
  symbol: 'slice',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [], result: false },
  infer: ([x], { starts, steps, sizes }) => {
    if (x === undefined) throw new DTypeError('internal: slice needs an input');
    const rank = x.shape.length;
    if (starts.length !== rank || steps.length !== rank || sizes.length !== rank) {
      throw new ShapeError(`slice: expected ${rank} ranges for a tensor of rank ${rank}, got ${starts.length} starts, ${steps.length} steps and ${sizes.length} sizes`);
    }
    return { shape: [...sizes], dtype: x.dtype };
  },
  backward: ({ grad, inputs: [x], params }) => [sliceScatter(grad, x!.shape, params)],
  forward: formula('{0}[…]', '{0}[\\dots]'),
  local: [formula('scatter into zeros', '\\operatorname{scatter}')],
};
