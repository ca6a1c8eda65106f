import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, ValueError, gelu, leakyRelu, ones, softmax, tensor, zeros } from '../../src/index.js';
import {
  ACTIVATIONS,
  Dropout,
  GELU,
  Identity,
  LeakyReLU,
  Linear,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
  activationModule,
  mlp,
} from '../../src/nn/index.js';
import { assertClose } from '../helpers/assert.js';

test('activation modules compute their functions', () => {
  const x = tensor([-2, -0.5, 0, 0.5, 2], { dtype: 'float64' });
  const xs = [-2, -0.5, 0, 0.5, 2];
  assertClose(new Sigmoid().forward(x), xs.map((v) => 1 / (1 + Math.exp(-v))), 1e-12);
  assertClose(new Tanh().forward(x), xs.map(Math.tanh), 1e-12);
  assertClose(new ReLU().forward(x), xs.map((v) => Math.max(v, 0)), 0);
  assertClose(new LeakyReLU(0.2).forward(x), xs.map((v) => (v > 0 ? v : 0.2 * v)), 1e-15);
  assertClose(new LeakyReLU().forward(x), Array.from(leakyRelu(x, 0.01)._data), 0);
  assertClose(new GELU().forward(x), Array.from(gelu(x)._data), 0);
  assertClose(new GELU('tanh').forward(x), Array.from(gelu(x, 'tanh')._data), 0);
  assertClose(new Identity().forward(x), xs, 0);
  const m = tensor([[1, 2], [3, 5]], { dtype: 'float64' });
  assertClose(new Softmax().forward(m), softmax(m, -1), 0);
  assertClose(new Softmax(0).forward(m), softmax(m, 0), 0);
});

test('activation modules describe themselves and have configs', () => {
  const cases: [InstanceType<typeof Sigmoid> | Tanh | ReLU | LeakyReLU | GELU | Softmax | Identity, string, object][] = [
    [new Sigmoid(), 'Sigmoid', { type: 'Sigmoid' }],
    [new Tanh(), 'Tanh', { type: 'Tanh' }],
    [new ReLU(), 'ReLU', { type: 'ReLU' }],
    [new LeakyReLU(0.1), 'LeakyReLU(0.1)', { type: 'LeakyReLU', negativeSlope: 0.1 }],
    [new GELU(), 'GELU', { type: 'GELU', approximate: 'none' }],
    [new GELU('tanh'), 'GELU(tanh)', { type: 'GELU', approximate: 'tanh' }],
    [new Softmax(), 'Softmax', { type: 'Softmax', axis: -1 }],
    [new Softmax(0), 'Softmax(axis=0)', { type: 'Softmax', axis: 0 }],
    [new Identity(), 'Identity', { type: 'Identity' }],
  ];
  for (const [m, description, config] of cases) {
    assert.equal(m.describe(), description);
    assert.deepEqual(m.config(), config);
    assert.equal(m.parameterCount(), 0);
  }
});

test('activationModule maps every name to its module', () => {
  assert.deepEqual([...ACTIVATIONS], ['sigmoid', 'tanh', 'relu', 'leakyRelu', 'gelu', 'linear']);
  assert.deepEqual(
    [...ACTIVATIONS, 'softmax' as const].map((n) => activationModule(n).describe()),
    ['Sigmoid', 'Tanh', 'ReLU', 'LeakyReLU(0.01)', 'GELU', 'Identity', 'Softmax'],
  );
  assert.throws(() => activationModule('swish' as 'relu'), /activation: unknown name 'swish'; valid names: sigmoid, tanh, relu, leakyRelu, gelu, linear, softmax/);
});

test('Dropout in training zeroes about p of the elements and scales the rest by 1/(1−p)', () => {
  const drop = new Dropout(0.25, { seed: 0 });
  const y = drop.forward(ones([20000], { dtype: 'float64' }));
  const values = Array.from(y._data);
  const zerosCount = values.filter((v) => v === 0).length;
  assert.ok(values.every((v) => v === 0 || v === 1 / 0.75));
  assert.ok(Math.abs(zerosCount / values.length - 0.25) < 0.01, `zeroed fraction ${zerosCount / values.length}`);
  const meanValue = values.reduce((s, v) => s + v, 0) / values.length;
  assert.ok(Math.abs(meanValue - 1) < 0.02, `mean ${meanValue}`);
});

test('Dropout in eval mode (and with p = 0) is the identity; p = 1 zeroes everything', () => {
  const x = tensor([1, 2, 3]);
  const drop = new Dropout(0.5, { seed: 0 });
  drop.eval();
  assert.equal(drop.forward(x), x);
  assert.equal(new Dropout(0).forward(x), x);
  assert.deepEqual(new Dropout(1, { seed: 0 }).forward(x).toArray(), [0, 0, 0]);
});

