// The typed errors of the ops and their exact messages: each names the op, the shapes or dtypes
// involved and what would be valid.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AxisError,
  ChainruleError,
  DTypeError,
  ShapeError,
  ValueError,
  add,
  argmax,
  broadcastTo,
  concat,
  dot,
  expand,
  flatten,
  gather,
  indexSelect,
  matmul,
  max,
  mean,
  mul,
  narrow,
  neg,
  permute,
  reshape,
  slice,
  softmax,
  split,
  squeeze,
  stack,
  sum,
  tensor,
  transpose,
  unsqueeze,
  where,
  zeros,
} from '../../src/index.js';
import { apply } from '../../src/autograd/engine.js';
import { PRIMITIVES } from '../../src/ops/primitives/index.js';

type ErrorClass = typeof ShapeError | typeof AxisError | typeof DTypeError | typeof ValueError;

/** Asserts that `fn` throws exactly an instance of `kind` (not a subclass) with `message`. */
function throwsExactly(fn: () => unknown, kind: ErrorClass, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ChainruleError, `expected a ChainruleError, got ${String(e)}`);
    assert.equal(e.constructor, kind, `expected ${kind.name}, got ${e.name}: ${e.message}`);
    assert.equal(e.name, kind.name);
    assert.equal(e.message, message);
    return true;
  });
}

const int32 = (values: number[] | number[][]) => tensor(values, { dtype: 'int32' });

describe('matmul and dot', () => {
  test('matmul [2,3] by [4,5]: inner dimensions differ', () => {
    throwsExactly(() => matmul(zeros([2, 3]), zeros([4, 5])), ShapeError, 'matmul: cannot multiply [2,3] by [4,5]: inner dimensions 3 and 4 differ');
  });

  test('matmul with a 1-D operand names the shapes as passed (regression: it showed [1,3])', () => {
    throwsExactly(() => matmul(zeros([3]), zeros([4, 5])), ShapeError, 'matmul: cannot multiply [3] by [4,5]: inner dimensions 3 and 4 differ');
    throwsExactly(() => matmul(zeros([2, 3]), zeros([4])), ShapeError, 'matmul: cannot multiply [2,3] by [4]: inner dimensions 3 and 4 differ');
    throwsExactly(() => matmul(zeros([2]), zeros([3])), ShapeError, 'matmul: cannot multiply [2] by [3]: inner dimensions 2 and 3 differ');
    throwsExactly(() => matmul(zeros([2, 2, 3]), zeros([4])), ShapeError, 'matmul: cannot multiply [2,2,3] by [4]: inner dimensions 3 and 4 differ');
  });

  test('matmul with transposed operands names them with ᵀ; transposing a 1-D operand is refused', () => {
    throwsExactly(() => matmul(zeros([2, 3]), zeros([3, 4]), { transposeB: true }), ShapeError, 'matmul: cannot multiply [2,3] by [3,4]ᵀ: inner dimensions 3 and 4 differ');
    throwsExactly(() => matmul(zeros([2, 3]), zeros([2, 4]), { transposeA: true, transposeB: true }), ShapeError, 'matmul: cannot multiply [2,3]ᵀ by [2,4]ᵀ: inner dimensions 2 and 4 differ');
    throwsExactly(() => matmul(zeros([3]), zeros([3, 4]), { transposeA: true }), ShapeError, 'matmul: transposeA needs an operand of rank 2 or more, got [3]');
    throwsExactly(() => matmul(zeros([2, 3]), zeros([3]), { transposeB: true }), ShapeError, 'matmul: transposeB needs an operand of rank 2 or more, got [3]');
  });

  test('matmul with batch dimensions that do not broadcast', () => {
    throwsExactly(
      () => matmul(zeros([2, 2, 3]), zeros([3, 3, 4])),
      ShapeError,
      'matmul: cannot multiply [2,2,3] by [3,3,4]: batch dimensions [2] and [3] do not broadcast',
    );
  });

  test('matmul of a 0-d tensor and of bool tensors', () => {
    throwsExactly(() => matmul(zeros([]), zeros([3])), ShapeError, 'matmul: cannot multiply [] by [3]: both operands need at least one dimension (use mul for scalars)');
    throwsExactly(() => matmul(tensor([[true]]), tensor([[true]])), DTypeError, 'matmul: bool tensors cannot be multiplied; cast them first');
  });

  test('dot of non-vectors, and of vectors of different lengths (names dot, not matmul)', () => {
    throwsExactly(() => dot(zeros([2, 3]), zeros([3])), ShapeError, 'dot: expected two 1-D tensors, got [2,3] and [3]');
    throwsExactly(() => dot(zeros([2]), zeros([3])), ShapeError, 'dot: cannot take the dot product of [2] and [3]: lengths 2 and 3 differ');
  });
});

