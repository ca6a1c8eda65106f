// The functional transforms (jacobian, hessian, vjp, jvp, hvp, vhp) against
// torch.autograd.functional (scripts/oracles/functional.py → test/fixtures/functional.json),
// against closed forms and central differences in float64, then their forms, createGraph, the
// user's tensors left alone, and their errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  AutogradError,
  Generator,
  Tensor,
  eye,
  grad,
  gradcheck,
  hessian,
  hvp,
  jacobian,
  jvp,
  matmul,
  noGrad,
  randn,
  softmax,
  stack,
  tensor,
  vhp,
  vjp,
  type Tensors,
} from '../../src/index.js';

const count = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);
/** The oracle's inputs: ((37 i + 11 k + 5) mod 101) / 25 − 2. */
const seq = (shape: number[], k: number) =>
  tensor(Array.from({ length: count(shape) }, (_, i) => ((37 * i + 11 * k + 5) % 101) / 25 - 2), { shape, dtype: 'float64' });
/** The oracle's vectors: ((29 i + 13 k + 7) mod 17) / 8 − 1. */
const vec = (shape: number[], k: number) => tensor(Array.from({ length: count(shape) }, (_, i) => ((29 * i + 13 * k + 7) % 17) / 8 - 1), { shape, dtype: 'float64' });

interface Flat {
  readonly shape: number[];
  readonly values: number[];
}
type Nested = Flat | Nested[];

// The oracle's functions, written with chainrule's ops.
const FUNCTIONS: Record<string, { fn: (...xs: Tensor[]) => Tensors; inShapes: number[][]; outShapes: number[][] }> = {
  softmax: { fn: (x) => softmax(x!, -1), inShapes: [[2, 3]], outShapes: [[2, 3]] },
  tanhLayer: { fn: (x, w) => matmul(w!, x!).tanh(), inShapes: [[3], [2, 3]], outShapes: [[2]] },
  pair: { fn: (x) => [x!.exp(), x!.mul(x!).sum()], inShapes: [[3]], outShapes: [[3], []] },
  scalar: { fn: (x, y) => x!.sin().mul(y!).sum().add(x!.mul(y!).exp().sum().mul(0.1)), inShapes: [[2, 2], [2, 2]], outShapes: [[]] },
};

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/functional.json', import.meta.url), 'utf8')) as {
  functions: Record<string, Record<string, Nested>>;
};

function assertNested(actual: Tensor | readonly (Tensor | readonly Tensor[])[], expected: Nested, what: string): void {
  if (actual instanceof Tensor) {
    assert.ok(!Array.isArray(expected), `${what}: torch returned a tuple`);
    const e = expected as Flat;
    assert.deepEqual([...actual.shape], e.shape, `${what}: shape`);
    Array.from(actual.data()).forEach((v, i) => {
      const t = e.values[i]!;
      assert.ok(Math.abs(v - t) <= 1e-10 * Math.max(1, Math.abs(t)), `${what} element ${i}: ${v} vs torch ${t}`);
    });
    return;
  }
  assert.ok(Array.isArray(expected) && expected.length === actual.length, `${what}: tuple of ${actual.length}`);
  actual.forEach((a, i) => assertNested(a, (expected as Nested[])[i]!, `${what}[${i}]`));
}

for (const [name, { fn, inShapes, outShapes }] of Object.entries(FUNCTIONS)) {
  test(`${name}: jacobian, vjp, jvp${name === 'scalar' ? ', hessian, hvp and vhp' : ''} match torch.autograd.functional`, () => {
    const expected = fixture.functions[name]!;
    const xs = inShapes.map((s, k) => seq(s, k));
    const vin = inShapes.map((s, k) => vec(s, k));
    const vout = outShapes.map((s, k) => vec(s, k + 5));
    const tupleOut = name === 'pair';
    assertNested(jacobian(fn, xs), expected['jacobian']!, `${name} jacobian`);
    assertNested(vjp(fn, xs, tupleOut ? vout : vout[0]!)[1], expected['vjp']!, `${name} vjp`);
    assertNested(jvp(fn, xs, vin)[1], expected['jvp']!, `${name} jvp`);
    if (name === 'scalar') {
      const f = (...ys: Tensor[]) => fn(...ys) as Tensor;
      assertNested(hessian(f, xs), expected['hessian']!, `${name} hessian`);
      assertNested(hvp(f, xs, vin)[1], expected['hvp']!, `${name} hvp`);
      assertNested(vhp(f, xs, vin)[1], expected['vhp']!, `${name} vhp`);
    }
  });
}

