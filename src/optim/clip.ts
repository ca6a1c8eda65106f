/** The global gradient norm and clipping by it, as PyTorch's `clip_grad_norm_`. */
import { noGrad } from '../autograd/mode.js';
import { ValueError } from '../errors.js';
import { Adder } from '../math/fsum.js';
import type { Tensor } from '../tensor/tensor.js';

// Below this the sum of squares may have lost digits to underflow; the norm is then recomputed
// with every value divided by the largest magnitude (as LAPACK's dnrm2 does from the start).
const UNDERFLOW_GUARD = 2 ** -900;

/**
 * The global L2 norm of the gradients of `params` — √(Σ g²) over every element of every
 * `.grad` (parameters without a gradient are skipped; 0 when none has one), with compensated
 * summation and no overflow or underflow from squaring.
 * @example
 * const w = tensor([3, 4], { requiresGrad: true });
 * w.mul(tensor([1, 1])).sum().backward(); // gradient [1, 1]
 * gradNorm([w]); // √2
 */
export function gradNorm(params: Iterable<Tensor>): number {
  const grads: Tensor[] = [];
  for (const p of params) if (p.grad !== null) grads.push(p.grad);
  const sum = new Adder();
  let largest = 0;
  for (const g of grads) {
    const data = g._data;
    for (let i = 0; i < data.length; i++) {
      const v = data[i] ?? 0;
      sum.add(v * v);
      const a = Math.abs(v);
      if (a > largest || Number.isNaN(a)) largest = a;
    }
  }
  const total = sum.valueOf();
  if (Number.isNaN(largest)) return NaN;
  if (largest === Infinity) return Infinity;
  if (largest === 0) return 0;
  // An overflowing sum comes out as NaN or Infinity from the compensated adder: rescale then.
  if (Number.isFinite(total) && total >= UNDERFLOW_GUARD) return Math.sqrt(total);
  const scaled = new Adder();
  for (const g of grads) {
    const data = g._data;
    for (let i = 0; i < data.length; i++) {
      const r = (data[i] ?? 0) / largest;
      scaled.add(r * r);
    }
  }
  return largest * Math.sqrt(scaled.valueOf());
}

/**
 * Rescales the gradients of `params` so that their global L2 norm is at most `maxNorm`, as
 * PyTorch's `torch.nn.utils.clip_grad_norm_` (factor `maxNorm / (norm + 1e-6)` when below 1),
 * and returns the norm before clipping. Each clipped parameter gets a new `.grad` tensor: a
 * gradient tensor may be shared with other tensors, so it is never modified in place.
 * @example
 * const w = tensor([3, 4], { requiresGrad: true });
 * w.mul(tensor([3, 4])).sum().backward(); // gradient [3, 4], norm 5
 * clipGradNorm([w], 1); // 5
 * w.grad?.toArray(); // about [0.6, 0.8]
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): number {
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) {
    throw new ValueError(`clipGradNorm: maxNorm must be a non-negative number, got ${String(maxNorm)}`);
  }
  const list = [...params];
  const norm = gradNorm(list);
  const scale = maxNorm / (norm + 1e-6);
  if (scale < 1) {
    noGrad(() => {
      for (const p of list) if (p.grad !== null) p.grad = p.grad.mul(scale);
    });
  }
  return norm;
}