describe('broadcasting', () => {
  test('a binary op of shapes that do not broadcast names the op, both shapes and the dimension', () => {
    throwsExactly(
      () => add(zeros([2, 3]), zeros([4])),
      ShapeError,
      'add: cannot broadcast shapes [2,3] and [4]: dimension -1 is 3 in one and 4 in another (sizes must match or be 1)',
    );
    throwsExactly(
      () => mul(zeros([2, 3]), zeros([3, 2])),
      ShapeError,
      'mul: cannot broadcast shapes [2,3] and [3,2]: dimension -2 is 2 in one and 3 in another (sizes must match or be 1)',
    );
    throwsExactly(() => zeros([2, 1]).sub(zeros([3, 4])), ShapeError, 'sub: cannot broadcast shapes [2,1] and [3,4]: dimension -2 is 2 in one and 3 in another (sizes must match or be 1)');
  });

  test('where with branches that do not broadcast', () => {
    throwsExactly(
      () => where(tensor([true, false]), zeros([3]), 0),
      ShapeError,
      'where: cannot broadcast shapes [2] and [3] and []: dimension -1 is 2 in one and 3 in another (sizes must match or be 1)',
    );
  });

  test('expand and broadcastTo to shapes that do not fit', () => {
    throwsExactly(() => expand(zeros([2, 3]), [4, 3]), ShapeError, 'expand: cannot expand [2,3] to [4,3]: only size-1 dimensions can grow');
    throwsExactly(() => expand(zeros([2, 3]), [3]), ShapeError, 'expand: cannot expand [2,3] to [3]: the target has fewer dimensions than the input');
    throwsExactly(
      () => expand(zeros([3]), [-1, 3]),
      ShapeError,
      'expand: cannot expand [3] to [-1,3]: sizes must be non-negative integers, and -1 (keep the size) only stands for an existing dimension',
    );
    throwsExactly(
      () => broadcastTo(zeros([2, 3]), [3]),
      ShapeError,
      "broadcastTo: cannot broadcast [2,3] to [3]: the target needs at least as many dimensions, and each of the input's must match the target's or be 1",
    );
  });
});

