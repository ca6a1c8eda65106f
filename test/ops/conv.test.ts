// Convolutions: PyTorch's values and gradients (test/fixtures/conv.json, from
// scripts/oracles/conv.py), gradchecks in float64 over the geometry (strides, paddings incl.
// 'same' with even kernels and dilation, dilations, groups, batch 1, channel 1, unbatched), second
// order, and the errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  Generator,
  ShapeError,
  Tensor,
  ValueError,
  concat,
  conv1d,
  conv2d,
  convTranspose1d,
  convTranspose2d,
  DTypeError,
  flatten,
  grad,
  gradcheck,
  ones,
  randn,
  tensor,
  withBackend,
  listBackends,
} from '../../src/index.js';

interface Stored { readonly shape: number[]; readonly data: number[] }
interface OracleCase {
  readonly name: string;
  readonly op: 'conv1d' | 'conv2d' | 'convTranspose1d' | 'convTranspose2d';
  readonly options: Record<string, unknown>;
  readonly x: Stored; readonly w: Stored; readonly b: Stored | null;
  readonly upstream: number[];
  readonly out: Stored;
  readonly dx: number[]; readonly dw: number[]; readonly db: number[] | null;
}

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/conv.json', import.meta.url), 'utf8')) as { torch: string; cases: OracleCase[] };

/** Any of the four ops with its options as the fixture stores them (checked by the op itself). */
type AnyOptions = Readonly<Record<string, unknown>>;
type ConvFn = (x: Tensor, w: Tensor, b: Tensor | null, options: AnyOptions) => Tensor;
const fn = (f: (x: Tensor, w: Tensor, b: Tensor | null, o: never) => Tensor): ConvFn => (x, w, b, o) => f(x, w, b, o as never);
const [cConv1d, cConv2d, tConv1d, tConv2d] = [fn(conv1d), fn(conv2d), fn(convTranspose1d), fn(convTranspose2d)];
const OPS: Record<OracleCase['op'], ConvFn> = { conv1d: cConv1d, conv2d: cConv2d, convTranspose1d: tConv1d, convTranspose2d: tConv2d };

const stored = (s: Stored, requiresGrad = false): Tensor => tensor(s.data, { shape: s.shape, dtype: 'float64', requiresGrad });

function assertClose(actual: ArrayLike<number>, expected: readonly number[], where: string, rtol = 1e-10): void {
  assert.equal(actual.length, expected.length, `${where}: size`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    assert.ok(Math.abs(actual[i]! - e) <= rtol * Math.max(1, Math.abs(e)), `${where}[${i}]: ${actual[i]} vs PyTorch ${e}`);
  }
}

for (const backend of listBackends()) {
  test(`conv ops on ${backend} match PyTorch ${fixture.torch}: values and the gradients of Σ out·upstream (${fixture.cases.length} cases)`, () => {
    withBackend(backend, () => {
      for (const c of fixture.cases) {
        const x = stored(c.x, true);
        const w = stored(c.w, true);
        const b = c.b === null ? null : stored(c.b, true);
        const y = OPS[c.op](x, w, b, c.options);
        assert.deepEqual(y.shape, c.out.shape, `${c.name}: shape`);
        assertClose(y.data(), c.out.data, `${c.name} on ${backend}: out`);
        y.mul(tensor(c.upstream, { shape: c.out.shape, dtype: 'float64' })).sum().backward();
        assertClose(x.grad!.data(), c.dx, `${c.name} on ${backend}: ∂/∂x`);
        assertClose(w.grad!.data(), c.dw, `${c.name} on ${backend}: ∂/∂w`);
        if (c.db !== null) assertClose(b!.grad!.data(), c.db, `${c.name} on ${backend}: ∂/∂b`);
      }
    });
  });
}

// ---------------------------------------------------------------- gradchecks

const g64 = (seed: number) => new Generator(seed);
const normal = (g: Generator, shape: readonly number[]): Tensor => randn(shape, { dtype: 'float64', generator: g });

interface GeometryCase { readonly name: string; readonly x: number[]; readonly w: number[]; readonly bias: boolean; readonly options: AnyOptions; readonly op: ConvFn }
const GEOMETRY: GeometryCase[] = [
  { name: 'conv2d stride 2, padding 1', op: cConv2d, x: [2, 2, 5, 5], w: [3, 2, 3, 3], bias: true, options: { stride: 2, padding: 1 } },
  { name: 'conv2d stride [1,2], padding [2,0], dilation [2,1]', op: cConv2d, x: [1, 2, 6, 5], w: [2, 2, 2, 3], bias: true, options: { stride: [1, 2], padding: [2, 0], dilation: [2, 1] } },
  { name: "conv2d 'same', even kernel 2×4, dilation 2", op: cConv2d, x: [1, 1, 5, 6], w: [2, 1, 2, 4], bias: false, options: { padding: 'same', dilation: 2 } },
  { name: "conv2d 'valid'", op: cConv2d, x: [2, 1, 4, 4], w: [1, 1, 3, 2], bias: true, options: { padding: 'valid' } },
  { name: 'conv2d groups 2', op: cConv2d, x: [1, 4, 4, 3], w: [2, 2, 2, 2], bias: true, options: { groups: 2, padding: 1 } },
  { name: 'conv2d depthwise (groups = channels)', op: cConv2d, x: [2, 3, 4, 4], w: [3, 1, 3, 3], bias: true, options: { groups: 3, padding: 1 } },
  { name: 'conv2d batch 1, channel 1, 1×1 kernel', op: cConv2d, x: [1, 1, 3, 3], w: [1, 1, 1, 1], bias: true, options: {} },
  { name: 'conv2d unbatched [C, H, W]', op: cConv2d, x: [2, 4, 4], w: [2, 2, 3, 3], bias: true, options: { stride: 2 } },
  { name: "conv1d stride 2, 'valid'", op: cConv1d, x: [2, 2, 7], w: [3, 2, 3], bias: true, options: { stride: 2 } },
  { name: "conv1d 'same', even kernel 4, dilation 2", op: cConv1d, x: [1, 2, 6], w: [2, 2, 4], bias: true, options: { padding: 'same', dilation: 2 } },
  { name: 'convTranspose2d stride 2, padding 1, outputPadding 1', op: tConv2d, x: [1, 2, 3, 3], w: [2, 3, 3, 3], bias: true, options: { stride: 2, padding: 1, outputPadding: 1 } },
  { name: 'convTranspose2d groups 2, dilation 2, stride [1,2]', op: tConv2d, x: [2, 2, 2, 3], w: [2, 1, 2, 2], bias: true, options: { groups: 2, dilation: 2, stride: [1, 2] } },
  { name: 'convTranspose1d stride 3', op: tConv1d, x: [1, 2, 3], w: [2, 2, 3], bias: false, options: { stride: 3 } },
];

