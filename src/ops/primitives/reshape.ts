import { DTypeError, ShapeError } from '../../errors.js';
import { formatShape, shapeSize } from '../../tensor/shape.js';
import { reshapeGradient } from '../shape.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

export const reshapeDef: OpDef<'reshape'> = {
  name: 'reshape',
  symbol: 'reshape',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [], result: false },
  infer: ([x], { shape }) => {
    if (x === undefined) throw new DTypeError('internal: reshape needs an input');
    if (shapeSize(shape) !== shapeSize(x.shape)) {
      throw new ShapeError(
        `reshape: cannot reshape ${formatShape(x.shape)} (${shapeSize(x.shape)} elements) into ${formatShape(shape)} (${shapeSize(shape)} elements)`,
      );
    }
    return { shape, dtype: x.dtype };
  },
  backward: ({ grad, inputs: [x] }) => [reshapeGradient(grad, x!.shape)],
  forward: formula('reshape({0})', '\\operatorname{reshape}({0})'),
  local: [formula('reshape⁻¹', '\\operatorname{reshape}^{-1}')],
};