const normal = (g: Generator, shape: readonly number[]) => randn(shape, { dtype: 'float64', generator: g });

function assertAllClose(a: Tensor, b: Tensor, tol: number, what: string): void {
  assert.deepEqual([...a.shape], [...b.shape], `${what}: shape`);
  const x = a.data();
  const y = b.data();
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i]! - y[i]!) <= tol * Math.max(1, Math.abs(y[i]!)), `${what} element ${i}: ${x[i]} vs ${y[i]}`);
}

test('hessian of xᵀAx is A + Aᵀ; hvp is (A + Aᵀ)v, vhp vᵀ(A + Aᵀ)', () => {
  const g = new Generator(1);
  const a = normal(g, [4, 4]);
  const x = normal(g, [4]);
  const v = normal(g, [4]);
  const f = (y: Tensor) => matmul(y, matmul(a, y));
  const h = a.add(a.transpose(0, 1));
  assertAllClose(hessian(f, x), h, 1e-12, 'hessian');
  const [value, p] = hvp(f, x, v);
  assertAllClose(value, f(x), 1e-12, 'hvp value');
  assertAllClose(p, matmul(h, v), 1e-12, 'hvp');
  assertAllClose(vhp(f, x, v)[1], matmul(v, h), 1e-12, 'vhp');
});

test('jacobian of softmax is diag(s) − s sᵀ', () => {
  const x = normal(new Generator(2), [5]);
  const s = softmax(x);
  const expected = eye(5, 5, { dtype: 'float64' }).mul(s).sub(s.unsqueeze(1).mul(s.unsqueeze(0)));
  assertAllClose(jacobian((y: Tensor) => softmax(y), x), expected, 1e-14, 'softmax jacobian');
});

test('jvp is J·v and vjp is vᵀ·J, with J from jacobian, for several inputs', () => {
  const g = new Generator(3);
  const [x, w] = [normal(g, [3]), normal(g, [2, 3])];
  const f = (a: Tensor, b: Tensor) => matmul(b, a.sin()).tanh();
  const [jx, jw] = jacobian(f, [x, w]);
  const [vx, vw, u] = [normal(g, [3]), normal(g, [2, 3]), normal(g, [2])];
  const [out, t] = jvp(f, [x, w], [vx, vw]);
  assertAllClose(out, f(x, w), 1e-14, 'jvp value');
  assertAllClose(t, matmul(jx!, vx).add(jw!.reshape([2, 6]).matmul(vw.reshape([6]))), 1e-12, 'jvp');
  const [, [gx, gw]] = vjp(f, [x, w], u);
  assertAllClose(gx!, matmul(u, jx!), 1e-12, 'vjp x');
  assertAllClose(gw!, matmul(u, jw!.reshape([2, 6])).reshape([2, 3]), 1e-12, 'vjp w');
});

test('jacobian agrees with central differences, shaped [...output, ...input], with tuple outputs', () => {
  const g = new Generator(4);
  const x = normal(g, [2, 3]);
  const y = normal(g, [3]);
  const f = (a: Tensor, b: Tensor): Tensor[] => [a.mul(b).exp(), a.sin().sum(0).mul(b)];
  const j = jacobian(f, [x, y]);
  assert.deepEqual(j.map((row) => row.map((t) => [...t.shape])), [[[2, 3, 2, 3], [2, 3, 3]], [[3, 2, 3], [3, 3]]]);
  const eps = 1e-6;
  [x, y].forEach((input, k) => {
    const base = input.data();
    const columns: Tensor[][] = [[], []];
    for (let i = 0; i < base.length; i++) {
      const shifted = (d: number) => {
        const data = Float64Array.from(base);
        data[i]! += d;
        const moved = tensor(data, { shape: input.shape, dtype: 'float64' });
        return f(...(k === 0 ? [moved, y] : [x, moved]) as [Tensor, Tensor]);
      };
      const [plus, minus] = [shifted(eps), shifted(-eps)];
      plus.forEach((p, o) => columns[o]!.push(p.sub(minus[o]!).div(2 * eps)));
    }
    columns.forEach((cols, o) => {
      const outShape = o === 0 ? [2, 3] : [3];
      const numeric = stack(cols, -1).reshape([...outShape, ...input.shape]);
      assertAllClose(j[o]![k]!, numeric, 1e-7, `d output ${o} / d input ${k}`);
    });
  });
});

