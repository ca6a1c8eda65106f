// sort, argsort, topk, max/min with indices, cumsum, cumprod, scatter, scatterAdd and oneHot
// against PyTorch (scripts/oracles/index_ops.py → test/fixtures/index_ops.json, float64: values
// and indices exactly or to 1e-10, gradients against the same upstream gradient, cumprod's second
// derivatives with zeros in the input), then dtypes, views, 0-d tensors and the errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  DTypeError,
  ShapeError,
  Tensor,
  ValueError,
  argsort,
  cumprod,
  cumsum,
  grad,
  maxWithIndices,
  minWithIndices,
  oneHot,
  scatter,
  scatterAdd,
  sort,
  tensor,
  topk,
  zeros,
  AxisError,
} from '../../src/index.js';

type Num = number | 'NaN' | 'Infinity' | '-Infinity';
interface SortCase { shape: number[]; x: Num[]; axis: number; descending: boolean; values: Num[]; indices: number[]; grad: Num[] }
interface TopkCase { shape: number[]; x: Num[]; k: number; axis: number; largest: boolean; values: Num[]; indices: number[]; grad: Num[] }
interface ExtremeCase { op: 'max' | 'min'; shape: number[]; x: Num[]; axis: number; keepdims: boolean; values: Num[]; indices: number[]; grad: Num[] }
interface ScanCase { op: 'cumsum' | 'cumprod'; shape: number[]; x: Num[]; axis: number; values: Num[]; grad: Num[]; second: Num[] }
interface ScatterCase { op: 'scatter' | 'scatter_add'; shape: number[]; x: Num[]; axis: number; indexShape: number[]; index: number[]; srcShape: number[]; src: Num[]; values: Num[]; gradX: Num[]; gradSrc: Num[] | null }
interface OneHotCase { shape: number[]; indices: number[]; numClasses: number; outShape: number[]; values: number[] }
interface Fixture { sort: SortCase[]; topk: TopkCase[]; extreme: ExtremeCase[]; scan: ScanCase[]; scatter: ScatterCase[]; oneHot: OneHotCase[] }

// Compiled to dist/test/ops/indexOps.test.js: the repository root is three levels up.
const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/index_ops.json', import.meta.url), 'utf8')) as Fixture;

const decode = (v: Num): number => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v);
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const f64 = (values: readonly Num[], shape: readonly number[]) => tensor(Float64Array.from(values, decode), { shape, dtype: 'float64' });
const int32 = (values: readonly number[], shape: readonly number[]) => tensor(Int32Array.from(values), { shape, dtype: 'int32' });
/** The oracle's upstream gradient: ((29 i + 7 + 3 k) mod 17) / 8 − 1. */
const upstream = (shape: readonly number[], k = 0) => tensor(Float64Array.from({ length: size(shape) }, (_, i) => ((29 * i + 7 + 3 * k) % 17) / 8 - 1), { shape, dtype: 'float64' });

/** Within 1e-10 relative (1e-12 absolute near 0); NaN where PyTorch has NaN. */
function close(actual: Tensor | null | undefined, expected: readonly Num[], what: string): void {
  assert.ok(actual, `${what}: missing`);
  const a = actual.data();
  assert.equal(a.length, expected.length, `${what}: length`);
  expected.forEach((raw, i) => {
    const e = decode(raw);
    const v = a[i]!;
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      assert.ok(Object.is(v, e), `${what}[${i}]: ${v} vs PyTorch's ${e}`);
      return;
    }
    assert.ok(Math.abs(v - e) <= 1e-12 + 1e-10 * Math.abs(e), `${what}[${i}]: ${v} vs PyTorch's ${e}`);
  });
}

function sameInts(actual: Tensor, expected: readonly number[], shape: readonly number[], what: string): void {
  assert.equal(actual.dtype, 'int32', `${what}: dtype`);
  assert.deepEqual([...actual.shape], [...shape], `${what}: shape`);
  assert.deepEqual(Array.from(actual.data()), [...expected], what);
}

/** Gradient of Σ u·f(x) for the oracle's u. */
function gradOf(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  return grad((y: Tensor) => {
    const out = f(y);
    return out.mul(upstream(out.shape)).sum();
  })(x);
}

for (const c of fixture.sort) {
  test(`sort of [${c.shape}] along axis ${c.axis}${c.descending ? ', descending' : ''} (stable; ties, NaN, ±0) matches torch.sort(stable=True): values, indices, gradient`, () => {
    const x = f64(c.x, c.shape);
    const r = sort(x, { axis: c.axis, descending: c.descending });
    close(r.values, c.values, 'values');
    sameInts(r.indices, c.indices, c.shape, 'indices');
    sameInts(argsort(x, c.axis, c.descending), c.indices, c.shape, 'argsort');
    close(gradOf((y) => sort(y, c.axis, c.descending).values, x), c.grad, 'gradient');
  });
}

