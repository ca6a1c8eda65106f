import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DTypeError, ShapeError, Tensor, tensor, traceGraph, zeros } from '../../src/index.js';
import { Dropout, GELU, Linear, Module, ReLU, Sequential, Tanh, mlp, type AnyModule } from '../../src/nn/index.js';

test('mlp([2, 8, 8, 1]).namedParameters() names Linear parameters by layer index, in order', () => {
  const model = mlp([2, 8, 8, 1], { seed: 0 });
  assert.deepEqual(
    model.namedParameters().map(([name, p]) => [name, [...p.shape]]),
    [
      ['0.weight', [8, 2]],
      ['0.bias', [8]],
      ['2.weight', [8, 8]],
      ['2.bias', [8]],
      ['4.weight', [1, 8]],
      ['4.bias', [1]],
    ],
  );
  assert.equal(model.parameters().length, 6);
  assert.ok(model.parameters().every((p) => p.requiresGrad && p.isLeaf));
});

test('Sequential renames parameter tensors to their dotted names, so traced graphs show them', () => {
  const model = mlp([2, 3, 1], { seed: 0 });
  assert.deepEqual(
    model.parameters().map((p) => p.name),
    ['0.weight', '0.bias', '2.weight', '2.bias'],
  );
  const graph = traceGraph(model.forward(zeros([1, 2])).sum());
  const names = graph.nodes.map((n) => n.name).filter((n): n is string => n !== undefined);
  for (const n of ['0.weight', '0.bias', '2.weight', '2.bias']) assert.ok(names.includes(n), `graph lacks ${n}: ${names.join(', ')}`);
});

test('Sequential keeps names the user chose and prefixes nested containers', () => {
  const first = new Linear(1, 1, { weight: [[0.4]], biasValues: [0.1] });
  first.weight.name = 'w1';
  const inner = new Sequential(new Linear(2, 2, { seed: 0 }), new Tanh());
  const model = new Sequential(first, inner);
  assert.equal(first.weight.name, 'w1');
  assert.equal(first.bias?.name, '0.bias');
  assert.deepEqual(
    model.namedParameters().map(([n, p]) => [n, p.name]),
    [
      ['0.weight', 'w1'],
      ['0.bias', '0.bias'],
      ['1.0.weight', '1.0.weight'],
      ['1.0.bias', '1.0.bias'],
    ],
  );
});

test('Sequential.forward applies the layers in order; length, at() and iteration list them', () => {
  const model = new Sequential(new Linear(1, 1, { weight: [[2]], biasValues: [-1] }), new ReLU(), new Linear(1, 1, { weight: [[3]], biasValues: [0.5] }));
  assert.deepEqual(model.forward(tensor([[0], [1], [2]])).toArray(), [[0.5], [3.5], [9.5]]);
  assert.equal(model.length, 3);
  assert.ok(model.at(1) instanceof ReLU);
  assert.ok(model.at(-1) instanceof Linear);
  assert.equal([...model].length, 3);
  assert.equal(new Sequential().forward(tensor([1])).item(), 1);
});

test('stateDict() copies every parameter by name; loadStateDict() round-trips into a fresh model', () => {
  const a = mlp([2, 4, 1], { seed: 1 });
  const b = mlp([2, 4, 1], { seed: 2 });
  const x = tensor([[0.5, -1], [2, 0.25]]);
  assert.notDeepEqual(a.forward(x).toArray(), b.forward(x).toArray());
  const state = a.stateDict();
  assert.deepEqual(Object.keys(state), ['0.weight', '0.bias', '2.weight', '2.bias']);
  assert.notEqual(state['0.weight'], a.parameters()[0]);
  b.loadStateDict(state);
  assert.deepEqual(b.forward(x).toArray(), a.forward(x).toArray());
  // the copy is independent of later training of `a`
  a.parameters()[0]?._data.fill(0);
  assert.notDeepEqual(Array.from(state['0.weight']?._data ?? []), Array.from(a.parameters()[0]?._data ?? []));
});

test('loadStateDict() converts values to the parameter dtype and keeps the parameter tensors', () => {
  const model = new Linear(2, 1, { seed: 0 });
  const weight = model.weight;
  model.loadStateDict({ weight: tensor([[1, 2]], { dtype: 'float64' }), bias: tensor([3], { dtype: 'float64' }) });
  assert.equal(model.weight, weight);
  assert.equal(model.weight.dtype, 'float32');
  assert.deepEqual(model.forward(tensor([[1, 1]])).toArray(), [[6]]);
});

test('loadStateDict() is all or nothing: missing, unexpected and mis-shaped entries are listed and nothing changes', () => {
  const model = mlp([2, 3, 1], { seed: 0 });
  const before = model.parameters().map((p) => Array.from(p._data));
  const state = model.stateDict();
  const bad = { ...state, '0.weight': zeros([2, 3]), extra: zeros([1]) } as Record<string, Tensor>;
  delete bad['2.bias'];
  assert.throws(
    () => model.loadStateDict(bad),
    (e: unknown) =>
      e instanceof ShapeError &&
      e.message === "loadStateDict: '0.weight' has shape [2,3] in the state but [3,2] in the model; missing '2.bias'; unexpected 'extra'",
  );
  assert.deepEqual(
    model.parameters().map((p) => Array.from(p._data)),
    before,
  );
  // A correct entry next to a wrong one is not applied either.
  const partlyWrong = { ...model.stateDict(), '0.bias': tensor([9, 9, 9]), '2.weight': zeros([3, 1]) };
  assert.throws(() => model.loadStateDict(partlyWrong), /loadStateDict: '2\.weight' has shape \[3,1\] in the state but \[1,3\] in the model/);
  assert.deepEqual(
    model.parameters().map((p) => Array.from(p._data)),
    before,
  );
});

