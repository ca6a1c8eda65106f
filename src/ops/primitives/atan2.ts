import { add, div, mul, neg } from '../elementwise.js';
import { binary, formula } from './helpers.js';
import type { OpDef } from './types.js';

/**
 * The angle of the point (x, y) = (input 1, input 0), with broadcasting. A primitive: atan(y/x)
 * loses the quadrant and the signed zeros and infinities. At the origin both gradients are
 * 0/0 = NaN, as in PyTorch (the angle has no limit there; docs/gradients.md).
 */
export const atan2Def: OpDef<'atan2'> = {
  name: 'atan2',
  symbol: 'atan2',
  role: null,
  arity: 2,
  nondifferentiable: [],
  saves: { inputs: [0, 1], result: false },
  infer: binary('atan2', 'float'),
  backward: ({ grad, inputs: [y, x], needsGrad }) => {
    // NOTE: r² = 0 at the origin gives 0/0 = NaN in both, PyTorch's value (docs/gradients.md).
    const r2 = add(mul(x!, x!), mul(y!, y!));
    return [needsGrad[0] ? div(mul(grad, x!), r2) : null, needsGrad[1] ? neg(div(mul(grad, y!), r2)) : null];
  },
  forward: formula('atan2({0}, {1})', '\\operatorname{atan2}({0}, {1})'),
  local: [formula('{1}/({0}² + {1}²)', '\\frac{{1}}{{0}^2 + {1}^2}'), formula('−{0}/({0}² + {1}²)', '-\\frac{{0}}{{0}^2 + {1}^2}')],
};
