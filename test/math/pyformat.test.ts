import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pyFixed } from '../../src/math/format.js';
import { fsum } from '../../src/index.js';

// [value, f"{v:.4f}", f"{v:.2f}", f"{v:.0f}"] as printed by Python (scripts/oracles/pyformat.py).
const PYTHON: [number, string, string, string][] = [
  [0.03125, "0.0312", "0.03", "0"],
  [-0.03125, "-0.0312", "-0.03", "-0"],
  [5e-05, "0.0001", "0.00", "0"],
  [0.25, "0.2500", "0.25", "0"],
  [2.5, "2.5000", "2.50", "2"],
  [3.5, "3.5000", "3.50", "4"],
  [-0, "-0.0000", "-0.00", "-0"],
  [0.0, "0.0000", "0.00", "0"],
  [-1e-09, "-0.0000", "-0.00", "-0"],
  [1e-09, "0.0000", "0.00", "0"],
  [0.5744425168116848, "0.5744", "0.57", "1"],
  [-0.2276672482565045, "-0.2277", "-0.23", "-0"],
  [123456.78125, "123456.7812", "123456.78", "123457"],
  [1e22, "10000000000000000000000.0000", "10000000000000000000000.00", "10000000000000000000000"],
  [5e-324, "0.0000", "0.00", "0"],
  [0.99995, "1.0000", "1.00", "1"],
  [0.00015, "0.0001", "0.00", "0"],
  [1.0000499999999999, "1.0000", "1.00", "1"],
  [0.125, "0.1250", "0.12", "0"],
  [0.375, "0.3750", "0.38", "0"],
];

test('pyFixed prints what Python prints, ties to even and signed zeros included', () => {
  for (const [v, d4, d2, d0] of PYTHON) {
    assert.equal(pyFixed(v, 4), d4, `${v} .4f`);
    assert.equal(pyFixed(v, 2), d2, `${v} .2f`);
    assert.equal(pyFixed(v, 0), d0, `${v} .0f`);
  }
  assert.equal(pyFixed(NaN, 4), 'nan');
  assert.equal(pyFixed(-Infinity, 4), '-inf');
});

test('fsum is exact where naive summation drifts', () => {
  const values = [1e16, 1, -1e16, 1, 1e-3];
  assert.equal(fsum(values), 2.001);
  assert.notEqual(values.reduce((p, q) => p + q, 0), 2.001);
});
