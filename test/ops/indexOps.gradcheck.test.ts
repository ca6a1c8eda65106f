// First and second derivatives of the index ops against central differences (float64, gradcheck's
// defaults): sort/topk/max/min values (a gather by the sorting indices; inputs without ties),
// cumsum, cumprod (zeros anywhere in the input: its rule is a reverse linear scan, exact there),
// the linear scan itself, scatter and scatterAdd in both x and src. Each over several axes, a
// size-1 axis and a non-contiguous view (permuted or reversed inside the checked function).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRIMITIVES, Generator, Tensor, concat, cumprod, cumsum, flatten, grad, gradcheck, maxWithIndices, minWithIndices, randn, scatter, scatterAdd, sort, tensor, topk } from '../../src/index.js';
import { apply } from '../../src/autograd/engine.js';

const normal = (g: Generator, shape: readonly number[]) => randn(shape, { dtype: 'float64', generator: g });
const int32 = (values: number[] | number[][] | number[][][]) => tensor(values, { dtype: 'int32' });

/** Normal values at least 0.1 apart, so sorting has no ties within the step of central differences. */
function distinct(g: Generator, shape: readonly number[]): Tensor {
  const x = normal(g, shape);
  const order = Array.from(x.data()).map((v, i) => ({ v, i })).sort((p, q) => p.v - q.v);
  const out = new Float64Array(x.size);
  order.forEach(({ v, i }, rank) => {
    out[i] = v + 0.1 * rank;
  });
  return tensor(out, { shape: x.shape });
}

/** First order, then the gradient of Σ u·f (all partials joined) as the checked function. */
function checkBoth(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], g: Generator): void {
  assert.equal(gradcheck(f, inputs).ok, true, 'first order');
  const u = normal(g, f(...inputs).shape);
  const argnums = inputs.map((_, i) => i);
  const second = (...xs: Tensor[]) => {
    const parts = grad((...ys: Tensor[]) => f(...ys).square().mul(u).sum(), { argnums })(...xs);
    return concat(parts.map((p) => flatten(p!)));
  };
  assert.equal(gradcheck(second, inputs).ok, true, 'second order');
}

/** A permuted view (axes reversed), so the op reads a non-contiguous input. */
const reversedAxes = (x: Tensor) => x.permute(x.shape.map((_, i) => x.ndim - 1 - i));

const SORTING: readonly { name: string; f: (x: Tensor) => Tensor; shape: number[] }[] = [
  { name: 'sort along -1', f: (x) => sort(x).values, shape: [2, 4] },
  { name: 'sort along 0, descending', f: (x) => sort(x, { axis: 0, descending: true }).values, shape: [3, 2] },
  { name: 'sort along a size-1 axis', f: (x) => sort(x, 1).values, shape: [3, 1, 2] },
  { name: 'sort of a permuted view', f: (x) => sort(reversedAxes(x), 1).values, shape: [3, 2, 2] },
  { name: 'topk 2 along -1', f: (x) => topk(x, 2).values, shape: [2, 4] },
  { name: 'topk 1 smallest along 0', f: (x) => topk(x, 1, { axis: 0, largest: false }).values, shape: [3, 3] },
  { name: 'topk of a reversed slice', f: (x) => topk(x.slice(null, [null, null, -1]), 3).values, shape: [2, 5] },
  { name: 'maxWithIndices along 1', f: (x) => maxWithIndices(x, 1).values, shape: [2, 3, 2] },
  { name: 'maxWithIndices along a size-1 axis, keepdims', f: (x) => maxWithIndices(x, 0, true).values, shape: [1, 3] },
  { name: 'minWithIndices of a permuted view', f: (x) => minWithIndices(reversedAxes(x), -1).values, shape: [3, 2] },
];

SORTING.forEach((c, k) => {
  test(`gradcheck ${c.name} [${c.shape}]: first and second order`, () => {
    const g = new Generator(300 + k);
    checkBoth(c.f, [distinct(g, c.shape)], g);
  });
});

/** Inputs for cumprod holding zeros: one, two in a row, at the start and at the end of the axis. */
const WITH_ZEROS: readonly { name: string; x: number[][] }[] = [
  { name: 'one zero', x: [[0.5, 0, 2, -1.5], [1.2, -0.7, 0, 1.1]] },
  { name: 'two zeros', x: [[0, 0, 1.5, 2], [0.8, 0, -1.3, 0]] },
  { name: 'zero first and last', x: [[0, 1.5, -0.5, 0], [2, 0.5, 1.5, -1]] },
];

