// Which wasm path a convolution takes (timing-free: the decision, not a speed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { geometry } from '../../src/backend/cpu/conv.js';
import { depthwise } from '../../src/backend/wasm/conv.js';

const p = (groups: number) => ({ stride: [1, 1], padding: [2, 2, 2, 2], dilation: [1, 1], groups }) as const;

test('the direct depthwise loops take groups = channels > 1; a one-channel input (the digits CNN\'s first layer) goes to the product (regression: it took the direct loops, 3× slower)', () => {
  assert.equal(depthwise(geometry([32, 1, 28, 28], [8, 1, 5, 5], [32, 8, 28, 28], p(1))), false);
  assert.equal(depthwise(geometry([32, 8, 14, 14], [16, 8, 5, 5], [32, 16, 14, 14], p(1))), false);
  assert.equal(depthwise(geometry([32, 8, 14, 14], [16, 1, 5, 5], [32, 16, 14, 14], p(8))), true);
  assert.equal(depthwise(geometry([32, 8, 14, 14], [8, 4, 5, 5], [32, 8, 14, 14], p(2))), false);
});
