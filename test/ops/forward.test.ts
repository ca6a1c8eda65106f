// Forward values of the ops against expectations computed here in plain JS (never copied outputs),
// the subgradient conventions at kinks (through .backward()), and the dtype rules.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  withBackend,
  Generator,
  PRIMITIVES,
  PRIMITIVE_NAMES,
  Tensor,
  abs,
  log1p,
  add,
  arange,
  argmax,
  argmin,
  broadcastTo,
  cast,
  clamp,
  concat,
  div,
  elu,
  eq,
  erf,
  exp,
  ge,
  gelu,
  gt,
  indexSelect,
  le,
  leakyRelu,
  log,
  logSoftmax,
  logsumexp,
  lt,
  matmul,
  max,
  maximum,
  mean,
  min,
  minimum,
  mul,
  narrow,
  ne,
  pow,
  randn,
  relu,
  sigmoid,
  slice,
  softmax,
  softplus,
  split,
  sqrt,
  stack,
  std,
  sub,
  sum,
  tanh,
  tensor,
  variance,
  where,
} from '../../src/index.js';
import type { DType, SliceSpec } from '../../src/index.js';

// ---------------------------------------------------------------- JS references

function size(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** The multi-index of flat position `flat` in a row-major array of `shape`. */
function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d] ?? 1;
    index[d] = rest % n;
    rest = Math.floor(rest / n);
  }
  return index;
}

function ravel(index: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * (shape[d] ?? 1) + (index[d] ?? 0);
  return flat;
}

/** NumPy broadcasting of two shapes, written independently of the library. */
function refBroadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error('not broadcastable');
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Reads `data` of `shape` at an index of the broadcast shape `outShape`. */
function readBroadcast(data: ArrayLike<number>, shape: readonly number[], outIndex: readonly number[]): number {
  const offset = outIndex.length - shape.length;
  const index = shape.map((d, i) => (d === 1 ? 0 : (outIndex[i + offset] ?? 0)));
  return data[ravel(index, shape)] ?? NaN;
}

function refBinary(a: Tensor, b: Tensor, f: (x: number, y: number) => number): { shape: number[]; data: number[] } {
  const shape = refBroadcastShape(a.shape, b.shape);
  const ad = a.data();
  const bd = b.data();
  const data = Array.from({ length: size(shape) }, (_, flat) => {
    const index = unravel(flat, shape);
    return f(readBroadcast(ad, a.shape, index), readBroadcast(bd, b.shape, index));
  });
  return { shape, data };
}

/** Reduces `axes` (normalized, any order) with `combine`, keeping or dropping them. */
function refReduce(x: Tensor, axes: readonly number[], keepdims: boolean, combine: (values: number[]) => number): { shape: number[]; data: number[] } {
  const groups = new Map<number, number[]>();
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const data = x.data();
  for (let flat = 0; flat < x.size; flat++) {
    const index = unravel(flat, x.shape).map((v, i) => (axes.includes(i) ? 0 : v));
    const key = ravel(index, keptShape);
    const list = groups.get(key) ?? [];
    list.push(data[flat] ?? NaN);
    groups.set(key, list);
  }
  const out = Array.from({ length: size(keptShape) }, (_, k) => combine(groups.get(k) ?? []));
  const shape = keepdims ? keptShape : x.shape.filter((_, i) => !axes.includes(i));
  return { shape, data: out };
}

/** Python's slice.indices(length) (CPython's PySlice_GetIndicesEx) and the indices it selects. */
function pythonSlice(length: number, start: number | null, stop: number | null, step: number | null): number[] {
  const s = step ?? 1;
  const lower = s < 0 ? -1 : 0;
  const upper = s < 0 ? length - 1 : length;
  const clip = (v: number | null, fallback: number): number => {
    if (v === null) return fallback;
    let w = v < 0 ? v + length : v;
    if (w < lower) w = lower;
    if (w > upper) w = upper;
    return w;
  };
  const from = clip(start, s < 0 ? upper : lower);
  const to = clip(stop, s < 0 ? lower : upper);
  const out: number[] = [];
  for (let i = from; s > 0 ? i < to : i > to; i += s) out.push(i);
  return out;
}

/** Asserts shape, dtype (when given) and values within a relative tolerance. */
function expectTensor(actual: Tensor, shape: readonly number[], values: readonly number[], tol = 1e-12, dtype?: DType): void {
  assert.deepEqual([...actual.shape], [...shape], 'shape');
  if (dtype !== undefined) assert.equal(actual.dtype, dtype, 'dtype');
  const got = Array.from(actual.data());
  assert.equal(got.length, values.length, 'size');
  got.forEach((v, i) => {
    const e = values[i] ?? NaN;
    if (Number.isNaN(e)) assert.ok(Number.isNaN(v), `element ${i}: expected NaN, got ${v}`);
    else if (!Number.isFinite(e)) assert.equal(v, e, `element ${i}`);
    else assert.ok(Math.abs(v - e) <= tol * Math.max(1, Math.abs(e)), `element ${i}: expected ${e}, got ${v} (tol ${tol})`);
  });
}

function allFinite(t: Tensor): boolean {
  return Array.from(t.data()).every((v) => Number.isFinite(v));
}

const F64 = { dtype: 'float64' as const };
const leaf = (values: number[] | number[][] | number, dtype: DType = 'float64'): Tensor => tensor(values, { dtype, requiresGrad: true });

/** The gradient of sum(f(x)) at x, through .backward(). */
function gradAt(f: (x: Tensor) => Tensor, values: number[] | number[][]): Tensor {
  const x = leaf(values);
  f(x).sum().backward();
  assert.ok(x.grad !== null, 'x.grad is set');
  return x.grad;
}

