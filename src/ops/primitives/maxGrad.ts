import { DTypeError, ShapeError } from '../../errors.js';
import { isFloating } from '../../tensor/dtype.js';
import { formatShape, shapeEqual } from '../../tensor/shape.js';
import { onesLike } from '../../tensor/create.js';
import { mul } from '../elementwise.js';
import { maxGrad, sum } from '../reduce.js';
import { reducedShape } from './reduceHelpers.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

/**
 * max's backward step in one pass, as reluGrad is ReLU's: ([x = m]/#ties)·g over each reduced
 * slice of x, for the upstream gradient g and the slices' max m, both in the kept shape (size 1 on
 * the reduced axes). Composed (expand, eq, cast, a sum, a broadcast div, expand, mul) it made seven
 * full-size passes. A slice with no element equal to m (m NaN) gets 0/0 = NaN throughout, as the
 * composed rule did. Linear in g: its rule is the adjoint, Σ over each slice of the upstream times
 * the same weights; x and m only select (piecewise constant, as reluGrad's x).
 */
export const maxGradDef: OpDef<'maxGrad'> = {
  name: 'maxGrad',
  symbol: 'maxGrad',
  role: null,
  arity: 3,
  nondifferentiable: [1, 2],
  saves: { inputs: [0, 1, 2], result: false },
  infer: ([g, x, m], { axes }) => {
    if (g === undefined || x === undefined || m === undefined) throw new DTypeError('internal: maxGrad needs three inputs');
    if (!isFloating(g.dtype)) throw new DTypeError(`maxGrad: the gradient must be float32 or float64, got ${g.dtype}`);
    const kept = reducedShape(x.shape, axes, true);
    if (!shapeEqual(g.shape, kept) || !shapeEqual(m.shape, kept)) {
      throw new ShapeError(
        `maxGrad: the gradient ${formatShape(g.shape)} and the max ${formatShape(m.shape)} must both have shape ${formatShape(kept)} (x ${formatShape(x.shape)} reduced over axes [${axes.join(', ')}], kept)`,
      );
    }
    return { shape: x.shape, dtype: g.dtype };
  },
  backward: ({ grad, inputs: [g, x, m], params: { axes } }) => [sum(mul(grad, maxGrad(onesLike(g!), x!, m!, axes)), axes, true), null, null],
  forward: formula('{0}·[{1} = {2}]/#ties', '{0}\\,\\mathbb 1[{1} = {2}]/n_{\\text{ties}}'),
  local: [formula('[{1} = {2}]/#ties', '\\mathbb 1[{1} = {2}]/n_{\\text{ties}}'), null, null],
};
