import { mul } from '../elementwise.js';
import { cosh } from '../math.js';
import { floatUnary, formula } from './helpers.js';
import type { OpDef } from './types.js';

/** A primitive rather than (eˣ − e⁻ˣ)/2, which cancels to 0 for a tiny x. */
export const sinhDef: OpDef<'sinh'> = {
  name: 'sinh',
  symbol: 'sinh',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [0], result: false },
  infer: floatUnary,
  backward: ({ grad, inputs: [x] }) => [mul(grad, cosh(x!))],
  forward: formula('sinh({0})', '\\sinh {0}'),
  local: [formula('cosh({0})', '\\cosh {0}')],
};
