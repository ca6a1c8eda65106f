// Hostile sizes, shapes and dtypes at every creation path: each ends in one typed error naming the
// function, the shape or count and the limit (regression: raw RangeError / TypeError from inside).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_TENSOR_ELEMENTS, ShapeError, ValueError, DTypeError, arange, cast, eye, full, fullLike, linspace, ones, onesLike, rand, randint, randn,
  registerBackend, scalar, tensor, withBackend, zeros, zerosLike, type DType,
} from '../../src/index.js';
import { cpuBackend } from '../../src/backend/cpu/index.js';

const LIMIT = 'a tensor holds at most 2^31−1 = 2147483647';

test('MAX_TENSOR_ELEMENTS is 2^31 − 1, and a tensor of a few elements under any shape is fine', () => {
  assert.equal(MAX_TENSOR_ELEMENTS, 2147483647);
  assert.deepEqual([...zeros([0, 2 ** 40]).shape], [0, 2 ** 40]);
});

const HUGE: readonly (readonly [string, () => unknown, string])[] = [
  ['zeros([1e12])', () => zeros([1e12]), 'zeros: shape [1000000000000] has 1000000000000 elements'],
  ['zeros(1e12)', () => zeros(1e12), 'zeros: shape [1000000000000] has 1000000000000 elements'],
  ['ones([2**31, 4])', () => ones([2 ** 31, 4]), 'ones: shape [2147483648,4] has 8589934592 elements'],
  ['full([1e6, 1e6], 1)', () => full([1e6, 1e6], 1), 'full: shape [1000000,1000000] has 1000000000000 elements'],
  ['zeros([1e200, 1e200])', () => zeros([1e200, 1e200]), 'zeros: shape [1e+200,1e+200] has more than 1.8e+308 elements'],
  ['zeros([1e10, 1e10, 1e10])', () => zeros([1e10, 1e10, 1e10]), 'zeros: shape [10000000000,10000000000,10000000000] has about 1.00e+30 elements'],
  ['randn([1e10])', () => randn([1e10]), 'randn: shape [10000000000] has 10000000000 elements'],
  ['rand([2**31])', () => rand([2 ** 31]), 'rand: shape [2147483648] has 2147483648 elements'],
  ['randint(0, 2, [1e10])', () => randint(0, 2, [1e10]), 'randint: shape [10000000000] has 10000000000 elements'],
  ['arange(0, 1e12)', () => arange(0, 1e12), 'arange: the range [0, 1000000000000) by step 1 gives 1000000000000 elements'],
  ['arange(0, 1, 1e-12)', () => arange(0, 1, 1e-12), 'arange: the range [0, 1) by step 1e-12 gives'],
  ['linspace(0, 1, 1e12)', () => linspace(0, 1, 1e12), 'linspace: steps=1000000000000 gives 1000000000000 elements'],
  ['eye(1e6)', () => eye(1e6), 'eye: shape [1000000,1000000] has 1000000000000 elements'],
  ['tensor(flat, {shape: [2**31]})', () => tensor(new Float32Array(4), { shape: [2 ** 31] }), 'tensor: shape [2147483648] has 2147483648 elements'],
];

for (const [name, fn, message] of HUGE) {
  test(`${name} is one ValueError naming the function, the count and the limit (regression: RangeError)`, () => {
    assert.throws(fn, (e: unknown) => e instanceof ValueError && e.message.startsWith(message) && e.message.endsWith(LIMIT), `${name}`);
  });
}

test('an op whose output would be too large is a ValueError naming the op and the output shape (the engine checks every allocation)', () => {
  assert.throws(() => zeros([1]).expand([3e9]), { name: 'ValueError', message: `expand: output shape [3000000000] has 3000000000 elements; ${LIMIT}` });
  assert.throws(() => zeros([50000, 1]).mul(zeros([1, 50000])), { name: 'ValueError', message: `mul: output shape [50000,50000] has 2500000000 elements; ${LIMIT}` });
});

