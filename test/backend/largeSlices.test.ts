// Kernels loop over data-sized slices rather than spreading them into a call: a spread of
// ~10^5 values overflows the stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logSoftmax, tensor, withBackend } from '../../src/index.js';

test('the reference backend\'s logSoftmax takes a slice of 200,000 along the axis (regression: Math.max(...values) overflowed the stack)', () => {
  const x = tensor(new Float64Array(200_000).fill(1), { dtype: 'float64' });
  const y = withBackend('reference', () => logSoftmax(x, 0));
  assert.ok(Math.abs(y._data[0]! + Math.log(200_000)) < 1e-9);
});
