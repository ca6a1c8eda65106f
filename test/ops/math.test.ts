// Issue 17's everyday ops against PyTorch: the values (and norm's and atan2's gradients) that
// scripts/oracles/math_ops.py printed into test/fixtures/math_ops.json, in float64 to 1e-10
// relative, signed zeros, infinities and NaN included; then dtypes, errors and conventions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  AxisError,
  DTypeError,
  ShapeError,
  Tensor,
  ValueError,
  acos,
  arange,
  asin,
  atan,
  atan2,
  ceil,
  chunk,
  cosh,
  expm1,
  flip,
  floor,
  log2,
  maskedFill,
  norm,
  reciprocal,
  repeat,
  round,
  rsqrt,
  sinh,
  tan,
  tensor,
  tile,
  tril,
  triu,
  trunc,
  type NormOptions,
} from '../../src/index.js';

type Num = number | 'inf' | '-inf' | 'nan' | '-0';
interface NormCase {
  readonly input: Num[];
  readonly shape: number[];
  readonly p: Num | 'fro';
  readonly axis: number | number[] | null;
  readonly keepdims: boolean;
  readonly output: Num[];
  readonly outShape: number[];
  readonly upstream?: Num[];
  readonly grad?: Num[] | null;
}
interface Fixture {
  readonly unary: { op: string; input: Num[]; output: Num[] }[];
  readonly atan2: {
    table: { y: Num[]; yShape: number[]; x: Num[]; xShape: number[]; output: Num[] };
    broadcastWithGrad: { y: Num[]; yShape: number[]; x: Num[]; xShape: number[]; upstream: Num[]; output: Num[]; yGrad: Num[]; xGrad: Num[] };
  };
  readonly norm: NormCase[];
  readonly shape: {
    input: Num[];
    shape: number[];
    maskedFill: { mask: boolean[]; maskShape: number[]; value: number; output: Num[] };
    maskedFillBroadcast: { mask: boolean[]; maskShape: number[]; value: number; output: Num[]; outShape: number[] };
    tril: { diagonal: number; output: Num[] }[];
    triu: { diagonal: number; output: Num[] }[];
    repeat: { reps: number[]; output: Num[]; outShape: number[] }[];
    tile: { reps: number[]; output: Num[]; outShape: number[] }[];
    flip: { axes: number[]; output: Num[] }[];
    chunk: { chunks: number; axis: number; sizes: number[][]; outputs: Num[][] }[];
  };
}

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/math_ops.json', import.meta.url), 'utf8')) as Fixture;

function num(v: Num): number {
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  if (v === 'nan') return NaN;
  if (v === '-0') return -0;
  return v;
}

function f64(values: readonly Num[], shape?: readonly number[]): Tensor {
  return tensor(Float64Array.from(values, num), shape === undefined ? {} : { shape });
}

/** Equal to 1e-10 relative; NaN to NaN, ±∞ exactly, and a zero with its sign. */
function assertClose(actual: Tensor, expected: readonly Num[], where: string, shape?: readonly number[]): void {
  if (shape !== undefined) assert.deepEqual([...actual.shape], [...shape], `${where}: shape`);
  const got = actual.data();
  assert.equal(got.length, expected.length, `${where}: size`);
  expected.forEach((raw, i) => {
    const e = num(raw);
    const a = got[i]!;
    if (Number.isNaN(e) || !Number.isFinite(e) || e === 0) {
      assert.ok(Object.is(a, e), `${where}: element ${i} is ${Object.is(a, -0) ? '-0' : a}, PyTorch gives ${raw}`);
      return;
    }
    assert.ok(Math.abs(a - e) <= 1e-10 * Math.abs(e), `${where}: element ${i} is ${a}, PyTorch gives ${e}`);
  });
}

const UNARY: Readonly<Record<string, (x: Tensor) => Tensor>> = { floor, ceil, round, trunc, expm1, log2, rsqrt, reciprocal, tan, atan, asin, acos, sinh, cosh };

for (const c of fixture.unary) {
  test(`${c.op} matches PyTorch on edge values (${c.input.length} values)`, () => {
    const f = UNARY[c.op];
    assert.ok(f !== undefined, `no function for ${c.op}`);
    assertClose(f(f64(c.input)), c.output, c.op);
  });
}

test('atan2 matches PyTorch for every pair of signed zeros, infinities, NaN and finite values', () => {
  const t = fixture.atan2.table;
  assertClose(atan2(f64(t.y, t.yShape), f64(t.x, t.xShape)), t.output, 'atan2', [t.yShape[0]!, t.xShape[1]!]);
});

test('atan2 with broadcasting matches PyTorch in value and in both gradients', () => {
  const c = fixture.atan2.broadcastWithGrad;
  const y = f64(c.y, c.yShape).requiresGrad_();
  const x = f64(c.x, c.xShape).requiresGrad_();
  const out = y.atan2(x);
  assertClose(out, c.output, 'atan2 value', c.yShape);
  out.backward(f64(c.upstream, c.yShape));
  assertClose(y.grad!, c.yGrad, 'atan2 ∂/∂y', c.yShape);
  assertClose(x.grad!, c.xGrad, 'atan2 ∂/∂x', c.xShape);
});

