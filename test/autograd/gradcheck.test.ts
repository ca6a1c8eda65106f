import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DTypeError, GradcheckError, PRIMITIVES, Tensor, gradcheck, randn, manualSeed, tensor } from '../../src/index.js';

test('gradcheck passes a correct gradient and reports the errors per input', () => {
  manualSeed(1);
  const result = gradcheck((a: Tensor, b: Tensor) => a.mul(b).sigmoid(), [randn([2, 3], { dtype: 'float64' }), randn([3], { dtype: 'float64' })]);
  assert.equal(result.ok, true);
  assert.equal(result.inputs.length, 2);
  for (const r of result.inputs) assert.ok(r !== null && r.maxAbsError < 1e-7);
});

test('gradcheck converts float32 inputs to float64 and skips int32 ones', () => {
  const result = gradcheck((x: Tensor, i: Tensor) => x.gather(0, i), [tensor([1, 2, 3]), tensor([2, 0], { dtype: 'int32' })]);
  assert.equal(result.ok, true);
  assert.equal(result.inputs[1], null);
});

test('gradcheck catches a wrong gradient rule and throws with the details', () => {
  const def = PRIMITIVES.sin;
  const original = def.backward;
  // Break sin's rule on purpose: d/dx sin x = cos x, not sin x.
  Object.assign(def, { backward: ({ grad, inputs }: { grad: Tensor; inputs: readonly Tensor[] }) => [grad.mul(inputs[0]!.sin())] });
  try {
    assert.throws(
      () => gradcheck((x: Tensor) => x.sin(), [tensor([0.3, 1.2], { dtype: 'float64' })]),
      (e: unknown) => e instanceof GradcheckError && /input 0 \[2\] element 0, output element 0: analytic 0\.29\d+, numeric 0\.95\d+/.test(e.message),
    );
    const soft = gradcheck((x: Tensor) => x.sin(), [tensor([0.3], { dtype: 'float64' })], { raiseException: false });
    assert.equal(soft.ok, false);
  } finally {
    Object.assign(def, { backward: original });
  }
  assert.equal(gradcheck((x: Tensor) => x.sin(), [tensor([0.3], { dtype: 'float64' })]).ok, true);
});

test('gradcheck uses PyTorch-like default tolerances: atol 1e-5, rtol 1e-3', () => {
  // f(x) = g(x) + δ·x − δ·detach(x): numerically g, analytically g' + δ, so the error is exactly δ.
  const skewed = (g: (x: Tensor) => Tensor, delta: number) => (x: Tensor) => g(x).add(x.mul(delta)).sub(x.detach().mul(delta));
  const half = (x: Tensor) => x.square().mul(0.5);
  const at = (v: number) => [tensor([v], { dtype: 'float64' })];
  // Where the gradient is 0 only atol counts: 5e-6 passes, 2e-5 fails.
  assert.equal(gradcheck(skewed(half, 5e-6), at(0), { raiseException: false }).ok, true);
  assert.equal(gradcheck(skewed(half, 2e-5), at(0), { raiseException: false }).ok, false);
  // Where the gradient is 1000, rtol allows about 1: 0.5 passes, 2 fails.
  assert.equal(gradcheck(skewed(half, 0.5), at(1000), { raiseException: false }).ok, true);
  assert.equal(gradcheck(skewed(half, 2), at(1000), { raiseException: false }).ok, false);
  const r = gradcheck(skewed(half, 2e-5), at(0), { raiseException: false });
  assert.ok(Math.abs((r.inputs[0]?.maxAbsError ?? 0) - 2e-5) < 1e-9);
});

test('gradcheck with only int32 or bool inputs is a DTypeError naming each input and its dtype (regression: ok: true with nothing checked)', () => {
  assert.throws(
    () => gradcheck((x: Tensor) => x.mul(2), [tensor([1, 2], { dtype: 'int32' })]),
    (e: unknown) => e instanceof DTypeError && e.message.startsWith('gradcheck: no floating-point input to differentiate (input 0 is int32); gradients of int32 and bool tensors do not exist'),
  );
  assert.throws(
    () => gradcheck((a: Tensor, b: Tensor) => a.add(b), [tensor([1], { dtype: 'int32' }), tensor([true])]),
    (e: unknown) => e instanceof DTypeError && /\(input 0 is int32, input 1 is bool\)/.test(e.message),
  );
  assert.throws(() => gradcheck((x: Tensor) => x, []), (e: unknown) => e instanceof DTypeError && /\(no inputs were given\)/.test(e.message));
  assert.throws(() => gradcheck((x: Tensor) => x, [[1, 2] as unknown as Tensor]), { name: 'ValueError', message: 'gradcheck: input 0 must be a Tensor, got object' });
});

test('gradcheck checks a float32 input in float64 (it is copied, as before), and passes int32 indices beside it', () => {
  const r = gradcheck((x: Tensor) => x.sin(), [tensor([0.3, 1.2])]);
  assert.equal(r.ok, true);
  assert.ok((r.inputs[0]?.maxAbsError ?? Infinity) < 1e-7);
});