for (const c of fixture.topk) {
  test(`topk(k ${c.k}) of [${c.shape}] along axis ${c.axis}${c.largest ? '' : ', smallest'} matches torch.topk: values, indices, gradient`, () => {
    const x = f64(c.x, c.shape);
    const r = topk(x, c.k, { axis: c.axis, largest: c.largest });
    const shape = c.shape.map((d, i) => (i === c.axis ? c.k : d));
    close(r.values, c.values, 'values');
    sameInts(r.indices, c.indices, shape, 'indices');
    close(gradOf((y) => topk(y, c.k, { axis: c.axis, largest: c.largest }).values, x), c.grad, 'gradient');
  });
}

for (const c of fixture.extreme) {
  test(`${c.op}WithIndices of [${c.shape}] along axis ${c.axis}${c.keepdims ? ', keepdims' : ''} matches torch.${c.op}(x, dim): first of ties, NaN wins, the gradient to that index only`, () => {
    const x = f64(c.x, c.shape);
    const f = c.op === 'max' ? maxWithIndices : minWithIndices;
    const r = f(x, c.axis, c.keepdims);
    close(r.values, c.values, 'values');
    assert.deepEqual(Array.from(r.indices.data()), c.indices, 'indices');
    assert.deepEqual([...r.indices.shape], [...r.values.shape]);
    close(gradOf((y) => f(y, c.axis, c.keepdims).values, x), c.grad, 'gradient');
  });
}

for (const c of fixture.scan) {
  const zerosIn = c.x.some((v) => v === 0);
  test(`${c.op} of [${c.shape}] along axis ${c.axis}${zerosIn ? ' with zeros' : ''} matches torch.${c.op}: values, gradient, second derivative`, () => {
    const x = f64(c.x, c.shape);
    const f = (y: Tensor) => (c.op === 'cumsum' ? cumsum(y, c.axis) : cumprod(y, c.axis));
    close(f(x), c.values, 'values');
    close(gradOf(f, x), c.grad, 'gradient');
    const w = upstream(c.shape, 5);
    const second = grad((y: Tensor) => gradOf(f, y).mul(w).sum())(x);
    close(second, c.second, 'second derivative');
  });
}

for (const c of fixture.scatter) {
  const name = c.op === 'scatter' ? 'scatter' : 'scatterAdd';
  test(`${name} of x [${c.shape}] along axis ${c.axis} with index [${c.indexShape}] and src [${c.srcShape}] matches torch.${c.op}: values and both gradients`, () => {
    const x = f64(c.x, c.shape);
    const src = f64(c.src, c.srcShape);
    const index = int32(c.index, c.indexShape);
    const f = (a: Tensor, s: Tensor) => (c.op === 'scatter' ? scatter(a, c.axis, index, s) : scatterAdd(a, c.axis, index, s));
    close(f(x, src), c.values, 'values');
    const [gx, gs] = grad((a: Tensor, s: Tensor) => f(a, s).mul(upstream(c.shape)).sum(), { argnums: [0, 1] })(x, src);
    close(gx, c.gradX, 'gradient of x');
    if (c.gradSrc !== null) close(gs, c.gradSrc, 'gradient of src');
  });
}

for (const c of fixture.oneHot) {
  test(`oneHot of [${c.shape}] with numClasses ${c.numClasses} matches F.one_hot`, () => {
    sameInts(oneHot(int32(c.indices, c.shape), c.numClasses), c.values, c.outShape, 'one-hot');
  });
}

// ------------------------------------------------------------------------------- behaviour

test('sort keeps the dtype of int32 and bool tensors, and sorts a permuted (non-contiguous) view as its values', () => {
  const r = sort(tensor([3, -1, 2, -1], { dtype: 'int32' }));
  assert.equal(r.values.dtype, 'int32');
  assert.deepEqual(Array.from(r.values.data()), [-1, -1, 2, 3]);
  assert.deepEqual(Array.from(r.indices.data()), [1, 3, 2, 0]);
  assert.deepEqual(Array.from(sort(tensor([true, false, true]), { descending: true }).indices.data()), [0, 2, 1]);
  const x = tensor([[3, 1], [2, 5], [0, 4]]);
  const view = x.permute(1, 0);
  assert.deepEqual(sort(view, 1).values.toArray(), [[0, 2, 3], [1, 4, 5]]);
  assert.deepEqual(sort(view.slice(null, [null, null, -1]), 1).indices.toArray(), [[0, 1, 2], [2, 0, 1]]);
});

