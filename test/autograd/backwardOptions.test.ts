// backward() takes PyTorch's forms: backward(gradient?, { retainGraph?, createGraph? }) and the
// options alone; anything else names backward and the argument (regression: backward({ retainGraph:
// true }) was read as a gradient and blamed tensor()).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grad, ones, tensor, type Tensor } from '../../src/index.js';

const leaf = (): Tensor => tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });

test('backward({ retainGraph: true }) back-propagates, and a second backward accumulates (the graph is always kept)', () => {
  const w = tensor(3, { requiresGrad: true });
  const y = w.mul(w);
  y.backward({ retainGraph: true });
  assert.equal(w.grad?.item(), 6);
  y.backward();
  assert.equal(w.grad?.item(), 12);
});

test('backward(gradient, { retainGraph, createGraph }) and backward({ createGraph: true }) record the backward pass', () => {
  const x = leaf();
  x.pow(3).sum().backward({ createGraph: true });
  assert.deepEqual(x.grad?.toArray(), [3, 12, 27]);
  assert.equal(x.grad?.requiresGrad, true);
  const z = leaf();
  z.pow(3).backward(ones([3], { dtype: 'float64' }), { retainGraph: true, createGraph: true });
  assert.deepEqual(z.grad?.toArray(), [3, 12, 27]);
  assert.equal(z.grad?.requiresGrad, true);
  // The old positional forms keep working.
  const u = leaf();
  u.pow(2).backward([1, 1, 1], { createGraph: false });
  assert.deepEqual(u.grad?.toArray(), [2, 4, 6]);
  const v = leaf();
  v.pow(3).sum().backward(undefined, { createGraph: true });
  assert.deepEqual(grad((t: Tensor) => t.sum())(v.grad!).toArray(), [1, 1, 1]);
  const s = tensor(2, { requiresGrad: true });
  s.mul(s).backward(1);
  assert.equal(s.grad?.item(), 4);
  const e = leaf();
  e.mul(2).sum().backward({});
  assert.deepEqual(e.grad?.toArray(), [2, 2, 2]);
});

const BAD: readonly (readonly [string, (y: Tensor) => void, string, string])[] = [
  ['an object with other keys', (y) => y.backward({ retain_graph: true } as unknown as Tensor), 'AutogradError', 'backward: the first argument is an object with "retain_graph"; pass a gradient (a tensor, a number or nested arrays) or the options { retainGraph, createGraph }'],
  ['a string gradient', (y) => y.backward('1' as unknown as Tensor), 'AutogradError', 'backward: the gradient must be a tensor, a number, nested arrays or a typed array, got "1"'],
  ['a gradient of strings', (y) => y.backward(['a'] as unknown as number[]), 'ValueError', 'backward: the gradient is not a valid tensor: tensor: element 0 is string; expected a number or boolean'],
  ['retainGraph "yes"', (y) => y.backward(undefined, { retainGraph: 'yes' as unknown as boolean }), 'AutogradError', 'backward: retainGraph must be true or false, got "yes"'],
  ['createGraph 1 as the only argument', (y) => y.backward({ createGraph: 1 as unknown as boolean }), 'AutogradError', 'backward: createGraph must be true or false, got 1'],
  ['an unknown option', (y) => y.backward(undefined, { create_graph: true } as unknown as { createGraph: boolean }), 'AutogradError', 'backward: unknown option "create_graph"; the options are retainGraph, createGraph'],
  ['options that are not an object', (y) => y.backward(undefined, true as unknown as { createGraph: boolean }), 'AutogradError', 'backward: the second argument must be the options { retainGraph, createGraph }, got true'],
  ['options given twice', (y) => y.backward({ createGraph: true }, { retainGraph: true }), 'ValueError', 'backward: the options were given twice'],
];

for (const [name, call, kind, message] of BAD) {
  test(`backward with ${name} is one ${kind} naming backward and the argument`, () => {
    const y = tensor(2, { requiresGrad: true }).mul(3);
    assert.throws(() => call(y), (e: unknown) => e instanceof Error && e.name === kind && e.message.startsWith(message), name);
  });
}
