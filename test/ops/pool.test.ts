// Pooling against PyTorch (scripts/oracles/pool.py → test/fixtures/pool.json: forward values and
// input gradients of a fixed upstream, float64, 1e-10 relative), its conventions (first max on
// ties, NaN), its errors, and the max-reduction backward that pooling by reshape relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  ShapeError,
  DTypeError,
  ValueError,
  adaptiveAvgPool2d,
  arange,
  avgPool1d,
  avgPool2d,
  gradients,
  listBackends,
  max,
  maxPool1d,
  maxPool2d,
  ones,
  tensor,
  withBackend,
  zeros,
  type Tensor,
} from '../../src/index.js';

interface OracleCase {
  readonly name: string;
  readonly op: 'maxPool2d' | 'maxPool1d' | 'avgPool2d' | 'avgPool1d' | 'adaptiveAvgPool2d';
  readonly args: readonly unknown[];
  readonly input: number[];
  readonly inputShape: number[];
  readonly upstream: number[];
  readonly output: number[];
  readonly outputShape: number[];
  readonly grad: number[];
}

interface Fixture {
  readonly cases: readonly OracleCase[];
  readonly nan: { input: number[]; nanAt: number[]; inputShape: number[]; outputIsNaN: boolean[]; indices: number[]; grad: number[] };
}

// Compiled to dist/test/ops/pool.test.js: the repository root is three levels up.
const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/pool.json', import.meta.url), 'utf8')) as Fixture;
const f64 = { dtype: 'float64' } as const;

function call(c: OracleCase, x: Tensor): Tensor {
  const [size, options] = c.args;
  const o = (options ?? {}) as object;
  switch (c.op) {
    case 'maxPool2d':
      return maxPool2d(x, size as number, o);
    case 'maxPool1d':
      return maxPool1d(x, size as number, o);
    case 'avgPool2d':
      return avgPool2d(x, size as number, o);
    case 'avgPool1d':
      return avgPool1d(x, size as number, o);
    case 'adaptiveAvgPool2d':
      return adaptiveAvgPool2d(x, size as [number, number | null]);
  }
}

