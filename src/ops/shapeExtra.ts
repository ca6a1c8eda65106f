/**
 * Everyday shape ops (issue 17), PyTorch's names and semantics: maskedFill, tril/triu, repeat/tile,
 * flip and chunk. All composites of where, reshape, expand, slice and split, so their gradients
 * (of every order) come from those.
 */
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { scalar, tensor } from '../tensor/create.js';
import { broadcastShapes, formatShape, normalizeAxes, normalizeAxis } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { cast, where } from './elementwise.js';
import { expand, reshape, slice, split, type SliceSpec } from './shape.js';

/**
 * `value` where `mask` is true, `x` elsewhere (torch.Tensor.masked_fill; the mask and x broadcast).
 * `value` is a number or a 0-d tensor, taken in x's dtype; the gradient flows to x where the
 * mask is false, and to a value tensor that requires grad from where it is true.
 * @example maskedFill(tensor([1, 2, 3]), tensor([true, false, true]), 0) // [0, 2, 0]
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  if (mask.dtype !== 'bool') {
    throw new DTypeError(`maskedFill: the mask must be bool (from a comparison such as x.gt(0)), got ${mask.dtype}`);
  }
  broadcastShapes('maskedFill', x.shape, mask.shape);
  let v: Tensor;
  if (value instanceof Tensor) {
    if (value.ndim !== 0) {
      throw new ShapeError(`maskedFill: value must be a number or a 0-d tensor, got a tensor of shape ${formatShape(value.shape)}`);
    }
    // A float value into an integer x is truncated, as PyTorch's copy into x's dtype.
    v = cast(value, x.dtype);
  } else if (typeof value === 'number') {
    v = scalar(value, x.dtype);
  } else {
    throw new ValueError(`maskedFill: value must be a number or a 0-d tensor, got ${typeof value}`);
  }
  return where(mask, v, x);
}

function triangle(op: 'tril' | 'triu', x: Tensor, diagonal: number): Tensor {
  if (x.ndim < 2) throw new ShapeError(`${op}: expected a tensor with at least 2 dimensions (a matrix or a batch of them), got shape ${formatShape(x.shape)}`);
  if (!Number.isInteger(diagonal)) throw new ValueError(`${op}: diagonal must be an integer, got ${String(diagonal)}`);
  const rows = x.shape[x.ndim - 2]!;
  const cols = x.shape[x.ndim - 1]!;
  const keep = new Uint8Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) keep[i * cols + j] = (op === 'tril' ? j - i <= diagonal : j - i >= diagonal) ? 1 : 0;
  }
  return where(tensor(keep, { shape: [rows, cols], dtype: 'bool' }), x, scalar(0, x.dtype));
}

/**
 * The lower triangle of the last two axes (batched): entries with column − row ≤ `diagonal`, zeros elsewhere.
 * @example tril(ones([3, 3])) // [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
 */
export function tril(x: Tensor, diagonal = 0): Tensor { return triangle('tril', x, diagonal); }

/**
 * The upper triangle of the last two axes (batched): entries with column − row ≥ `diagonal`, zeros elsewhere.
 * @example triu(ones([2, 3]), 1) // [[0, 1, 1], [0, 0, 1]]
 */
export function triu(x: Tensor, diagonal = 0): Tensor { return triangle('triu', x, diagonal); }

function checkReps(op: string, reps: readonly number[]): void {
  if (!Array.isArray(reps)) throw new ValueError(`${op}: reps must be a list of integers, got ${typeof reps}`);
  for (const r of reps) {
    if (!Number.isInteger(r) || r < 0) throw new ValueError(`${op}: repetitions must be non-negative integers, got [${reps.join(', ')}]`);
  }
}

/**
 * Tiles x `reps[i]` times along each axis (torch.Tensor.repeat): reps has at least x's rank, and
 * extra leading entries add new leading axes.
 * @example repeat(tensor([1, 2]), [2, 2]) // [[1, 2, 1, 2], [1, 2, 1, 2]]
 */
export function repeat(x: Tensor, reps: readonly number[]): Tensor {
  checkReps('repeat', reps);
  if (reps.length < x.ndim) {
    throw new ShapeError(`repeat: ${reps.length} repetitions given for a tensor of rank ${x.ndim} (shape ${formatShape(x.shape)}); give at least one per axis, or use tile`);
  }
  const shape = [...new Array<number>(reps.length - x.ndim).fill(1), ...x.shape];
  if (reps.every((r) => r === 1)) return reshape(x, shape);
  // Each axis d becomes the pair (r, d): expand the new size-1 axis to r, then merge the pair.
  const paired = shape.flatMap((d) => [1, d]);
  const expanded = shape.flatMap((d, i) => [reps[i]!, d]);
  return reshape(expand(reshape(x, paired), expanded), shape.map((d, i) => d * reps[i]!));
}

/**
 * repeat with NumPy's rule for short reps (torch.tile): reps with fewer entries than x's rank are
 * padded with 1s at the front.
 * @example tile(tensor([[1, 2]]), [2]) // [[1, 2, 1, 2]]
 */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  checkReps('tile', reps);
  const padded = reps.length < x.ndim ? [...new Array<number>(x.ndim - reps.length).fill(1), ...reps] : reps;
  return repeat(x, padded);
}

/**
 * Reverses the order of elements along `axes` (torch.flip); an axis listed twice is an error.
 * @example flip(tensor([[1, 2], [3, 4]]), 1) // [[2, 1], [4, 3]]
 */
export function flip(x: Tensor, axes: number | readonly number[]): Tensor {
  const list = normalizeAxes('flip', axes, x.ndim);
  if (list.length === 0) return x;
  const specs: SliceSpec[] = x.shape.map((_, a) => (list.includes(a) ? [null, null, -1] : null));
  return slice(x, ...specs);
}

/**
 * Splits x along `axis` into `chunks` pieces of ⌈n/chunks⌉ (torch.chunk): the last may be
 * smaller, and there may be fewer than `chunks` (5 in 4 chunks gives 2, 2, 1).
 * @example chunk(arange(5), 3).map((t) => t.size) // [2, 2, 1]
 */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ValueError(`chunk: chunks must be a positive integer, got ${String(chunks)}`);
  if (x.ndim === 0) throw new ShapeError('chunk: expected a tensor with at least 1 dimension, got a 0-d tensor');
  const a = normalizeAxis('chunk', axis, x.ndim);
  const n = x.shape[a]!;
  // An empty axis gives `chunks` empty pieces, as PyTorch's.
  if (n === 0) return split(x, new Array<number>(chunks).fill(0), a);
  return split(x, Math.ceil(n / chunks), a);
}

/** @internal The reps or axes of a Tensor method, given as numbers (`x.repeat(2, 3)`) or one array (`x.repeat([2, 3])`). */
export function shapeArgs(args: number[] | [readonly number[]]): readonly number[] {
  const first = args[0];
  return Array.isArray(first) ? first : (args as number[]);
}
