import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFactor, formatLogNumber, formatPictureNumber, formatValue, latexFactor, latexValue, withMinusSign } from '../../src/math/format.js';

test('formatValue keeps 4 decimals with U+2212, and negative zero (or a value rounding to it) prints 0.0000', () => {
  assert.equal(formatValue(-0.00834), '−0.0083');
  assert.equal(formatValue(0.5), '0.5000');
  assert.equal(formatValue(-0), '0.0000');
  assert.equal(formatValue(-0.00004), '0.0000');
  assert.equal(formatValue(NaN), 'NaN');
  assert.equal(formatValue(-Infinity), '−Infinity');
});

test('formatFactor drops trailing zeros and writes −; non-finite values print as JavaScript does', () => {
  assert.equal(formatFactor(0.5), '0.5');
  assert.equal(formatFactor(-0.22774), '−0.2277');
  assert.equal(formatFactor(1), '1');
  assert.equal(formatFactor(-0.00004), '0');
  assert.equal(formatFactor(-Infinity), '-Infinity');
});

test('latexValue and latexFactor are formatValue and formatFactor with the ASCII minus LaTeX wants', () => {
  assert.equal(latexValue(-0.00834), '-0.0083');
  assert.equal(latexFactor(-0.5), '-0.5');
  assert.equal(latexFactor(0.3), '0.3');
});

test("formatPictureNumber rounds as Python's {:.4f}, switches to exponent form when tiny or huge, and writes −", () => {
  assert.equal(formatPictureNumber(0.03125), '0.0312'); // toFixed would print 0.0313
  assert.equal(formatPictureNumber(-1.5), '−1.5000');
  assert.equal(formatPictureNumber(-0), '0.0000');
  assert.equal(formatPictureNumber(-0.00005), '−5.000e−5');
  assert.equal(formatPictureNumber(2e7), '2.000e+7');
  assert.equal(formatPictureNumber(NaN), 'nan');
  assert.equal(formatPictureNumber(-Infinity), '−∞');
});

test('formatLogNumber keeps logs ASCII: 4 decimals, exponent form below 0.001, zero as 0.0000', () => {
  assert.equal(formatLogNumber(-0.12345), '-0.1235');
  assert.equal(formatLogNumber(0.0002), '2.00e-4');
  assert.equal(formatLogNumber(0), '0.0000');
  assert.equal(formatLogNumber(NaN), 'NaN');
});

test('withMinusSign replaces every hyphen-minus', () => {
  assert.equal(withMinusSign('-3 to -4'), '−3 to −4');
});
