// tensor.registerHook: the gradients a hook sees, replacing them, removing hooks, their order,
// retainGrad and gradients() seeing the replaced gradient, higher order, and the errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AutogradError, Tensor, gradients, grad, tensor, withBackend, arange } from '../../src/index.js';

const f64 = (data: number[], requiresGrad = false) => tensor(data, { dtype: 'float64', requiresGrad });

test('a hook on a leaf sees ∂L/∂x, and one on an intermediate tensor ∂L/∂h', () => {
  const x = f64([1, 2, 3], true);
  const seen: number[][] = [];
  x.registerHook((g) => {
    seen.push(Array.from(g.data()));
  });
  const h = x.mul(3);
  h.registerHook((g) => {
    seen.push(Array.from(g.data()));
  });
  h.square().sum().backward();
  // ∂L/∂h = 2h = 6x comes first (backward reaches h before x), then ∂L/∂x = 18x.
  assert.deepEqual(seen, [[6, 12, 18], [18, 36, 54]]);
  assert.deepEqual(x.grad!.toArray(), [18, 36, 54]);
});

test('a hook is called once per backward, with the full gradient of a tensor used twice', () => {
  const x = f64([1, 2], true);
  const h = x.mul(2);
  const calls: number[][] = [];
  h.registerHook((g) => {
    calls.push(Array.from(g.data()));
  });
  h.mul(3).add(h.square()).sum().backward();
  assert.deepEqual(calls, [[3 + 2 * 2, 3 + 2 * 4]]);
});

test('a tensor a hook returns replaces the gradient: into .grad, and on to the inputs', () => {
  const x = f64([1, 2], true);
  x.registerHook((g) => g.mul(10));
  x.square().sum().backward();
  assert.deepEqual(x.grad!.toArray(), [20, 40]);

  const y = f64([1, 2], true);
  const h = y.mul(3);
  h.registerHook((g) => g.neg());
  h.square().sum().backward();
  // ∂L/∂h = 2h is negated before it reaches y: −2h·3 = −18y.
  assert.deepEqual(y.grad!.toArray(), [-18, -36]);
});

test('several hooks run in registration order, each on the previous one’s result', () => {
  const x = f64([1], true);
  const order: string[] = [];
  x.registerHook((g) => {
    order.push(`a ${g.item()}`);
    return g.add(1);
  });
  x.registerHook((g) => {
    order.push(`b ${g.item()}`);
    return g.mul(3);
  });
  x.registerHook((g) => {
    order.push(`c ${g.item()}`);
  });
  x.mul(5).sum().backward();
  assert.deepEqual(order, ['a 5', 'b 6', 'c 18']);
  assert.equal(x.grad!.item(), 18);
});

test('remove() unregisters a hook (twice is harmless) and leaves the others', () => {
  const x = f64([1, 2], true);
  let calls = 0;
  const first = x.registerHook(() => {
    calls++;
  });
  x.registerHook((g) => g.mul(2));
  x.sum().backward();
  first.remove();
  first.remove();
  x.zeroGrad();
  x.sum().backward();
  assert.equal(calls, 1);
  assert.deepEqual(x.grad!.toArray(), [2, 2]);
});

test('retainGrad and gradients() see the gradient a hook returns (PyTorch 2’s order, whatever the registration order)', () => {
  const x = f64([1, 2], true);
  const h = x.mul(3).retainGrad();
  h.registerHook((g) => g.mul(10));
  h.square().sum().backward();
  assert.deepEqual(h.grad!.toArray(), [60, 120]);
  assert.deepEqual(x.grad!.toArray(), [180, 360]);
  const [dh, dx] = gradients([h.square().sum()], [h, x]);
  assert.deepEqual(dh!.toArray(), [60, 120]);
  assert.deepEqual(dx!.toArray(), [180, 360]);
  // grad() differentiates with respect to the user's tensor itself when it requires grad.
  assert.deepEqual(grad((a: Tensor) => a.square().sum())(h).toArray(), [60, 120]);
});

test('a hook on the tensor backward() starts from sees the seed', () => {
  const x = f64([1, 2], true);
  const y = x.mul(2);
  const seen: number[][] = [];
  y.registerHook((g) => {
    seen.push(Array.from(g.data()));
  });
  y.backward(f64([0.5, -1]));
  assert.deepEqual(seen, [[0.5, -1]]);
  assert.deepEqual(x.grad!.toArray(), [1, -2]);
});

test('with createGraph a hook’s computation is recorded: the second derivative goes through it', () => {
  const x = f64([1, 3], true);
  // L = Σx², ∂L/∂x = 2x, replaced by 2x·x = 2x²; its gradient is 4x.
  const handle = x.registerHook((g) => g.mul(x));
  x.square().sum().backward({ createGraph: true });
  const first = x.grad!;
  assert.deepEqual(first.toArray(), [2, 18]);
  assert.ok(first.requiresGrad);
  // The hook is still there for the second pass: 4x becomes 4x·x.
  assert.deepEqual(gradients([first.sum()], [x])[0]!.toArray(), [4, 36]);
  handle.remove();
  assert.deepEqual(gradients([first.sum()], [x])[0]!.toArray(), [4, 12]);
});

test('what a hook keeps stays readable after backward on every backend (the pass releases only its own temporaries)', () => {
  for (const backend of ['cpu', 'reference', 'wasm']) {
    withBackend(backend, () => {
      const x = arange(0, 200, 1, { dtype: 'float64' }).requiresGrad_(true);
      const kept: Tensor[] = [];
      const h = x.mul(2);
      h.registerHook((g) => {
        kept.push(g, g.mul(3), g.sum());
      });
      h.square().sum().backward();
      // ∂L/∂h = 2h = 4x.
      assert.equal(kept[0]!.data()[199], 4 * 199, backend);
      assert.equal(kept[1]!.data()[10], 12 * 10, backend);
      assert.equal(kept[2]!.item(), 4 * (199 * 200) / 2, backend);
    });
  }
});

test('errors: a tensor that does not require grad, a hook that changes the shape or dtype, or returns something else', () => {
  assert.throws(() => f64([1]).registerHook((g) => g), { name: 'AutogradError', message: 'registerHook: cannot register a hook on a tensor that does not require grad' });
  const x = f64([1, 2], true).named('w');
  x.registerHook((g) => g.slice([0, 1]));
  assert.throws(() => x.sum().backward(), { name: 'ShapeError', message: "registerHook: the hook on tensor w changed the gradient's shape from [2] to [1]" });
  const y = f64([1, 2], true);
  y.registerHook((g) => g.cast('float32'));
  assert.throws(() => y.sum().backward(), { name: 'DTypeError', message: /registerHook: the hook on tensor #\d+ changed the gradient's dtype from float64 to float32/ });
  const z = f64([1, 2], true);
  z.registerHook((() => 3) as never);
  assert.throws(() => z.sum().backward(), { name: 'AutogradError', message: /returned number; a hook returns a Tensor or nothing/ });
  assert.throws(() => f64([1], true).registerHook(3 as never), AutogradError);
});
