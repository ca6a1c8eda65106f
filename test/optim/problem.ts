// The problem of scripts/oracles/optim.py, and its PyTorch fixture (test/optim/fixtures/optim-torch.json).
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { matmul, tensor, type Tensor } from '../../src/index.js';
import type { Optimizer, OptimizerOptions } from '../../src/optim/index.js';

export interface OptimizerCase {
  readonly name: string;
  readonly options: OptimizerOptions;
  readonly groupLrs?: readonly number[];
  /** After each step: the flat values of x, W and c. */
  readonly trajectory: readonly (readonly (readonly number[])[])[];
}

export interface SchedulerCase {
  readonly name: 'StepLR' | 'ExponentialLR' | 'CosineAnnealingLR' | 'ReduceLROnPlateau';
  readonly options: Readonly<Record<string, number | string>>;
  readonly baseLrs: readonly number[];
  /** The lrs after construction, then after each step. */
  readonly lrs: readonly (readonly number[])[];
}

export interface Fixture {
  readonly torch: string;
  readonly problem: {
    readonly init: { readonly x: number[][]; readonly W: number[][]; readonly c: number[] };
    readonly b: number[][];
    readonly t: number[][];
    readonly d: number[];
    readonly steps: number;
  };
  readonly optimizers: readonly OptimizerCase[];
  readonly schedulers: { readonly epochs: number; readonly metrics: readonly number[]; readonly cases: readonly SchedulerCase[] };
  readonly clip: readonly { readonly maxNorm: number; readonly norm: number; readonly grads: readonly (readonly number[])[] }[];
}

// Compiled to dist/test/optim/problem.js: the repository root is three levels up.
const FIXTURE_URL = new URL('../../../test/optim/fixtures/optim-torch.json', import.meta.url);
export const fixture: Fixture = JSON.parse(readFileSync(FIXTURE_URL, 'utf8')) as Fixture;

const f64 = { dtype: 'float64' } as const;
const { problem } = fixture;

/** Fresh leaf parameters x [3, 1], W [2, 3], c [2] (float64), at the problem's initial values. */
export function makeParams(): Tensor[] {
  return [
    tensor(problem.init.x, { ...f64, requiresGrad: true }),
    tensor(problem.init.W, { ...f64, requiresGrad: true }),
    tensor(problem.init.c, { ...f64, requiresGrad: true }),
  ];
}

/** Copies of `params` as new leaves (same values, no grad). */
export function cloneParams(params: readonly Tensor[]): Tensor[] {
  return params.map((p) => tensor(p, { ...f64, requiresGrad: true }));
}

/** The loss at step k: c takes part only on even steps, so it has no gradient on odd ones. */
export function lossAt(params: readonly Tensor[], k: number): Tensor {
  const [x, W, c] = params;
  if (x === undefined || W === undefined || c === undefined) throw new Error('lossAt needs [x, W, c]');
  const b = tensor(problem.b, f64);
  const t = tensor(problem.t, f64);
  const d = tensor(problem.d, f64);
  let loss = matmul(W, x).sub(b).square().sum().add(x.sub(t).square().sum().mul(0.3));
  if (k % 2 === 0) loss = loss.add(c.sub(d).square().sum().mul(2));
  return loss;
}

/** Runs steps `from` … `to − 1` of the problem with `opt` over `params`. */
export function train(opt: Optimizer, params: readonly Tensor[], from: number, to: number): void {
  for (let k = from; k < to; k++) {
    opt.zeroGrad();
    lossAt(params, k).backward();
    opt.step();
  }
}

/** The flat values of each parameter. */
export function values(params: readonly Tensor[]): number[][] {
  return params.map((p) => Array.from(p._data));
}

/** Asserts |actual − expected| ≤ tol·max(1, |expected|) element by element. */
export function assertAllClose(actual: readonly (readonly number[])[], expected: readonly (readonly number[])[], tol: number, message: string): void {
  assert.equal(actual.length, expected.length, `${message}: number of arrays`);
  actual.forEach((row, i) => {
    const exp = expected[i] ?? [];
    assert.equal(row.length, exp.length, `${message}: length of array ${i}`);
    row.forEach((v, j) => {
      const e = exp[j] ?? NaN;
      assert.ok(Math.abs(v - e) <= tol * Math.max(1, Math.abs(e)), `${message}: [${i}][${j}] is ${v}, PyTorch ${e} (difference ${Math.abs(v - e)})`);
    });
  });
}

/** Asserts two lists of arrays are bit-for-bit identical (Object.is per element). */
export function assertIdentical(actual: readonly (readonly number[])[], expected: readonly (readonly number[])[], message: string): void {
  assert.equal(actual.length, expected.length, `${message}: number of arrays`);
  actual.forEach((row, i) => {
    const exp = expected[i] ?? [];
    assert.equal(row.length, exp.length, `${message}: length of array ${i}`);
    row.forEach((v, j) => assert.ok(Object.is(v, exp[j]), `${message}: [${i}][${j}] is ${v}, expected ${String(exp[j])}`));
  });
}
