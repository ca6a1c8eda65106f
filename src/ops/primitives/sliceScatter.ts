import { DTypeError } from '../../errors.js';
import { sliceRaw } from '../shape.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

/** The adjoint of slice: places its input at the sliced positions of a zero tensor of `shape`. */
export const sliceScatterDef: OpDef<'sliceScatter'> = {
  name: 'sliceScatter',
  symbol: 'sliceScatter',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [], result: false },
  infer: ([x], { shape }) => {
    if (x === undefined) throw new DTypeError('internal: sliceScatter needs an input');
    return { shape: [...shape], dtype: x.dtype };
  },
  backward: ({ grad, params }) => [sliceRaw(grad, params)],
  forward: formula('scatter({0})', '\\operatorname{scatter}({0})'),
  local: [formula('slice', '\\operatorname{slice}')],
};
