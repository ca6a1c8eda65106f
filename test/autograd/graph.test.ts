import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillFormula, tensor, traceGraph } from '../../src/index.js';

function tutorialGraph() {
  const x = tensor(0.5, { dtype: 'float64', name: 'x' });
  const t = tensor(0.6, { dtype: 'float64', name: 't' });
  const p = (v: number, name: string) => tensor(v, { dtype: 'float64', requiresGrad: true, name });
  const w1 = p(0.4, 'w1');
  const b1 = p(0.1, 'b1');
  const w2 = p(0.3, 'w2');
  const b2 = p(0.2, 'b2');
  const z1 = w1.mul(x).add(b1).named('z1');
  const h = z1.sigmoid().named('h');
  const y = w2.mul(h).add(b2).named('y');
  const L = y.sub(t).square().mul(0.5).named('L');
  return { L, w1 };
}

test('traceGraph lists nodes in topological order with ops, names, inputs and values', () => {
  const { L } = tutorialGraph();
  const g = traceGraph(L);
  const byLabel = new Map(g.nodes.map((n) => [n.label, n]));
  assert.equal(g.nodes[g.root]?.label, 'L');
  for (const node of g.nodes) for (const i of node.inputs) assert.ok(i < node.id, `input ${i} precedes node ${node.id}`);
  const h = byLabel.get('h')!;
  assert.equal(h.op, 'sigmoid');
  assert.equal(g.nodes[h.inputs[0]!]?.label, 'z1');
  assert.equal(h.value.item().toFixed(4), '0.5744');
  for (const leaf of ['x', 't', 'w1', 'b1', 'w2', 'b2']) assert.equal(byLabel.get(leaf)?.isLeaf, true, leaf);
  assert.equal(byLabel.get('x')?.requiresGrad, false);
});

test('traceGraph gives every node its gradient without touching .grad', () => {
  const { L, w1 } = tutorialGraph();
  const g = traceGraph(L);
  const byLabel = new Map(g.nodes.map((n) => [n.label, n]));
  assert.equal(byLabel.get('L')?.grad?.item(), 1);
  assert.equal(byLabel.get('y')?.grad?.item().toFixed(4), '-0.2277');
  assert.equal(byLabel.get('z1')?.grad?.item().toFixed(4), '-0.0167');
  assert.equal(byLabel.get('w1')?.grad?.item().toFixed(4), '-0.0083');
  assert.equal(byLabel.get('x')?.grad, null);
  assert.equal(w1.grad, null);
  assert.equal(traceGraph(L, { grads: false }).nodes.every((n) => n.grad === null), true);
});

test('each node knows its local derivative formula and saved values', () => {
  const { L } = tutorialGraph();
  const nodes = traceGraph(L).nodes;
  const h = nodes.find((n) => n.label === 'h')!;
  assert.equal(h.formula?.forward.text, 'σ({0})');
  assert.equal(fillFormula(h.formula!.local[0]!.text, ['z1']), 'σ(z1)(1−σ(z1))');
  assert.equal(h.formula?.local[0]?.latex, '\\sigma({0})(1-\\sigma({0}))');
  assert.deepEqual(h.saved.map((s) => s.role), ['result']);
  const z1mul = nodes.find((n) => n.op === 'mul' && n.inputs.some((i) => nodes[i]?.label === 'w1'))!;
  assert.deepEqual(z1mul.formula?.local.map((f) => f?.text), ['{1}', '{0}']);
  assert.deepEqual(z1mul.saved.map((s) => s.role), ['input0', 'input1']);
});
