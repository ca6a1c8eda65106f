import { binary, formula } from './helpers.js';
import type { OpDef } from './types.js';

/** A comparison: returns bool and is not differentiable. */
export const leDef: OpDef<'le'> = {
  name: 'le',
  symbol: '≤',
  role: null,
  arity: 2,
  nondifferentiable: [0, 1],
  saves: { inputs: [], result: false },
  infer: binary('le', 'bool'),
  backward: null,
  forward: formula('{0} ≤ {1}', '{0} \\le {1}'),
  local: [null, null],
};
