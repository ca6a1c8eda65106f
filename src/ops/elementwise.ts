/** Elementwise ops: primitives applied through the engine, and composites built from them. */
import { apply } from '../autograd/engine.js';
import { absDef } from './primitives/abs.js';
import { addDef } from './primitives/add.js';
import { castDef } from './primitives/cast.js';
import { cosDef } from './primitives/cos.js';
import { divDef } from './primitives/div.js';
import { eqDef } from './primitives/eq.js';
import { erfDef } from './primitives/erf.js';
import { expDef } from './primitives/exp.js';
import { geDef } from './primitives/ge.js';
import { gtDef } from './primitives/gt.js';
import { leDef } from './primitives/le.js';
import { logDef } from './primitives/log.js';
import { log1pDef } from './primitives/log1p.js';
import { ltDef } from './primitives/lt.js';
import { maximumDef } from './primitives/maximum.js';
import { minimumDef } from './primitives/minimum.js';
import { mulDef } from './primitives/mul.js';
import { neDef } from './primitives/ne.js';
import { negDef } from './primitives/neg.js';
import { powDef } from './primitives/pow.js';
import { reluDef } from './primitives/relu.js';
import { reluGradDef } from './primitives/reluGrad.js';
import { sigmoidDef } from './primitives/sigmoid.js';
import { sigmoidGradDef } from './primitives/sigmoidGrad.js';
import { signDef } from './primitives/sign.js';
import { sinDef } from './primitives/sin.js';
import { sqrtDef } from './primitives/sqrt.js';
import { subDef } from './primitives/sub.js';
import { tanhDef } from './primitives/tanh.js';
import { tanhGradDef } from './primitives/tanhGrad.js';
import { whereDef } from './primitives/where.js';
import { annotate } from '../autograd/annotate.js';
import { formula, NO_PARAMS } from './primitives/helpers.js';
import { DTypeError } from '../errors.js';
import { assertDType, isFloating, type DType } from '../tensor/dtype.js';
import { scalar } from '../tensor/create.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';

/**
 * Turns a number into a 0-d tensor that does not change `like`'s dtype (PyTorch's rule: a
 * Python scalar never promotes a tensor; an int tensor with a fractional number gives float32).
 */
export function asTensor(value: TensorLike, like?: TensorLike): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value !== 'number') throw new DTypeError(`expected a Tensor or a number, got ${typeof value}`);
  const other = like instanceof Tensor ? like.dtype : undefined;
  let dtype: DType;
  if (other !== undefined && isFloating(other)) dtype = other;
  else if (other !== undefined && Number.isInteger(value)) dtype = 'int32';
  else dtype = 'float32';
  return scalar(value, dtype);
}

function pair(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (a instanceof Tensor && b instanceof Tensor) return [a, b];
  return [asTensor(a, b), asTensor(b, a)];
}


/** −x. */
export function neg(x: TensorLike): Tensor { return apply(negDef, [asTensor(x)], NO_PARAMS); }
/** eˣ. */
export function exp(x: TensorLike): Tensor { return apply(expDef, [asTensor(x)], NO_PARAMS); }
/** Natural logarithm. */
export function log(x: TensorLike): Tensor { return apply(logDef, [asTensor(x)], NO_PARAMS); }
/** log(1 + x), keeping the digits of a tiny x that 1 + x would round away. @example log1p(tensor(1e-20)).item() // 1e-20 */
export function log1p(x: TensorLike): Tensor { return apply(log1pDef, [asTensor(x)], NO_PARAMS); }
/** Square root. */
export function sqrt(x: TensorLike): Tensor { return apply(sqrtDef, [asTensor(x)], NO_PARAMS); }
/** |x|; its gradient at 0 is 0. */
export function abs(x: TensorLike): Tensor { return apply(absDef, [asTensor(x)], NO_PARAMS); }
/** −1, 0 or 1 (not differentiable). */
export function sign(x: TensorLike): Tensor { return apply(signDef, [asTensor(x)], NO_PARAMS); }
/** Sine. */
export function sin(x: TensorLike): Tensor { return apply(sinDef, [asTensor(x)], NO_PARAMS); }
/** Cosine. */
export function cos(x: TensorLike): Tensor { return apply(cosDef, [asTensor(x)], NO_PARAMS); }
/** Hyperbolic tangent. */
export function tanh(x: TensorLike): Tensor { return apply(tanhDef, [asTensor(x)], NO_PARAMS); }
/** The logistic sigmoid σ(x) = 1/(1+e^−x), stable for large |x|. @example sigmoid(tensor(0.3)).item() // 0.5744… */
export function sigmoid(x: TensorLike): Tensor { return apply(sigmoidDef, [asTensor(x)], NO_PARAMS); }
/** max(x, 0); its gradient at 0 is 0. */
export function relu(x: TensorLike): Tensor { return apply(reluDef, [asTensor(x)], NO_PARAMS); }
/** The error function. */
export function erf(x: TensorLike): Tensor { return apply(erfDef, [asTensor(x)], NO_PARAMS); }

