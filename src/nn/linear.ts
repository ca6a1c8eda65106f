/** The fully connected layer y = x·Wᵀ + b. */
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { add, cast } from '../ops/elementwise.js';
import { matmul, matmulT } from '../ops/linalg.js';
import { apply } from '../autograd/engine.js';
import { linearDef } from '../ops/primitives/linear.js';
import { NO_PARAMS } from '../ops/primitives/helpers.js';
import { annotate } from '../autograd/annotate.js';
import { formula } from '../ops/primitives/helpers.js';
import type { Generator } from '../random/generator.js';
import { tensor } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import { formatShape, shapeEqual } from '../tensor/shape.js';
import { Tensor, type NestedArray } from '../tensor/tensor.js';
import { assertInitSpec, initTensor, resolveGenerator, type FloatDType, type InitSpec } from './init.js';
import { Module, type ModuleConfig } from './module.js';

export interface LinearOptions {
  /** Add a learnable bias (default true). */
  readonly bias?: boolean;
  /** The weight initializer (default `'default'`: PyTorch's U(−1/√in, 1/√in)). */
  readonly init?: InitSpec;
  /** The bias initializer (default `'default'` when `init` is `'default'`, else `'zeros'`). */
  readonly biasInit?: InitSpec;
  /** Seed a fresh generator for the initial weights (not with `generator`). */
  readonly seed?: number;
  /** The generator to draw the initial weights from (default: the one `manualSeed` sets). */
  readonly generator?: Generator;
  /** Parameter dtype: float32 (default) or float64 (parameters must be floating). */
  readonly dtype?: DType;
  /** Explicit initial weights of shape [outFeatures, inFeatures] (copied). */
  readonly weight?: readonly (readonly number[])[] | Tensor;
  /** Explicit initial bias of shape [outFeatures] (copied). */
  readonly biasValues?: readonly number[] | Tensor;
}

function checkFeatures(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new ValueError(`Linear: ${name} must be a non-negative integer, got ${value}`);
}

/**
 * A fully connected layer: y = x·Wᵀ + b, with weight W of shape [out, in] and bias b of shape
 * [out], as PyTorch's nn.Linear. The input may have any leading dimensions ([B, in] → [B, out]);
 * it is cast to the layer's dtype first.
 * @example
 * const layer = new Linear(2, 1, { weight: [[1, 2]], biasValues: [0.5] });
 * layer.forward(tensor([[3, 4]])).toArray(); // [[11.5]]
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly dtype: FloatDType;
  /** The weight W, shape [outFeatures, inFeatures]. */
  readonly weight: Tensor;
  /** The bias b, shape [outFeatures], or null without bias. */
  readonly bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    checkFeatures('inFeatures', inFeatures);
    checkFeatures('outFeatures', outFeatures);
    const dtype = options.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float64') throw new DTypeError(`Linear: parameters must be float32 or float64, got dtype ${String(dtype)}`);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.dtype = dtype;
    const useBias = options.bias ?? true;
    const where = `Linear(${inFeatures} → ${outFeatures})`;
    const weightInit = assertInitSpec(where, options.init ?? 'default');
    const biasInit = assertInitSpec(where, options.biasInit ?? (weightInit === 'default' ? 'default' : 'zeros'));
    if (!useBias && options.biasValues !== undefined) throw new ValueError(`${where}: biasValues were given but bias is false`);
    // Draw only what is not given explicitly, weight before bias (PyTorch's order).
    const needsGenerator = options.weight === undefined || (useBias && options.biasValues === undefined);
    const generator = needsGenerator ? resolveGenerator(where, options) : undefined;
    const fans = { fanIn: inFeatures, fanOut: outFeatures };
    const draw = generator === undefined ? {} : { generator };

    const weight =
      options.weight === undefined
        ? initTensor([outFeatures, inFeatures], weightInit, { ...fans, ...draw, dtype })
        : explicit(where, 'weight', options.weight, [outFeatures, inFeatures], dtype);
    this.weight = this.registerParameter('weight', weight.named('weight'));
    if (useBias) {
      const bias =
        options.biasValues === undefined
          ? initTensor([outFeatures], biasInit, { ...fans, ...draw, dtype })
          : explicit(where, 'biasValues', options.biasValues, [outFeatures], dtype);
      this.bias = this.registerParameter('bias', bias.named('bias'));
    } else {
      this.bias = null;
    }
  }

  forward(x: Tensor): Tensor {
    const last = x.shape[x.shape.length - 1];
    if (x.ndim === 0 || last !== this.inFeatures) {
      throw new ShapeError(
        `${this.describe()}: expected an input whose last dimension is ${this.inFeatures} (e.g. [batch, ${this.inFeatures}]), got shape ${formatShape(x.shape)}`,
      );
    }
    const input = x.dtype === this.dtype ? x : cast(x, this.dtype);
    return linear(input, this.weight, this.bias);
  }

  override describe(): string {
    return `Linear(${this.inFeatures} → ${this.outFeatures}${this.bias === null ? ', no bias' : ''})`;
  }

  override config(): ModuleConfig {
    return { type: 'Linear', inFeatures: this.inFeatures, outFeatures: this.outFeatures, bias: this.bias !== null, dtype: this.dtype };
  }
}

