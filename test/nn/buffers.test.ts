// Module buffers, as PyTorch's register_buffer: state that is saved and loaded but never trained.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchNorm1d, BatchNorm2d, DTypeError, Generator, Linear, Module, Sequential, ShapeError, Tensor, ValueError, ones, tensor, zeros } from '../../src/index.js';

class Counter extends Module {
  readonly scale = this.registerParameter('scale', tensor([2]));
  constructor() {
    super();
    this.registerBuffer('total', zeros([2]));
    this.registerBuffer('scratch', ones([3]), { persistent: false });
  }
  forward(x: Tensor): Tensor {
    // Read by name at each call: a replaced buffer is the one used.
    return x.mul(this.scale).add(this.getBuffer('total')!);
  }
}

test('buffers are not parameters: namedBuffers/buffers list them, parameters() does not, and they never require grad', () => {
  const model = new Sequential(new Linear(2, 2, { seed: 0 }), new Counter());
  assert.deepEqual(model.namedBuffers().map(([name]) => name), ['1.total', '1.scratch']);
  assert.equal(model.buffers().length, 2);
  assert.deepEqual(model.namedParameters().map(([name]) => name), ['0.weight', '0.bias', '1.scale']);
  assert.ok(model.buffers().every((b) => !b.requiresGrad));
  const y = model.forward(ones([1, 2])).sum();
  y.backward();
  assert.ok(model.buffers().every((b) => b.grad === null));
});

test('stateDict holds parameters then persistent buffers per module, with dotted keys; non-persistent ones are left out', () => {
  const model = new Sequential(new Counter(), new BatchNorm1d(2));
  assert.deepEqual(Object.keys(model.stateDict()), ['0.scale', '0.total', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked']);
  const counter = model.stateDict()['1.num_batches_tracked']!;
  assert.equal(counter.dtype, 'int32');
  assert.deepEqual(counter.shape, []);
});

test('loadStateDict copies buffers into place; strict mode names missing and unexpected buffers and checks their shapes', () => {
  const m = new Counter();
  const total = m.getBuffer('total')!;
  m.loadStateDict({ scale: tensor([3]), total: tensor([1, 2]) });
  assert.equal(m.getBuffer('total'), total); // the same tensor, new values
  assert.deepEqual(Array.from(total.data()), [1, 2]);
  assert.throws(() => m.loadStateDict({ scale: tensor([3]) }), (e: unknown) => e instanceof ShapeError && /missing 'total'/.test(e.message));
  assert.throws(() => m.loadStateDict({ scale: tensor([3]), total: tensor([1, 2]), scratch: ones([3]) }), /unexpected 'scratch'/);
  assert.throws(() => m.loadStateDict({ scale: tensor([3]), total: tensor([1, 2, 3]) }), /'total' has shape \[3\] in the state but \[2\] in the model/);
  const bn = new BatchNorm1d(2);
  assert.throws(() => bn.loadStateDict({ ...bn.stateDict(), num_batches_tracked: tensor(1.5) }), (e: unknown) => e instanceof DTypeError && /'num_batches_tracked' is float32 in the state but int32/.test(e.message));
  m.loadStateDict({ scale: tensor([5]) }, { strict: false });
  assert.deepEqual(Array.from(total.data()), [1, 2]);
});

test('a buffer registered again replaces the tensor the module reads', () => {
  const m = new Counter();
  m.registerBuffer('total', tensor([10, 20]));
  assert.deepEqual(m.forward(tensor([1, 1])).toArray(), [12, 22]);
  const bn = new BatchNorm1d(2);
  bn.registerBuffer('running_mean', tensor([1, -1]));
  bn.registerBuffer('running_var', tensor([4, 4]));
  bn.eval();
  assert.deepEqual(Array.from(bn.forward(tensor([[3, 3]])).data(), (v) => Math.round(v * 1e4) / 1e4), [1, 2]);
  assert.equal(bn.runningMean, bn.getBuffer('running_mean'));
});

test('registerBuffer refuses a tensor that requires grad, a dotted name, and a name taken by a parameter', () => {
  const m = new Counter();
  assert.throws(() => m.registerBuffer('w', tensor([1], { requiresGrad: true })), (e: unknown) => e instanceof ValueError && /buffer 'w' requires grad, but buffers are never trained/.test(e.message));
  assert.throws(() => m.registerBuffer('a.b', zeros([1])), /a name cannot contain '\.'/);
  assert.throws(() => m.registerBuffer('scale', zeros([1])), /'scale' is already a parameter of this module/);
});

test('Generator.getState/setState: the same numbers follow a restored state, normals included', () => {
  const g = new Generator(3);
  g.normal(); // leaves a spare normal in the state
  const s = JSON.parse(JSON.stringify(g.getState())) as ReturnType<Generator['getState']>;
  const a = [g.normal(), g.uniform(), g.nextUint32()];
  const h = new Generator(0).setState(s);
  assert.deepEqual([h.normal(), h.uniform(), h.nextUint32()], a);
  assert.throws(() => h.setState({ words: [1, 2, 3, -1], spareNormal: null }), /four unsigned 32-bit integers/);
});

test('summary lists BatchNorm with its output shape and parameters, without touching its running statistics', () => {
  const bn = new BatchNorm2d(3);
  const text = new Sequential(bn).summary([1, 3, 4, 4]);
  assert.match(text, /0: BatchNorm2d\(3\)\s+\[1,3,4,4\]\s+6/);
  assert.equal(bn.numBatchesTracked, 0);
  assert.deepEqual(Array.from(bn.runningMean!.data()), [0, 0, 0]);
  assert.throws(() => new Sequential(bn).summary([1, 2, 4, 4]), /BatchNorm2d\(3\): expected 3 channels/);
});
