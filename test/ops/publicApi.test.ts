// A new primitive is reachable the ways a user reaches the others: a function exported from
// 'chainrule' with its name, and a Tensor method. This test is the to-do list's last item for the
// places the compiler cannot see (docs/adding-an-op.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as lib from '../../src/index.js';
import { PRIMITIVE_NAMES, tensor, type PrimitiveName } from '../../src/index.js';

/** Primitives that are steps of other ops' gradients, not user-facing ops. */
const INTERNAL: readonly PrimitiveName[] = ['sigmoidGrad', 'tanhGrad', 'reluGrad', 'sliceScatter', 'scatterAdd', 'conv2dInputGrad', 'conv2dWeightGrad', 'maxGrad', 'maxPool2dIndices', 'windowMean', 'windowMeanAdjoint'];
// issue 17: index ops
const INTERNAL_INDEX_OPS: readonly PrimitiveName[] = ['linearScan'];
/** Functions only: no method reads well (`linear(x, W, b)`, `concat([a, b])`, `conv2d(x, W)`: PyTorch has none either). */
const FUNCTION_ONLY: readonly PrimitiveName[] = ['linear', 'concat', 'conv2d'];

test('every user-facing primitive is exported from chainrule as a function of its name, and is a Tensor method', () => {
  const t = tensor([1]);
  for (const name of PRIMITIVE_NAMES) {
    if (INTERNAL.includes(name) || INTERNAL_INDEX_OPS.includes(name)) continue;
    assert.equal(typeof Reflect.get(lib, name), 'function', `'${name}' is not exported from src/index.ts`);
    if (!FUNCTION_ONLY.includes(name)) assert.equal(typeof Reflect.get(t, name), 'function', `Tensor has no method '${name}' (src/tensor/tensor.ts)`);
  }
});

// functional transforms, hooks, einsum (issue 17)
test('the functional transforms, einsum and tensor.registerHook are exported', () => {
  for (const name of ['jacobian', 'hessian', 'vjp', 'jvp', 'hvp', 'vhp', 'einsum']) assert.equal(typeof Reflect.get(lib, name), 'function', `'${name}' is not exported from src/index.ts`);
  assert.equal(typeof tensor([1], { requiresGrad: true }).registerHook, 'function');
});
