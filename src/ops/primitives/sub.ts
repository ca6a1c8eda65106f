import { neg } from '../elementwise.js';
import { binary, formula } from './helpers.js';
import type { OpDef } from './types.js';

export const subDef: OpDef<'sub'> = {
  name: 'sub',
  symbol: '\u2212',
  role: null,
  arity: 2,
  nondifferentiable: [],
  saves: { inputs: [], result: false },
  infer: binary('sub', 'promote'),
  backward: ({ grad, needsGrad }) => [grad, needsGrad[1] ? neg(grad) : null],
  forward: formula('{0} − {1}', '{0} - {1}'),
  local: [formula('1', '1'), formula('−1', '-1')],
};