test('sort, topk, cumsum and cumprod of a 0-d tensor return it (PyTorch treats it as one element)', () => {
  const x = tensor(2.5, { dtype: 'float64' });
  assert.equal(sort(x).values.item(), 2.5);
  assert.deepEqual([...sort(x).indices.shape], []);
  assert.equal(topk(x, 1).indices.item(), 0);
  assert.equal(cumsum(x, 0).item(), 2.5);
  assert.equal(cumprod(x, -1).item(), 2.5);
  assert.equal(maxWithIndices(x, 0).values.item(), 2.5);
});

test('Tensor methods delegate: sort, argsort, topk, maxWithIndices, cumsum, cumprod, scatter, scatterAdd', () => {
  const x = tensor([[1, 4, 2], [6, 0, 5]]);
  assert.deepEqual(x.sort(1, true).values.toArray(), [[4, 2, 1], [6, 5, 0]]);
  assert.deepEqual(x.argsort({ axis: 0 }).toArray(), [[0, 1, 0], [1, 0, 1]]);
  assert.deepEqual(x.topk(1, { largest: false }).indices.toArray(), [[0], [1]]);
  assert.deepEqual(x.maxWithIndices(0).indices.toArray(), [1, 0, 1]);
  assert.deepEqual(x.minWithIndices(1, true).values.toArray(), [[1], [0]]);
  assert.deepEqual(x.cumsum(1).toArray(), [[1, 5, 7], [6, 6, 11]]);
  assert.deepEqual(x.cumprod(0).toArray(), [[1, 4, 2], [6, 0, 10]]);
  const index = tensor([[0], [2]], { dtype: 'int32' });
  assert.deepEqual(x.scatter(1, index, 9).toArray(), [[9, 4, 2], [6, 0, 9]]);
  assert.deepEqual(x.scatterAdd(1, index, tensor([[10], [20]])).toArray(), [[11, 4, 2], [6, 0, 25]]);
});

test('cumsum and cumprod of int32 stay int32, of bool give int32 (PyTorch: int64)', () => {
  assert.equal(cumsum(tensor([1, 2], { dtype: 'int32' }), 0).dtype, 'int32');
  assert.deepEqual(Array.from(cumsum(tensor([true, false, true]), 0).data()), [1, 1, 2]);
  assert.equal(cumprod(tensor([true, true]), 0).dtype, 'int32');
  assert.deepEqual(Array.from(cumprod(tensor([2, -3, 4], { dtype: 'int32' }), 0).data()), [2, -6, -24]);
});

test('cumprod with ±∞ gives PyTorch values (no ∞·0 from its first step), and cumsum a NaN from there on', () => {
  assert.deepEqual(Array.from(cumprod(tensor([Infinity, 2, -1], { dtype: 'float64' }), 0).data()), [Infinity, Infinity, -Infinity]);
  assert.deepEqual(Array.from(cumprod(tensor([2, Infinity, 0], { dtype: 'float64' }), 0).data()), [2, Infinity, NaN]);
  const s = Array.from(cumsum(tensor([1, NaN, 2]), 0).data());
  assert.equal(s[0], 1);
  assert.ok(Number.isNaN(s[1]!) && Number.isNaN(s[2]!));
});

test('scatter with repeated indices: the last write (row-major) wins and alone receives the gradient', () => {
  const x = zeros([3], { dtype: 'float64' });
  const src = tensor([1, 2, 3], { dtype: 'float64' });
  const index = tensor([1, 1, 0], { dtype: 'int32' });
  assert.deepEqual(Array.from(scatter(x, 0, index, src).data()), [3, 2, 0]);
  const [gx, gs] = grad((a: Tensor, s: Tensor) => scatter(a, 0, index, s).mul(tensor([10, 20, 30], { dtype: 'float64' })).sum(), { argnums: [0, 1] })(x, src);
  assert.deepEqual(Array.from(gx!.data()), [0, 0, 30]);
  assert.deepEqual(Array.from(gs!.data()), [0, 20, 10]);
});

test('scatter and scatterAdd leave x unchanged (out of place) and take a src larger than index', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  const src = tensor([[7, 8, 9], [10, 11, 12]]);
  const index = tensor([[2, 0]], { dtype: 'int32' });
  assert.deepEqual(scatter(x, 1, index, src).toArray(), [[8, 2, 7], [4, 5, 6]]);
  assert.deepEqual(scatterAdd(x, 1, index, src).toArray(), [[9, 2, 10], [4, 5, 6]]);
  assert.deepEqual(x.toArray(), [[1, 2, 3], [4, 5, 6]]);
});

// ------------------------------------------------------------------------------- errors