// ---------------------------------------------------------------- broadcasting

describe('binary ops broadcast as NumPy does', () => {
  const OPS: readonly [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number][] = [
    ['add', add, (x, y) => x + y],
    ['sub', sub, (x, y) => x - y],
    ['mul', mul, (x, y) => x * y],
    ['div', div, (x, y) => x / y],
    ['maximum', maximum, Math.max],
    ['minimum', minimum, Math.min],
    ['pow', (a, b) => pow(abs(a), b), (x, y) => Math.pow(Math.abs(x), y)],
  ];

  test('add([2,3], [3]) adds the row to each row', () => {
    expectTensor(add(tensor([[1, 2, 3], [4, 5, 6]], F64), tensor([10, 20, 30], F64)), [2, 3], [11, 22, 33, 14, 25, 36]);
  });

  test('sub([3,1], [1,2]) is the outer difference', () => {
    const a = [1, 2, 3];
    const b = [10, 20];
    const expected = a.flatMap((x) => b.map((y) => x - y));
    expectTensor(sub(tensor([[1], [2], [3]], F64), tensor([[10, 20]], F64)), [3, 2], expected);
  });

  test('a 0-d tensor broadcasts against any shape, on either side', () => {
    expectTensor(mul(tensor(2, F64), tensor([[1, 2], [3, 4]], F64)), [2, 2], [2, 4, 6, 8]);
    expectTensor(div(tensor([[1, 2], [3, 4]], F64), tensor(4, F64)), [2, 2], [0.25, 0.5, 0.75, 1]);
    expectTensor(add(tensor(1, F64), tensor(2, F64)), [], [3]);
  });

  test('random broadcastable shapes give the JS reference values for every binary op', () => {
    const dim = fc.integer({ min: 1, max: 3 });
    // Each side takes the full dimension or 1, with a random number of leading dimensions dropped.
    const shapes = fc
      .tuple(fc.array(dim, { minLength: 0, maxLength: 3 }), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), fc.nat(3), fc.nat(3))
      .map(([full, oneA, oneB, dropA, dropB]) => {
        const a = full.map((d, i) => (oneA[i] === true ? 1 : d)).slice(Math.min(dropA, full.length));
        const b = full.map((d, i) => (oneB[i] === true ? 1 : d)).slice(Math.min(dropB, full.length));
        return [a, b] as const;
      });
    fc.assert(
      fc.property(shapes, fc.integer({ min: 0, max: 1_000_000 }), ([aShape, bShape], seed) => {
        const g = new Generator(seed);
        const a = randn(aShape, { dtype: 'float64', generator: g });
        const b = randn(bShape, { dtype: 'float64', generator: g });
        for (const [, op, f] of OPS) {
          const ref = refBinary(a, b, f);
          expectTensor(op(a, b), ref.shape, ref.data, 1e-12);
        }
      }),
      { numRuns: 150 },
    );
  });

  test('broadcastTo([3], [2,3]) repeats the row; broadcastTo refuses a target smaller than the input', () => {
    expectTensor(broadcastTo(tensor([1, 2, 3], F64), [2, 3]), [2, 3], [1, 2, 3, 1, 2, 3]);
    // Regression: broadcastTo([2,3], [3]) used to return a [2,3] tensor instead of failing.
    assert.throws(() => broadcastTo(tensor([[1, 2, 3], [4, 5, 6]]), [3]), {
      name: 'ShapeError',
      message: "broadcastTo: cannot broadcast [2,3] to [3]: the target needs at least as many dimensions, and each of the input's must match the target's or be 1",
    });
    assert.throws(() => broadcastTo(tensor([[1], [2]]), [3, 1]), { name: 'ShapeError' });
  });

  test('matmul with transposeA / transposeB equals the product of the transposes, batched, broadcast and beside a 1-D operand', () => {
    const g = new Generator(7);
    const cases: [number[], number[], boolean, boolean][] = [
      [[3, 2], [3, 4], true, false],
      [[2, 3], [4, 3], false, true],
      [[3, 2], [4, 3], true, true],
      [[2, 1, 5, 3], [4, 2, 5], true, true],
      [[5], [4, 5], false, true],
      [[5, 2], [5], true, false],
    ];
    for (const [sa, sb, ta, tb] of cases) {
      for (const dtype of ['float64', 'float32', 'int32'] as const) {
        const a = randn(sa, { generator: g }).mul(4).cast(dtype);
        const b = randn(sb, { generator: g }).mul(4).cast(dtype);
        const want = matmul(ta ? a.transpose() : a, tb ? b.transpose() : b);
        const got = matmul(a, b, { transposeA: ta, transposeB: tb });
        assert.deepEqual(got.shape, want.shape, `${JSON.stringify([sa, sb, ta, tb])} ${dtype}`);
        assert.equal(got.dtype, want.dtype);
        expectTensor(got, [...want.shape], [...want.data()], dtype === 'float32' ? 1e-5 : 1e-12);
      }
    }
  });

  test('matmul with broadcast batch dimensions matches a JS triple loop', () => {
    const g = new Generator(3);
    const a = randn([2, 1, 2, 3], { dtype: 'float64', generator: g });
    const b = randn([3, 3, 4], { dtype: 'float64', generator: g });
    const ad = a.data();
    const bd = b.data();
    const expected: number[] = [];
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        for (let r = 0; r < 2; r++) {
          for (let c = 0; c < 4; c++) {
            let acc = 0;
            for (let k = 0; k < 3; k++) acc += (ad[ravel([i, 0, r, k], [2, 1, 2, 3])] ?? 0) * (bd[ravel([j, k, c], [3, 3, 4])] ?? 0);
            expected.push(acc);
          }
        }
      }
    }
    expectTensor(matmul(a, b), [2, 3, 2, 4], expected, 1e-12);
  });

  test('matmul of vectors drops their axis: [3]·[3] → [], [3]·[3,2] → [2], [2,3]·[3] → [2], [3]·[2,3,4] → [2,4]', () => {
    const v = tensor([1, 2, 3], F64);
    expectTensor(matmul(v, v), [], [14]);
    expectTensor(matmul(v, tensor([[1, 0], [0, 1], [1, 1]], F64)), [2], [4, 5]);
    expectTensor(matmul(tensor([[1, 0, 0], [1, 1, 1]], F64), v), [2], [1, 6]);
    assert.deepEqual(matmul(v, randn([2, 3, 4])).shape, [2, 4]);
    assert.deepEqual(matmul(randn([2, 4, 3]), v).shape, [2, 4]);
  });
});

