import { cast, div, eq, mul } from '../elementwise.js';
import { sum } from '../reduce.js';
import { expand, reshape } from '../shape.js';
import { reducedShape, reduceInfer } from './reduceHelpers.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

export const maxDef: OpDef<'max'> = {
  name: 'max',
  symbol: 'max',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [0], result: true },
  infer: reduceInfer('max', false),
  backward: ({ grad, inputs: [x], result, params }) => {
    const kept = reducedShape(x!.shape, params.axes, true);
    const best = expand(reshape(result.detach(), kept), x!.shape);
    // NOTE: ties share the gradient evenly (docs/gradients.md).
    const mask = cast(eq(x!, best), grad.dtype);
    const count = sum(mask, params.axes, true);
    return [mul(div(mask, count), expand(reshape(grad, kept), x!.shape))];
  },
  forward: formula('max {0}', '\\max {0}'),
  local: [formula('[{0} = max]/#ties', '\\mathbb 1[{0} = \\max]/n_{\\text{ties}}')],
};
