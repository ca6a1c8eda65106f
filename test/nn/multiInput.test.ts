import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataLoader, SGD, Tensor, TensorDataset, fit, evaluate, predict, mse, tensor, zeros, ones } from '../../src/index.js';
import { Linear, Module, ReLU, Sequential, Tanh, type ModuleConfig } from '../../src/nn/index.js';

/** y = a·x1 + b·x2 from two inputs of different widths. */
class TwoInputs extends Module<[x1: Tensor, x2: Tensor]> {
  readonly a = this.registerModule('a', new Linear(3, 1, { seed: 0 }));
  readonly b = this.registerModule('b', new Linear(2, 1, { bias: false, seed: 1 }));
  forward(x1: Tensor, x2: Tensor): Tensor {
    return this.a.call(x1).add(this.b.call(x2));
  }
}

/** Two outputs, as an RNN's (output, state). */
class TwoOutputs extends Module<[x: Tensor], [Tensor, Tensor]> {
  readonly l = this.registerModule('l', new Linear(2, 4, { seed: 0 }));
  forward(x: Tensor): [Tensor, Tensor] {
    const y = this.l.call(x);
    return [y, y.sum(-1, true)];
  }
  override config(): ModuleConfig {
    return { type: 'TwoOutputs' };
  }
}

test('a module with two inputs: call passes both, summary takes one shape per input', () => {
  const m = new TwoInputs();
  const x1 = tensor([[1, 2, 3]]);
  const x2 = tensor([[4, 5]]);
  const expected = m.a.forward(x1).add(m.b.forward(x2)).toArray();
  assert.deepEqual(m.call(x1, x2).toArray(), expected);
  const text = m.summary([2, 3], [2, 2]);
  assert.match(text, /TwoInputs\s+\[2,1\]\s+6/);
  assert.throws(() => m.summary(), /summary: give the input's shape/);
});

test('summary of a module with two outputs lists both shapes', () => {
  assert.match(new TwoOutputs().summary([5, 2]), /TwoOutputs\s+\(\[5,4\], \[5,1\]\)\s+12/);
});

test('a Sequential refuses a layer that returns a pair, naming the layer and the fix', () => {
  // A JavaScript caller can put any module in; the types refuse it, so the test goes around them.
  const pair: unknown = new TwoOutputs();
  const seq = new Sequential(new Tanh(), pair as Module);
  assert.throws(() => seq.call(zeros([1, 2])), /Sequential: layer 1 \(TwoOutputs\) returned \(\[1,4\], \[1,1\]\) \(2 outputs\).*must return one tensor/);
  assert.throws(() => seq.summary([1, 2]), /layer 1 \(TwoOutputs\) returned/);
});

test('forward hooks see module, inputs and output; run in order; may replace the output; remove() detaches', () => {
  const layer = new Linear(2, 2, { seed: 0 });
  const seen: string[] = [];
  const h1 = layer.registerForwardHook((m, inputs, out) => {
    assert.equal(m, layer);
    seen.push(`first ${inputs[0].shape.join('x')} -> ${out.shape.join('x')}`);
  });
  const h2 = layer.registerForwardHook((_m, _inputs, out) => {
    seen.push('second');
    return out.mul(0).add(7);
  });
  const x = tensor([[1, 2]]);
  assert.deepEqual(layer.call(x).toArray(), [[7, 7]]);
  assert.deepEqual(seen, ['first 1x2 -> 1x2', 'second']);
  // forward() is the bare computation: no hooks, as in PyTorch.
  assert.notDeepEqual(layer.forward(x).toArray(), [[7, 7]]);
  assert.equal(seen.length, 2);
  h2.remove();
  h2.remove();
  assert.notDeepEqual(layer.call(x).toArray(), [[7, 7]]);
  h1.remove();
  layer.call(x);
  assert.equal(seen.length, 3);
  assert.throws(() => layer.registerForwardHook(null as never), /registerForwardHook: expected a function/);
});

test('forward hooks capture every layer of a Sequential during fit, and the activation they see is the one trained on', () => {
  const model = new Sequential(new Linear(2, 3, { seed: 0 }), new ReLU(), new Linear(3, 1, { seed: 1 }));
  const shapes: number[][] = [];
  const relu = model.at(1)!;
  relu.registerForwardHook((_m, _i, out) => {
    shapes.push([...out.shape]);
    assert.ok(out.data().every((v) => v >= 0));
  });
  const x = tensor([[0, 1], [1, 0], [1, 1], [0, 0]]);
  const y = tensor([[1], [1], [0], [0]]);
  fit(model, { x, y }, { loss: mse, optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 2, batchSize: 2, shuffle: false });
  assert.deepEqual(shapes, [[2, 3], [2, 3], [2, 3], [2, 3]]);
});

test('fit, evaluate and predict take a list of inputs: TensorDataset(*tensors) batches each, the model gets them as arguments', () => {
  const n = 16;
  const x1 = tensor(Array.from({ length: n }, (_, i) => [i / n, (i % 3) / 3, 1]));
  const x2 = tensor(Array.from({ length: n }, (_, i) => [(i % 5) / 5, 0.5]));
  const target = tensor(Array.from({ length: n }, (_, i) => [2 * (i / n) - (i % 5) / 5]));
  const ds = new TensorDataset([x1, x2], target);
  assert.equal(ds.length, n);
  const first = ds.batch([3, 1]);
  assert.deepEqual(first.x.map((t) => t.toArray()), [x1.toArray(), x2.toArray()].map((rows) => [(rows as number[][])[3], (rows as number[][])[1]]));
  const model = new TwoInputs();
  const twin = new TwoInputs();
  const before = evaluate(model, ds, { loss: mse }).loss;
  const history = fit(model, new DataLoader(ds, { batchSize: 4 }), { loss: mse, optimizer: new SGD(model.parameters(), { lr: 0.2 }), epochs: 30 });
  assert.equal(history.loss.length, 30);
  const after = evaluate(model, ds, { loss: mse }).loss;
  assert.ok(after < before / 4, `loss ${before} → ${after}`);
  // The same steps by hand: the first epoch's loss is the mean of the batch losses fit computed on the same batches.
  const opt = new SGD(twin.parameters(), { lr: 0.2 });
  let total = 0;
  for (const { x, y } of new DataLoader(ds, { batchSize: 4 })) {
    opt.zeroGrad();
    const loss = mse(twin.call(x[0]!, x[1]!), y);
    loss.backward();
    opt.step();
    total += loss.item() * 4;
  }
  assert.ok(Math.abs(total / n - history.loss[0]!) < 1e-6);
  assert.deepEqual(predict(model, [x1, x2]).shape, [n, 1]);
});

test('TensorDataset with a list checks every input against the targets', () => {
  assert.throws(() => new TensorDataset([zeros([4, 2]), ones([3, 2])], zeros([4])), /TensorDataset: input 1 \[3,2\] and targets \[4\] must have the same first dimension/);
  assert.throws(() => new TensorDataset([], zeros([4])), /list of inputs is empty/);
});

test('a non-finite second input is named when fit diverges', () => {
  const model = new TwoInputs();
  const x2 = tensor([[0, 1], [Infinity, 0]]);
  assert.throws(
    () => fit(model, new TensorDataset([zeros([2, 3]), x2], zeros([2, 1])), { loss: mse, optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 1 }),
    /the batch's input 1 hold/,
  );
});