// ---------------------------------------------------------------- elementwise values

describe('elementwise values', () => {
  const POINTS = [-30, -2.5, -1, -0.3, 0, 0.4, 1, 2.7, 30];
  const PHI = (x: number): number => 0.5 * (1 + erfRef(x / Math.SQRT2));
  // Abramowitz–Stegun 7.1.26 is too coarse; use the series / continued fraction for 1e-12.
  function erfRef(x: number): number {
    if (Math.abs(x) > 6) return Math.sign(x);
    // Maclaurin series: erf x = 2/√π Σ (−1)ⁿ x^(2n+1) / (n! (2n+1)), converging for |x| ≤ 6 in float64 to ~1e-13 relative to its terms.
    let term = x;
    let total = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      total += add;
      if (Math.abs(add) < 1e-17 * Math.abs(total)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * total;
  }

  const UNARY: readonly [string, (x: Tensor) => Tensor, (x: number) => number, number][] = [
    ['exp', exp, Math.exp, 1e-12],
    ['tanh', tanh, Math.tanh, 1e-12],
    ['sigmoid', sigmoid, (x) => 1 / (1 + Math.exp(-x)), 1e-12],
    ['relu', relu, (x) => (x > 0 ? x : 0), 0],
    ['leakyRelu', (x) => leakyRelu(x), (x) => (x > 0 ? x : 0.01 * x), 1e-15],
    ['leakyRelu slope 0.2', (x) => leakyRelu(x, 0.2), (x) => (x > 0 ? x : 0.2 * x), 1e-15],
    ['elu', (x) => elu(x), (x) => (x > 0 ? x : Math.exp(x) - 1), 1e-12],
    ['elu alpha 2', (x) => elu(x, 2), (x) => (x > 0 ? x : 2 * (Math.exp(x) - 1)), 1e-12],
    ['softplus', softplus, (x) => (x > 20 ? x : Math.log1p(Math.exp(x))), 1e-12],
    ['erf', erf, erfRef, 1e-7],
    ['gelu', (x) => gelu(x), (x) => x * PHI(x), 1e-7],
    ['gelu tanh', (x) => gelu(x, 'tanh'), (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))), 1e-12],
    ['abs', abs, Math.abs, 0],
  ];
  for (const [name, op, ref, tol] of UNARY) {
    test(`${name} matches the JS formula on [${POINTS.join(', ')}]`, () => {
      expectTensor(op(tensor(POINTS, F64)), [POINTS.length], POINTS.map(ref), tol);
    });
  }

  test('sigmoid and softplus stay finite for ±1000 (float32)', () => {
    const x = tensor([-1000, 1000]);
    expectTensor(sigmoid(x), [2], [0, 1], 0);
    expectTensor(softplus(x), [2], [0, 1000], 0);
    expectTensor(gelu(x), [2], [-0, 1000], 0);
  });

  test('log and sqrt of positive values; log(0) is -Infinity, sqrt(-1) is NaN', () => {
    expectTensor(log(tensor([1, Math.E, 0.5], F64)), [3], [0, 1, Math.log(0.5)], 1e-15);
    expectTensor(sqrt(tensor([4, 2], F64)), [2], [2, Math.SQRT2], 1e-15);
    expectTensor(log(tensor([0], F64)), [1], [-Infinity]);
    expectTensor(sqrt(tensor([-1], F64)), [1], [NaN]);
  });

  test('clamp with both bounds, only min, only max (undefined or null for the missing one)', () => {
    const x = tensor([-2, -0.5, 0, 0.5, 3], F64);
    expectTensor(clamp(x, -1, 1), [5], [-1, -0.5, 0, 0.5, 1]);
    expectTensor(clamp(x, 0), [5], [0, 0, 0, 0.5, 3]);
    expectTensor(clamp(x, null, 0.25), [5], [-2, -0.5, 0, 0.25, 0.25]);
    expectTensor(clamp(x, undefined, 0.25), [5], [-2, -0.5, 0, 0.25, 0.25]);
    expectTensor(x.clamp(-0.5), [5], [-0.5, -0.5, 0, 0.5, 3]);
    expectTensor(clamp(x), [5], [-2, -0.5, 0, 0.5, 3]);
  });

  test('clamp with tensor bounds broadcasts them elementwise', () => {
    const x = tensor([[-3, 0, 3], [-3, 0, 3]], F64);
    const lo = tensor([-1, 0.5, -5], F64);
    const hi = tensor([[2], [0]], F64);
    const expected = [
      [-1, 0.5, 2],
      [-1, 0, 0], // the min is applied first, then the max: min 0.5 > max 0 gives max
    ].flat();
    expectTensor(clamp(x, lo, hi), [2, 3], expected);
  });

  test('where(x.gt(0), x, 0) is relu (the documented example)', () => {
    const x = tensor([-1, 2, 0, -0.5, 3], F64);
    expectTensor(where(x.gt(0), x, 0), [5], [0, 2, 0, 0, 3]);
    expectTensor(where(tensor([true, false]), tensor([[1], [2]], F64), tensor(9, F64)), [2, 2], [1, 9, 2, 9]);
  });
});

