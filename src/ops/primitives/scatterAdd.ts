import { DTypeError, ShapeError } from '../../errors.js';
import { formatShape, shapeEqual } from '../../tensor/shape.js';
import { gatherRaw } from '../indexing.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

/** The adjoint of gather: adds src into zeros of `shape` at the indexed positions. */
export const scatterAddDef: OpDef<'scatterAdd'> = {
  name: 'scatterAdd',
  symbol: 'scatterAdd',
  role: null,
  arity: 2,
  nondifferentiable: [1],
  saves: { inputs: [1], result: false },
  infer: ([src, index], { shape }) => {
    if (src === undefined || index === undefined) throw new DTypeError('internal: scatterAdd needs two inputs');
    if (index.dtype !== 'int32') throw new DTypeError(`scatterAdd: index must be int32, got ${index.dtype}`);
    if (!shapeEqual(src.shape, index.shape)) {
      throw new ShapeError(`scatterAdd: src ${formatShape(src.shape)} and index ${formatShape(index.shape)} must have the same shape`);
    }
    return { shape: [...shape], dtype: src.dtype };
  },
  backward: ({ grad, inputs: [, index], params: { axis } }) => [gatherRaw(grad, axis, index!), null],
  forward: formula('scatterAdd({0}, {1})', '\\operatorname{scatterAdd}({0}, {1})'),
  local: [formula('gather', '\\operatorname{gather}'), null],
};
