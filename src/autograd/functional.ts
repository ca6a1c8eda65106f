/** Functional autodiff: gradients as values, without touching `.grad` (JAX's grad, torch.autograd.grad). */
import { AutogradError, ShapeError } from '../errors.js';
import { zerosLike, onesLike } from '../tensor/create.js';
import { formatShape, shapeEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { cast } from '../ops/elementwise.js';
import { runBackward } from './engine.js';
import { withGradMode } from './mode.js';

export interface GradientsOptions {
  /** Seed gradients, one per output (default: ones for scalar outputs). */
  readonly gradOutputs?: readonly (Tensor | null)[];
  /** Record the computation of the gradients so they can be differentiated again. */
  readonly createGraph?: boolean;
}

/**
 * ∂(outputs)/∂(inputs), returned rather than accumulated (as `torch.autograd.grad`).
 * An input the outputs do not depend on gets zeros.
 * @example
 * const x = tensor(3, { requiresGrad: true });
 * const [dx] = gradients([x.pow(2)], [x]); // 6
 */
export function gradients(outputs: readonly Tensor[], inputs: readonly Tensor[], options: GradientsOptions = {}): Tensor[] {
  const roots: Tensor[] = [];
  const seeds: Tensor[] = [];
  outputs.forEach((out, i) => {
    if (!out.requiresGrad) return;
    let seed = options.gradOutputs?.[i] ?? null;
    if (seed === null) {
      if (out.size !== 1) {
        throw new AutogradError(`gradients: output ${i} has shape ${formatShape(out.shape)}; a non-scalar output needs a seed in gradOutputs`);
      }
      seed = onesLike(out);
    } else if (!shapeEqual(seed.shape, out.shape)) {
      throw new ShapeError(`gradients: the seed for output ${i} has shape ${formatShape(seed.shape)} but the output has ${formatShape(out.shape)}`);
    }
    roots.push(out);
    seeds.push(seed.dtype === out.dtype ? seed : cast(seed, out.dtype));
  });
  const captured = runBackward(roots, seeds, { createGraph: options.createGraph ?? false, accumulate: false, capture: new Set(inputs) });
  return inputs.map((x) => captured.get(x) ?? zerosLike(x));
}

export interface GradOptions {
  /** Which arguments to differentiate with respect to (default 0). */
  readonly argnums?: number | readonly number[];
  /**
   * Record the gradient computation so it can be differentiated again. Defaults to true when an
   * argument is already part of a differentiable computation (as inside another `grad`), so
   * `grad(grad(f))` gives second derivatives.
   */
  readonly createGraph?: boolean;
}

type GradResult = Tensor | Tensor[];

/**
 * Returns a function computing f's value and its gradient with respect to the chosen arguments.
 * f must return a scalar tensor.
 * @example
 * const f = (x: Tensor) => x.pow(3).sum();
 * const [value, dx] = valueAndGrad(f)(tensor([2])); // 8, [12]
 */
export function valueAndGrad(f: (...args: Tensor[]) => Tensor, options?: GradOptions & { readonly argnums?: number }): (...args: Tensor[]) => [Tensor, Tensor];
export function valueAndGrad(f: (...args: Tensor[]) => Tensor, options: GradOptions & { readonly argnums: readonly number[] }): (...args: Tensor[]) => [Tensor, Tensor[]];
export function valueAndGrad(f: (...args: Tensor[]) => Tensor, options: GradOptions = {}): (...args: Tensor[]) => [Tensor, GradResult] {
  return valueAndGradImpl(f, options);
}

function valueAndGradImpl(f: (...args: Tensor[]) => Tensor, options: GradOptions): (...args: Tensor[]) => [Tensor, GradResult] {
  return (...args: Tensor[]) => {
    const argnums = options.argnums ?? 0;
    const list = typeof argnums === 'number' ? [argnums] : [...argnums];
    for (const i of list) {
      if (!(args[i] instanceof Tensor)) throw new AutogradError(`grad: argument ${i} is not a Tensor (argnums: [${list.join(',')}])`);
    }
    const nested = list.some((i) => args[i]?.requiresGrad === true);
    const createGraph = options.createGraph ?? nested;
    const wrapped = args.map((a, i) => (list.includes(i) && !a.requiresGrad ? a.detach().requiresGrad_(true) : a));
    const value = withGradMode(true, () => f(...wrapped));
    if (!(value instanceof Tensor) || value.size !== 1) {
      const shape = value instanceof Tensor ? formatShape(value.shape) : typeof value;
      throw new AutogradError(`grad: f must return a scalar tensor, got ${shape}`);
    }
    const grads = gradients([value], list.map((i) => wrapped[i]!), { createGraph });
    const result: GradResult = typeof argnums === 'number' ? grads[0]! : grads;
    return [createGraph ? value : value.detach(), result];
  };
}

/**
 * Returns a function computing the gradient of scalar f with respect to the chosen arguments.
 * @example
 * const d2 = grad(grad((x: Tensor) => x.pow(3)));
 * d2(tensor(2)); // 12, the second derivative 6x at x = 2
 */
export function grad(f: (...args: Tensor[]) => Tensor, options?: GradOptions & { readonly argnums?: number }): (...args: Tensor[]) => Tensor;
export function grad(f: (...args: Tensor[]) => Tensor, options: GradOptions & { readonly argnums: readonly number[] }): (...args: Tensor[]) => Tensor[];
export function grad(f: (...args: Tensor[]) => Tensor, options: GradOptions = {}): (...args: Tensor[]) => GradResult {
  const vg = valueAndGradImpl(f, options);
  return (...args: Tensor[]) => vg(...args)[1];
}
