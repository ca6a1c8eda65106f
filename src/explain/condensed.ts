/**
 * The condensed graph explanations work on: composite steps (Linear layers, losses, composite
 * activations; see autograd/annotate.ts) are one node each, primitives are nodes, leaves are
 * parameters, inputs and constants. Each step knows its formulas and its local derivatives.
 */
import { compositeOf, type Composite } from '../autograd/annotate.js';
import { apply, topoSort } from '../autograd/engine.js';
import { gradients } from '../autograd/functional.js';
import { enableGrad } from '../autograd/mode.js';
import { formulasOf } from '../ops/primitives/index.js';
import { AutogradError } from '../errors.js';
import type { Formula, PrimitiveName } from '../ops/primitives/types.js';
import type { Tensor } from '../tensor/tensor.js';
import { timesUpstream } from './formulas.js';

export interface RawNode {
  readonly tensor: Tensor;
  readonly kind: 'leaf' | 'primitive' | 'composite';
  readonly op: string | null;
  readonly inputs: readonly Tensor[];
  readonly composite: Composite | null;
}

function rawNode(t: Tensor): RawNode {
  const c = compositeOf(t);
  if (c !== undefined) return { tensor: t, kind: 'composite', op: c.op, inputs: [...c.inputs], composite: c };
  if (t._node !== null) return { tensor: t, kind: 'primitive', op: t._node.op, inputs: [...t._node.inputs], composite: null };
  return { tensor: t, kind: 'leaf', op: null, inputs: [], composite: null };
}

const everything = (): boolean => true;

/** The condensed graph of `root`, inputs first: the engine's walk over the condensed steps' inputs. */
export function condensedOrder(root: Tensor): RawNode[] {
  const steps = new Map<Tensor, RawNode>();
  const nodeOf = (t: Tensor): RawNode => {
    let node = steps.get(t);
    if (node === undefined) {
      node = rawNode(t);
      steps.set(t, node);
    }
    return node;
  };
  return topoSort([root], everything, (t) => nodeOf(t).inputs).map(nodeOf);
}

/** Parameters ordered by their first consumer from the loss down, then by argument position. */
export function parameterOrder(order: readonly RawNode[], wrt: ReadonlySet<Tensor>, byTensor: ReadonlyMap<Tensor, RawNode>): RawNode[] {
  const out: RawNode[] = [];
  const seen = new Set<Tensor>();
  for (const node of [...order].reverse()) {
    for (const input of node.inputs) {
      if (wrt.has(input) && !seen.has(input)) {
        seen.add(input);
        out.push(byTensor.get(input)!);
      }
    }
  }
  return out;
}

/** The local derivative of one step with respect to each input, computed on copies (so only this step counts). */
export function localDerivatives(node: RawNode): (Tensor | null)[] {
  const copies = node.inputs.map((x) => (x.dtype === 'int32' || x.dtype === 'bool' ? x : x.detach().cast(x.dtype === 'float32' ? 'float64' : x.dtype).requiresGrad_(true)));
  const differentiable = copies.map((c, i) => c.requiresGrad && node.inputs[i]!.requiresGrad);
  if (!differentiable.some(Boolean)) return copies.map(() => null);
  const out = enableGrad(() => {
    if (node.composite !== null) return node.composite.recompute(copies);
    const grad = node.tensor._node;
    if (grad === null) throw new AutogradError(`explain: internal: ${node.op ?? 'a leaf'} has no recorded op to differentiate`);
    return apply(grad.def, copies, grad.params);
  });
  const targets = copies.filter((_, i) => differentiable[i]);
  const grads = gradients([out.size === 1 ? out : out.sum()], targets);
  let k = 0;
  return copies.map((_, i) => (differentiable[i] ? (grads[k++] ?? null) : null));
}

/** A primitive step's formulas, as its recorded params choose them (matmul's transposed forms). */
function primitiveFormulas(node: RawNode): ReturnType<typeof formulasOf> {
  return formulasOf(node.op as PrimitiveName, node.tensor._node?.params ?? null);
}

export function localFormula(node: RawNode, input: number): Formula | null {
  if (node.composite !== null) return node.composite.local[input] ?? null;
  return primitiveFormulas(node).local[input] ?? null;
}

export function forwardFormula(node: RawNode, scalar: boolean): Formula | null {
  if (node.composite !== null) return scalar ? node.composite.forward : (node.composite.forwardTensor ?? node.composite.forward);
  if (node.kind === 'primitive') return primitiveFormulas(node).forward;
  return null;
}

/** The backward rule of an edge in tensor form, {g} for ∂L/∂out. */
export function vjpFormula(node: RawNode, input: number): Formula | null {
  if (node.composite !== null) return node.composite.vjp[input] ?? null;
  const local = localFormula(node, input);
  if (local === null) return null;
  if (local.text.includes('grad')) return local; // matmul's rules are already products with grad
  if (local.text === '1') return { text: '{g}', latex: '{g}' };
  return timesUpstream(local);
}
