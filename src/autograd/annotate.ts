/**
 * Composite annotations: a function built from several primitives (a Linear layer, a loss, a
 * composite activation) can mark its output as one step with its own formulas, so that chain-rule
 * explanations and pictures show `z1 = w1·x + b1` rather than the matmul, transpose and add
 * inside it. An annotation is a field of the output tensor (a WeakMap entry cost more than the
 * rest of a small op, and its ephemeron slowed every garbage collection): it lives and dies with
 * the tensor.
 */
import type { Formula } from '../ops/primitives/types.js';
import type { Tensor } from '../tensor/tensor.js';

/** What kind of step a composite is, which explanations use to name its output (z, h, L). */
export type CompositeRole = 'linear' | 'activation' | 'loss' | 'other';

export interface Composite {
  /** Its name, e.g. 'linear' or 'halfSquaredError'. */
  readonly op: string;
  readonly role: CompositeRole;
  /** The tensors the step reads, in the order the formulas number them ({0}, {1}, …). */
  readonly inputs: readonly Tensor[];
  /** The forward formula for scalars, e.g. `{1}·{0} + {2}`. */
  readonly forward: Formula;
  /** The forward formula for tensors when it differs (e.g. `{0}·{1}ᵀ + {2}`). */
  readonly forwardTensor?: Formula;
  /** ∂out/∂input for scalars, per input (null where the step is not differentiable in it). */
  readonly local: readonly (Formula | null)[];
  /**
   * The backward rule in tensor form per input, `{g}` standing for ∂L/∂out, e.g. `{g}ᵀ·{0}` for
   * a weight (null where not differentiable).
   */
  readonly vjp: readonly (Formula | null)[];
  /** Recomputes the output from (copies of) the inputs: explanations differentiate it to get local derivatives. */
  readonly recompute: (inputs: readonly Tensor[]) => Tensor;
}


/**
 * Marks `out` as the result of a composite step; returns `out`. Only recorded outputs (with a
 * graph node) are marked, so inference under noGrad costs nothing.
 */
export function annotate(out: Tensor, info: Composite): Tensor {
  if (out._node !== null) out._composite = info;
  return out;
}

/** The composite annotation of a tensor, if a composite step produced it. */
export function compositeOf(t: Tensor): Composite | undefined {
  return t._composite as Composite | undefined;
}