// ---------------------------------------------------------------- reductions

describe('reductions', () => {
  const g = new Generator(11);
  const x = randn([2, 3, 4], { dtype: 'float64', generator: g });
  const AXES: readonly (number | number[] | null)[] = [null, 0, 1, -1, [0, 2], [-1, -3], [2, 0, 1]];
  const norm = (axis: number | number[] | null): number[] =>
    axis === null ? [0, 1, 2] : (typeof axis === 'number' ? [axis] : axis).map((a) => (a < 0 ? a + 3 : a));
  const meanOf = (v: number[]) => v.reduce((p, q) => p + q, 0) / v.length;
  const varOf = (correction: number) => (v: number[]) => {
    const m = meanOf(v);
    return v.reduce((p, q) => p + (q - m) ** 2, 0) / (v.length - correction);
  };
  const REDUCTIONS: readonly [string, (t: Tensor, axis: number | number[] | null, keepdims: boolean) => Tensor, (v: number[]) => number][] = [
    ['sum', (t, a, k) => sum(t, a, k), (v) => v.reduce((p, q) => p + q, 0)],
    ['mean', (t, a, k) => mean(t, a, k), meanOf],
    ['max', (t, a, k) => max(t, a, k), (v) => Math.max(...v)],
    ['min', (t, a, k) => min(t, a, k), (v) => Math.min(...v)],
    ['var (correction 1)', (t, a, k) => variance(t, a, k), varOf(1)],
    ['var correction 0', (t, a, k) => variance(t, a, k, 0), varOf(0)],
    ['std (correction 1)', (t, a, k) => std(t, a, k), (v) => Math.sqrt(varOf(1)(v))],
    ['std correction 0', (t, a, k) => std(t, a, k, 0), (v) => Math.sqrt(varOf(0)(v))],
    ['logsumexp', (t, a, k) => logsumexp(t, a, k), (v) => Math.log(v.reduce((p, q) => p + Math.exp(q), 0))],
  ];
  for (const [name, op, ref] of REDUCTIONS) {
    test(`${name} over axis null, number, negative and lists, keepdims true and false`, () => {
      for (const axis of AXES) {
        for (const keepdims of [false, true]) {
          const expected = refReduce(x, norm(axis), keepdims, ref);
          expectTensor(op(x, axis, keepdims), expected.shape, expected.data, 1e-12);
        }
      }
    });
  }

  test('var and std with correction 0 and 1 on a known sample', () => {
    const v = tensor([2, 4, 4, 4, 5, 5, 7, 9], F64); // mean 5, squared deviations sum 32
    expectTensor(variance(v, null, false, 0), [], [32 / 8]);
    expectTensor(variance(v), [], [32 / 7]);
    expectTensor(std(v, null, false, 0), [], [2]);
    expectTensor(std(v, 0, true, 1), [1], [Math.sqrt(32 / 7)]);
    expectTensor(v.var(0, false, 0), [], [4]);
  });

  test('a reduction of a 0-d tensor returns its value', () => {
    const s = tensor(2.5, F64);
    expectTensor(sum(s), [], [2.5]);
    expectTensor(mean(s), [], [2.5]);
    expectTensor(max(s), [], [2.5]);
    expectTensor(logsumexp(s), [], [2.5]);
  });

  test('argmax/argmin pick the first of tied values, along an axis and over the flattened tensor (axis null)', () => {
    const t = tensor([[1, 3, 3], [2, 2, 1], [0, -1, -1]], F64);
    expectTensor(argmax(t, 1), [3], [1, 0, 0], 0, 'int32');
    expectTensor(argmin(t, 1), [3], [0, 2, 1], 0, 'int32');
    expectTensor(argmax(t, 0), [3], [1, 0, 0], 0, 'int32');
    expectTensor(argmin(t, -2), [3], [2, 2, 2], 0, 'int32');
    expectTensor(argmax(t), [], [1], 0, 'int32'); // 3 first appears at flat index 1
    expectTensor(argmin(t, null), [], [7], 0, 'int32'); // −1 first appears at flat index 7
    expectTensor(argmax(t, null, true), [1, 1], [1], 0, 'int32');
    expectTensor(argmin(t, 1, true), [3, 1], [0, 2, 1], 0, 'int32');
    expectTensor(t.argmax(-1), [3], [1, 0, 0], 0, 'int32');
  });

  test('argmax over random data agrees with a JS scan', () => {
    const r = randn([4, 5], { dtype: 'float64', generator: new Generator(5) });
    const rows = Array.from({ length: 4 }, (_, i) => Array.from(r.data()).slice(i * 5, i * 5 + 5));
    expectTensor(argmax(r, 1), [4], rows.map((row) => row.indexOf(Math.max(...row))), 0);
    expectTensor(argmin(r, 1), [4], rows.map((row) => row.indexOf(Math.min(...row))), 0);
  });

  // Regression: the reference backend filled an int32 out with −Infinity (stored as 0), so the
  // max of all-negative int32 values came out 0.
  for (const backend of ['reference', 'cpu'] as const) {
    test(`max and min of int32 tensors with only negative (or only positive) values (${backend})`, () => {
      withBackend(backend, () => {
        expectTensor(max(tensor([-3, -5], { dtype: 'int32' })), [], [-3], 0, 'int32');
        expectTensor(min(tensor([3, 5], { dtype: 'int32' })), [], [3], 0, 'int32');
        expectTensor(max(tensor([[-3, -5], [-7, -2]], { dtype: 'int32' }), 1), [2], [-3, -2], 0, 'int32');
      });
    });
  }
});