test('jacobian forms follow torch: a scalar output has the input shape, a scalar input the output shape', () => {
  const x = tensor([1, 2, 3], { dtype: 'float64' });
  assert.deepEqual(jacobian((y: Tensor) => y.square().sum(), x).toArray(), [2, 4, 6]);
  const s = tensor(2, { dtype: 'float64' });
  assert.deepEqual(jacobian((y: Tensor) => stack([y, y.square()]), s).toArray(), [1, 4]);
  const [one] = jacobian((y: Tensor) => y.mul(3), [s]);
  assert.equal(one!.item(), 3);
  const byOutput = jacobian((y: Tensor) => [y.mul(2), y.sum()], x);
  assert.deepEqual(byOutput.map((t) => t.toArray()), [[[2, 0, 0], [0, 2, 0], [0, 0, 2]], [1, 1, 1]]);
  // An input the output does not depend on gets zeros (or an error with strict).
  const [dx, dz] = jacobian((a: Tensor) => a.mul(2), [x, tensor([5, 6], { dtype: 'float64' })]);
  assert.deepEqual(dx!.shape, [3, 3]);
  assert.deepEqual(dz!.toArray(), [[0, 0], [0, 0], [0, 0]]);
  assert.throws(() => jacobian((a: Tensor) => a.mul(2), [x, tensor([5, 6], { dtype: 'float64' })], { strict: true }), {
    name: 'AutogradError',
    message: 'jacobian: the output does not depend on input 1 (strict: true)',
  });
  // vectorize is accepted and changes nothing.
  assert.deepEqual(jacobian((y: Tensor) => y.square(), x, { vectorize: true }).toArray(), [[2, 0, 0], [0, 4, 0], [0, 0, 6]]);
});

test('hessian of several inputs is H[i][j] = ∂²f/∂xᵢ∂xⱼ', () => {
  const x = tensor([1, 2], { dtype: 'float64' });
  const y = tensor(3, { dtype: 'float64' });
  // f = y·Σx² + y³: H_xx = 2y·I, H_xy = 2x, H_yy = 6y.
  const h = hessian((a: Tensor, b: Tensor) => a.square().sum().mul(b).add(b.pow(3)), [x, y]);
  assert.deepEqual(h.map((row) => row.map((t) => t.toArray())), [[[[6, 0], [0, 6]], [2, 4]], [[2, 4], 18]]);
});

test('the user’s tensors are left alone: no requiresGrad set, no .grad accumulated, results detached', () => {
  const x = tensor([1, 2], { dtype: 'float64' });
  const w = tensor([3, 4], { dtype: 'float64', requiresGrad: true });
  const f = (a: Tensor, b: Tensor) => a.mul(b).square().sum();
  const h = hessian(f, [x, w]);
  const [value, g] = vjp(f, [x, w]);
  assert.equal(x.requiresGrad, false);
  assert.equal(w.grad, null);
  assert.equal(x.grad, null);
  assert.equal(value.requiresGrad, false);
  assert.ok(g.every((t) => !t.requiresGrad) && h.flat().every((t) => !t.requiresGrad));
  // Inside noGrad the transforms still record what they differentiate.
  const inside = noGrad(() => jacobian((a: Tensor) => a.square(), x));
  assert.deepEqual(inside.toArray(), [[2, 0], [0, 4]]);
});

