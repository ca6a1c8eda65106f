// Issue 17's everyday ops through their public functions and Tensor methods, against central
// differences in float64 (gradcheck's defaults): first order, then the gradient of Σ u·f (all
// partials joined) as the checked function, so second derivatives are checked too. Each op is
// also fed a permuted or sliced view (non-contiguous in PyTorch's terms) and broadcasting or
// size-1 dimensions where it has them. Inputs stay away from kinks and jumps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Generator,
  Tensor,
  acos,
  asin,
  atan,
  atan2,
  ceil,
  chunk,
  concat,
  cosh,
  expm1,
  flatten,
  flip,
  floor,
  grad,
  gradcheck,
  log2,
  maskedFill,
  norm,
  rand,
  randn,
  reciprocal,
  repeat,
  round,
  rsqrt,
  sinh,
  tan,
  tensor,
  tile,
  tril,
  triu,
  trunc,
} from '../../src/index.js';

const normal = (g: Generator, shape: readonly number[]) => randn(shape, { dtype: 'float64', generator: g });
const uniform = (g: Generator, shape: readonly number[], lo: number, hi: number) => rand(shape, { dtype: 'float64', generator: g }).mul(hi - lo).add(lo);
/** Normal values at least `gap` from 0 (|x| ≥ gap, sign kept). */
const awayFromZero = (g: Generator, shape: readonly number[], gap = 0.3) => {
  const x = normal(g, shape);
  return tensor(Float64Array.from(x.data(), (v) => (Math.abs(v) < gap ? (v < 0 ? -gap : gap) : v)), { shape: x.shape });
};

/** First and second order of `f` at `inputs`. */
function checkBoth(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], g: Generator, second = true): void {
  assert.equal(gradcheck(f, inputs).ok, true, 'first order');
  if (!second) return;
  const u = normal(g, f(...inputs).shape);
  const argnums = inputs.map((_, i) => i);
  const df = (...xs: Tensor[]) => {
    const w = xs[xs.length - 1]!;
    const parts = grad((...ys: Tensor[]) => f(...ys).mul(w).sum(), { argnums })(...xs.slice(0, -1));
    return concat(parts.map((p) => flatten(p!)));
  };
  assert.equal(gradcheck(df, [...inputs, u]).ok, true, 'second order');
}

/** A [3,2,4] input seen through a permutation: what a transposed view is in PyTorch. */
const permuted = (x: Tensor) => x.permute(2, 0, 1);

interface UnaryCase {
  readonly name: string;
  readonly f: (x: Tensor) => Tensor;
  readonly draw: (g: Generator, shape: readonly number[]) => Tensor;
  readonly smooth: boolean;
}

const UNARY: readonly UnaryCase[] = [
  { name: 'expm1', f: expm1, draw: normal, smooth: true },
  { name: 'log2', f: log2, draw: (g, s) => uniform(g, s, 0.3, 3), smooth: true },
  { name: 'rsqrt', f: rsqrt, draw: (g, s) => uniform(g, s, 0.3, 3), smooth: true },
  { name: 'reciprocal', f: reciprocal, draw: awayFromZero, smooth: true },
  { name: 'tan', f: tan, draw: (g, s) => uniform(g, s, -1.2, 1.2), smooth: true },
  { name: 'atan', f: atan, draw: normal, smooth: true },
  { name: 'asin', f: asin, draw: (g, s) => uniform(g, s, -0.8, 0.8), smooth: true },
  { name: 'acos', f: acos, draw: (g, s) => uniform(g, s, -0.8, 0.8), smooth: true },
  { name: 'sinh', f: sinh, draw: normal, smooth: true },
  { name: 'cosh', f: cosh, draw: normal, smooth: true },
  // Piecewise constant: gradient 0 away from the jumps (the draws keep ≥ 0.125 from them).
  { name: 'floor', f: floor, draw: (g, s) => offJumps(normal(g, s), 0), smooth: false },
  { name: 'ceil', f: ceil, draw: (g, s) => offJumps(normal(g, s), 0), smooth: false },
  { name: 'trunc', f: trunc, draw: (g, s) => offJumps(normal(g, s), 0), smooth: false },
  { name: 'round', f: round, draw: (g, s) => offJumps(normal(g, s), 0.5), smooth: false },
];

/** Values with a fractional part (relative to the jumps at k + at) in [0.125, 0.875]. */
function offJumps(x: Tensor, at: number): Tensor {
  return tensor(Float64Array.from(x.data(), (v) => {
    const s = v * 2 - at;
    const k = Math.floor(s);
    return k + 0.125 + 0.75 * (s - k) + at;
  }), { shape: x.shape });
}

