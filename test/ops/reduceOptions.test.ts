// Every reduction takes its axis, keepdims and correction by position or as one options object,
// as function and as method; anything else is a typed error naming the op and the argument
// (regression: x.var({axis: 0}) and sum(x, '0') gave "TypeError: list.map is not a function",
// var(x, 0, 'yes') and a negative correction were accepted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argmax, argmin, logsumexp, max, mean, min, std, sum, tensor, variance, type Tensor } from '../../src/index.js';

const x = (): Tensor => tensor([[1, 2, 6], [3, 4, 2]], { dtype: 'float64' });

test('x.var({ axis: 0, keepdims: true, correction: 0 }) equals the positional x.var(0, true, 0), as function and method', () => {
  const t = x();
  assert.deepEqual(t.var({ axis: 0, keepdims: true, correction: 0 }).toArray(), [[1, 1, 4]]);
  assert.deepEqual(t.var({ axis: 0, keepdims: true, correction: 0 }).toArray(), t.var(0, true, 0).toArray());
  assert.deepEqual(variance(t, { axis: 0, keepdims: true, correction: 0 }).toArray(), variance(t, 0, true, 0).toArray());
  assert.deepEqual(t.var({ axis: 0 }).toArray(), [2, 2, 8]);
  assert.deepEqual(t.std({ axis: 1, correction: 0 }).toArray(), t.std(1, false, 0).toArray());
  assert.deepEqual(std(t, { axis: [0, 1] }).toArray(), std(t, [0, 1]).toArray());
  assert.equal(t.var({}).item(), t.var().item());
});

const FORMS: readonly (readonly [string, (t: Tensor) => Tensor, (t: Tensor) => Tensor])[] = [
  ['sum', (t) => t.sum({ axis: 1, keepdims: true }), (t) => sum(t, 1, true)],
  ['sum (all)', (t) => sum(t, {}), (t) => t.sum()],
  ['mean', (t) => t.mean({ axis: -1 }), (t) => mean(t, -1)],
  ['mean (list)', (t) => mean(t, { axis: [0, 1], keepdims: true }), (t) => t.mean([0, 1], true)],
  ['max', (t) => t.max({ axis: 0 }), (t) => max(t, 0)],
  ['min', (t) => min(t, { axis: 1, keepdims: true }), (t) => t.min(1, true)],
  ['logsumexp', (t) => t.logsumexp({ axis: 1 }), (t) => logsumexp(t, 1)],
  ['argmax', (t) => t.argmax({ axis: 1, keepdims: true }), (t) => argmax(t, 1, true)],
  ['argmin', (t) => argmin(t, { axis: 0 }), (t) => t.argmin(0)],
  ['argmax (flattened)', (t) => argmax(t, { axis: null }), (t) => t.argmax()],
];

for (const [name, options, positional] of FORMS) {
  test(`${name} with an options object equals the positional form`, () => {
    const a = options(x());
    const b = positional(x());
    assert.deepEqual([...a.shape], [...b.shape]);
    assert.deepEqual(a.toArray(), b.toArray());
  });
}

test('a correction of N or more divides by zero as PyTorch does (inf, or NaN for zero spread)', () => {
  assert.equal(tensor([1, 3]).var({ correction: 2 }).item(), Infinity);
  assert.ok(Number.isNaN(tensor([2, 2]).var(0, false, 5).item()));
  assert.equal(tensor([1, 2, 3, 4], { dtype: 'float64' }).var({ correction: 0.5 }).item(), 5 / 3.5);
});

const BAD: readonly (readonly [string, () => unknown, string, string])[] = [
  ["sum('0')", () => sum(x(), '0' as unknown as number), 'AxisError', 'sum: axis must be an integer, a list of integers or null, got "0"'],
  ["x.sum(['0'])", () => x().sum(['0'] as unknown as number[]), 'AxisError', 'sum: axis must be an integer, got "0"'],
  ['sum({axis: 1.5})', () => sum(x(), { axis: 1.5 }), 'AxisError', 'sum: axis must be an integer, got 1.5'],
  ['mean(true)', () => mean(x(), true as unknown as number), 'AxisError', 'mean: axis must be an integer, a list of integers or null, got true'],
  ['max({axis: 5})', () => x().max({ axis: 5 }), 'AxisError', 'max: axis 5 is out of range for a tensor of rank 2 (valid: -2..1)'],
  ['min({axis: 7}) names min', () => min(x(), { axis: 7 }), 'AxisError', 'min: axis 7 is out of range for a tensor of rank 2 (valid: -2..1)'],
  ['argmax({axis: [0, 1]})', () => argmax(x(), { axis: [0, 1] as unknown as number }), 'AxisError', 'argmax: axis must be one integer or null, got [0,1]'],
  ['argmin(tensor)', () => x().argmin(tensor(0) as unknown as number), 'AxisError', 'argmin: axis must be one integer or null, got'],
  ["var(x, 0, 'yes')", () => variance(x(), 0, 'yes' as unknown as boolean), 'ValueError', 'var: keepdims must be true or false, got "yes"'],
  ['sum(x, 0, 1)', () => sum(x(), 0, 1 as unknown as boolean), 'ValueError', 'sum: keepdims must be true or false, got 1'],
  ['x.mean({keepdims: "no"})', () => x().mean({ keepdims: 'no' as unknown as boolean }), 'ValueError', 'mean: keepdims must be true or false, got "no"'],
  ['var correction -1', () => variance(x(), 0, false, -1), 'ValueError', 'var: correction must be a finite number ≥ 0, got -1'],
  ['std {correction: NaN}', () => x().std({ correction: NaN }), 'ValueError', 'std: correction must be a finite number ≥ 0, got NaN'],
  ['var {correction: Infinity}', () => x().var({ correction: Infinity }), 'ValueError', 'var: correction must be a finite number ≥ 0, got Infinity'],
  ["var {correction: '1'}", () => x().var({ correction: '1' as unknown as number }), 'ValueError', 'var: correction must be a finite number ≥ 0, got "1"'],
  ['sum {dim: 0}', () => x().sum({ dim: 0 } as unknown as { axis: number }), 'ValueError', 'sum: unknown option "dim" (did you mean axis?); the options are axis, keepdims'],
  ['mean {keepdim: true}', () => mean(x(), { keepdim: true } as unknown as { axis: number }), 'ValueError', 'mean: unknown option "keepdim" (did you mean keepdims?); the options are axis, keepdims'],
  ['sum {correction: 0}', () => sum(x(), { correction: 0 } as unknown as { axis: number }), 'ValueError', 'sum: unknown option "correction"; the options are axis, keepdims'],
  ['var {unbiased: false}', () => x().var({ unbiased: false } as unknown as { axis: number }), 'ValueError', 'var: unknown option "unbiased" (did you mean correction?); the options are axis, keepdims, correction'],
  ['sum({axis: 0}, true)', () => sum(x(), { axis: 0 }, true), 'ValueError', 'sum: given an options object, pass keepdims inside it, not as argument 3'],
  ['var({axis: 0}, undefined, 0)', () => variance(x(), { axis: 0 }, undefined, 0), 'ValueError', 'var: given an options object, pass correction inside it, not as argument 4'],
];

for (const [name, fn, kind, message] of BAD) {
  test(`${name} is one ${kind} naming the op and the argument`, () => {
    assert.throws(fn, (e: unknown) => e instanceof Error && e.name === kind && e.message.startsWith(message), name);
  });
}
