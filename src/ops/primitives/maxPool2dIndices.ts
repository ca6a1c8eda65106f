import { DTypeError, ShapeError } from '../../errors.js';
import { formatShape } from '../../tensor/shape.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

/**
 * For each max-pooling window of x [N, C, H, W], the int32 index into the H·W plane of its
 * maximum: the first one on ties, the last NaN where the window holds NaNs (PyTorch's CPU kernel:
 * `v > best || isnan(v)`). Not differentiable: maxPool2d gathers the values at these indices, so
 * its gradient is gather's, a scatter-add routing each δ to its window's maximum.
 */
export const maxPool2dIndicesDef: OpDef<'maxPool2dIndices'> = {
  name: 'maxPool2dIndices',
  symbol: 'argmax pool',
  role: null,
  arity: 1,
  nondifferentiable: [0],
  saves: { inputs: [], result: false },
  infer: ([x], { outSize }) => {
    if (x === undefined) throw new DTypeError('internal: maxPool2dIndices needs an input');
    if (x.shape.length !== 4) throw new ShapeError(`maxPool2dIndices: expected a 4-d input (N, C, H, W), got shape ${formatShape(x.shape)}`);
    if (x.dtype === 'bool') throw new DTypeError("maxPool2dIndices: expected a numeric tensor, got bool; cast it first with .cast('float32')");
    return { shape: [x.shape[0]!, x.shape[1]!, outSize[0]!, outSize[1]!], dtype: 'int32' };
  },
  backward: null,
  forward: formula('argmax over each window of {0}', '\\operatorname{argmax}_{\\text{window}} {0}'),
  local: [null],
};