// ---------------------------------------------------------------- softmax family

describe('softmax, logSoftmax and logsumexp are stable', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    test(`for [1000, -1000, 0] in ${dtype}: no NaN or Inf, the right values`, () => {
      const x = tensor([1000, -1000, 0], { dtype });
      expectTensor(logsumexp(x), [], [1000], 0);
      expectTensor(softmax(x), [3], [1, 0, 0], 0);
      expectTensor(logSoftmax(x), [3], [0, -2000, -1000], 0);
      assert.ok(allFinite(softmax(x)) && allFinite(logSoftmax(x)));
    });
  }

  test('softmax rows equal for inputs shifted by a constant; rows sum to 1', () => {
    const base = [0.5, -1, 2];
    const x = tensor([base, base.map((v) => v + 1000), base.map((v) => v - 1000)], F64);
    const z = base.map(Math.exp).reduce((p, q) => p + q, 0);
    const expected = base.map((v) => Math.exp(v) / z);
    expectTensor(softmax(x), [3, 3], [...expected, ...expected, ...expected], 1e-12);
    expectTensor(sum(softmax(x), -1), [3], [1, 1, 1], 1e-12);
    expectTensor(logSoftmax(x, 1), [3, 3], [...expected, ...expected, ...expected].map(Math.log), 1e-12);
  });

  test('softmax along axis 0 normalizes columns', () => {
    const x = tensor([[1, 2], [3, 5]], F64);
    const col = (a: number, b: number) => [Math.exp(a) / (Math.exp(a) + Math.exp(b)), Math.exp(b) / (Math.exp(a) + Math.exp(b))];
    const [c00, c10] = col(1, 3);
    const [c01, c11] = col(2, 5);
    expectTensor(softmax(x, 0), [2, 2], [c00!, c01!, c10!, c11!], 1e-12);
  });

  test('logsumexp over rows with large values; -Infinity rows give -Infinity, not NaN', () => {
    const x = tensor([[1000, 1000], [-Infinity, -Infinity], [-1000, -1001]], F64);
    expectTensor(logsumexp(x, 1), [3], [1000 + Math.log(2), -Infinity, -1000 + Math.log1p(Math.exp(-1))], 1e-15);
  });

  test('the gradient of logSoftmax at large inputs is finite', () => {
    const x = leaf([1000, -1000, 0]);
    logSoftmax(x).mul(tensor([1, 2, 3], F64)).sum().backward();
    // ∂/∂x Σ wᵢ logSoftmax(x)ᵢ = w − (Σw)·softmax(x) = [1 − 6, 2, 3].
    expectTensor(x.grad!, [3], [-5, 2, 3], 1e-12);
  });
});

// ---------------------------------------------------------------- slicing

describe('slice follows Python slicing', () => {
  const bound = fc.option(fc.integer({ min: -12, max: 12 }), { nil: null });
  const step = fc.option(fc.integer({ min: -5, max: 5 }).filter((s) => s !== 0), { nil: null });

  test('1-D: random start/stop/step against slice.indices, tuple and object forms', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), bound, bound, step, (n, start, stop, st) => {
        const x = arange(n, undefined, 1, F64);
        const expected = pythonSlice(n, start, stop, st);
        expectTensor(slice(x, [start, stop, st]), [expected.length], expected, 0);
        expectTensor(x.slice({ start, stop, step: st }), [expected.length], expected, 0);
      }),
      { numRuns: 500 },
    );
  });

  test('2-D: independent ranges per axis, and the gradient scatters ones back to the picked positions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), bound, bound, step, bound, bound, step, (r, c, s0, e0, p0, s1, e1, p1) => {
        const x = tensor(Array.from({ length: r * c }, (_, i) => i), { dtype: 'float64', shape: [r, c], requiresGrad: true });
        const rows = pythonSlice(r, s0, e0, p0);
        const cols = pythonSlice(c, s1, e1, p1);
        const y = slice(x, [s0, e0, p0], [s1, e1, p1]);
        expectTensor(y, [rows.length, cols.length], rows.flatMap((i) => cols.map((j) => i * c + j)), 0);
        y.sum().backward();
        const picked = new Set(rows.flatMap((i) => cols.map((j) => i * c + j)));
        expectTensor(x.grad!, [r, c], Array.from({ length: r * c }, (_, k) => (picked.has(k) ? 1 : 0)), 0);
      }),
      { numRuns: 300 },
    );
  });

  test('integer indices pick one entry and drop the axis; negative ones count from the end', () => {
    const x = arange(12, undefined, 1, F64).reshape([3, 4]);
    expectTensor(slice(x, 1), [4], [4, 5, 6, 7], 0);
    expectTensor(slice(x, -1, -2), [], [10], 0);
    expectTensor(slice(x, null, 0), [3], [0, 4, 8], 0);
    expectTensor(slice(x, [null, null, -1], 3), [3], [11, 7, 3], 0);
    expectTensor(x.slice(), [3, 4], Array.from({ length: 12 }, (_, i) => i), 0);
    expectTensor(slice(x, [5, 9]), [0, 4], [], 0);
  });
});

// ---------------------------------------------------------------- joining and splitting