fixture.norm.forEach((c) => {
  const p = c.p === 'fro' ? 'fro' : num(c.p);
  const options: NormOptions = { p, axis: c.axis, keepdims: c.keepdims };
  test(`norm p ${String(c.p)} axis ${JSON.stringify(c.axis)}${c.keepdims ? ' keepdims' : ''} on [${c.shape.join(',')}] matches PyTorch${c.grad ? ' (value and gradient)' : ''}`, () => {
    const x = f64(c.input, c.shape).requiresGrad_();
    const y = norm(x, options);
    assertClose(y, c.output, 'norm', c.outShape);
    if (c.grad === undefined || c.upstream === undefined) return;
    if (c.grad === null || p === 0) {
      // p = 0 counts non-zeros: a constant here (PyTorch's gradient is zero).
      assert.equal(y.requiresGrad, false);
      return;
    }
    y.backward(f64(c.upstream, c.outShape));
    assertClose(x.grad!, c.grad, 'norm gradient', c.shape);
  });
});

test('maskedFill, tril, triu, repeat, tile, flip and chunk match PyTorch', () => {
  const s = fixture.shape;
  const x = f64(s.input, s.shape);
  const mf = s.maskedFill;
  assertClose(maskedFill(x, tensor(Uint8Array.from(mf.mask, Number), { shape: mf.maskShape, dtype: 'bool' }), mf.value), mf.output, 'maskedFill', s.shape);
  const b = s.maskedFillBroadcast;
  assertClose(arange(4, undefined, 1, { dtype: 'float64' }).maskedFill(tensor(Uint8Array.from(b.mask, Number), { shape: b.maskShape, dtype: 'bool' }), b.value), b.output, 'maskedFill broadcast', b.outShape);
  for (const c of s.tril) assertClose(tril(x, c.diagonal), c.output, `tril ${c.diagonal}`, s.shape);
  for (const c of s.triu) assertClose(x.triu(c.diagonal), c.output, `triu ${c.diagonal}`, s.shape);
  for (const c of s.repeat) assertClose(repeat(x, c.reps), c.output, `repeat ${c.reps.join(',')}`, c.outShape);
  for (const c of s.tile) assertClose(x.tile(c.reps), c.output, `tile ${c.reps.join(',')}`, c.outShape);
  for (const c of s.flip) assertClose(flip(x, c.axes), c.output, `flip ${c.axes.join(',')}`, s.shape);
  for (const c of s.chunk) {
    const pieces = chunk(x, c.chunks, c.axis);
    assert.deepEqual(pieces.map((t) => [...t.shape]), c.sizes, `chunk ${c.chunks} along ${c.axis}: sizes`);
    pieces.forEach((t, i) => assertClose(t, c.outputs[i]!, `chunk ${c.chunks} along ${c.axis}, piece ${i}`));
  }
});

// ------------------------------------------------------------------------- beyond the fixture

test('expm1 and sinh keep the digits of a tiny x that the composed forms cancel; log2 is exact at powers of two', () => {
  const tiny = tensor([1e-20], { dtype: 'float64' });
  assert.equal(expm1(tiny).item(), 1e-20);
  assert.equal(tiny.exp().sub(1).item(), 0);
  assert.equal(sinh(tiny).item(), 1e-20);
  // sinh(710) ≈ 1.117e308 is below the largest double: finite here and in PyTorch's scalar loop (its vectorized kernel overflows).
  assert.ok(Math.abs(sinh(tensor(710, { dtype: 'float64' })).item() / 1.1169973830808557e308 - 1) < 1e-12);
  assert.deepEqual(Array.from(log2(tensor([8, 1024, 0.125], { dtype: 'float64' })).data()), [3, 10, -3]);
});

test('round is half to even in float32 too, and integers pass through rounding unchanged in int32', () => {
  assert.deepEqual(Array.from(round(tensor([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999998])).data()), [0, 2, 2, -0, -2, 2]);
  const ints = tensor([-3, 0, 7], { dtype: 'int32' });
  for (const f of [floor, ceil, round, trunc]) {
    const y = f(ints);
    assert.equal(y.dtype, 'int32');
    assert.deepEqual(Array.from(y.data()), [-3, 0, 7]);
  }
  assert.throws(() => floor(tensor([true])), (e: unknown) => e instanceof DTypeError && /^floor: expected a numeric tensor, got bool/.test(e.message));
});

test('the trigonometric and hyperbolic functions, log2, expm1, rsqrt, reciprocal and atan2 give float32 for integer inputs', () => {
  const i = tensor([1, 2], { dtype: 'int32' });
  for (const f of [tan, atan, asin, acos, sinh, cosh, log2, expm1, rsqrt, reciprocal]) assert.equal(f(i).dtype, 'float32');
  assert.equal(atan2(i, i).dtype, 'float32');
  assert.equal(atan2(tensor([1], { dtype: 'float64' }), 2).dtype, 'float64');
  assert.ok(Math.abs(reciprocal(i).data()[1]! - 0.5) === 0);
});