UNARY.forEach((c, k) => {
  for (const shape of [[2, 3], [], [3, 1, 2]]) {
    test(`${c.name} on [${shape.join(',')}]: first${c.smooth ? ' and second' : ''} derivatives`, () => {
      const g = new Generator(1700 + 10 * k + shape.length);
      checkBoth((x) => c.f(x!), [c.draw(g, shape)], g, c.smooth);
    });
  }
  test(`${c.name} of a permuted view, as a method: first${c.smooth ? ' and second' : ''} derivatives`, () => {
    const g = new Generator(1800 + k);
    const method = (x: Tensor): Tensor => {
      const m = Reflect.get(x, c.name) as (this: Tensor) => Tensor;
      return m.call(x);
    };
    checkBoth((x) => method(permuted(x!)), [c.draw(g, [3, 2, 4])], g, c.smooth);
  });
});

test('floor, ceil, round and trunc have gradient 0 (not null): backward leaves x.grad = 0, as PyTorch', () => {
  for (const f of [floor, ceil, round, trunc]) {
    const x = tensor([1.5, -2.5, 0.2], { dtype: 'float64', requiresGrad: true });
    f(x).mul(x).sum().backward();
    // d/dx (f(x)·x) = f(x): only the product's path contributes.
    assert.deepEqual(Array.from(x.grad!.data()), Array.from(f(x).data()));
  }
});

const BROADCAST: readonly (readonly [readonly number[], readonly number[]])[] = [
  [[2, 3], [2, 3]],
  [[2, 3], [3]],
  [[2, 1], [1, 3]],
  [[], [2, 3]],
  [[1, 3], []],
];

BROADCAST.forEach(([ys, xs], k) => {
  test(`atan2 y [${ys.join(',')}] with x [${xs.join(',')}]: first and second derivatives in both`, () => {
    const g = new Generator(1900 + k);
    // y away from 0 keeps every pair off the origin and off the cut along the negative x axis.
    checkBoth((y, x) => atan2(y!, x!), [awayFromZero(g, ys), normal(g, xs)], g);
  });
});

test('atan2 of a sliced view with a number, and a number with a tensor', () => {
  const g = new Generator(1950);
  checkBoth((y) => y!.slice(null, [null, null, -2]).atan2(-0.7), [awayFromZero(g, [2, 5])], g);
  checkBoth((x) => atan2(1.3, x!.T), [normal(g, [3, 2])], g);
});

// ------------------------------------------------------------------------- norm

const NORM_CASES: readonly { readonly label: string; readonly options: Parameters<typeof norm>[1] }[] = [
  { label: 'default (p 2, all)', options: {} },
  { label: "p 'fro', axis [0, 2]", options: { p: 'fro', axis: [0, 2] } },
  { label: 'p 2, axis 1, keepdims', options: { p: 2, axis: 1, keepdims: true } },
  { label: 'p 1, axis -1', options: { p: 1, axis: -1 } },
  { label: 'p 3, axis [1, 2]', options: { p: 3, axis: [1, 2] } },
  { label: 'p 0.5, all', options: { p: 0.5 } },
  { label: 'p 1.5, axis 0, keepdims', options: { p: 1.5, axis: 0, keepdims: true } },
  { label: 'p Infinity, axis 1', options: { p: Infinity, axis: 1 } },
  { label: 'p -Infinity, all', options: { p: -Infinity } },
];

/** Entries with distinct magnitudes ≥ 0.2 apart from 0 and from each other (no kink of |x|, no tie of max |x|). */
function distinctMagnitudes(g: Generator, shape: readonly number[]): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const order = Array.from({ length: n }, (_, i) => i).sort(() => g.uniform() - 0.5);
  const values = new Float64Array(n);
  order.forEach((i, rank) => {
    values[i] = (0.3 + 0.2 * rank) * (g.uniform() < 0.5 ? -1 : 1);
  });
  return tensor(values, { shape });
}

NORM_CASES.forEach((c, k) => {
  test(`norm ${c.label} on [2,3,2]: first and second derivatives`, () => {
    const g = new Generator(2000 + k);
    checkBoth((x) => norm(x!, c.options), [distinctMagnitudes(g, [2, 3, 2])], g);
  });
});

