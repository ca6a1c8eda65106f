import { maxGrad } from '../reduce.js';
import { reshape } from '../shape.js';
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
    // NOTE: ties share the gradient evenly (docs/gradients.md); one maxGrad pass, not seven ops.
    return [maxGrad(reshape(grad, kept), x!, reshape(result.detach(), kept), params.axes)];
  },
  forward: formula('max {0}', '\\max {0}'),
  local: [formula('[{0} = max]/#ties', '\\mathbb 1[{0} = \\max]/n_{\\text{ties}}')],
};
