// einsum against torch.einsum (values and gradients, as printed by scripts/oracles/einsum.py into
// test/fixtures/einsum.json) on every backend; first- and second-order gradchecks in float64
// (broadcasting, size-1 axes, views, diagonals, three operands); its errors; its matmul path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Generator, Tensor, ValueError, concat, einsum, flatten, grad, gradcheck, gradients, listBackends, matmul, randn, tensor, traceGraph, withBackend } from '../../src/index.js';

interface Case {
  readonly equation: string;
  readonly shapes: number[][];
  readonly outShape: number[];
  readonly output: number[];
  readonly grads: number[][];
}

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/einsum.json', import.meta.url), 'utf8')) as { cases: Case[] };

const count = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);
/** The oracle's inputs: ((37 i + 11 k + 5) mod 101) / 25 − 2. */
const seq = (shape: number[], k: number) =>
  tensor(Array.from({ length: count(shape) }, (_, i) => ((37 * i + 11 * k + 5) % 101) / 25 - 2), { shape, dtype: 'float64' });
/** The gradient fed back: ((29 i + 7) mod 17) / 8 − 1. */
const upstream = (shape: number[]) => tensor(Array.from({ length: count(shape) }, (_, i) => ((29 * i + 7) % 17) / 8 - 1), { shape, dtype: 'float64' });

function assertValues(actual: Tensor, expected: readonly number[], what: string): void {
  const got = Array.from(actual.data());
  assert.equal(got.length, expected.length, `${what}: size`);
  got.forEach((v, i) => {
    const e = expected[i]!;
    assert.ok(Math.abs(v - e) <= 1e-10 * Math.max(1, Math.abs(e)), `${what} element ${i}: ${v} vs torch ${e}`);
  });
}

for (const backend of listBackends()) {
  test(`einsum matches torch.einsum on ${backend}: ${fixture.cases.length} equations, values and gradients`, () => {
    withBackend(backend, () => {
      assert.ok(fixture.cases.length >= 30);
      for (const c of fixture.cases) {
        const xs = c.shapes.map((s, k) => seq(s, k).requiresGrad_(true));
        const out = einsum(c.equation, ...xs);
        assert.deepEqual([...out.shape], c.outShape, `${c.equation}: shape`);
        assertValues(out, c.output, `${c.equation} output`);
        const gs = gradients([out.mul(upstream(c.outShape)).sum()], xs);
        gs.forEach((g, k) => assertValues(g, c.grads[k]!, `${c.equation} gradient of operand ${k}`));
      }
    });
  });
}

const normal = (g: Generator, shape: readonly number[]) => randn(shape, { dtype: 'float64', generator: g });

/** First order, then the gradient of Σ u·f (all partials joined) as the checked function. */
function checkBoth(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], g: Generator): void {
  assert.equal(gradcheck(f, inputs).ok, true);
  const u = normal(g, f(...inputs).shape);
  const argnums = inputs.map((_, i) => i);
  const second = (...xs: Tensor[]) => {
    const w = xs[xs.length - 1]!;
    const parts = grad((...ys: Tensor[]) => f(...ys).mul(w).sum(), { argnums })(...xs.slice(0, -1));
    return concat(parts.map((p) => flatten(p!)));
  };
  assert.equal(gradcheck(second, [...inputs, u]).ok, true);
}

// Each: the equation, the operands' shapes, and how the operands reach einsum (some as views).
const GRADCHECKS: readonly [string, number[][], ((x: Tensor, i: number) => Tensor)?][] = [
  ['ij,jk->ik', [[2, 3], [3, 2]]],
  ['bij,bjk->bik', [[2, 2, 3], [2, 3, 2]]],
  ['ij,kj->ik', [[3, 2], [3, 2]], (x) => x.transpose(0, 1)], // a transposed view of each
  ['ij,jk->ik', [[2, 4], [3, 2]], (x, i) => (i === 0 ? x.slice(null, [1, 4]) : x)], // a sliced view
  ['ii->i', [[3, 3]]],
  ['ii', [[3, 3]]],
  ['iji->j', [[2, 3, 2]]],
  ['ij->', [[2, 3]]],
  ['i,j->ij', [[3], [2]]],
  ['i,i', [[1], [3]]], // size 1 broadcasts
  ['ij,jk->ik', [[2, 1], [3, 2]]],
  ['...ij,...jk->...ik', [[2, 1, 2, 3], [2, 3, 2]]], // broadcast ellipsis
  ['b...,b...->...', [[2, 3], [2, 3]]],
  ['ij,jk,kl->il', [[2, 3], [3, 2], [2, 2]]],
  ['bn,anm,bm->ba', [[2, 2], [2, 2, 3], [2, 3]]],
  ['ij,ij->ij', [[2, 3], [2, 3]]], // a product, squared in the second order
];