describe('axes', () => {
  test('an axis out of range, positive or negative', () => {
    throwsExactly(() => sum(zeros([2, 3]), 2), AxisError, 'sum: axis 2 is out of range for a tensor of rank 2 (valid: -2..1)');
    throwsExactly(() => mean(zeros([2, 3]), [0, -3]), AxisError, 'mean: axis -3 is out of range for a tensor of rank 2 (valid: -2..1)');
    throwsExactly(() => max(zeros([4]), 1), AxisError, 'max: axis 1 is out of range for a tensor of rank 1 (valid: -1..0)');
    throwsExactly(() => argmax(zeros([2, 3]), 5), AxisError, 'argmax: axis 5 is out of range for a tensor of rank 2 (valid: -2..1)');
    throwsExactly(() => unsqueeze(zeros([2, 3]), 3), AxisError, 'unsqueeze: axis 3 is out of range for a tensor of rank 3 (valid: -3..2)');
    throwsExactly(() => transpose(zeros([3]), 0, 1), AxisError, 'transpose: axis 1 is out of range for a tensor of rank 1 (valid: -1..0)');
    throwsExactly(() => concat([zeros([2]), zeros([2])], 1), AxisError, 'concat: axis 1 is out of range for a tensor of rank 1 (valid: -1..0)');
  });

  test('softmax names itself for a bad axis (regression: the message said logSoftmax)', () => {
    throwsExactly(() => softmax(zeros([2]), 1), AxisError, 'softmax: axis 1 is out of range for a tensor of rank 1 (valid: -1..0)');
  });

  test('a repeated axis, also when written once negative and once positive', () => {
    throwsExactly(() => sum(zeros([2, 3]), [0, -2]), AxisError, 'sum: axis 0 appears more than once in [0,-2]');
    throwsExactly(() => mean(zeros([2, 3, 4]), [1, 1]), AxisError, 'mean: axis 1 appears more than once in [1,1]');
  });

  test('a fractional axis', () => {
    throwsExactly(() => sum(zeros([2, 3]), 0.5), AxisError, 'sum: axis must be an integer, got 0.5');
  });

  test('permute with axes that are not a permutation', () => {
    throwsExactly(() => permute(zeros([2, 3]), [0, 0]), AxisError, 'permute: [0,0] is not a permutation of the axes of shape [2,3]: it must name each of 0..1 exactly once');
    throwsExactly(() => permute(zeros([2, 3]), [1]), AxisError, 'permute: [1] is not a permutation of the axes of shape [2,3]: it must name each of 0..1 exactly once');
  });

  test('flatten with startAxis after endAxis', () => {
    throwsExactly(() => flatten(zeros([2, 3, 4]), 2, 1), ShapeError, 'flatten: startAxis 2 comes after endAxis 1');
  });

  test('AxisError is a ShapeError', () => {
    assert.throws(() => sum(zeros([2]), 3), ShapeError);
  });
});

describe('reshape and squeeze', () => {
  test('reshape to a different number of elements', () => {
    throwsExactly(() => reshape(zeros([2, 3]), [4, 2]), ShapeError, 'reshape: cannot reshape [2,3] (6 elements) into [4,2] (8 elements)');
    throwsExactly(() => zeros([2, 3]).reshape(7), ShapeError, 'reshape: cannot reshape [2,3] (6 elements) into [7] (7 elements)');
  });

  test('reshape with -1 that cannot be inferred, two -1s, a bad dimension', () => {
    throwsExactly(
      () => reshape(zeros([2, 3]), [4, -1]),
      ShapeError,
      'reshape: cannot reshape [2,3] (6 elements) into [4,-1]: the other dimensions hold 4 elements, which does not divide 6',
    );
    throwsExactly(() => reshape(zeros([2, 3]), [-1, -1]), ShapeError, 'reshape: only one dimension can be -1, got [-1,-1]');
    throwsExactly(() => reshape(zeros([2, 3]), [2, -3]), ShapeError, 'reshape: invalid dimension -3 in [2,-3]');
  });

  test('squeeze of an axis whose size is not 1', () => {
    throwsExactly(() => squeeze(zeros([2, 3]), 1), ShapeError, 'squeeze: axis 1 of shape [2,3] has size 3, not 1');
    throwsExactly(() => squeeze(zeros([1, 3]), [0, -1]), ShapeError, 'squeeze: axis 1 of shape [1,3] has size 3, not 1');
  });
});

