import { binary, formula } from './helpers.js';
import type { OpDef } from './types.js';

export const addDef: OpDef<'add'> = {
  name: 'add',
  symbol: '+',
  role: null,
  arity: 2,
  nondifferentiable: [],
  saves: { inputs: [], result: false },
  infer: binary('add', 'promote'),
  backward: ({ grad }) => [grad, grad],
  forward: formula('{0} + {1}', '{0} + {1}'),
  local: [formula('1', '1'), formula('1', '1')],
};