describe('split, stack and concat', () => {
  test('concat(split(x, sizes, axis), axis) gives x back, for random sizes and axes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 2 }), (sizes, axis) => {
        const n = sizes.reduce((p, q) => p + q, 0);
        const shape = [2, 3, 2].map((d, i) => (i === axis ? n : d));
        const x = tensor(Array.from({ length: size(shape) }, (_, i) => i), { dtype: 'float64', shape });
        const pieces = split(x, sizes, axis);
        assert.equal(pieces.length, sizes.length);
        pieces.forEach((p, i) => assert.equal(p.shape[axis], sizes[i]));
        expectTensor(concat(pieces, axis), shape, Array.from(x.data()), 0);
      }),
      { numRuns: 100 },
    );
  });

  test('split by a piece size makes equal pieces with a smaller last one', () => {
    const pieces = split(arange(7, undefined, 1, F64), 3);
    assert.deepEqual(pieces.map((p) => Array.from(p.data())), [[0, 1, 2], [3, 4, 5], [6]]);
    const cols = split(arange(8, undefined, 1, F64).reshape([2, 4]), 2, -1);
    expectTensor(cols[1]!, [2, 2], [2, 3, 6, 7], 0);
  });

  test('stack adds an axis; slicing it out gives each input back', () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]], F64);
    const b = tensor([[7, 8, 9], [10, 11, 12]], F64);
    for (const axis of [0, 1, 2, -1]) {
      const s = stack([a, b], axis);
      const ax = axis < 0 ? axis + 3 : axis;
      const expectedShape = [2, 3];
      expectedShape.splice(ax, 0, 2);
      assert.deepEqual([...s.shape], expectedShape);
      const specs: SliceSpec[] = [null, null, null];
      specs[ax] = 0;
      expectTensor(slice(s, ...specs), [2, 3], Array.from(a.data()), 0);
      specs[ax] = 1;
      expectTensor(slice(s, ...specs), [2, 3], Array.from(b.data()), 0);
    }
    expectTensor(stack([tensor(1, F64), tensor(2, F64)]), [2], [1, 2], 0);
  });

  test('concat of mixed dtypes promotes, and narrow takes a window (negative start from the end)', () => {
    const c = concat([tensor([1, 2], { dtype: 'int32' }), tensor([0.5])]);
    expectTensor(c, [3], [1, 2, 0.5], 0, 'float32');
    const x = arange(5, undefined, 1, F64);
    expectTensor(narrow(x, 0, 1, 3), [3], [1, 2, 3], 0);
    expectTensor(narrow(x, 0, -2, 2), [2], [3, 4], 0);
    expectTensor(narrow(x, 0, 5, 0), [0], [], 0);
  });
});

// ---------------------------------------------------------------- gather and indexSelect

describe('gather and indexSelect', () => {
  const logits = tensor([[0.1, 2.0, -1.0], [1.5, 0.3, 0.2], [-0.7, -0.2, 3.1], [0.0, 0.9, 0.4]], F64);
  const labels = [1, 0, 2, 1];
  const rows = [[0.1, 2.0, -1.0], [1.5, 0.3, 0.2], [-0.7, -0.2, 3.1], [0.0, 0.9, 0.4]];

  test('gather(1, labels) picks each row\'s score of its class', () => {
    const picked = logits.gather(1, tensor(labels.map((l) => [l]), { dtype: 'int32' }));
    expectTensor(picked, [4, 1], labels.map((l, i) => rows[i]![l]!), 0);
  });

  test('gather along axis 0 picks per column', () => {
    const idx = tensor([[3, 0, 2]], { dtype: 'int32' });
    expectTensor(logits.gather(0, idx), [1, 3], [rows[3]![0]!, rows[0]![1]!, rows[2]![2]!], 0);
  });

  test('the gradient of gathered scores lands on the labels, repeats adding up', () => {
    const x = leaf(rows);
    x.gather(1, tensor([[1, 1], [0, 2], [2, 2], [1, 0]], { dtype: 'int32' })).sum().backward();
    expectTensor(x.grad!, [4, 3], [0, 2, 0, 1, 0, 1, 0, 0, 2, 1, 1, 0], 0);
  });

  test('indexSelect picks rows or columns by a list or an int32 tensor, repeats allowed', () => {
    expectTensor(indexSelect(logits, 0, [2, 0, 2]), [3, 3], [...rows[2]!, ...rows[0]!, ...rows[2]!], 0);
    expectTensor(logits.indexSelect(-1, tensor([2, 1], { dtype: 'int32' })), [4, 2], rows.flatMap((r) => [r[2]!, r[1]!]), 0);
    expectTensor(indexSelect(logits, 0, []), [0, 3], [], 0);
  });

  test('mean of the picked log-probabilities is the cross-entropy (a typical use)', () => {
    const logp = logSoftmax(logits, 1);
    const nll = logp.gather(1, tensor(labels.map((l) => [l]), { dtype: 'int32' })).mean().neg();
    const expected =
      labels.reduce((acc, l, i) => {
        const row = rows[i]!;
        const lse = Math.log(row.reduce((p, v) => p + Math.exp(v), 0));
        return acc + (lse - row[l]!);
      }, 0) / labels.length;
    expectTensor(nll, [], [expected], 1e-12);
  });
});

// ---------------------------------------------------------------- subgradients

