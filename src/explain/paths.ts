/**
 * The scalar chain rule: every local derivative on the way to a parameter, and ∂L/∂p as the sum
 * over the paths from the loss down to p of the product of the local derivatives along each.
 */
import type { Tensor } from '../tensor/tensor.js';
import { localDerivatives, localFormula, parameterOrder, type RawNode } from './condensed.js';
import { fill } from './formulas.js';
import type { ChainPath, Factor, ScalarGradient } from './types.js';

export function scalarChains(
  order: readonly RawNode[],
  nameOf: (t: Tensor) => string,
  wrt: ReadonlySet<Tensor>,
  totals: ReadonlyMap<Tensor, Tensor>,
  maxPaths: number,
): { locals: Factor[]; grads: ScalarGradient[] } {
  // Local derivative of each edge (consumer → input) that leads to a parameter.
  const edges = new Map<RawNode, Factor[]>();
  const locals: Factor[] = [];
  const byTensor = new Map<Tensor, RawNode>(order.map((n) => [n.tensor, n]));
  for (const node of order) {
    if (node.kind === 'leaf') continue;
    const values = localDerivatives(node);
    const inputNames = node.inputs.map(nameOf);
    const factors = node.inputs.map((input, i): Factor => {
      const f = localFormula(node, i);
      const v = values[i];
      const formula = f === null ? { text: '0', latex: '0' } : fill(f, inputNames);
      return { of: nameOf(node.tensor), wrt: nameOf(input), formula, value: v === null || v === undefined ? 0 : v.item() };
    });
    edges.set(node, factors);
    // Listed from the loss down (the order backpropagation meets them), each node's inputs in order.
    locals.unshift(...factors.filter((_, i) => node.inputs[i]!.requiresGrad && [...wrt].some((p) => reaches(node.inputs[i]!, p, byTensor))));
  }
  const root = order[order.length - 1]!;
  const grads: ScalarGradient[] = [];
  // Parameters nearest the loss first, in their consumer's argument order, as the tutorial goes: w2, b2, w1, b1.
  for (const node of parameterOrder(order, wrt, byTensor)) {
    const paths: ChainPath[] = [];
    let count = 0;
    // Depth-first over paths from the root down to the parameter.
    const walk = (at: RawNode, factors: Factor[]) => {
      if (at.tensor === node.tensor) {
        count++;
        if (count <= maxPaths) paths.push({ factors: [...factors], value: factors.reduce((a, f) => a * f.value, 1) });
        return;
      }
      const fs = edges.get(at);
      if (fs === undefined) return;
      at.inputs.forEach((input, i) => {
        if (!input.requiresGrad || !reaches(input, node.tensor, byTensor)) return;
        walk(byTensor.get(input)!, [...factors, fs[i]!]);
      });
    };
    walk(root, []);
    const total = totals.get(node.tensor)?.item() ?? 0;
    grads.push({ name: nameOf(node.tensor), paths: count <= maxPaths ? paths : [], pathCount: count, value: total });
  }
  return { locals, grads };
}

const reachCache = new WeakMap<Tensor, WeakMap<Tensor, boolean>>();

/** Whether `to` is `from` or below it through inputs that require grad (cached: paths ask again and again). */
function reaches(from: Tensor, to: Tensor, byTensor: ReadonlyMap<Tensor, RawNode>): boolean {
  if (from === to) return true;
  let cache = reachCache.get(to);
  if (cache === undefined) {
    cache = new WeakMap();
    reachCache.set(to, cache);
  }
  const known = cache.get(from);
  if (known !== undefined) return known;
  const stack = [from];
  const seen = new Set<Tensor>();
  let found = false;
  while (stack.length > 0 && !found) {
    const t = stack.pop()!;
    if (t === to) found = true;
    else if (!seen.has(t)) {
      seen.add(t);
      for (const x of byTensor.get(t)?.inputs ?? []) if (x.requiresGrad) stack.push(x);
    }
  }
  cache.set(from, found);
  return found;
}
