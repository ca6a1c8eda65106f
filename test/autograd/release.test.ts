// backward() gives its temporaries back as it ends (engine.ts): blocks to the wasm heap, arrays
// to the cpu backend's pool. A gradient it hands out must never share elements with a released
// temporary, whatever the rules did (a bias's gradient is a view of a summed temporary).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, randn, withBackend, type Tensor } from '../../src/index.js';

for (const backend of ['cpu', 'wasm', 'reference']) {
  test(`${backend}: gradients handed out by backward keep their values while later steps reuse the released temporaries`, () => {
    withBackend(backend, () => {
      const g = new Generator(9);
      const w = randn([32, 96], { generator: g }).requiresGrad_();
      const b = randn([96], { generator: g }).requiresGrad_();
      const x = randn([40, 32], { generator: g });
      const step = (): { w: Tensor; b: Tensor } => {
        w.grad = null;
        b.grad = null;
        // b [96] is added to a [1, 96]: its gradient is the upstream temporary viewed in b's shape.
        x.matmul(w).tanh().sum(0, true).add(b).tanh().mul(2).sum().backward();
        return { w: w.grad!, b: b.grad! };
      };
      const first = step();
      const wValues = Array.from(first.w._data);
      const bValues = Array.from(first.b._data);
      // Many more steps: their ops take the arrays and blocks the first step released.
      for (let i = 0; i < 10; i++) step();
      assert.deepEqual(Array.from(first.w._data), wValues, 'the first step’s weight gradient is intact');
      assert.deepEqual(Array.from(first.b._data), bValues, 'the first step’s bias gradient is intact');
      const again = step();
      assert.deepEqual(Array.from(again.w._data), wValues);
      assert.deepEqual(Array.from(again.b._data), bValues);
    });
  });
}