test('norm of a permuted view (method form), a size-1 axis, and a 0-d tensor', () => {
  const g = new Generator(2050);
  checkBoth((x) => permuted(x!).norm({ p: 2, axis: [0, 1] }), [distinctMagnitudes(g, [3, 2, 4])], g);
  checkBoth((x) => norm(x!, { p: 3, axis: 1 }), [distinctMagnitudes(g, [3, 1, 2])], g);
  checkBoth((x) => norm(x!), [distinctMagnitudes(g, [])], g);
});

test('norm at 0 has gradient 0 (PyTorch masks norm = 0), for p 2, 3, 1.5 and 0.5, also with zero entries beside non-zero ones', () => {
  for (const p of [2, 3, 1.5, 0.5, 1, Infinity]) {
    const x = tensor([0, 0, 0], { dtype: 'float64', requiresGrad: true });
    norm(x, { p }).backward();
    assert.deepEqual(Array.from(x.grad!.data()), [0, 0, 0], `p ${p}`);
  }
  // PyTorch: norm([0, 1], p=0.5) and p=1.5 have gradients [0, 1].
  for (const p of [0.5, 1.5, 3]) {
    const x = tensor([0, 1], { dtype: 'float64', requiresGrad: true });
    norm(x, { p }).backward();
    assert.deepEqual(Array.from(x.grad!.data()), [0, 1], `p ${p}`);
  }
});

// ------------------------------------------------------------------------- shape ops

test('maskedFill: the gradient reaches x where the mask is false (mask broadcast over x, and x over the mask)', () => {
  const g = new Generator(2100);
  const mask = tensor([[true, false, true], [false, false, true]]);
  checkBoth((x) => maskedFill(x!, mask, -1e9), [normal(g, [2, 3])], g);
  checkBoth((x) => maskedFill(x!.T, tensor([false, true]), 0.5).tanh(), [normal(g, [2, 3])], g);
  checkBoth((x) => x!.maskedFill(mask, 2).sin(), [normal(g, [3])], g);
});

test('maskedFill with a 0-d value tensor differentiates the value too (the sum of the filled places)', () => {
  const g = new Generator(2110);
  const mask = tensor([[true, false], [true, true], [false, false]]);
  checkBoth((x, v) => maskedFill(x!, mask, v!).square(), [normal(g, [3, 2]), normal(g, [])], g);
});

for (const [name, f] of [['tril', tril], ['triu', triu]] as const) {
  test(`${name} over diagonals −1, 0, 2, batched, and of a permuted view: first and second derivatives`, () => {
    const g = new Generator(name === 'tril' ? 2200 : 2210);
    for (const d of [-1, 0, 2]) checkBoth((x) => f(x!, d).square(), [normal(g, [2, 3, 4])], g);
    checkBoth((x) => f(permuted(x!)).sin(), [normal(g, [3, 2, 4])], g);
    checkBoth((x) => f(x!, 1), [normal(g, [1, 1])], g);
  });
}

test('repeat and tile: gradients sum over the copies (new leading axes, size-1 axes, a permuted view)', () => {
  const g = new Generator(2300);
  checkBoth((x) => repeat(x!, [2, 1, 3]).square(), [normal(g, [2, 2])], g);
  checkBoth((x) => x!.repeat(3, 2).sin(), [normal(g, [1, 2])], g);
  checkBoth((x) => tile(x!, [2]).square(), [normal(g, [2, 3])], g);
  checkBoth((x) => permuted(x!).tile([2, 1, 1, 2]).sin(), [normal(g, [3, 1, 2])], g);
});

test('flip along one axis, several, negative ones, and of a sliced view', () => {
  const g = new Generator(2400);
  checkBoth((x) => flip(x!, 1).mul(tensor([1, 2, 3], { dtype: 'float64' })).square(), [normal(g, [2, 3])], g);
  checkBoth((x) => x!.flip(0, -1).sin(), [normal(g, [2, 3, 2])], g);
  checkBoth((x) => flip(x!.slice(null, [1, null]), [0]).square(), [normal(g, [3, 4])], g);
});

test('chunk: each piece carries its part of the gradient (pieces weighted differently)', () => {
  const g = new Generator(2500);
  checkBoth((x) => {
    const [a, b, c] = chunk(x!, 3, 1);
    return concat([a!.mul(2), b!.square(), c!.sin()], 1);
  }, [normal(g, [2, 5])], g);
  checkBoth((x) => x!.T.chunk(2)[1]!.square(), [normal(g, [3, 3])], g);
});
