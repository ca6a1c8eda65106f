import { expand, reshape } from '../shape.js';
import { reducedShape, reduceInfer } from './reduceHelpers.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

export const sumDef: OpDef<'sum'> = {
  name: 'sum',
  symbol: 'Σ',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [], result: false },
  infer: reduceInfer('sum', true),
  backward: ({ grad, inputs: [x], params }) => [expand(reshape(grad, reducedShape(x!.shape, params.axes, true)), x!.shape)],
  forward: formula('Σ {0}', '\\sum {0}'),
  local: [formula('1', '1')],
};