/** Converts to another dtype (differentiable between floating dtypes). @example tensor([1.7]).cast('int32') */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  assertDType(dtype, 'cast');
  return apply(castDef, [x], { dtype });
}

/** a + b with broadcasting. @example add(tensor([1, 2]), 1) // [2, 3] */
export function add(a: TensorLike, b: TensorLike): Tensor { return apply(addDef, pair(a, b), NO_PARAMS); }
/** a − b with broadcasting. */
export function sub(a: TensorLike, b: TensorLike): Tensor { return apply(subDef, pair(a, b), NO_PARAMS); }
/** a · b elementwise with broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor { return apply(mulDef, pair(a, b), NO_PARAMS); }
/** a / b with broadcasting (true division: integer inputs give float32). */
export function div(a: TensorLike, b: TensorLike): Tensor { return apply(divDef, pair(a, b), NO_PARAMS); }
/** aᵇ with broadcasting. @example pow(tensor([2, 3]), 2) // [4, 9] */
export function pow(a: TensorLike, b: TensorLike): Tensor { return apply(powDef, pair(a, b), NO_PARAMS); }
/** Elementwise maximum; at a tie the gradient is split evenly. */
export function maximum(a: TensorLike, b: TensorLike): Tensor { return apply(maximumDef, pair(a, b), NO_PARAMS); }
/** Elementwise minimum; at a tie the gradient is split evenly. */
export function minimum(a: TensorLike, b: TensorLike): Tensor { return apply(minimumDef, pair(a, b), NO_PARAMS); }
/** a = b (bool). */
export function eq(a: TensorLike, b: TensorLike): Tensor { return apply(eqDef, pair(a, b), NO_PARAMS); }
/** a ≠ b (bool). */
export function ne(a: TensorLike, b: TensorLike): Tensor { return apply(neDef, pair(a, b), NO_PARAMS); }
/** a < b (bool). */
export function lt(a: TensorLike, b: TensorLike): Tensor { return apply(ltDef, pair(a, b), NO_PARAMS); }
/** a ≤ b (bool). */
export function le(a: TensorLike, b: TensorLike): Tensor { return apply(leDef, pair(a, b), NO_PARAMS); }
/** a > b (bool). */
export function gt(a: TensorLike, b: TensorLike): Tensor { return apply(gtDef, pair(a, b), NO_PARAMS); }
/** The sigmoid's backward step: g·s·(1 − s), with s the sigmoid's output (PyTorch's sigmoid_backward). */
export function sigmoidGrad(g: TensorLike, s: TensorLike): Tensor { return apply(sigmoidGradDef, pair(g, s), NO_PARAMS); }
/** ReLU's backward step: g where x > 0, else 0 (PyTorch's threshold_backward). */
export function reluGrad(g: TensorLike, x: TensorLike): Tensor { return apply(reluGradDef, pair(g, x), NO_PARAMS); }
/** tanh's backward step: g·(1 − t²), with t tanh's output (PyTorch's tanh_backward). */
export function tanhGrad(g: TensorLike, t: TensorLike): Tensor { return apply(tanhGradDef, pair(g, t), NO_PARAMS); }
/** a ≥ b (bool). */
export function ge(a: TensorLike, b: TensorLike): Tensor { return apply(geDef, pair(a, b), NO_PARAMS); }