GRADCHECKS.forEach(([equation, shapes, view], k) => {
  test(`einsum('${equation}') on ${shapes.map((s) => `[${s.join(', ')}]`).join(', ')}${view ? ' (views)' : ''}: first and second derivatives`, () => {
    const g = new Generator(300 + k);
    const inputs = shapes.map((s) => normal(g, s));
    checkBoth((...xs) => einsum(equation, ...xs.map((x, i) => (view ? view(x, i) : x))), inputs, g);
  });
});

test('einsum: implicit output is the ellipsis then the subscripts seen once, upper case first', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(einsum('ba', x).toArray(), [[1, 4], [2, 5], [3, 6]]);
  assert.deepEqual(einsum('aB', x).toArray(), [[1, 4], [2, 5], [3, 6]]);
  assert.deepEqual(einsum('ij', x).toArray(), x.toArray());
  assert.deepEqual(einsum('i...', x).toArray(), [[1, 4], [2, 5], [3, 6]]);
  assert.deepEqual(einsum(' i j , j k ', x, x.transpose(0, 1)).toArray(), [[14, 32], [32, 77]]);
});

test('einsum: two operands sharing a summed subscript are one matmul, transposed operands read in place (no permute)', () => {
  const ops = (y: Tensor) => traceGraph(y, { grads: false }).nodes.map((n) => n.op).filter((op) => op !== null);
  const a = () => randn([4, 3], { requiresGrad: true });
  assert.deepEqual(ops(einsum('ij,jk->ik', a(), randn([3, 5]))), ['matmul']);
  assert.deepEqual(ops(einsum('ij,kj->ik', a(), randn([5, 3]))), ['matmul']);
  assert.deepEqual(ops(einsum('ji,jk->ik', a(), randn([4, 5]))), ['matmul']);
  assert.deepEqual(ops(einsum('bij,bjk->bik', randn([2, 4, 3], { requiresGrad: true }), randn([2, 3, 5]))), ['matmul']);
  // Attention scores: the batch and head axes merge into one batch axis by reshapes only.
  const q = randn([2, 3, 4, 8], { dtype: 'float64', requiresGrad: true });
  const k = randn([2, 3, 5, 8], { dtype: 'float64' });
  const scores = einsum('bhqd,bhkd->bhqk', q, k);
  assert.ok(!ops(scores).includes('permute'));
  assert.deepEqual(ops(scores).filter((op) => op === 'matmul').length, 1);
  assertValues(scores, Array.from(matmul(q, k.transpose(2, 3)).data()), 'attention scores');
});

test('einsum: errors name the equation, the operand and the shapes', () => {
  const a = randn([2, 3]);
  const b = randn([4, 5]);
  assert.throws(() => einsum('ij,jk->ik', a, b), { name: 'ShapeError', message: "einsum('ij,jk->ik'): subscript j has size 4 in operand 1 (shape [4,5]) but 3 in operand 0 (shape [2,3])" });
  assert.throws(() => einsum('ij,jk', a), { name: 'ValueError', message: "einsum('ij,jk'): the equation has 2 operand term(s) but 1 operand(s) were given" });
  assert.throws(() => einsum('ijk', a), { name: 'ShapeError', message: "einsum('ijk'): operand 0 has shape [2,3] but its subscripts 'ijk' name 3 dimension(s)" });
  assert.throws(() => einsum('ij...k', a), { name: 'ShapeError', message: "einsum('ij...k'): operand 0 has shape [2,3] but its subscripts 'ij...k' name at least 3 dimension(s)" });
  assert.throws(() => einsum('i1', a), { name: 'ValueError', message: "einsum('i1'): invalid subscript '1' in operand 0; subscripts are the letters a-z and A-Z" });
  assert.throws(() => einsum('ii', a), { name: 'ShapeError', message: "einsum('ii'): subscript i is repeated in operand 0 with sizes 2 and 3 (shape [2,3])" });
  assert.throws(() => einsum('ij->k', a), { name: 'ValueError', message: "einsum('ij->k'): output subscript 'k' does not appear in any operand" });
  assert.throws(() => einsum('ij->ii', a), { name: 'ValueError', message: "einsum('ij->ii'): output subscript 'i' appears more than once" });
  assert.throws(() => einsum('...i...', a), { name: 'ValueError', message: "einsum('...i...'): operand 0 has more than one '...'" });
  assert.throws(() => einsum('i.j', a), { name: 'ValueError', message: "einsum('i.j'): operand 0 has a '.' that is not part of '...'" });
  assert.throws(() => einsum('ij->i->j', a), ValueError);
  assert.throws(() => einsum('ij'), { name: 'ValueError', message: "einsum('ij'): no operands were given" });
  assert.throws(() => einsum('...i,...i', randn([2, 3]), randn([4, 3])), {
    name: 'ShapeError',
    message: "einsum('...i,...i'): the ellipsis dimension 0 has size 4 in operand 1 (shape [4,3]) but 2 in operand 0 (shape [2,3])",
  });
});