test('createGraph keeps the results differentiable, with respect to the user’s tensors that require grad', () => {
  const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
  // J of x³ is diag(3x²): Σ J has gradient 6x.
  const j = jacobian((y: Tensor) => y.pow(3), x, { createGraph: true });
  assert.ok(j.requiresGrad);
  j.sum().backward();
  assert.deepEqual(x.grad!.toArray(), [6, 12]);
  // The Hessian of Σx⁴ is diag(12x²); the gradient of its sum is 24x.
  const d = grad((y: Tensor) => hessian((z: Tensor) => z.pow(4).sum(), y, { createGraph: true }).sum())(tensor([1, -2], { dtype: 'float64' }));
  assert.deepEqual(d.toArray(), [24, -48]);
  // jvp of sin at x along v is cos(x)·v; with createGraph its gradient in x is −sin(x)·v.
  const v = tensor([0.5, 2], { dtype: 'float64' });
  const dj = grad((y: Tensor) => (jvp((z: Tensor) => z.sin(), y, v, { createGraph: true })[1] as Tensor).sum())(tensor([0.3, 1.1], { dtype: 'float64' }));
  assertAllClose(dj, tensor([-Math.sin(0.3) * 0.5, -Math.sin(1.1) * 2], { dtype: 'float64' }), 1e-14, 'd jvp');
  const [, p] = hvp((z: Tensor) => z.pow(3).sum(), x, v, { createGraph: true });
  assert.ok(p.requiresGrad);
  assertAllClose(p, tensor([6 * 1 * 0.5, 6 * 2 * 2], { dtype: 'float64' }), 1e-14, 'hvp');
});

test('v may be omitted only for a single one-element tensor', () => {
  const s = tensor(2, { dtype: 'float64' });
  assert.equal(vjp((y: Tensor) => y.square(), s)[1].item(), 4);
  assert.equal(jvp((y: Tensor) => y.pow(3), s)[1].item(), 12);
  assert.equal(hvp((y: Tensor) => y.pow(3), s)[1].item(), 12);
  const x = tensor([1, 2], { dtype: 'float64' });
  assert.throws(() => vjp((y: Tensor) => y.square(), x), { name: 'AutogradError', message: 'vjp: v can be omitted only when the output is a single Tensor with a single element' });
  assert.throws(() => jvp((y: Tensor) => y.sum(), x), { name: 'AutogradError', message: 'jvp: v can be omitted only when the input is a single Tensor with a single element' });
});

test('errors: a function that returns no tensor, v of the wrong shape or count, a non-scalar Hessian, integer inputs', () => {
  const x = tensor([1, 2], { dtype: 'float64' });
  const notATensor = (y: Tensor) => y.sum().item();
  assert.throws(() => vjp(notATensor as never, x, tensor(1)), { name: 'AutogradError', message: 'vjp: the function must return a Tensor or an array of Tensors, but it returned number' });
  assert.throws(() => vjp((y: Tensor) => y.mul(2), x, tensor([1, 2, 3])), { name: 'ShapeError', message: 'vjp: entry 0 of v has shape [3] but entry 0 of the outputs has [2]' });
  assert.throws(() => jvp((y: Tensor) => y.mul(2), x, [x, x]), { name: 'ShapeError', message: 'jvp: v has 2 tensor(s) but the inputs are 1' });
  assert.throws(() => hessian((y: Tensor) => y.mul(2), x), { name: 'AutogradError', message: 'hessian: the function must return a single Tensor with a single element, got shape [2]' });
  assert.throws(() => hvp((y: Tensor) => y.mul(2), x, x), AutogradError);
  assert.throws(() => jacobian((y: Tensor) => y, tensor([1, 2], { dtype: 'int32' })), {
    name: 'DTypeError',
    message: 'jacobian: input 0 has dtype int32; only float32 and float64 inputs can be differentiated',
  });
  assert.throws(() => jacobian((y: Tensor) => y, [x, 3 as never]), { name: 'AutogradError', message: 'jacobian: entry 1 of inputs is number, not a Tensor' });
});

test('with createGraph every transform is differentiable again: gradchecks of jacobian, hessian, vjp, jvp and hvp in float64', () => {
  const g = new Generator(9);
  const w = normal(g, [2, 3]);
  const u = normal(g, [2]);
  const v = normal(g, [3]);
  const layer = (x: Tensor) => matmul(w, x).tanh();
  const energy = (x: Tensor) => layer(x).square().sum().add(x.sin().sum());
  const x = normal(g, [3]);
  const checks: [string, (y: Tensor) => Tensor][] = [
    ['jacobian', (y) => jacobian(layer, y, { createGraph: true })],
    ['hessian', (y) => hessian(energy, y, { createGraph: true })],
    ['vjp', (y) => vjp(layer, y, u, { createGraph: true })[1]],
    ['jvp', (y) => jvp(layer, y, v, { createGraph: true })[1]],
    ['hvp', (y) => hvp(energy, y, v, { createGraph: true })[1]],
  ];
  for (const [name, f] of checks) assert.equal(gradcheck(f, [x]).ok, true, name);
});
