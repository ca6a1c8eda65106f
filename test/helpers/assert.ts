import assert from 'node:assert/strict';
import type { Tensor } from '../../src/index.js';

/** Asserts two tensors (or a tensor and nested numbers) have the same shape and values within tol. */
export function assertClose(actual: Tensor, expected: Tensor | number[] | number, tol = 1e-6, message = ''): void {
  const expShape = typeof expected === 'number' ? [] : Array.isArray(expected) ? [expected.length] : [...expected.shape];
  const expData = typeof expected === 'number' ? [expected] : Array.isArray(expected) ? expected : Array.from(expected._data);
  if (!Array.isArray(expected) || typeof expected === 'number') {
    assert.deepEqual([...actual.shape], expShape, `${message} shape`);
  }
  const got = Array.from(actual._data);
  assert.equal(got.length, expData.length, `${message} size`);
  got.forEach((v, i) => {
    const e = expData[i] ?? NaN;
    if (Number.isNaN(e)) {
      assert.ok(Number.isNaN(v), `${message} element ${i}: expected NaN, got ${v}`);
      return;
    }
    const ok = v === e || Math.abs(v - e) <= tol * Math.max(1, Math.abs(e));
    assert.ok(ok, `${message} element ${i}: expected ${e}, got ${v} (tol ${tol})`);
  });
}
