/** Numerical gradient checking by central differences in float64 (as torch.autograd.gradcheck). */
import { DTypeError, GradcheckError, ValueError } from '../errors.js';
import { isFloating } from '../tensor/dtype.js';
import { tensor } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { gradients } from './functional.js';
import { noGrad } from './mode.js';

export interface GradcheckOptions {
  /** Perturbation for central differences (default 1e-6). */
  readonly eps?: number;
  /** Absolute tolerance (default 1e-5). */
  readonly atol?: number;
  /** Relative tolerance (default 1e-3). */
  readonly rtol?: number;
  /** Throw a GradcheckError on a mismatch (default true); otherwise report `ok: false`. */
  readonly raiseException?: boolean;
}

export interface InputError {
  /** Largest |analytic − numeric| over the input's elements and all outputs. */
  readonly maxAbsError: number;
  /** Largest |analytic − numeric| / max(|numeric|, tiny). */
  readonly maxRelError: number;
}

export interface GradcheckResult {
  readonly ok: boolean;
  /** One entry per input; null for an input that is not checked (not floating point). */
  readonly inputs: readonly (InputError | null)[];
}

/**
 * Compares the analytic Jacobian of `fn` (reverse mode, one pass per output element) with central
 * differences. Floating inputs are copied to float64 and differentiated; others are passed as is.
 * An element passes when |analytic − numeric| ≤ atol + rtol·|numeric|.
 * @example
 * gradcheck((x) => x.sigmoid().mul(x), [randn([3], { dtype: 'float64' })]).ok; // true
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckResult {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new ValueError(`gradcheck: input ${i} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  });
  const checked = inputs.map((x) => isFloating(x.dtype));
  if (!checked.includes(true)) {
    // Nothing would be compared, and ok: true would say a gradient was checked when none was
    // (PyTorch raises too: an integer tensor cannot require grad).
    const which = inputs.length === 0 ? 'no inputs were given' : inputs.map((x, i) => `input ${i} is ${x.dtype}`).join(', ');
    throw new DTypeError(
      `gradcheck: no floating-point input to differentiate (${which}); gradients of int32 and bool tensors do not exist: ` +
        'pass float64 (or float32) inputs; integer inputs such as indices are passed through beside them',
    );
  }
  const xs = inputs.map((x, i) => (checked[i] ? tensor(x, { dtype: 'float64', requiresGrad: true }) : x));
  const out = fn(...xs);
  if (!(out instanceof Tensor)) throw new ValueError('gradcheck: fn must return a Tensor');
  const outSize = out.size;
  const wrt = xs.filter((_, i) => checked[i]);
  // Analytic Jacobian: row r holds ∂out[r]/∂inputs.
  const analytic: Float64Array[][] = [];
  for (let r = 0; r < outSize; r++) {
    const seed = new Float64Array(outSize);
    seed[r] = 1;
    const grads = out.requiresGrad
      ? gradients([out], wrt, { gradOutputs: [tensor(seed, { dtype: out.dtype, shape: out.shape })] })
      : wrt.map((x) => tensor(new Float64Array(x.size), { shape: x.shape }));
    analytic.push(grads.map((g) => Float64Array.from(g._data)));
  }
  const evaluate = (): Float64Array => noGrad(() => Float64Array.from(fn(...xs)._data));
  const results: (InputError | null)[] = [];
  let k = 0;
  const failures: string[] = [];
  xs.forEach((x, i) => {
    if (!checked[i]) {
      results.push(null);
      return;
    }
    // Read afresh around each evaluation: an op may grow or reorganise the backend's memory, so
    // an array of x's elements read before it may no longer be x's (Tensor._data).
    const size = x.size;
    let maxAbs = 0;
    let maxRel = 0;
    for (let j = 0; j < size; j++) {
      const orig = x._data[j] ?? 0;
      x._data[j] = orig + eps;
      const plus = evaluate();
      x._data[j] = orig - eps;
      const minus = evaluate();
      x._data[j] = orig;
      for (let r = 0; r < outSize; r++) {
        const numeric = ((plus[r] ?? 0) - (minus[r] ?? 0)) / (2 * eps);
        const a = analytic[r]?.[k]?.[j] ?? 0;
        const absErr = Math.abs(a - numeric);
        const relErr = absErr / Math.max(Math.abs(numeric), 1e-12);
        const bad = !(absErr <= atol + rtol * Math.abs(numeric)) && !(Number.isNaN(a) && Number.isNaN(numeric));
        if (Number.isNaN(absErr) || absErr > maxAbs) maxAbs = Number.isNaN(absErr) ? NaN : absErr;
        if (relErr > maxRel) maxRel = relErr;
        if (bad && failures.length < 5) {
          failures.push(
            `input ${i} ${formatShape(x.shape)} element ${j}, output element ${r}: analytic ${a}, numeric ${numeric} (|diff| ${absErr})`,
          );
        }
      }
    }
    k++;
    results.push({ maxAbsError: maxAbs, maxRelError: maxRel });
  });
  const ok = failures.length === 0;
  if (!ok && (options.raiseException ?? true)) {
    throw new GradcheckError(
      `gradcheck: analytic and numerical gradients differ (eps=${eps}, atol=${atol}, rtol=${rtol}):\n  ${failures.join('\n  ')}`,
    );
  }
  return { ok, inputs: results };
}