test('a backend whose allocation fails gives a ValueError naming the op and the bytes asked for (regression: RangeError: Array buffer allocation failed)', () => {
  registerBackend({
    ...cpuBackend,
    name: 'out-of-memory-test',
    allocate: () => {
      throw new RangeError('Array buffer allocation failed');
    },
  });
  assert.throws(
    () => withBackend('out-of-memory-test', () => zeros([1000, 250]).add(1)),
    { name: 'ValueError', message: 'add: cannot allocate 1000000 bytes (250000 float32 elements, 0.00 GiB): out of memory (Array buffer allocation failed)' },
  );
});

const BAD_SHAPES: readonly (readonly [string, () => unknown, string])[] = [
  ['zeros([NaN])', () => zeros([NaN]), 'zeros: dimension 0 of shape [NaN] must be a non-negative integer, got NaN'],
  ['zeros([2, -1])', () => zeros([2, -1]), 'zeros: dimension 1 of shape [2,-1] must be a non-negative integer, got -1'],
  ['ones([1.5])', () => ones([1.5]), 'ones: dimension 0 of shape [1.5] must be a non-negative integer, got 1.5'],
  ['randn([Infinity])', () => randn([Infinity]), 'randn: dimension 0 of shape [Infinity] must be a non-negative integer, got Infinity'],
  ['rand(["3"])', () => rand(['3'] as unknown as number[]), 'rand: dimension 0 of shape ["3"] must be a non-negative integer, got "3"'],
  ['zeros("3")', () => zeros('3' as unknown as number), 'zeros: shape must be a number or a list of numbers, got "3"'],
  ['full(null, 1)', () => full(null as unknown as number, 1), 'full: shape must be a number or a list of numbers, got null'],
  ['eye(-2)', () => eye(-2), 'eye: dimension 0 of shape [-2,-2] must be a non-negative integer, got -2'],
];

for (const [name, fn, message] of BAD_SHAPES) {
  test(`${name} is one ShapeError naming the function and the dimension (regression: zeros("3") made a tensor of shape "3")`, () => {
    assert.throws(fn, (e: unknown) => e instanceof ShapeError && e.message === message, name);
  });
}

test('a fill value that is not a number is a ValueError naming the function (regression: a silent NaN)', () => {
  assert.throws(() => full([2], 'a' as unknown as number), { name: 'ValueError', message: 'full: the fill value must be a number, got string' });
});

const F16 = 'float16' as DType;
const UNKNOWN_DTYPE: readonly (readonly [string, () => unknown])[] = [
  ['cast', () => cast(tensor([1]), F16)],
  ['cast', () => tensor([1]).cast(F16)],
  ['zeros', () => zeros([2], { dtype: F16 })],
  ['ones', () => ones([2], { dtype: F16 })],
  ['full', () => full([2], 1, { dtype: F16 })],
  ['zerosLike', () => zerosLike(tensor([1]), { dtype: F16 })],
  ['onesLike', () => onesLike(tensor([1]), { dtype: F16 })],
  ['fullLike', () => fullLike(tensor([1]), 2, { dtype: F16 })],
  ['tensor', () => tensor([1], { dtype: F16 })],
  ['scalar', () => scalar(1, F16)],
  ['arange', () => arange(3, undefined, 1, { dtype: F16 })],
  ['linspace', () => linspace(0, 1, 3, { dtype: F16 })],
  ['eye', () => eye(2, 2, { dtype: F16 })],
  ['rand', () => rand([2], { dtype: F16 })],
  ['randn', () => randn([2], { dtype: F16 })],
  ['randint', () => randint(0, 2, [2], { dtype: F16 })],
];

for (const [op, fn] of UNKNOWN_DTYPE) {
  test(`${op} with dtype 'float16' is a DTypeError naming the dtype and the supported ones (regression: TypeError: Cannot read properties of undefined)`, () => {
    assert.throws(fn, { name: 'DTypeError', message: `${op}: unknown dtype "float16"; expected one of float32, float64, int32, bool` });
    assert.throws(fn, DTypeError);
  });
}