describe('gather and indexSelect', () => {
  test('an index out of range, too large or negative', () => {
    throwsExactly(() => gather(zeros([2, 3]), 1, int32([[3], [0]])), ShapeError, 'gather: index 3 is out of range for axis 1 of shape [2,3] (valid: 0..2)');
    throwsExactly(() => gather(zeros([2, 3]), -1, int32([[0], [-1]])), ShapeError, 'gather: index -1 is out of range for axis 1 of shape [2,3] (valid: 0..2)');
    throwsExactly(() => indexSelect(zeros([2, 3]), 0, [0, 2]), ShapeError, 'indexSelect: index 2 is out of range for axis 0 of shape [2,3] (valid: 0..1)');
    throwsExactly(() => indexSelect(zeros([0, 3]), 0, [0]), ShapeError, 'indexSelect: index 0 is out of range for axis 0 of shape [0,3] (the axis is empty)');
  });

  test('an index that is not int32', () => {
    throwsExactly(() => gather(zeros([2, 3]), 1, tensor([[1], [0]])), DTypeError, "gather: index must be int32 (e.g. labels), got float32; convert it with .cast('int32')");
    throwsExactly(() => indexSelect(zeros([2, 3]), 0, tensor([1], { dtype: 'float64' })), DTypeError, "indexSelect: index must be int32 (e.g. labels), got float64; convert it with .cast('int32')");
    throwsExactly(() => apply(PRIMITIVES.gather, [zeros([2]), tensor([true])], { axis: 0 }), DTypeError, "gather: index must be int32 (e.g. labels), got bool; convert it with .cast('int32')");
  });

  test('an index of the wrong shape', () => {
    throwsExactly(
      () => gather(zeros([2, 3]), 1, int32([1, 0])),
      ShapeError,
      "gather: index of shape [2] does not fit input [2,3] along axis 1: ranks must match and every other dimension must be no larger than the input's",
    );
    throwsExactly(() => indexSelect(zeros([2, 3]), 0, int32([[1]])), ShapeError, 'indexSelect: index must be 1-D, got shape [1,1]');
  });

  test('a fractional index in a list', () => {
    throwsExactly(() => indexSelect(zeros([2, 3]), 0, [0.5]), ValueError, 'tensor: dtype int32 needs integers, got 0.5 at flat index 0');
  });
});

describe('dtypes', () => {
  test('where with a condition that is not bool', () => {
    throwsExactly(() => where(tensor([1, 0]), 1, 2), DTypeError, 'where: the condition must be bool (from a comparison such as x.gt(0)), got float32');
    throwsExactly(() => where(int32([1, 0]), 1, 2), DTypeError, 'where: the condition must be bool (from a comparison such as x.gt(0)), got int32');
  });

  test('a numeric op of a bool tensor', () => {
    throwsExactly(() => neg(tensor([true])), DTypeError, "neg: expected a numeric tensor, got bool; cast it first with .cast('float32')");
    throwsExactly(() => tensor([false]).abs(), DTypeError, "abs: expected a numeric tensor, got bool; cast it first with .cast('float32')");
  });
});