test('loadStateDict(state, { strict: false }) ignores missing and unexpected names but still checks shapes', () => {
  const model = mlp([2, 3, 1], { seed: 0 });
  model.loadStateDict({ '2.bias': tensor([7]), other: zeros([5]) }, { strict: false });
  assert.deepEqual(model.parameters()[3]?.toArray(), [7]);
  assert.throws(() => model.loadStateDict({ '2.bias': zeros([2]) }, { strict: false }), /'2\.bias' has shape \[2\] in the state but \[1\] in the model/);
});

test('train() and eval() set the mode recursively and return the module', () => {
  const model = new Sequential(new Linear(2, 2, { seed: 0 }), new Sequential(new Dropout(0.5), new GELU()));
  const all = (m: AnyModule): AnyModule[] => [m, ...m.children().flatMap(([, c]) => all(c))];
  assert.equal(all(model).length, 5);
  assert.ok(all(model).every((m) => m.training));
  assert.equal(model.eval(), model);
  assert.ok(all(model).every((m) => !m.training));
  model.train();
  assert.ok(all(model).every((m) => m.training));
  model.train(false);
  assert.ok(all(model).every((m) => !m.training));
});

test('zeroGrad() clears the gradients of every parameter', () => {
  const model = mlp([2, 3, 1], { seed: 0 });
  model.forward(tensor([[1, 2]])).sum().backward();
  assert.ok(model.parameters().every((p) => p.grad !== null));
  model.zeroGrad();
  assert.ok(model.parameters().every((p) => p.grad === null));
});

test('summary() of mlp([2, 8, 8, 1]) lists each layer with its output shape and parameters (24 + 72 + 9 = 105)', () => {
  const model = mlp([2, 8, 8, 1], { seed: 0 });
  assert.equal(
    model.summary([1, 2]),
    [
      'Layer             Output shape  Params',
      '──────────────────────────────────────',
      '0: Linear(2 → 8)  [1,8]             24',
      '1: ReLU           [1,8]              0',
      '2: Linear(8 → 8)  [1,8]             72',
      '3: ReLU           [1,8]              0',
      '4: Linear(8 → 1)  [1,1]              9',
      '──────────────────────────────────────',
      'Total params: 105',
    ].join('\n'),
  );
  assert.equal(model.parameterCount(), 105);
});

test('summary() shows nested containers with dotted indices and does not draw dropout masks', () => {
  const model = new Sequential(new Linear(2, 3, { seed: 0, bias: false }), new Dropout(0.5, { seed: 1 }), new Sequential(new Linear(3, 2, { seed: 0 }), new Tanh()));
  const dropout = model.at(1);
  assert.ok(dropout instanceof Dropout);
  const text = model.summary([4, 2]);
  assert.equal(
    text,
    [
      'Layer                      Output shape  Params',
      '───────────────────────────────────────────────',
      '0: Linear(2 → 3, no bias)  [4,3]              6',
      '1: Dropout(0.5)            [4,3]              0',
      '2.0: Linear(3 → 2)         [4,2]              8',
      '2.1: Tanh                  [4,2]              0',
      '───────────────────────────────────────────────',
      'Total params: 14',
    ].join('\n'),
  );
  // The dropout layer's own generator was not advanced by the summary.
  const fresh = new Dropout(0.5, { seed: 1 });
  assert.deepEqual(dropout.forward(zeros([8]).add(1)).toArray(), fresh.forward(zeros([8]).add(1)).toArray());
});

test('loadStateDict refuses an int32 or bool tensor for a float parameter with a DTypeError naming the key, changing nothing', () => {
  const model = mlp([2, 3, 1], { seed: 0 });
  const before = model.parameters().map((p) => Array.from(p.data()));
  const state = model.stateDict();
  state['0.bias'] = tensor([1, 2, 3], { dtype: 'int32' });
  state['2.bias'] = tensor([1], { dtype: 'bool' });
  assert.throws(
    () => model.loadStateDict(state),
    (e: unknown) =>
      e instanceof DTypeError &&
      e.message === "loadStateDict: '0.bias' is int32 in the state but float32 in the model; '2.bias' is bool in the state but float32 in the model (only float32 and float64 are converted into each other; cast the tensor if that is meant)",
  );
  assert.deepEqual(model.parameters().map((p) => Array.from(p.data())), before);
});

test('loadStateDict converts float64 values into a float32 parameter (and back), as PyTorch copy_ does', () => {
  const model = mlp([1, 1], { seed: 0 });
  model.loadStateDict({ '0.weight': tensor([[0.1]], { dtype: 'float64' }), '0.bias': tensor([0.25], { dtype: 'float64' }) });
  assert.equal(model.parameters()[0]!.dtype, 'float32');
  assert.deepEqual(Array.from(model.parameters()[0]!.data()), [Math.fround(0.1)]);
  const wide = mlp([1, 1], { seed: 0, dtype: 'float64' });
  wide.loadStateDict(model.stateDict());
  assert.deepEqual(Array.from(wide.parameters()[1]!.data()), [0.25]);
});

test('loadStateDict names an entry that is not a tensor', () => {
  const model = mlp([1, 1], { seed: 0 });
  const state: Record<string, Tensor> = { ...model.stateDict() };
  Object.assign(state, { '0.bias': [0.5] });
  assert.throws(() => model.loadStateDict(state), (e: unknown) => e instanceof ShapeError && /'0\.bias' is object, not a tensor/.test(e.message));
});