describe('subgradient conventions at kinks (through backward)', () => {
  test("relu'(0) = 0", () => {
    expectTensor(gradAt(relu, [-1, 0, 2]), [3], [0, 0, 1], 0);
  });

  test("abs'(0) = 0", () => {
    expectTensor(gradAt(abs, [-1, 0, 2]), [3], [-1, 0, 1], 0);
  });

  test('maximum and minimum split a tie: 1/2 to each side', () => {
    for (const op of [maximum, minimum]) {
      const a = leaf([1, 2, 3]);
      const b = leaf([1, 0, 5]);
      op(a, b).sum().backward();
      const aWins = op === maximum ? [0.5, 1, 0] : [0.5, 0, 1];
      expectTensor(a.grad!, [3], aWins, 0);
      expectTensor(b.grad!, [3], aWins.map((w) => 1 - w), 0);
    }
  });

  test('maximum(x, 0) at x = 0 gives 1/2; a broadcast 0-d side collects its halves', () => {
    expectTensor(gradAt((x) => maximum(x, 0), [-1, 0, 1]), [3], [0, 0.5, 1], 0);
    const x = leaf([0, 0, 3]);
    const y = leaf(0);
    maximum(x, y).sum().backward();
    expectTensor(y.grad!, [], [1], 0); // 1/2 + 1/2 + 0
  });

  test('max and min reductions share the gradient evenly among ties', () => {
    const t = [[1, 3, 3], [2, 2, 2]];
    expectTensor(gradAt((x) => max(x, 1), t), [2, 3], [0, 0.5, 0.5, 1 / 3, 1 / 3, 1 / 3], 1e-15);
    expectTensor(gradAt((x) => min(x, 1), [[1, 1, 3], [0, 2, 0]]), [2, 3], [0.5, 0.5, 0, 0.5, 0, 0.5], 1e-15);
    expectTensor(gradAt((x) => max(x), [3, 1, 3, 2]), [4], [0.5, 0, 0.5, 0], 1e-15);
    expectTensor(gradAt((x) => max(x, 0, true), [[4, 1], [4, 2]]), [2, 2], [0.5, 0, 0.5, 1], 1e-15);
  });

  test('clamp has gradient 1 at its boundaries and 0 outside', () => {
    expectTensor(gradAt((x) => clamp(x, -1, 1), [-2, -1, 0, 1, 2]), [5], [0, 1, 1, 1, 0], 0);
    expectTensor(gradAt((x) => clamp(x, 0), [-1, 0, 1]), [3], [0, 1, 1], 0);
    expectTensor(gradAt((x) => clamp(x, null, 0), [-1, 0, 1]), [3], [1, 1, 0], 0);
  });

  test("softplus'(0) = 1/2, and softplus' = sigmoid elsewhere", () => {
    const points = [-3, -0.5, 0, 0.7, 4];
    expectTensor(gradAt(softplus, points), [5], points.map((v) => 1 / (1 + Math.exp(-v))), 1e-12);
  });

  test("leakyRelu'(0) is the negative slope", () => {
    expectTensor(gradAt((x) => leakyRelu(x), [-2, 0, 2]), [3], [0.01, 0.01, 1], 0);
    expectTensor(gradAt((x) => leakyRelu(x, 0.2), [-2, 0, 2]), [3], [0.2, 0.2, 1], 0);
  });

  test("elu'(0) = alpha (regression: it was alpha/2 through minimum's tie split)", () => {
    expectTensor(gradAt((x) => elu(x), [-1, 0, 1]), [3], [Math.exp(-1), 1, 1], 1e-15);
    expectTensor(gradAt((x) => elu(x, 2), [-1, 0, 1]), [3], [2 * Math.exp(-1), 2, 1], 1e-15);
  });

  test('pow: the gradient of x⁰ is 0 everywhere, x = 0 included (regression: it was NaN at 0)', () => {
    expectTensor(gradAt((x) => pow(x, 0), [0, 2, -1]), [3], [0, 0, 0], 0);
    const e = leaf([0, 2]);
    const b = leaf([0, 0]);
    pow(b, e).sum().backward();
    expectTensor(b.grad!, [2], [0, 0], 0); // 0⁰: 0·0⁻¹ would be NaN; 0²: 2·0 = 0
    expectTensor(e.grad!, [2], [0, 0], 0); // ∂(aᵇ)/∂b = aᵇ·log a, taken as 0 at a = 0
  });

  test('pow at positive bases: d/dx x³ = 3x², d/dy 2ʸ = 2ʸ·ln 2', () => {
    expectTensor(gradAt((x) => pow(x, 3), [0, -2, 1.5]), [3], [0, 12, 6.75], 1e-15);
    expectTensor(gradAt((y) => pow(2, y), [0, 3]), [2], [Math.log(2), 8 * Math.log(2)], 1e-15);
  });
});

// ---------------------------------------------------------------- dtypes