test('Dropout is seeded: the same seed repeats masks, masks change call to call, and the gradient is the mask', () => {
  const a = new Dropout(0.5, { seed: 3 });
  const b = new Dropout(0.5, { seed: 3 });
  const x = ones([64]);
  const first = a.forward(x).toArray();
  assert.deepEqual(first, b.forward(x).toArray());
  assert.notDeepEqual(a.forward(x).toArray(), first);
  const g = new Generator(5);
  const c = new Dropout(0.5, { generator: g });
  assert.deepEqual(c.forward(x).toArray(), new Dropout(0.5, { seed: 5 }).forward(x).toArray());
  const w = tensor([1, 1, 1, 1, 1, 1, 1, 1], { requiresGrad: true });
  const y = new Dropout(0.5, { seed: 9 }).forward(w);
  y.sum().backward();
  assert.deepEqual(w.grad?.toArray(), y.toArray());
});

test('Dropout checks p and describes itself', () => {
  assert.throws(() => new Dropout(1.5), (e: unknown) => e instanceof ValueError && e.message === 'Dropout: p must be a probability in [0, 1], got 1.5');
  assert.equal(new Dropout(0.3).describe(), 'Dropout(0.3)');
  assert.deepEqual(new Dropout(0.3).config(), { type: 'Dropout', p: 0.3 });
  assert.deepEqual(new Dropout(0.3, { seed: 4 }).config(), { type: 'Dropout', p: 0.3, seed: 4 });
});

test('mlp builds Linear layers with activations between them and the output activation last', () => {
  const describe = (m: Sequential) => [...m].map((l) => l.describe());
  assert.deepEqual(describe(mlp([2, 8, 8, 1])), ['Linear(2 → 8)', 'ReLU', 'Linear(8 → 8)', 'ReLU', 'Linear(8 → 1)']);
  assert.deepEqual(describe(mlp([2, 4, 3], { activation: 'tanh', outputActivation: 'softmax' })), ['Linear(2 → 4)', 'Tanh', 'Linear(4 → 3)', 'Softmax']);
  assert.deepEqual(describe(mlp([2, 4, 1], { activation: 'linear', outputActivation: 'sigmoid' })), ['Linear(2 → 4)', 'Linear(4 → 1)', 'Sigmoid']);
  assert.deepEqual(describe(mlp([2, 4, 4, 1], { dropout: 0.1, seed: 0 })), ['Linear(2 → 4)', 'ReLU', 'Dropout(0.1)', 'Linear(4 → 4)', 'ReLU', 'Dropout(0.1)', 'Linear(4 → 1)']);
  assert.deepEqual(describe(mlp([3, 1])), ['Linear(3 → 1)']);
  const m = mlp([2, 3, 1], { dtype: 'float64', bias: false, seed: 0 });
  assert.ok(m.parameters().every((p) => p.dtype === 'float64'));
  assert.deepEqual(m.namedParameters().map(([n]) => n), ['0.weight', '2.weight']);
});

test('mlp is seeded: the same seed gives the same model, another seed another; layers differ from each other', () => {
  const values = (m: Sequential) => m.parameters().map((p) => Array.from(p._data));
  assert.deepEqual(values(mlp([2, 8, 8, 1], { seed: 1 })), values(mlp([2, 8, 8, 1], { seed: 1 })));
  assert.notDeepEqual(values(mlp([2, 8, 8, 1], { seed: 1 })), values(mlp([2, 8, 8, 1], { seed: 2 })));
  const m = mlp([4, 4, 4], { seed: 1 });
  const [first, second] = [m.at(0), m.at(2)];
  assert.ok(first instanceof Linear && second instanceof Linear);
  assert.notDeepEqual(first.weight.toArray(), second.weight.toArray());
  // Dropout layers get seeds of their own: seed + 1, seed + 2, …
  assert.deepEqual(
    [...mlp([2, 3, 3, 1], { seed: 10, dropout: 0.5 })].filter((l) => l instanceof Dropout).map((l) => l.config()),
    [
      { type: 'Dropout', p: 0.5, seed: 11 },
      { type: 'Dropout', p: 0.5, seed: 12 },
    ],
  );
});

test('mlp with init names a weight initializer for every layer', () => {
  const m = mlp([3, 5, 2], { init: 'zeros' });
  assert.ok(m.parameters().every((p) => Array.from(p._data).every((v) => v === 0)));
  assert.deepEqual(m.forward(zeros([2, 3])).toArray(), [[0, 0], [0, 0]]);
});

test('mlp rejects bad sizes and names', () => {
  assert.throws(() => mlp([2]), /mlp: sizes must list at least the input and output sizes, e\.g\. \[2, 8, 1\], got \[2\]/);
  assert.throws(() => mlp([2, 0, 1]), /mlp: layer sizes must be positive integers, got \[2,0,1\] \(entry 1\)/);
  assert.throws(() => mlp([2, 1], { activation: 'swish' as 'relu' }), /mlp: unknown activation 'swish'; valid names: sigmoid, tanh, relu, leakyRelu, gelu, linear/);
  assert.throws(() => mlp([2, 1], { outputActivation: 'argmax' as 'linear' }), /mlp: unknown output activation 'argmax'/);
  assert.throws(() => mlp([2, 1], { dropout: 2 }), /mlp: dropout must be a probability in \[0, 1\], got 2/);
});