/** 1e-10 relative, with a 1e-13 floor for values that cancel to about zero. */
function assertRelative(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: size`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const v = actual[i]!;
    assert.ok(Math.abs(v - e) <= 1e-10 * Math.abs(e) + 1e-13, `${what}: element ${i} is ${v}, PyTorch gives ${e}`);
  }
}

test('the PyTorch fixture has the configurations the oracle lists', () => {
  assert.equal(fixture.cases.length, 17);
  assert.ok(fixture.cases.some((c) => c.name.includes('ceil mode')) && fixture.cases.some((c) => c.op === 'adaptiveAvgPool2d'));
});

for (const backend of listBackends().filter((b) => b === 'reference' || b === 'cpu' || b === 'wasm')) {
  for (const c of fixture.cases) {
    test(`${c.name} matches PyTorch in value and input gradient (${backend})`, () => {
      withBackend(backend, () => {
        const x = tensor(c.input, { ...f64, shape: c.inputShape, requiresGrad: true });
        const y = call(c, x);
        assert.deepEqual([...y.shape], c.outputShape);
        assertRelative(y.data(), c.output, 'output');
        const [g] = gradients([y], [x], { gradOutputs: [tensor(c.upstream, { ...f64, shape: c.outputShape })] });
        assertRelative(g!.data(), c.grad, 'gradient');
      });
    });
  }
}

test('maxPool2d: a window holding NaN gives NaN, and its gradient goes to the last NaN, as PyTorch', () => {
  const { nan } = fixture;
  const values = nan.input.map((v, i) => (nan.nanAt.includes(i) ? NaN : v));
  const x = tensor(values, { ...f64, shape: nan.inputShape, requiresGrad: true });
  const y = maxPool2d(x, 2);
  assert.deepEqual(Array.from(y.data(), Number.isNaN), nan.outputIsNaN);
  const [g] = gradients([y.sum()], [x]);
  assert.deepEqual(Array.from(g!.data()), nan.grad);
});

test('maxPool2d: on ties the gradient goes to the first maximum in row-major order (docs/gradients.md)', () => {
  const x = tensor([[[[1, 3], [3, 3]]]], { ...f64, requiresGrad: true });
  const [g] = gradients([maxPool2d(x, 2).sum()], [x]);
  assert.deepEqual(g!.toArray(), [[[[0, 1], [0, 0]]]]);
  // Overlapping windows (stride 1): each window's δ reaches its own first maximum, and they add up.
  const flat = tensor([[[[2, 2, 2], [2, 2, 2]]]], { ...f64, requiresGrad: true });
  const [h] = gradients([maxPool2d(flat, 2, { stride: 1 }).sum()], [flat]);
  assert.deepEqual(h!.toArray(), [[[[1, 1, 0], [0, 0, 0]]]]);
});

test('maxPool2d: padding is −∞, so an all-negative window never picks the padding', () => {
  const x = tensor([[[[-5, -4], [-3, -2]]]], f64);
  assert.deepEqual(maxPool2d(x, 2, { stride: 1, padding: 1 }).toArray(), [[[[-5, -4, -4], [-3, -2, -2], [-3, -2, -2]]]]);
});

test('maxPool2d keeps int32; avgPool2d and adaptiveAvgPool2d of int32 give float32', () => {
  const x = arange(0, 16, 1, { dtype: 'int32' }).reshape([1, 1, 4, 4]);
  assert.equal(maxPool2d(x, 2).dtype, 'int32');
  assert.deepEqual(maxPool2d(x, 2).toArray(), [[[[5, 7], [13, 15]]]]);
  assert.equal(avgPool2d(x, 2).dtype, 'float32');
  assert.equal(adaptiveAvgPool2d(x, 2).dtype, 'float32');
});

test('pooling an unbatched input equals pooling it as a batch of one; an empty batch gives an empty batch', () => {
  const x = arange(0, 2 * 5 * 6, 1, f64).sin().reshape([2, 5, 6]);
  const batch = x.reshape([1, 2, 5, 6]);
  const first = (t: Tensor): unknown => (t.toArray() as unknown[])[0];
  assert.deepEqual(maxPool2d(x, 3, { stride: 2, padding: 1 }).toArray(), first(maxPool2d(batch, 3, { stride: 2, padding: 1 })));
  assert.deepEqual(avgPool2d(x, 2, { ceilMode: true }).toArray(), first(avgPool2d(batch, 2, { ceilMode: true })));
  assert.deepEqual(maxPool2d(zeros([0, 3, 4, 4]), 2).shape, [0, 3, 2, 2]);
  assert.deepEqual(avgPool1d(zeros([0, 3, 8]), 3, { padding: 1 }).shape, [0, 3, 3]);
});

test('pooling refuses bad inputs with messages naming the op, the shapes and the fix', () => {
  const x = ones([1, 1, 4, 4]);
  // Arguments of the wrong type, as JavaScript callers can pass them.
  const [TRIPLE, PAIR, ONE]: unknown[] = [[1, 2, 3], [2, 2], 1];
  const cases: [() => unknown, new (...args: never[]) => Error, string][] = [
    [() => maxPool2d(ones([2, 3]), 2), ShapeError, 'maxPool2d: expected a 3-d or 4-d input (N, C, H, W), got shape [2,3]'],
    [() => maxPool1d(ones([2, 3, 4, 5]), 2), ShapeError, 'maxPool1d: expected a 2-d or 3-d input (N, C, L), got shape [2,3,4,5]'],
    [() => avgPool2d(ones([1, 0, 4, 4]), 2), ShapeError, 'avgPool2d: the channel and spatial sizes must be non-zero (only the batch may be empty), got shape [1,0,4,4]'],
    [() => maxPool2d(x, 5), ShapeError, 'maxPool2d: input [1,1,4,4] is too small for a 5×5 window with padding [0,0]: the output would be [0,0]; use a smaller kernel or dilation, or more padding'],
    [() => maxPool2d(x, 2, { dilation: 4 }), ShapeError, 'maxPool2d: input [1,1,4,4] is too small for a 5×5 window with padding [0,0]: the output would be [0,0]; use a smaller kernel or dilation, or more padding'],
    [() => maxPool2d(x, 3, { padding: 2 }), ValueError, "maxPool2d: padding 2 is more than half the kernel size 3 along H; use padding ≤ 1 (PyTorch's limit)"],
    [() => avgPool1d(ones([1, 5]), 2, { padding: 2 }), ValueError, "avgPool1d: padding 2 is more than half the kernel size 2 along L; use padding ≤ 1 (PyTorch's limit)"],
    [() => maxPool2d(x, 1.5), ValueError, 'maxPool2d: kernelSize must be a positive integer or a pair of them, got 1.5'],
    [() => maxPool2d(x, [2, 0]), ValueError, 'maxPool2d: kernelSize must be a positive integer or a pair of them, got [2,0]'],
    [() => maxPool2d(x, 2, { stride: TRIPLE as [number, number] }), ValueError, 'maxPool2d: stride must be a positive integer or a pair of them, got [1,2,3]'],
    [() => avgPool2d(x, 2, { padding: -1 }), ValueError, 'avgPool2d: padding must be a non-negative integer or a pair of them, got -1'],
    [() => maxPool1d(ones([1, 1, 6]), PAIR as number), ValueError, 'maxPool1d: kernelSize must be a positive integer, got [2,2]'],
    [() => maxPool2d(x, 2, { ceil_mode: true } as object), ValueError, 'maxPool2d: unknown option "ceil_mode"; the options are stride, padding, dilation, ceilMode'],
    [() => avgPool2d(x, 2, { ceilMode: ONE as boolean }), ValueError, 'avgPool2d: ceilMode must be true or false, got 1'],
    [() => avgPool2d(x, 2, { divisorOverride: 0 }), ValueError, 'avgPool2d: divisorOverride must be a positive integer or null, got 0'],
    [() => avgPool1d(ones([1, 6]), 2, { divisorOverride: 2 } as object), ValueError, 'avgPool1d: unknown option "divisorOverride"; the options are stride, padding, ceilMode, countIncludePad'],
    [() => maxPool1d(ones([1, 1]), 2, { padding: 1, dilation: 2 }), ShapeError, 'maxPool1d: along L (size 1) window 0 has all its taps in the padding (dilation 2, padding 1); use less dilation or padding'],
    [() => adaptiveAvgPool2d(x, 0), ValueError, 'adaptiveAvgPool2d: outputSize must be a positive integer or a pair of positive integers (null keeps that size), got 0'],
    [() => adaptiveAvgPool2d(x, [2, 2.5]), ValueError, 'adaptiveAvgPool2d: outputSize must be a positive integer or a pair of positive integers (null keeps that size), got [2,2.5]'],
    [() => maxPool2d(tensor([[[[true]]]]), 1), DTypeError, "maxPool2d: expected a numeric tensor, got bool; cast it first with .cast('float32')"],
  ];
  for (const [fn, type, message] of cases) assert.throws(fn, (e: unknown) => e instanceof type && (e as Error).message === message, message);
});

// The max backward fix: max over several axes (pooling written as a reshape and a max) used to
// take seven full-size ops in its rule; it is one maxGrad pass now. The values must not change:
// the gradient still shares ties evenly and a NaN slice still gives NaN.
test('max over axes 2 and 4 of [2,3,2,3,2,4]: the gradient is 1/k on each of k tied maxima and 0 elsewhere', () => {
  const shape = [2, 3, 2, 3, 2, 4];
  const n = shape.reduce((p, d) => p * d, 1);
  // Integers from a few levels, so many 2×2 slices hold ties; one slice holds a NaN.
  const values = Array.from({ length: n }, (_, i) => ((i * 7) % 5) - 2);
  values[5] = NaN;
  const x = tensor(values, { ...f64, shape, requiresGrad: true });
  const upstream = arange(0, 2 * 3 * 3 * 4, 1, f64).mul(0.25).add(1).reshape([2, 3, 3, 4]);
  const [g] = gradients([max(x, [2, 4])], [x], { gradOutputs: [upstream] });
  const got = g!.data();
  const up = upstream.data();
  // The expected gradient, slice by slice, in plain loops over the multi-index.
  const slices = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const [a, b, , d, , f] = [i / 144, i / 48, i / 24, i / 8, i / 4, i].map((v, k) => Math.floor(v) % shape[k]!);
    const key = ((a! * 3 + b!) * 3 + d!) * 4 + f!;
    slices.set(key, [...(slices.get(key) ?? []), i]);
  }
  let ties = 0;
  for (const [key, members] of slices) {
    const vals = members.map((i) => values[i]!);
    if (vals.some(Number.isNaN)) {
      for (const i of members) assert.ok(Number.isNaN(got[i]!), `element ${i} of a NaN slice`);
      continue;
    }
    const best = Math.max(...vals);
    const k = vals.filter((v) => v === best).length;
    if (k > 1) ties++;
    for (const i of members) assert.equal(got[i], values[i] === best ? up[key]! / k : 0, `element ${i}`);
  }
  assert.ok(ties > 10, 'the input has tied slices');
});

test('max over every axis and with keepdims: ties share, the rest get 0', () => {
  const x = tensor([[1, 3], [3, 2]], { ...f64, requiresGrad: true });
  assert.deepEqual(gradients([max(x)], [x])[0]!.toArray(), [[0, 0.5], [0.5, 0]]);
  assert.deepEqual(gradients([max(x, 1, true).mul(tensor([[2], [4]], f64)).sum()], [x])[0]!.toArray(), [[0, 2], [4, 0]]);
});
