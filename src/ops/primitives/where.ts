import { DTypeError } from '../../errors.js';
import { promoteTypes } from '../../tensor/dtype.js';
import { broadcastShapes } from '../../tensor/shape.js';
import { where } from '../elementwise.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

export const whereDef: OpDef<'where'> = {
  name: 'where',
  symbol: 'where',
  role: null,
  arity: 3,
  nondifferentiable: [0],
  saves: { inputs: [0], result: false },
  infer: ([c, a, b]) => {
    if (c === undefined || a === undefined || b === undefined) throw new DTypeError('internal: where needs three inputs');
    return { shape: broadcastShapes('where', c.shape, a.shape, b.shape), dtype: promoteTypes(a.dtype, b.dtype) };
  },
  backward: ({ grad, inputs: [c], needsGrad }) => [
    null,
    needsGrad[1] ? where(c!, grad, 0) : null,
    needsGrad[2] ? where(c!, 0, grad) : null,
  ],
  forward: formula('{0} ? {1} : {2}', '\\begin{cases} {1} & {0} \\\\ {2} & \\text{otherwise} \\end{cases}'),
  local: [null, formula('[{0}]', '\\mathbb 1[{0}]'), formula('[¬{0}]', '\\mathbb 1[\\lnot {0}]')],
};
