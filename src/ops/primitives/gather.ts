import { DTypeError, ShapeError } from '../../errors.js';
import { formatShape } from '../../tensor/shape.js';
import { scatterAddRaw } from '../indexing.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

/** out[i][j] = x[index[i][j]][j] for axis 0 (PyTorch's gather). Index values are checked by `gather()`. */
export const gatherDef: OpDef<'gather'> = {
  name: 'gather',
  symbol: 'gather',
  role: null,
  arity: 2,
  nondifferentiable: [1],
  saves: { inputs: [1], result: false },
  infer: ([x, index], { axis }) => {
    if (x === undefined || index === undefined) throw new DTypeError('internal: gather needs two inputs');
    if (index.dtype !== 'int32') throw new DTypeError(`gather: index must be int32 (e.g. labels), got ${index.dtype}; convert it with .cast('int32')`);
    const ok = index.shape.length === x.shape.length && index.shape.every((d, i) => i === axis || d <= (x.shape[i] ?? 0));
    if (!ok) {
      throw new ShapeError(
        `gather: index of shape ${formatShape(index.shape)} does not fit input ${formatShape(x.shape)} along axis ${axis}: ` +
          'ranks must match and every other dimension must be no larger than the input\'s',
      );
    }
    return { shape: index.shape, dtype: x.dtype };
  },
  backward: ({ grad, inputs: [x, index], params: { axis } }) => [scatterAddRaw(grad, axis, index!, x!.shape), null],
  forward: formula('gather({0}, {1})', '\\operatorname{gather}({0}, {1})'),
  local: [formula('scatter-add', '\\operatorname{scatterAdd}'), null],
};
