/** Writing along an axis by integer indices (torch.scatter, torch.scatter_add) and one-hot encoding. */
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { arange, full, tensor, zerosLike } from '../tensor/create.js';
import { formatShape, normalizeAxis, shapeEqual, stridesOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { add, cast, eq, where } from './elementwise.js';
import { scatterAddRaw } from './indexing.js';
import { reshape, sliceRaw, unsqueeze } from './shape.js';
import { checkIndexValues, intOption, tensorArg } from './indexArgs.js';

/** Checks PyTorch's shape rules and returns the axis and the part of src that index covers. */
function scatterArgs(op: string, x: Tensor, axis: number, index: Tensor, source: Tensor | number): { axis: number; src: Tensor } {
  const a = normalizeAxis(op, axis, x.ndim);
  tensorArg(op, index, 'index');
  if (!(source instanceof Tensor) && typeof source !== 'number') throw new DTypeError(`${op}: src must be a Tensor${op === 'scatter' ? ' or a number' : ''}, got ${typeof source}`);
  if (index.dtype !== 'int32') throw new DTypeError(`${op}: index must be int32, got ${index.dtype}; convert it with .cast('int32')`);
  const src = source instanceof Tensor ? source : full(index.shape, source, { dtype: x.dtype });
  if (src.dtype !== x.dtype) throw new DTypeError(`${op}: src must have x's dtype ${x.dtype}, got ${src.dtype}; cast one of them`);
  if (index.size === 0) return { axis: a, src };
  if (index.ndim !== x.ndim || src.ndim !== x.ndim) {
    throw new ShapeError(`${op}: x ${formatShape(x.shape)}, index ${formatShape(index.shape)} and src ${formatShape(src.shape)} must have the same number of dimensions`);
  }
  const fits = index.shape.every((d, i) => d <= (src.shape[i] ?? 0) && (i === a || d <= (x.shape[i] ?? 0)));
  if (!fits) {
    throw new ShapeError(
      `${op}: index ${formatShape(index.shape)} must be no larger than src ${formatShape(src.shape)} in every dimension and no larger than x ${formatShape(x.shape)} apart from axis ${a}`,
    );
  }
  checkIndexValues(op, index, x.shape, a);
  const used = shapeEqual(src.shape, index.shape) ? src : sliceRaw(src, { starts: index.shape.map(() => 0), steps: index.shape.map(() => 1), sizes: index.shape });
  return { axis: a, src: used };
}

/** A 0-d x (with a 0-d index and src) scattered as the 1-D tensor of its one element, as PyTorch allows. */
function asOneD<S extends Tensor | number>(op: string, x: Tensor, axis: number, index: Tensor, src: S, f: (x: Tensor, axis: number, index: Tensor, src: S) => Tensor): Tensor {
  normalizeAxis(op, axis, 1);
  const one = (t: Tensor): Tensor => (t.ndim === 0 ? reshape(t, [1]) : t);
  const s = (src instanceof Tensor ? one(src) : src) as S;
  return reshape(f(one(x), 0, one(index), s), []);
}

/** For each element of index (row-major): the flat position in x it writes to. */
function destinations(index: Tensor, shape: readonly number[], axis: number): Int32Array {
  const xStrides = stridesOf(shape);
  const iStrides = stridesOf(index.shape);
  const data = index._data;
  const out = new Int32Array(data.length);
  for (let p = 0; p < data.length; p++) {
    let rest = p;
    let dest = 0;
    for (let d = 0; d < index.ndim; d++) {
      const i = Math.floor(rest / (iStrides[d] ?? 1));
      rest -= i * (iStrides[d] ?? 1);
      dest += (d === axis ? (data[p] ?? 0) : i) * (xStrides[d] ?? 0);
    }
    out[p] = dest;
  }
  return out;
}

/**
 * torch.scatter(x, dim, index, src), out of place: x with, along `axis`,
 * out[…][index[i][j]][…] = src[i][j] (src may be a number). Where indices repeat, the last in
 * row-major order wins, and only it receives src's gradient (PyTorch leaves the winner
 * unspecified); x's gradient is zero where it was overwritten.
 * @example scatter(zeros([2, 3]), 1, tensor([[2], [0]], { dtype: 'int32' }), tensor([[5], [7]])) // [[0, 0, 5], [7, 0, 0]]
 */
export function scatter(x: Tensor, axis: number, index: Tensor, src: Tensor | number): Tensor {
  tensorArg('scatter', x);
  if (x.ndim === 0) return asOneD('scatter', x, axis, index, src, scatter);
  const args = scatterArgs('scatter', x, axis, index, src);
  if (index.size === 0) return x;
  const dest = destinations(index, x.shape, args.axis);
  // NOTE: of repeated indices the last (row-major) writes, and only it gets src's gradient (docs/gradients.md).
  const last = new Map<number, number>();
  dest.forEach((d, p) => last.set(d, p));
  const winners = Uint8Array.from(dest, (d, p) => (last.get(d) === p ? 1 : 0));
  const covered = new Uint8Array(x.size);
  for (const d of dest) covered[d] = 1;
  const srcUsed = winners.every((w) => w === 1) ? args.src : where(tensor(winners, { dtype: 'bool', shape: index.shape }), args.src, zerosLike(args.src));
  const placed = scatterAddRaw(srcUsed, args.axis, index, x.shape);
  return where(tensor(covered, { dtype: 'bool', shape: x.shape }), placed, x);
}

/**
 * torch.scatter_add(x, dim, index, src), out of place: x plus src added in along `axis` at
 * `index` (repeated indices add up). Differentiable in x and src.
 * @example scatterAdd(zeros([3]), 0, tensor([0, 2, 0], { dtype: 'int32' }), tensor([1, 2, 3])) // [4, 0, 2]
 */
export function scatterAdd(x: Tensor, axis: number, index: Tensor, src: Tensor): Tensor {
  tensorArg('scatterAdd', x);
  if (!(src instanceof Tensor)) throw new DTypeError(`scatterAdd: src must be a Tensor, got ${typeof src}`);
  if (x.ndim === 0) return asOneD('scatterAdd', x, axis, index, src, scatterAdd);
  const args = scatterArgs('scatterAdd', x, axis, index, src);
  if (index.size === 0) return x;
  return add(x, scatterAddRaw(args.src, args.axis, index, x.shape));
}

/**
 * One-hot encoding, as torch.nn.functional.one_hot: int32 class indices of any shape to int32
 * [...shape, numClasses] (PyTorch's int64); numClasses −1 (the default) takes the largest index + 1.
 * @example oneHot(tensor([0, 2], { dtype: 'int32' }), 3) // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  tensorArg('oneHot', indices, 'indices');
  if (indices.dtype !== 'int32') throw new DTypeError(`oneHot: indices must be int32 class labels, got ${indices.dtype}; convert them with .cast('int32')`);
  const n = intOption('oneHot', numClasses, 'numClasses', -1);
  const data = indices._data;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    lo = Math.min(lo, data[i] ?? 0);
    hi = Math.max(hi, data[i] ?? 0);
  }
  if (lo < 0) throw new ValueError(`oneHot: class values must be non-negative, got ${lo}`);
  let classes = n;
  if (n === -1) {
    if (data.length === 0) throw new ValueError('oneHot: cannot infer the number of classes from an empty tensor; pass numClasses');
    classes = hi + 1;
  } else if (n < 1) {
    throw new ValueError(`oneHot: numClasses must be a positive integer or -1 (inferred), got ${n}`);
  } else if (hi >= n) {
    throw new ValueError(`oneHot: class value ${hi} is out of range for numClasses = ${n} (valid: 0..${n - 1})`);
  }
  return cast(eq(unsqueeze(indices, -1), arange(0, classes, 1, { dtype: 'int32' })), 'int32');
}