function inputsOf(c: GeometryCase, g: Generator): Tensor[] {
  const outChannels = c.op === tConv2d || c.op === tConv1d ? c.w[1]! * ((c.options.groups as number | undefined) ?? 1) : c.w[0]!;
  return [normal(g, c.x), normal(g, c.w), ...(c.bias ? [normal(g, [outChannels])] : [])];
}

GEOMETRY.forEach((c, k) => {
  test(`gradcheck: ${c.name} (input, weight${c.bias ? ', bias' : ''})`, () => {
    const r = gradcheck((x, w, b) => c.op(x!, w!, b ?? null, c.options), inputsOf(c, g64(100 + k)));
    assert.ok(r.ok, JSON.stringify(r.inputs));
  });
  test(`gradcheck, second order: ${c.name} (∂/∂x and ∂/∂w of Σ v·tanh(conv), itself differentiated)`, () => {
    const g = g64(200 + k);
    const [x, w, b] = inputsOf(c, g);
    const v = normal(g, c.op(x!, w!, b ?? null, c.options).shape);
    const r = gradcheck(
      (xx, ww) => {
        const [gx, gw] = grad((p: Tensor, q: Tensor) => c.op(p, q, b ?? null, c.options).tanh().mul(v).sum(), { argnums: [0, 1] })(xx!, ww!);
        return concat([flatten(gx!), flatten(gw!)]);
      },
      [x!, w!],
    );
    assert.ok(r.ok, JSON.stringify(r.inputs));
  });
});

test('conv2d on float32 gives float32, and float32 with float64 promotes', () => {
  assert.equal(conv2d(ones([1, 1, 3, 3]), ones([1, 1, 2, 2])).dtype, 'float32');
  assert.equal(conv2d(ones([1, 1, 3, 3]), ones([1, 1, 2, 2], { dtype: 'float64' })).dtype, 'float64');
  assert.deepEqual(conv2d(ones([1, 1, 3, 3]), ones([1, 1, 2, 2])).toArray(), [[[[4, 4], [4, 4]]]]);
});

test('conv2d refuses bad inputs with errors that name the shapes and the fix', () => {
  const x = ones([1, 3, 5, 5]);
  assert.throws(() => conv2d(ones([3, 5]), ones([1, 3, 3, 3])), { name: 'ShapeError', message: 'conv2d: expected a 3-d or 4-d input (N, C, H, W), got shape [3,5]' });
  assert.throws(() => conv2d(x, ones([2, 3, 3])), { name: 'ShapeError', message: 'conv2d: expected a 4-d weight (out, in/groups, kH, kW), got shape [2,3,3]' });
  assert.throws(() => conv2d(x, ones([2, 2, 3, 3])), { name: 'ShapeError', message: 'conv2d: the weight [2,2,3,3] expects 2 input channels (2 per group × 1 groups), the input has 3' });
  assert.throws(() => conv2d(x, ones([2, 1, 3, 3]), null, { groups: 2 }), { name: 'ShapeError', message: 'conv2d: groups = 2 must divide both the input channels (3) and the output channels (2)' });
  assert.throws(() => conv2d(x, ones([2, 3, 7, 7])), { name: 'ShapeError', message: 'conv2d: the input\'s spatial size 5×5 (padded to 5×5) is smaller than the dilated kernel 7×7' });
  assert.throws(() => conv2d(x, ones([2, 3, 3, 3]), null, { padding: 'same', stride: 2 }), ValueError);
  assert.throws(() => conv2d(x, ones([2, 3, 3, 3]), null, { stride: 0 }), { name: 'ValueError', message: 'conv2d: stride must be a positive integer or a list of 2, got 0' });
  assert.throws(() => conv2d(x, ones([2, 3, 3, 3]), null, { padding: [1, 2, 3] }), { name: 'ValueError', message: 'conv2d: padding must be a non-negative integer or a list of 2, got [1,2,3]' });
  assert.throws(() => conv2d(x, ones([2, 3, 3, 3]), ones([3])), { name: 'ShapeError', message: 'conv2d: expected a bias of shape [2] (one per output channel), got [3]' });
  assert.throws(() => conv2d(ones([1, 3, 5, 5], { dtype: 'int32' }), ones([2, 3, 3, 3])), DTypeError);
  assert.throws(() => convTranspose2d(ones([1, 2, 3, 3]), ones([2, 1, 3, 3]), null, { stride: 2, outputPadding: 2 }), {
    name: 'ValueError',
    message: 'convTranspose2d: outputPadding 2 must be smaller than either the stride or the dilation, as in PyTorch',
  });
  assert.throws(() => convTranspose2d(ones([1, 2, 3, 3]), ones([3, 1, 3, 3])), ShapeError);
});
