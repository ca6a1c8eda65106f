import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnomalyError, detectAnomaly, isAnomalyEnabled, setDetectAnomaly, tensor } from '../../src/index.js';

test('detectAnomaly: a NaN in a forward pass names the op, the input shapes and the user line', () => {
  const x = tensor([[1, -1]], { requiresGrad: true });
  let error: unknown;
  try {
    detectAnomaly(() => x.mul(2).sqrt().sum());
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof AnomalyError);
  assert.match(error.message, /^anomaly: sqrt produced NaN at flat index 1 in its output \(forward\); inputs \[1,2\]; created at /);
  assert.match(error.message, /anomaly\.test\.(js|ts):\d+/);
  assert.equal(isAnomalyEnabled(), false);
});

test('detectAnomaly: an infinity appearing in a backward pass names the op whose gradient produced it', () => {
  const x = tensor([0, 4], { requiresGrad: true, dtype: 'float64' });
  // sqrt(0) is finite but its gradient 1/(2·√0) is infinite.
  const y = detectAnomaly(() => x.sqrt().sum());
  assert.throws(
    () => detectAnomaly(() => y.backward()),
    (e: unknown) => e instanceof AnomalyError && /^anomaly: the backward of sqrt produced Infinity at flat index 0 in the gradient for input 0; inputs \[2\]; the op was created at .*anomaly\.test\.(js|ts):\d+/.test(e.message),
  );
});

test('without anomaly mode NaNs propagate silently (the default, and cheap)', () => {
  const y = tensor([-1]).log();
  assert.ok(Number.isNaN(y.item()));
});

test('setDetectAnomaly switches it on globally', () => {
  setDetectAnomaly(true);
  try {
    assert.throws(() => tensor([0]).log(), /anomaly: log produced -Infinity/);
  } finally {
    setDetectAnomaly(false);
  }
});
