/** The backward pass in layer-level form: ∂L/∂t = Σ over t's consumers of their backward rules, with shapes. */
import type { Tensor } from '../tensor/tensor.js';
import { vjpFormula, type RawNode } from './condensed.js';
import { derivative, fill } from './formulas.js';
import type { TensorGradientStep } from './types.js';

export function tensorBackward(order: readonly RawNode[], nameOf: (t: Tensor) => string, totals: ReadonlyMap<Tensor, Tensor>, loss: Tensor): TensorGradientStep[] {
  const consumers = new Map<Tensor, { node: RawNode; input: number }[]>();
  for (const node of order) {
    node.inputs.forEach((x, i) => {
      if (!x.requiresGrad) return;
      const list = consumers.get(x) ?? [];
      list.push({ node, input: i });
      consumers.set(x, list);
    });
  }
  const steps: TensorGradientStep[] = [];
  for (const node of [...order].reverse()) {
    const t = node.tensor;
    if (t === loss || !t.requiresGrad) continue;
    const g = totals.get(t);
    if (g === undefined) continue;
    const terms = (consumers.get(t) ?? []).map(({ node: c, input }) => {
      const rule = vjpFormula(c, input) ?? { text: `vjp_${c.op ?? '?'}({g})`, latex: `\\operatorname{vjp}_{${c.op ?? '?'}}({g})` };
      const upstream = c.tensor === loss ? { text: '1', latex: '1' } : derivative(loss.name ?? nameOf(loss), nameOf(c.tensor));
      const filled = fill(rule, c.inputs.map(nameOf), c.tensor === loss ? { text: '', latex: '' } : upstream);
      const text = filled.text.replace(/^ ⊙ /, '').replace(/^·/, '');
      const latex = filled.latex.replace(/^ \\odot /, '').replace(/^\\, /, '');
      return { text, latex };
    });
    const lhs = derivative(nameOf(loss), nameOf(t));
    steps.push({
      name: nameOf(t),
      formula: { text: `${lhs.text} = ${terms.map((x) => x.text).join(' + ')}`, latex: `${lhs.latex} = ${terms.map((x) => x.latex).join(' + ')}` },
      shape: t.shape,
      grad: g,
      isParameter: t._node === null,
    });
  }
  return steps;
}