describe('joining and splitting', () => {
  test('concat of shapes that differ outside the axis, or of different ranks', () => {
    throwsExactly(() => concat([zeros([2, 3]), zeros([3, 2])], 1), ShapeError, 'concat: shapes [2,3], [3,2] differ outside axis 1');
    throwsExactly(() => concat([zeros([2, 3]), zeros([3])]), ShapeError, 'concat: shapes [2,3], [3] differ outside axis 0');
  });

  test('concat of nothing and of 0-d tensors', () => {
    throwsExactly(() => concat([]), ValueError, 'concat: expected at least one tensor');
    throwsExactly(() => concat([zeros([]), zeros([])]), ShapeError, 'concat: 0-d tensors cannot be concatenated; use stack');
  });

  test('stack of different shapes', () => {
    throwsExactly(() => stack([zeros([2]), zeros([3])]), ShapeError, 'stack: all tensors must have the same shape, got [2], [3]');
    throwsExactly(() => stack([]), ValueError, 'stack: expected at least one tensor');
  });

  test('split with sizes that do not add up, negative sizes, or a bad piece size', () => {
    throwsExactly(() => split(zeros([4]), [1, 2]), ShapeError, 'split: sizes [1,2] do not add up to 4, the size of axis 0 of [4]');
    throwsExactly(() => split(zeros([2, 5]), [2, 2], -1), ShapeError, 'split: sizes [2,2] do not add up to 5, the size of axis 1 of [2,5]');
    // Regression: [5,-1] adds up to 4, and was reported as not adding up.
    throwsExactly(() => split(zeros([4]), [5, -1]), ValueError, 'split: sizes must be non-negative integers, got [5,-1]');
    throwsExactly(() => split(zeros([4]), 0), ValueError, 'split: the piece size must be a positive integer, got 0');
    throwsExactly(() => split(zeros([4]), 1.5), ValueError, 'split: the piece size must be a positive integer, got 1.5');
  });

  test('narrow past the end of the axis (regression: it read zeros past the end)', () => {
    throwsExactly(
      () => narrow(zeros([4]), 0, 3, 5),
      ShapeError,
      'narrow: start 3 and length 5 do not fit axis 0 of shape [4]: need 0 ≤ start ≤ 4 (or -4 ≤ start < 0) and start + length ≤ 4',
    );
    throwsExactly(
      () => narrow(zeros([2, 3]), 1, -4, 1),
      ShapeError,
      'narrow: start -4 and length 1 do not fit axis 1 of shape [2,3]: need 0 ≤ start ≤ 3 (or -3 ≤ start < 0) and start + length ≤ 3',
    );
    throwsExactly(
      () => narrow(zeros([3]), 0, 1, -1),
      ShapeError,
      'narrow: start 1 and length -1 do not fit axis 0 of shape [3]: need 0 ≤ start ≤ 3 (or -3 ≤ start < 0) and start + length ≤ 3',
    );
    throwsExactly(() => narrow(zeros([3]), 0, 0.5, 1), ValueError, 'narrow: start and length must be integers, got start 0.5 and length 1');
  });
});

describe('slice', () => {
  test('an integer index out of range', () => {
    throwsExactly(() => slice(zeros([2, 3]), 0, 3), ShapeError, 'slice: index 3 is out of range for axis 1 of shape [2,3] (valid: -3..2)');
    throwsExactly(() => slice(zeros([2, 3]), -3), ShapeError, 'slice: index -3 is out of range for axis 0 of shape [2,3] (valid: -2..1)');
    throwsExactly(() => slice(zeros([0]), 0), ShapeError, 'slice: index 0 is out of range for axis 0 of shape [0] (the axis is empty)');
  });

  test('a step of 0', () => {
    throwsExactly(() => slice(zeros([2, 3]), [0, 2, 0]), ValueError, 'slice: step for axis 0 must not be 0');
    throwsExactly(() => zeros([2, 3]).slice(null, { step: 0 }), ValueError, 'slice: step for axis 1 must not be 0');
  });

  test('more indices than dimensions, and non-integer indices or bounds', () => {
    throwsExactly(() => slice(zeros([2]), 0, 0), ShapeError, 'slice: 2 indices given for a tensor of rank 1 (shape [2])');
    throwsExactly(() => slice(zeros([2]), 0.5), ValueError, 'slice: index 0.5 for axis 0 is not an integer');
    throwsExactly(() => slice(zeros([4]), [0, 2.5]), ValueError, 'slice: range bounds for axis 0 must be integers, got 2.5');
  });

  test('the slice primitive called with the wrong number of ranges', () => {
    throwsExactly(
      () => apply(PRIMITIVES.slice, [zeros([2, 3])], { starts: [0], steps: [1], sizes: [2] }),
      ShapeError,
      'slice: expected 2 ranges for a tensor of rank 2, got 1 starts, 1 steps and 1 sizes',
    );
  });
});

describe('reductions of empty axes', () => {
  test('max and argmax over an axis of size 0', () => {
    throwsExactly(() => max(zeros([0, 3]), 0), ShapeError, 'max: cannot reduce over axis 0 of shape [0,3]: it has size 0 and max has no identity');
    throwsExactly(() => argmax(zeros([0, 3]), 0), ShapeError, 'argmax: axis 0 of shape [0,3] is empty');
  });
});
