import { add, mul } from '../elementwise.js';
import { binary, formula } from './helpers.js';
import type { OpDef } from './types.js';

export const mulDef: OpDef<'mul'> = {
  name: 'mul',
  symbol: '×',
  role: null,
  arity: 2,
  nondifferentiable: [],
  saves: { inputs: [0, 1], result: false },
  infer: binary('mul', 'promote'),
  backward: ({ grad, inputs: [a, b], needsGrad }) => {
    // x·x (square): both gradients are grad·x; one product added to itself, given once.
    if (a === b && needsGrad[0]) {
      const t = mul(grad, a!);
      return [add(t, t), null];
    }
    return [needsGrad[0] ? mul(grad, b!) : null, needsGrad[1] ? mul(grad, a!) : null];
  },
  forward: formula('{0}·{1}', '{0} \\cdot {1}'),
  local: [formula('{1}', '{1}'), formula('{0}', '{0}')],
};
