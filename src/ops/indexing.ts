/** Gathering by integer indices: picking class scores by label, selecting rows. */
import { apply } from '../autograd/engine.js';
import { gatherDef } from './primitives/gather.js';
import { scatterAddDef } from './primitives/scatterAdd.js';
import { DTypeError, ShapeError } from '../errors.js';
import { tensor } from '../tensor/create.js';
import { formatShape, normalizeAxis, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { expand, reshape } from './shape.js';

function checkIndex(op: string, index: Tensor, shape: Shape, axis: number): void {
  if (index.dtype !== 'int32') {
    throw new DTypeError(`${op}: index must be int32 (e.g. labels), got ${index.dtype}; convert it with .cast('int32')`);
  }
  const size = shape[axis] ?? 0;
  const data = index._data;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] ?? 0;
    if (v < 0 || v >= size) {
      const valid = size === 0 ? 'the axis is empty' : `valid: 0..${size - 1}`;
      throw new ShapeError(`${op}: index ${v} is out of range for axis ${axis} of shape ${formatShape(shape)} (${valid})`);
    }
  }
}

/**
 * PyTorch's gather: out[i][j] = x[i][index[i][j]] for axis 1 (index has x's rank).
 * @example
 * const logits = tensor([[1, 2, 3], [4, 5, 6]]);
 * logits.gather(1, tensor([[2], [0]], { dtype: 'int32' })); // [[3], [4]]
 */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  const a = normalizeAxis('gather', axis, x.ndim);
  checkIndex('gather', index, x.shape, a);
  return apply(gatherDef, [x, index], { axis: a });
}

/** @internal gather without the index check (indices known valid). */
export function gatherRaw(x: Tensor, axis: number, index: Tensor): Tensor {
  return apply(gatherDef, [x, index], { axis });
}

/** @internal Adds `src` into zeros of `shape` at `index` along `axis` (the adjoint of gather; the public scatterAdd is in scatter.ts). */
export function scatterAddRaw(src: Tensor, axis: number, index: Tensor, shape: Shape): Tensor {
  return apply(scatterAddDef, [src, index], { axis, shape });
}

/**
 * Picks entries `index` (1-D, int32 or a list) along `axis`.
 * @example arange(6).reshape([3, 2]).indexSelect(0, [2, 0]) // rows 2 and 0
 */
export function indexSelect(x: Tensor, axis: number, index: Tensor | readonly number[]): Tensor {
  const a = normalizeAxis('indexSelect', axis, x.ndim);
  const idx = index instanceof Tensor ? index : tensor([...index], { dtype: 'int32' });
  if (idx.ndim !== 1) throw new ShapeError(`indexSelect: index must be 1-D, got shape ${formatShape(idx.shape)}`);
  checkIndex('indexSelect', idx, x.shape, a);
  const viewShape = x.shape.map((_, i) => (i === a ? idx.size : 1));
  const outShape = x.shape.map((d, i) => (i === a ? idx.size : d));
  return gatherRaw(x, a, expand(reshape(idx, viewShape), outShape));
}
