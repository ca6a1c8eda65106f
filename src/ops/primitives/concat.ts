import { DTypeError, ShapeError } from '../../errors.js';
import { promoteTypes } from '../../tensor/dtype.js';
import { formatShape } from '../../tensor/shape.js';
import { narrow } from '../shape.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

export const concatDef: OpDef<'concat'> = {
  name: 'concat',
  symbol: 'concat',
  role: null,
  arity: 'variadic',
  nondifferentiable: [],
  saves: { inputs: [], result: false },
  infer: (inputs, { axis }) => {
    const first = inputs[0];
    if (first === undefined) throw new ShapeError('concat: expected at least one tensor');
    let dtype = first.dtype;
    let total = 0;
    for (const t of inputs) {
      const same = t.shape.length === first.shape.length && t.shape.every((d, i) => i === axis || d === first.shape[i]);
      if (!same) {
        throw new ShapeError(
          `concat: shapes ${inputs.map((s) => formatShape(s.shape)).join(', ')} differ outside axis ${axis}`,
        );
      }
      total += t.shape[axis] ?? 0;
      dtype = promoteTypes(dtype, t.dtype);
    }
    if (dtype === undefined) throw new DTypeError('internal: concat dtype');
    return { shape: first.shape.map((d, i) => (i === axis ? total : d)), dtype };
  },
  backward: ({ grad, inputs, params: { axis }, needsGrad }) => {
    let start = 0;
    return inputs.map((t, i) => {
      const len = t.shape[axis] ?? 0;
      const piece = needsGrad[i] ? narrow(grad, axis, start, len) : null;
      start += len;
      return piece;
    });
  },
  forward: formula('concat({0}, …)', '\\operatorname{concat}({0}, \\dots)'),
  local: [formula('slice of grad', '\\operatorname{slice}')],
};
