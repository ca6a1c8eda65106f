/**
 * Functional transforms of a function of tensors, as `torch.autograd.functional`: its Jacobian,
 * Hessian, and the products vjp, jvp, hvp, vhp, all by reverse mode (jvp and hvp by the
 * double-backward trick torch uses, so they need nothing but the gradient rules, which are
 * differentiable).
 */
import { AutogradError, DTypeError, ShapeError } from '../errors.js';
import { onesLike, tensor, zeros, zerosLike } from '../tensor/create.js';
import { isFloating } from '../tensor/dtype.js';
import { formatShape, shapeEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { cast } from '../ops/elementwise.js';
import { reshape, stack } from '../ops/shape.js';
import { apply, runBackward } from './engine.js';
import { reshapeDef } from '../ops/primitives/reshape.js';
import { withGradMode } from './mode.js';

/** One tensor, or several (torch's tuple). Results follow the same form. */
export type Tensors = Tensor | readonly Tensor[];

export interface TransformOptions {
  /** Record the computation so the results can be differentiated again (default false: results are detached). */
  readonly createGraph?: boolean;
  /** Throw when an output does not depend on an input, instead of returning zeros for it (default false). */
  readonly strict?: boolean;
}

export interface JacobianOptions extends TransformOptions {
  /**
   * Accepted for torch's sake, where it batches the rows with vmap; chainrule has no vmap, so the
   * rows are always computed one backward pass each, with the same result.
   */
  readonly vectorize?: boolean;
}

type Fn = (...inputs: Tensor[]) => Tensors;
type SingleFn = (...inputs: Tensor[]) => Tensor;
type TupleFn = (...inputs: Tensor[]) => readonly Tensor[];

interface Listed {
  readonly list: Tensor[];
  readonly tuple: boolean;
}

function listOf(fname: string, what: string, value: unknown): Listed {
  if (value instanceof Tensor) return { list: [value], tuple: false };
  if (Array.isArray(value)) {
    const items: unknown[] = value;
    items.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new AutogradError(`${fname}: entry ${i} of ${what} is ${describe(t)}, not a Tensor`);
    });
    return { list: items.filter((t): t is Tensor => t instanceof Tensor), tuple: true };
  }
  throw new AutogradError(`${fname}: ${what} must be a Tensor or an array of Tensors, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value instanceof Tensor) return `a tensor of shape ${formatShape(value.shape)}`;
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value;
}

/**
 * The tensors fn is called with. Like torch, never the user's: a tensor that requires grad is
 * passed through an identity op when the graph is kept (so results stay differentiable with
 * respect to it), otherwise a detached copy is made to require grad.
 */
function prepareInputs(fname: string, inputs: unknown, createGraph: boolean): Listed {
  const { list, tuple } = listOf(fname, 'inputs', inputs);
  const prepared = list.map((x, i) => {
    if (!isFloating(x.dtype)) throw new DTypeError(`${fname}: input ${i} has dtype ${x.dtype}; only float32 and float64 inputs can be differentiated`);
    if (createGraph && x.requiresGrad) return withGradMode(true, () => apply(reshapeDef, [x], { shape: [...x.shape] }));
    return x.detach().requiresGrad_(true);
  });
  return { list: prepared, tuple };
}

function callFn(fname: string, fn: Fn, inputs: readonly Tensor[]): Listed {
  const out: unknown = withGradMode(true, () => fn(...inputs));
  if (!(out instanceof Tensor) && !Array.isArray(out)) {
    throw new AutogradError(`${fname}: the function must return a Tensor or an array of Tensors, but it returned ${describe(out)}`);
  }
  return listOf(fname, 'the outputs of the function', out);
}

/** Checks `v` against the tensors it pairs with (its shapes and its form); null where v was not given. */
function vectorFor(fname: string, v: unknown, against: Listed, what: string): Tensor[] | null {
  if (v === undefined || v === null) return null;
  const given = listOf(fname, 'v', v);
  if (given.list.length !== against.list.length) {
    throw new ShapeError(`${fname}: v has ${given.list.length} tensor(s) but the ${what} are ${against.list.length}`);
  }
  return given.list.map((t, i) => {
    const ref = against.list[i]!;
    if (!shapeEqual(t.shape, ref.shape)) {
      throw new ShapeError(`${fname}: entry ${i} of v has shape ${formatShape(t.shape)} but entry ${i} of the ${what} has ${formatShape(ref.shape)}`);
    }
    return t.dtype === ref.dtype ? t : cast(t, ref.dtype);
  });
}

/** Ones for a single one-element tensor (the only case where torch lets v be omitted). */
function defaultVector(fname: string, against: Listed, what: string): Tensor[] {
  if (against.tuple || against.list.length !== 1 || against.list[0]!.size !== 1) {
    throw new AutogradError(`${fname}: v can be omitted only when the ${what} is a single Tensor with a single element`);
  }
  return [onesLike(against.list[0]!)];
}

/**
 * Σ_k seeds_k · ∂outputs_k/∂inputs, one tensor per input (zeros where no output depends on it,
 * or an error when strict).
 */
function backprop(fname: string, outputs: readonly Tensor[], seeds: readonly Tensor[], inputs: readonly Tensor[], createGraph: boolean, strict: boolean): Tensor[] {
  const roots: Tensor[] = [];
  const used: Tensor[] = [];
  outputs.forEach((out, i) => {
    if (!out.requiresGrad) return;
    roots.push(out);
    used.push(seeds[i]!);
  });
  const captured = roots.length === 0 ? new Map<Tensor, Tensor>() : runBackward(roots, used, { createGraph, accumulate: false, capture: new Set(inputs) });
  return inputs.map((x, j) => {
    const g = captured.get(x);
    if (g !== undefined) return g;
    if (strict) throw new AutogradError(`${fname}: the output does not depend on input ${j} (strict: true)`);
    return zerosLike(x);
  });
}

function finish(tensors: readonly Tensor[], tuple: boolean, createGraph: boolean): Tensors {
  const kept = createGraph ? [...tensors] : tensors.map((t) => t.detach());
  return tuple ? kept : kept[0]!;
}

/**
 * The vector-Jacobian product vᵀ·J of fn at inputs, with fn's value: `[outputs, vjp]`, as
 * `torch.autograd.functional.vjp`. v has fn's output form and shapes; it may be omitted for a
 * one-element output. The vjp has the inputs' form and shapes.
 * @example
 * const [y, g] = vjp((x: Tensor) => x.pow(2), tensor([1, 2]), tensor([1, 1]));
 * g.toArray(); // [2, 4]
 */
export function vjp(fn: SingleFn, inputs: Tensor, v?: Tensor | null, options?: TransformOptions): [Tensor, Tensor];
export function vjp(fn: SingleFn, inputs: readonly Tensor[], v?: Tensor | null, options?: TransformOptions): [Tensor, Tensor[]];
export function vjp(fn: TupleFn, inputs: Tensor, v: readonly Tensor[], options?: TransformOptions): [Tensor[], Tensor];
export function vjp(fn: TupleFn, inputs: readonly Tensor[], v: readonly Tensor[], options?: TransformOptions): [Tensor[], Tensor[]];
export function vjp(fn: Fn, inputs: Tensors, v?: Tensors | null, options?: TransformOptions): [Tensors, Tensors];
export function vjp(fn: Fn, inputs: Tensors, v?: Tensors | null, options: TransformOptions = {}): [Tensors, Tensors] {
  const createGraph = options.createGraph ?? false;
  const xs = prepareInputs('vjp', inputs, createGraph);
  const outs = callFn('vjp', fn, xs.list);
  const seeds = vectorFor('vjp', v, outs, 'outputs') ?? defaultVector('vjp', outs, 'output');
  const grads = backprop('vjp', outs.list, seeds, xs.list, createGraph, options.strict ?? false);
  return [finish(outs.list, outs.tuple, createGraph), finish(grads, xs.tuple, createGraph)];
}

/**
 * The Jacobian-vector product J·v of fn at inputs, with fn's value: `[outputs, jvp]`, as
 * `torch.autograd.functional.jvp`. v has the inputs' form and shapes (it may be omitted for a
 * single one-element input); the jvp has the outputs'. Computed as torch does, by
 * differentiating the vjp u ↦ uᵀJ with respect to u (the double-backward trick).
 * @example
 * const [y, t] = jvp((x: Tensor) => x.pow(2), tensor([1, 2]), tensor([1, 0]));
 * t.toArray(); // [2, 0]
 */
export function jvp(fn: SingleFn, inputs: Tensor, v?: Tensor | null, options?: TransformOptions): [Tensor, Tensor];
export function jvp(fn: SingleFn, inputs: readonly Tensor[], v: readonly Tensor[], options?: TransformOptions): [Tensor, Tensor];
export function jvp(fn: TupleFn, inputs: Tensors, v?: Tensors | null, options?: TransformOptions): [Tensor[], Tensor[]];
export function jvp(fn: Fn, inputs: Tensors, v?: Tensors | null, options?: TransformOptions): [Tensors, Tensors];
export function jvp(fn: Fn, inputs: Tensors, v?: Tensors | null, options: TransformOptions = {}): [Tensors, Tensors] {
  const createGraph = options.createGraph ?? false;
  const strict = options.strict ?? false;
  const xs = prepareInputs('jvp', inputs, createGraph);
  const tangents = vectorFor('jvp', v, xs, 'inputs') ?? defaultVector('jvp', xs, 'input');
  const outs = callFn('jvp', fn, xs.list);
  const dummies = outs.list.map((o) => zerosLike(o).requiresGrad_(true));
  // uᵀJ is linear in u; its gradient with respect to u, seeded with v, is J·v.
  const transposed = withGradMode(true, () => backprop('jvp', outs.list, dummies, xs.list, true, strict));
  const products = backprop('jvp', transposed, tangents, dummies, createGraph, strict);
  return [finish(outs.list, outs.tuple, createGraph), finish(products, outs.tuple, createGraph)];
}

/** The one-hot seed selecting element k of a tensor shaped like `like`. */
function oneHot(like: Tensor, k: number): Tensor {
  const data = new Float64Array(like.size);
  data[k] = 1;
  return tensor(data, { shape: like.shape, dtype: like.dtype });
}

/** Rows ∂out.flat[k]/∂inputs for every k, each input's rows stacked to out.shape + input.shape. */
function jacobianOf(fname: string, out: Tensor, inputs: readonly Tensor[], createGraph: boolean, strict: boolean): Tensor[] {
  const rows: Tensor[][] = inputs.map(() => []);
  for (let k = 0; k < out.size; k++) {
    const grads = backprop(fname, [out], [oneHot(out, k)], inputs, createGraph, strict);
    grads.forEach((g, j) => rows[j]!.push(g));
  }
  return inputs.map((x, j) => {
    const shape = [...out.shape, ...x.shape];
    const r = rows[j]!;
    return r.length === 0 ? zeros(shape, { dtype: x.dtype }) : reshape(stack(r, 0), shape);
  });
}

/**
 * The Jacobian of fn at inputs, as `torch.autograd.functional.jacobian`: for one input and one
 * output a tensor of shape [...output, ...input]; for several inputs (or outputs) an array over
 * them; for both, an array over outputs of arrays over inputs. One backward pass per output element.
 * @example
 * const J = jacobian((x: Tensor) => x.pow(2), tensor([1, 2]));
 * J.toArray(); // [[2, 0], [0, 4]]
 */
export function jacobian(fn: SingleFn, inputs: Tensor, options?: JacobianOptions): Tensor;
export function jacobian(fn: SingleFn, inputs: readonly Tensor[], options?: JacobianOptions): Tensor[];
export function jacobian(fn: TupleFn, inputs: Tensor, options?: JacobianOptions): Tensor[];
export function jacobian(fn: TupleFn, inputs: readonly Tensor[], options?: JacobianOptions): Tensor[][];
export function jacobian(fn: Fn, inputs: Tensors, options?: JacobianOptions): Tensor | Tensor[] | Tensor[][];
export function jacobian(fn: Fn, inputs: Tensors, options: JacobianOptions = {}): Tensor | Tensor[] | Tensor[][] {
  const createGraph = options.createGraph ?? false;
  const strict = options.strict ?? false;
  const xs = prepareInputs('jacobian', inputs, createGraph);
  const outs = callFn('jacobian', fn, xs.list);
  const blocks = withGradMode(true, () => outs.list.map((o) => jacobianOf('jacobian', o, xs.list, createGraph, strict)));
  const kept = blocks.map((b) => (createGraph ? b : b.map((t) => t.detach())));
  if (xs.tuple) return outs.tuple ? kept : kept[0]!;
  const firsts = kept.map((b) => b[0]!);
  return outs.tuple ? firsts : firsts[0]!;
}

/** fn's value, checked to be one element (the Hessian and hvp are of scalar functions). */
function scalarOutput(fname: string, fn: Fn, inputs: readonly Tensor[]): Tensor {
  const outs = callFn(fname, fn, inputs);
  const out = outs.list[0];
  if (outs.tuple || out === undefined || out.size !== 1) {
    const got = outs.tuple ? `${outs.list.length} tensors` : `shape ${formatShape(out!.shape)}`;
    throw new AutogradError(`${fname}: the function must return a single Tensor with a single element, got ${got}`);
  }
  return out;
}

/**
 * The Hessian of a scalar fn at inputs, as `torch.autograd.functional.hessian`: shape
 * [...input, ...input] for one input; for several, `H[i][j]` = ∂²f/∂inputs[i]∂inputs[j].
 * @example
 * const H = hessian((x: Tensor) => x.pow(3).sum(), tensor([1, 2]));
 * H.toArray(); // [[6, 0], [0, 12]]
 */
export function hessian(fn: SingleFn, inputs: Tensor, options?: JacobianOptions): Tensor;
export function hessian(fn: SingleFn, inputs: readonly Tensor[], options?: JacobianOptions): Tensor[][];
export function hessian(fn: SingleFn, inputs: Tensors, options?: JacobianOptions): Tensor | Tensor[][];
export function hessian(fn: SingleFn, inputs: Tensors, options: JacobianOptions = {}): Tensor | Tensor[][] {
  const strict = options.strict ?? false;
  const gradient = (...xs: Tensor[]): Tensors => {
    const out = scalarOutput('hessian', fn, xs);
    const gs = backprop('hessian', [out], [onesLike(out)], xs, true, strict);
    return Array.isArray(inputs) ? gs : gs[0]!;
  };
  const result = jacobian(gradient, inputs, options);
  if (result instanceof Tensor) return result;
  return result.map((row) => (row instanceof Tensor ? [row] : row));
}

/**
 * The product of the Hessian of a scalar fn with v, as `torch.autograd.functional.vhp`: vᵀ·H, by
 * differentiating ⟨∇f, v⟩. Returns `[output, vhp]`, the vhp with the inputs' form.
 * @example
 * const [f, p] = vhp((x: Tensor) => x.pow(3).sum(), tensor([1, 2]), tensor([1, 1]));
 * p.toArray(); // [6, 12]
 */
export function vhp(fn: SingleFn, inputs: Tensor, v?: Tensor | null, options?: TransformOptions): [Tensor, Tensor];
export function vhp(fn: SingleFn, inputs: readonly Tensor[], v: readonly Tensor[], options?: TransformOptions): [Tensor, Tensor[]];
export function vhp(fn: SingleFn, inputs: Tensors, v?: Tensors | null, options?: TransformOptions): [Tensor, Tensors];
export function vhp(fn: SingleFn, inputs: Tensors, v?: Tensors | null, options: TransformOptions = {}): [Tensor, Tensors] {
  return hessianProduct('vhp', fn, inputs, v, options);
}

/**
 * The Hessian-vector product H·v of a scalar fn, as `torch.autograd.functional.hvp`: by the
 * double-backward trick torch uses (for a twice continuously differentiable fn H is symmetric
 * and this equals vhp). Returns `[output, hvp]`, the hvp with the inputs' form.
 * @example
 * const [f, p] = hvp((x: Tensor) => x.pow(3).sum(), tensor([1, 2]), tensor([1, 0]));
 * p.toArray(); // [6, 0]
 */
export function hvp(fn: SingleFn, inputs: Tensor, v?: Tensor | null, options?: TransformOptions): [Tensor, Tensor];
export function hvp(fn: SingleFn, inputs: readonly Tensor[], v: readonly Tensor[], options?: TransformOptions): [Tensor, Tensor[]];
export function hvp(fn: SingleFn, inputs: Tensors, v?: Tensors | null, options?: TransformOptions): [Tensor, Tensors];
export function hvp(fn: SingleFn, inputs: Tensors, v?: Tensors | null, options: TransformOptions = {}): [Tensor, Tensors] {
  return hessianProduct('hvp', fn, inputs, v, options);
}

function hessianProduct(fname: 'hvp' | 'vhp', fn: Fn, inputs: Tensors, v: Tensors | null | undefined, options: TransformOptions): [Tensor, Tensors] {
  const createGraph = options.createGraph ?? false;
  const strict = options.strict ?? false;
  const xs = prepareInputs(fname, inputs, createGraph);
  const vs = vectorFor(fname, v, xs, 'inputs') ?? defaultVector(fname, xs, 'input');
  const out = scalarOutput(fname, fn, xs.list);
  const products = withGradMode(true, () => {
    const g = backprop(fname, [out], [onesLike(out)], xs.list, true, strict);
    if (fname === 'vhp') return backprop(fname, g, vs, xs.list, createGraph, strict);
    // u ↦ Hᵀu is linear in u; its gradient with respect to u, seeded with v, is H·v.
    const dummies = xs.list.map((x) => zerosLike(x).requiresGrad_(true));
    const hTu = backprop(fname, g, dummies, xs.list, true, strict);
    return backprop(fname, hTu, vs, dummies, createGraph, strict);
  });
  return [createGraph ? out : out.detach(), finish(products, xs.tuple, createGraph)];
}