test('asin(2) and acos(2) are NaN, as in PyTorch: no real value exists, and anomaly mode is what reports it', () => {
  assert.ok(Number.isNaN(asin(tensor(2)).item()));
  assert.ok(Number.isNaN(acos(tensor(-1.5)).item()));
});

test('norm refuses integer tensors, a negative or NaN p, unknown options, and an empty max', () => {
  assert.throws(() => norm(tensor([1, 2], { dtype: 'int32' })), (e: unknown) => e instanceof DTypeError && /^norm: expected a floating-point tensor, got int32/.test(e.message));
  assert.throws(() => norm(tensor([1, 2]), { p: -1 }), (e: unknown) => e instanceof ValueError && /^norm: p must be 'fro', a number ≥ 0, Infinity or -Infinity, got -1$/.test(e.message));
  assert.throws(() => norm(tensor([1, 2]), { p: NaN }), ValueError);
  assert.throws(() => norm(tensor([1, 2]), { dim: 0 } as NormOptions), (e: unknown) => e instanceof ValueError && /unknown option "dim" \(did you mean axis\?\)/.test(e.message));
  assert.throws(() => norm(tensor([[[1]]]), { p: 'fro', axis: [0, 1, 2] }), (e: unknown) => e instanceof ShapeError && /^norm: p 'fro' takes at most 2 axes, got 3 of shape \[1, ?1, ?1\]/.test(e.message));
  assert.throws(() => norm(tensor([[1, 2]]), { axis: 2 }), AxisError);
  assert.throws(() => norm(tensor([]), { p: Infinity }), (e: unknown) => e instanceof ValueError && /^norm: cannot take the Infinity norm over an empty axis/.test(e.message));
  assert.equal(norm(tensor([])).item(), 0);
});

test('maskedFill: the mask must be bool, the value a number or a 0-d tensor, the shapes broadcastable; the value takes x\'s dtype', () => {
  const x = tensor([1, 2, 3]);
  assert.throws(() => maskedFill(x, tensor([1, 0, 1]), 0), (e: unknown) => e instanceof DTypeError && /^maskedFill: the mask must be bool .* got float32$/.test(e.message));
  assert.throws(() => maskedFill(x, tensor([true, false]), 0), ShapeError);
  assert.throws(() => maskedFill(x, tensor([true, false, true]), tensor([1, 2])), (e: unknown) => e instanceof ShapeError && /^maskedFill: value must be a number or a 0-d tensor, got a tensor of shape \[2\]$/.test(e.message));
  const ints = maskedFill(tensor([1, 2], { dtype: 'int32' }), tensor([true, false]), 1.7);
  assert.equal(ints.dtype, 'int32');
  assert.deepEqual(Array.from(ints.data()), [1, 2]);
  assert.equal(maskedFill(x, tensor([true, false, false]), tensor(5, { dtype: 'float64' })).dtype, 'float32');
});

test('tril/triu need a matrix; repeat needs a repetition per axis; chunk a positive count; flip distinct axes', () => {
  assert.throws(() => tril(tensor([1, 2])), (e: unknown) => e instanceof ShapeError && /^tril: expected a tensor with at least 2 dimensions/.test(e.message));
  assert.throws(() => triu(tensor([[1]]), 0.5), ValueError);
  assert.throws(() => repeat(tensor([[1, 2]]), [2]), (e: unknown) => e instanceof ShapeError && /^repeat: 1 repetitions given for a tensor of rank 2/.test(e.message));
  assert.throws(() => repeat(tensor([1]), [-1]), ValueError);
  assert.throws(() => tile(tensor([1]), [1.5]), ValueError);
  assert.throws(() => chunk(tensor([1, 2]), 0), (e: unknown) => e instanceof ValueError && /^chunk: chunks must be a positive integer, got 0$/.test(e.message));
  assert.throws(() => chunk(tensor(1), 2), ShapeError);
  assert.throws(() => flip(tensor([[1]]), [0, 0]), (e: unknown) => e instanceof AxisError && /^flip: axis 0 appears more than once/.test(e.message));
});

test('chunk of an empty axis gives `chunks` empty pieces, and fewer pieces when they run out (PyTorch)', () => {
  assert.deepEqual(chunk(tensor([]), 3).map((t) => [...t.shape]), [[0], [0], [0]]);
  assert.deepEqual(chunk(arange(6), 4).map((t) => t.size), [2, 2, 2]);
});

test('repeat with a 0 gives an empty tensor, whose gradient to x is zeros', () => {
  const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
  const y = repeat(x, [0, 2]);
  assert.deepEqual([...y.shape], [0, 4]);
  y.sum().add(x.sum()).backward();
  assert.deepEqual(Array.from(x.grad!.data()), [1, 1]);
});

test('tril and triu keep bool and int32 dtypes', () => {
  const b = tril(tensor([[true, true], [true, true]]));
  assert.equal(b.dtype, 'bool');
  assert.deepEqual(b.toArray(), [[true, false], [true, true]]);
  assert.equal(triu(tensor([[1, 2], [3, 4]], { dtype: 'int32' })).dtype, 'int32');
});