test('topk refuses k outside 0..size and a non-integer k, naming the shape', () => {
  assert.throws(() => topk(tensor([1,2,3]), 4), new ShapeError('topk: k = 4 is out of range for axis -1 of shape [3] (valid: 0..3)'));
  assert.throws(() => topk(tensor([1, 2, 3]), -1), ShapeError);
  assert.throws(() => topk(tensor([1,2,3]), 1.5), new ValueError('topk: k must be an integer, got 1.5'));
  assert.throws(() => topk(tensor([1,2]), 1, { dim: 0 } as never), new ValueError('topk: unknown option "dim" (did you mean axis?); the options are axis, largest, sorted'));
});

test('sort and cumsum refuse an axis out of range (AxisError)', () => {
  assert.throws(() => sort(tensor([[1, 2]]), 2), AxisError);
  assert.throws(() => cumsum(tensor([1, 2]), 1), AxisError);
  assert.throws(() => cumprod(tensor(1), 1), AxisError);
});

test('maxWithIndices refuses an empty axis, naming it', () => {
  assert.throws(() => maxWithIndices(zeros([2,0]), 1), new ShapeError('maxWithIndices: axis 1 of shape [2,0] is empty: there is no maximum to take'));
});

test('scatter and scatterAdd check index bounds, ranks, sizes and dtypes', () => {
  const x = zeros([2, 3]);
  assert.throws(() => scatter(x, 1, tensor([[3]], { dtype: 'int32' }), 1), new ShapeError('scatter: index 3 is out of range for axis 1 of shape [2,3] (valid: 0..2)'));
  assert.throws(() => scatterAdd(x, 0, tensor([[-1]], { dtype: 'int32' }), zeros([1,1])), new ShapeError('scatterAdd: index -1 is out of range for axis 0 of shape [2,3] (valid: 0..1)'));
  assert.throws(() => scatter(x, 1, tensor([0], { dtype: 'int32' }), 1), new ShapeError('scatter: x [2,3], index [1] and src [1] must have the same number of dimensions'));
  assert.throws(
    () => scatterAdd(x, 1, tensor([[0, 1]], { dtype: 'int32' }), zeros([1, 1])),
    new ShapeError('scatterAdd: index [1,2] must be no larger than src [1,1] in every dimension and no larger than x [2,3] apart from axis 1'),
  );
  assert.throws(() => scatter(x, 0, tensor([[0, 0, 0, 0]], { dtype: 'int32' }), zeros([1, 4])), ShapeError);
  assert.throws(() => scatter(x, 0, tensor([[0]]), 1), new DTypeError("scatter: index must be int32, got float32; convert it with .cast('int32')"));
  assert.throws(() => scatterAdd(x, 0, tensor([[0]], { dtype: 'int32' }), zeros([1,1], { dtype: 'float64' })), new DTypeError("scatterAdd: src must have x's dtype float32, got float64; cast one of them"));
});

test('oneHot refuses negative, too-large and non-int32 indices, and an empty tensor without numClasses', () => {
  const i = (v: number[]) => tensor(v, { dtype: 'int32' });
  assert.throws(() => oneHot(i([0, -1])), new ValueError('oneHot: class values must be non-negative, got -1'));
  assert.throws(() => oneHot(i([0,3]), 3), new ValueError('oneHot: class value 3 is out of range for numClasses = 3 (valid: 0..2)'));
  assert.throws(() => oneHot(tensor([1,2])), new DTypeError("oneHot: indices must be int32 class labels, got float32; convert them with .cast('int32')"));
  assert.throws(() => oneHot(i([])), new ValueError('oneHot: cannot infer the number of classes from an empty tensor; pass numClasses'));
  assert.deepEqual([...oneHot(i([]), 4).shape], [0, 4]);
});

test('the index ops name a missing or mistyped argument instead of failing inside (no TypeError)', () => {
  const x = tensor([[1, 2], [3, 4]]);
  const i = tensor([[0], [1]], { dtype: 'int32' });
  assert.throws(() => sort([1, 2] as never), new DTypeError('sort: x must be a Tensor, got an array (wrap it with tensor(...))'));
  assert.throws(() => cumsum([1, 2] as never, 0), DTypeError);
  assert.throws(() => topk(x, undefined as never), new ValueError('topk: k must be an integer, got undefined'));
  assert.throws(() => sort(x, 'a' as never), new ValueError('sort: expected an options object { axis, descending, stable }, got "a"'));
  assert.throws(() => scatter(x, 0, i, undefined as never), new DTypeError('scatter: src must be a Tensor or a number, got undefined'));
  assert.throws(() => scatterAdd(x, 0, [[0]] as never, x), new DTypeError('scatterAdd: index must be a Tensor, got an array (wrap it with tensor(...))'));
  assert.throws(() => maxWithIndices(x, undefined as never), new ValueError('maxWithIndices: an axis is needed (for the maximum of all elements use max(x))'));
  assert.throws(() => cumsum(x, undefined as never), AxisError);
});