function explicit(
  where: string,
  what: string,
  values: readonly (readonly number[])[] | readonly number[] | Tensor,
  shape: readonly number[],
  dtype: FloatDType,
): Tensor {
  let t: Tensor;
  if (values instanceof Tensor) {
    t = tensor(values, { dtype });
  } else {
    const rows: readonly (number | readonly number[])[] = values;
    const nested: NestedArray[] = rows.map((v) => (typeof v === 'number' ? v : [...v]));
    t = tensor(nested, { dtype });
  }
  if (!shapeEqual(t.shape, shape)) {
    throw new ShapeError(
      `${where}: ${what} has shape ${formatShape(t.shape)} but must be ${formatShape(shape)}` + (what === 'weight' ? ' ([outFeatures, inFeatures])' : ' ([outFeatures])'),
    );
  }
  return t;
}

const LINEAR_FORMULAS = {
  forward: formula('{1}·{0} + {2}', '{1} \\cdot {0} + {2}'),
  forwardTensor: formula('{0}·{1}ᵀ + {2}', '{0} {1}^\\top + {2}'),
  local: [formula('{1}', '{1}'), formula('{0}', '{0}'), formula('1', '1')],
  vjp: [formula('{g}·{1}', '{g}\\, {1}'), formula('{g}ᵀ·{0}', '{g}^\\top {0}'), formula('Σ_batch {g}', '\\textstyle\\sum_{\\text{batch}} {g}')],
} as const;

const LINEAR_NO_BIAS = {
  forward: formula('{1}·{0}', '{1} \\cdot {0}'),
  forwardTensor: formula('{0}·{1}ᵀ', '{0} {1}^\\top'),
  local: LINEAR_FORMULAS.local.slice(0, 2),
  vjp: LINEAR_FORMULAS.vjp.slice(0, 2),
} as const;

const recomputeLinear = ([a, w, b]: readonly Tensor[]): Tensor => linear(a!, w!, b ?? null);

/**
 * x·Wᵀ + b, recorded as one 'linear' step for explanations (weight [out, in], bias [out]).
 * @example linear(tensor([[1, 2]]), tensor([[3, 4]]), tensor([0.5])).toArray(); // [[11.5]]
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  // x·Wᵀ as one product reading W transposed: no copy of W, and no transposes in the backward pass.
  let out: Tensor;
  // The fused op takes a bias of exactly [out]; any other (a broadcast [1]) goes the general way.
  if (bias !== null && x.ndim === 2 && weight.ndim === 2 && bias.ndim === 1 && bias.shape[0] === weight.shape[0]) {
    out = apply(linearDef, [x, weight, bias], NO_PARAMS);
  } else {
    const y = x.ndim >= 2 && weight.ndim === 2 ? matmulT(x, weight, false, true) : matmul(x, weight.T);
    out = bias === null ? y : add(y, bias);
  }
  if (out._node === null) return out; // not recorded (noGrad): nothing to annotate
  const f = bias === null ? LINEAR_NO_BIAS : LINEAR_FORMULAS;
  // Written out, not spread: this runs for every layer of every step.
  return annotate(out, {
    op: 'linear',
    role: 'linear',
    inputs: bias === null ? [x, weight] : [x, weight, bias],
    forward: f.forward,
    forwardTensor: f.forwardTensor,
    local: f.local,
    vjp: f.vjp,
    recompute: recomputeLinear,
  });
}

