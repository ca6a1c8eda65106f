import { binary, formula } from './helpers.js';
import type { OpDef } from './types.js';

/** A comparison: returns bool and is not differentiable. */
export const geDef: OpDef<'ge'> = {
  name: 'ge',
  symbol: '≥',
  role: null,
  arity: 2,
  nondifferentiable: [0, 1],
  saves: { inputs: [], result: false },
  infer: binary('ge', 'bool'),
  backward: null,
  forward: formula('{0} ≥ {1}', '{0} \\ge {1}'),
  local: [null, null],
};