describe('dtype rules', () => {
  const i32 = tensor([1, 2, 3], { dtype: 'int32' });
  const f32 = tensor([1, 2, 3]);
  const f64 = tensor([1, 2, 3], F64);
  const bool = tensor([true, false, true]);

  test('float32 op float64 → float64, either order and for every arithmetic op', () => {
    for (const op of [add, sub, mul, div, pow, maximum, minimum]) {
      assert.equal(op(f32, f64).dtype, 'float64');
      assert.equal(op(f64, f32).dtype, 'float64');
    }
    assert.equal(matmul(f32, f64).dtype, 'float64');
  });

  test('int32 op integer number → int32; int32 op fractional number → float32 (either order)', () => {
    for (const op of [add, sub, mul, maximum, minimum]) {
      assert.equal(op(i32, 2).dtype, 'int32');
      assert.equal(op(2, i32).dtype, 'int32');
      assert.equal(op(i32, 2.5).dtype, 'float32');
      assert.equal(op(2.5, i32).dtype, 'float32');
    }
    expectTensor(add(i32, 2), [3], [3, 4, 5], 0, 'int32');
    expectTensor(mul(i32, 0.5), [3], [0.5, 1, 1.5], 0, 'float32');
    expectTensor(clamp(i32, 2), [3], [2, 2, 3], 0, 'int32');
  });

  test('a number never changes a float tensor\'s dtype', () => {
    assert.equal(add(f64, 2.5).dtype, 'float64');
    assert.equal(mul(3, f32).dtype, 'float32');
    assert.equal(sub(f64, 1).dtype, 'float64');
  });

  test('int32 op float32 → float32; bool op int32 → int32', () => {
    assert.equal(add(i32, f32).dtype, 'float32');
    assert.equal(add(bool, i32).dtype, 'int32');
  });

  test('comparisons give bool, whatever the operands', () => {
    for (const op of [eq, ne, lt, le, gt, ge]) {
      assert.equal(op(f32, f64).dtype, 'bool');
      assert.equal(op(i32, 2.5).dtype, 'bool');
      assert.equal(op(f32, 2).dtype, 'bool');
    }
    expectTensor(lt(i32, 2.5), [3], [1, 1, 0], 0, 'bool');
    expectTensor(ge(tensor([[1], [3]], F64), f64), [2, 3], [1, 0, 0, 1, 1, 1], 0, 'bool');
    expectTensor(ne(f32, 2), [3], [1, 0, 1], 0, 'bool');
  });

  test('div of int32 is true division → float32', () => {
    expectTensor(div(i32, tensor([2, 2, 2], { dtype: 'int32' })), [3], [0.5, 1, 1.5], 0, 'float32');
    expectTensor(div(i32, 2), [3], [0.5, 1, 1.5], 0, 'float32');
  });

  test('mean, var, std and logsumexp of int32 → float32; sum of int32 stays int32; sum of bool counts as int32', () => {
    expectTensor(mean(i32), [], [2], 0, 'float32');
    expectTensor(variance(i32), [], [1], 1e-7, 'float32');
    expectTensor(std(i32, 0, false, 0), [], [Math.sqrt(2 / 3)], 1e-7, 'float32');
    assert.equal(logsumexp(i32).dtype, 'float32');
    expectTensor(sum(i32), [], [6], 0, 'int32');
    expectTensor(sum(bool), [], [2], 0, 'int32');
  });

  test('unary float ops of int32 give float32; abs/relu/neg keep int32', () => {
    for (const op of [exp, log, sqrt, tanh, sigmoid, erf]) assert.equal(op(i32).dtype, 'float32');
    assert.equal(abs(i32).dtype, 'int32');
    assert.equal(relu(i32).dtype, 'int32');
    assert.equal(i32.neg().dtype, 'int32');
    assert.equal(softmax(i32.cast('float64')).dtype, 'float64');
  });

  test('argmax/argmin give int32; cast truncates toward zero; a float32 leaf gets a float32 gradient through a float64 cast', () => {
    assert.equal(argmax(f64).dtype, 'int32');
    expectTensor(cast(tensor([1.7, -1.7, 0.2], F64), 'int32'), [3], [1, -1, 0], 0, 'int32');
    expectTensor(cast(tensor([2, 0, -1], F64), 'bool'), [3], [1, 0, 1], 0, 'bool');
    const x = tensor([1, 2], { requiresGrad: true });
    cast(x, 'float64').mul(3).sum().backward();
    expectTensor(x.grad!, [2], [3, 3], 0, 'float32');
  });

  test('an int32 result does not record a graph', () => {
    const x = tensor([1.5, 2.5], { requiresGrad: true });
    assert.equal(cast(x, 'int32').requiresGrad, false);
    assert.equal(argmax(x).requiresGrad, false);
    assert.equal(x.gt(2).requiresGrad, false);
  });
});

// ---------------------------------------------------------------- primitive definitions

test('every primitive formula is clean text: no control characters (regression: "\\text" in a plain string became a tab)', () => {
  for (const name of PRIMITIVE_NAMES) {
    const def = PRIMITIVES[name];
    const formulas = [def.forward, ...def.local].filter((f) => f !== null);
    for (const f of formulas) {
      for (const s of [f.text, f.latex]) {
        // eslint-disable-next-line no-control-regex
        assert.doesNotMatch(s, /[\u0000-\u001f]/, `${name}: ${JSON.stringify(s)}`);
      }
    }
  }
  assert.equal(PRIMITIVES.maximum.local[0]?.latex, '\\mathbb 1[{0} \\text{ wins}]');
  assert.equal(PRIMITIVES.minimum.local[1]?.latex, '\\mathbb 1[{1} \\text{ wins}]');
});

test('no LaTeX formula gives a command a braced digit, which fillFormula would take for a placeholder (regression: \\mathbb{1} became \\mathbbx1)', () => {
  for (const name of PRIMITIVE_NAMES) {
    const def = PRIMITIVES[name];
    for (const f of [def.forward, ...def.local]) {
      if (f !== null) assert.doesNotMatch(f.latex, /\\[A-Za-z]+\{\d+\}|\\frac\{\d+\}/, `${name}: ${f.latex}`);
    }
  }
});

test('log1p(x) keeps the digits of a tiny x that log(1 + x) rounds away, in float64 and float32', () => {
  assert.equal(log1p(tensor([1e-20], { dtype: 'float64' })).item(), 1e-20);
  assert.equal(tensor([1e-20], { dtype: 'float64' }).add(1).log().item(), 0);
  assert.equal(tensor([1e-10]).log1p().item(), Math.fround(Math.log1p(Math.fround(1e-10))));
  assert.deepEqual(Array.from(tensor([0, -1, -2], { dtype: 'float64' }).log1p().data()), [0, -Infinity, NaN]);
  assert.equal(tensor([3], { requiresGrad: true }).log1p().op, 'log1p');
});