const SCANS: readonly { name: string; f: (x: Tensor) => Tensor; input: (g: Generator) => Tensor }[] = [
  { name: 'cumsum along 1', f: (x) => cumsum(x, 1), input: (g) => normal(g, [2, 4]) },
  { name: 'cumsum along 0 of [3,2,2]', f: (x) => cumsum(x, 0), input: (g) => normal(g, [3, 2, 2]) },
  { name: 'cumsum along a size-1 axis', f: (x) => cumsum(x, 1), input: (g) => normal(g, [3, 1]) },
  { name: 'cumsum of a permuted view', f: (x) => cumsum(reversedAxes(x), -1), input: (g) => normal(g, [3, 2, 2]) },
  { name: 'cumprod along 1', f: (x) => cumprod(x, 1), input: (g) => normal(g, [2, 4]) },
  { name: 'cumprod along 1 of [2,3,2]', f: (x) => cumprod(x, 1), input: (g) => normal(g, [2, 3, 2]) },
  { name: 'cumprod along a size-1 axis', f: (x) => cumprod(x, 0), input: (g) => normal(g, [1, 3]) },
  { name: 'cumprod of a reversed slice', f: (x) => cumprod(x.slice(null, [null, null, -1]), 1), input: (g) => normal(g, [2, 4]) },
  ...WITH_ZEROS.flatMap((z) => [
    { name: `cumprod along 1 with ${z.name}`, f: (x: Tensor) => cumprod(x, 1), input: () => tensor(z.x, { dtype: 'float64' }) },
    { name: `cumprod along 0 of the transposed view, ${z.name}`, f: (x: Tensor) => cumprod(x.T, 0), input: () => tensor(z.x, { dtype: 'float64' }) },
  ]),
];

SCANS.forEach((c, k) => {
  test(`gradcheck ${c.name}: first and second order`, () => {
    const g = new Generator(400 + k);
    checkBoth(c.f, [c.input(g)], g);
  });
});

test('gradcheck of the linear scan in both inputs, forwards and in reverse, with zeros in a: first and second order', () => {
  const g = new Generator(500);
  for (const reverse of [false, true]) {
    const scan = (a: Tensor, b: Tensor) => apply(PRIMITIVES.linearScan, [a, b], { axis: 1, reverse });
    checkBoth(scan, [tensor([[0.5, 0, 2, -1], [0, 1.5, 0, 0.7]], { dtype: 'float64' }), normal(g, [2, 4])], g);
  }
});

test('cumprod with zeros: the gradient equals Σ_{j≥i} g_j·Π_{k≤j, k≠i} x_k, term by term', () => {
  const xs = [0.5, 0, 2, 0, -1.5];
  const gs = [0.3, -1.1, 0.7, 2, -0.4];
  const x = tensor(xs, { dtype: 'float64' });
  const got = grad((y: Tensor) => cumprod(y, 0).mul(tensor(gs, { dtype: 'float64' })).sum())(x).data();
  xs.forEach((_, i) => {
    let expected = 0;
    for (let j = i; j < xs.length; j++) {
      let p = 1;
      for (let k = 0; k <= j; k++) if (k !== i) p *= xs[k]!;
      expected += gs[j]! * p;
    }
    assert.ok(Math.abs(got[i]! - expected) <= 1e-14, `∂/∂x_${i}: ${got[i]} vs ${expected}`);
  });
});

const SCATTERS: readonly { name: string; f: (x: Tensor, src: Tensor) => Tensor; x: number[]; src: number[] }[] = [
  { name: 'scatter along 1', f: (x, s) => scatter(x, 1, int32([[2, 0], [1, 3]]), s), x: [2, 4], src: [2, 2] },
  { name: 'scatter along 0, src larger than index', f: (x, s) => scatter(x, 0, int32([[1, 0, 2]]), s), x: [3, 3], src: [2, 4] },
  { name: 'scatter with repeated indices (the last wins)', f: (x, s) => scatter(x, 0, int32([[1, 0], [1, 0], [2, 0]]), s), x: [3, 2], src: [3, 2] },
  { name: 'scatter of a permuted src', f: (x, s) => scatter(x, 1, int32([[0, 2], [1, 0], [2, 1]]), s.T), x: [3, 3], src: [2, 3] },
  { name: 'scatterAdd along 1 with repeated indices', f: (x, s) => scatterAdd(x, 1, int32([[0, 0, 2], [1, 1, 1]]), s), x: [2, 3], src: [2, 3] },
  { name: 'scatterAdd along 0 of [3,2,2]', f: (x, s) => scatterAdd(x, 0, int32([[[2, 0]], [[2, 2]]]), s), x: [3, 2, 2], src: [2, 1, 2] },
  { name: 'scatterAdd of a size-1 axis', f: (x, s) => scatterAdd(x, 0, int32([[0, 0, 0]]), s), x: [1, 3], src: [1, 3] },
];

SCATTERS.forEach((c, k) => {
  test(`gradcheck ${c.name} (x ${JSON.stringify(c.x)}, src ${JSON.stringify(c.src)}), in x and src: first and second order`, () => {
    const g = new Generator(600 + k);
    checkBoth(c.f, [normal(g, c.x), normal(g, c.src)], g);
  });
});

test('gradcheck scatter of a number (src a value): in x, first and second order', () => {
  const g = new Generator(700);
  checkBoth((x) => scatter(x, 1, int32([[1], [0]]), 0.5), [normal(g, [2, 3])], g);
});