/**
 * Picks `a` where `condition` is true and `b` elsewhere, with broadcasting.
 * @example
 * const x = tensor([-1, 2]);
 * where(x.gt(0), x, 0); // relu: [0, 2]
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (condition.dtype !== 'bool') {
    throw new DTypeError(`where: the condition must be bool (from a comparison such as x.gt(0)), got ${condition.dtype}`);
  }
  const [ta, tb] = pair(a, b);
  return apply(whereDef, [condition, ta, tb], {});
}

/** x². */
export function square(x: TensorLike): Tensor {
  const t = asTensor(x);
  return mul(t, t);
}

/** x for x > 0, slope·x otherwise (default slope 0.01; the gradient at 0 is the slope). */
export function leakyRelu(x: TensorLike, negativeSlope = 0.01): Tensor {
  const t = asTensor(x);
  // NOTE: at x = 0 the condition x > 0 is false, so leakyRelu'(0) = slope (docs/gradients.md).
  const out = where(gt(t, 0), t, mul(t, negativeSlope));
  const local = formula(`1 if {0} > 0, else ${negativeSlope}`, `[{0} > 0] + ${negativeSlope}\\,[{0} \\le 0]`);
  return annotate(out, {
    op: 'leakyRelu',
    role: 'activation',
    inputs: [t],
    forward: formula('leakyRelu({0})', '\\operatorname{leakyReLU}({0})'),
    local: [local],
    vjp: [formula(`{g} ⊙ (${local.text})`, `{g} \\odot (${local.latex})`)],
    recompute: ([a]) => leakyRelu(a!, negativeSlope),
  });
}

/** x for x > 0, α(eˣ − 1) otherwise (default α = 1); its gradient at 0 is α (PyTorch's convention). */
export function elu(x: TensorLike, alpha = 1): Tensor {
  const t = asTensor(x);
  const positive = gt(t, 0);
  // exp of x masked to ≤ 0 keeps the unused branch finite, so its (masked) gradient is never inf·0.
  // NOTE: the mask is a where, not minimum(x, 0): minimum splits a tie, which made elu'(0) = α/2.
  return where(positive, t, mul(sub(exp(where(positive, 0, t)), 1), alpha));
}

/**
 * Gaussian error linear unit x·Φ(x) (exact, with erf) or its tanh approximation.
 * @example gelu(tensor([1])).item() // 0.8413…
 */
export function gelu(x: TensorLike, approximate: 'none' | 'tanh' = 'none'): Tensor {
  const t = asTensor(x);
  let out: Tensor;
  if (approximate === 'tanh') {
    const inner = mul(add(t, mul(mul(mul(t, t), t), 0.044715)), Math.sqrt(2 / Math.PI));
    out = mul(mul(t, 0.5), add(tanh(inner), 1));
  } else {
    out = mul(mul(t, 0.5), add(erf(mul(t, Math.SQRT1_2)), 1));
  }
  return annotate(out, {
    op: 'gelu',
    role: 'activation',
    inputs: [t],
    forward: formula('GELU({0})', '\\operatorname{GELU}({0})'),
    local: [formula('Φ({0}) + {0}·φ({0})', '\\Phi({0}) + {0}\\,\\varphi({0})')],
    vjp: [formula('{g} ⊙ (Φ({0}) + {0}·φ({0}))', '{g} \\odot (\\Phi({0}) + {0}\\,\\varphi({0}))')],
    recompute: ([a]) => gelu(a!, approximate),
  });
}

/** log(1 + eˣ), computed stably as max(x, 0) + log(1 + e^−|x|); its gradient at 0 is ½. */
export function softplus(x: TensorLike): Tensor {
  const t = asTensor(x);
  // NOTE: at 0, maximum's tie gives ½ and abs'(0) = 0 gives 0: softplus'(0) = ½ = σ(0) (docs/gradients.md).
  return add(maximum(t, 0), log(add(exp(neg(abs(t))), 1)));
}

/**
 * Limits values to [min, max] (either may be omitted). The gradient is 1 inside the range,
 * boundaries included, and 0 outside (PyTorch's convention).
 * @example clamp(tensor([-2, 0.5, 3]), 0, 1) // [0, 0.5, 1]
 */
export function clamp(x: TensorLike, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  let t = asTensor(x);
  // NOTE: strict comparisons pass x through at the bounds, so the gradient there is 1 (docs/gradients.md).
  if (min !== undefined && min !== null) t = where(lt(t, min), min, t);
  if (max !== undefined && max !== null) t = where(gt(t, max), max, t);
  return t;
}
