/** Scans along an axis: running sums and products (PyTorch's cumsum and cumprod). */
import { apply } from '../autograd/engine.js';
import { cumsumDef } from './primitives/cumsum.js';
import { linearScanDef } from './primitives/linearScan.js';
import { normalizeAxis } from '../tensor/shape.js';
import { tensor, zeros } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { cast, where } from './elementwise.js';
import { concat, narrow, reshape } from './shape.js';
import { tensorArg } from './indexArgs.js';

/** Runs `f` on x seen as 1-D when it is 0-d (PyTorch scans a 0-d tensor along "axis 0 or -1"). */
function alongAxis(op: string, input: Tensor, axis: number, f: (x: Tensor, axis: number) => Tensor): Tensor {
  const x = tensorArg(op, input);
  if (x.ndim > 0) return f(x, normalizeAxis(op, axis, x.ndim));
  normalizeAxis(op, axis, 1);
  return reshape(f(reshape(x, [1]), 0), []);
}

/**
 * Running sums along `axis`, as torch.cumsum (int32 and bool give int32; PyTorch's int64).
 * @example cumsum(tensor([1, 2, 3, 4]), 0) // [1, 3, 6, 10]
 */
export function cumsum(x: Tensor, axis: number): Tensor {
  return alongAxis('cumsum', x, axis, (t, a) => cumsumRaw(t, a, false));
}

/**
 * Running products along `axis`, as torch.cumprod; its gradient is exact where the input holds
 * zeros, and differentiable again (a reverse linear scan, no division by the input).
 * @example cumprod(tensor([1, 2, 3, 0, 5]), 0) // [1, 2, 6, 0, 0]
 */
export function cumprod(x: Tensor, axis: number): Tensor {
  return alongAxis('cumprod', x, axis, (t, a) => {
    const input = t.dtype === 'bool' ? cast(t, 'int32') : t;
    const n = input.shape[a] ?? 0;
    if (n === 0) return linearScanRaw(input, input, a, false);
    const first = new Uint8Array(n);
    first[0] = 1;
    const firstMask = tensor(first, { dtype: 'bool', shape: input.shape.map((d, i) => (i === a ? n : 1)) });
    // b is x at the first step and 0 after (a `where`, not x·[t = 0], so that x = ±∞ gives no ∞·0).
    return linearScanRaw(input, where(firstMask, input, 0), a, false);
  });
}

/** @internal cumsum along a non-negative axis, from the end when `reverse`. */
export function cumsumRaw(x: Tensor, axis: number, reverse: boolean): Tensor {
  return apply(cumsumDef, [x], { axis, reverse });
}

/** @internal h₀ = b₀, h_t = a_t·h_{t−1} + b_t along a non-negative axis (from the end when `reverse`). */
export function linearScanRaw(a: Tensor, b: Tensor, axis: number, reverse: boolean): Tensor {
  return apply(linearScanDef, [a, b], { axis, reverse });
}

/**
 * @internal x moved one step along `axis`, zeros filling the gap: by +1, out_t = x_{t−1};
 * by −1, out_t = x_{t+1}. Built from narrow and concat, so it is differentiable.
 */
export function shiftAlong(x: Tensor, axis: number, by: 1 | -1): Tensor {
  const n = x.shape[axis] ?? 0;
  if (n === 0) return x;
  const gap = zeros(x.shape.map((d, i) => (i === axis ? 1 : d)), { dtype: x.dtype });
  const kept = narrow(x, axis, by === 1 ? 0 : 1, n - 1);
  return by === 1 ? concat([gap, kept], axis) : concat([kept, gap], axis);
}
