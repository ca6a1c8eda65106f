/**
 * One sample's scalar view of an MLP: the network unrolled neuron by neuron into a graph of
 * single numbers (W1[0,1], z1[0], h1[0], y, L), so that `explain` writes the chain rule for each
 * chosen weight element as the reference tutorial writes it for w1: a product of local
 * derivatives along each path from the loss, summed over the paths through the hidden units.
 */
import { annotate, type Composite } from '../autograd/annotate.js';
import { gradients } from '../autograd/functional.js';
import { enableGrad } from '../autograd/mode.js';
import { ShapeError, ValueError } from '../errors.js';
import { lossFormulas, type LossFunction } from '../nn/losses.js';
import type { Module } from '../nn/module.js';
import { stagesOf, type Stage } from '../nn/stages.js';
import { add, mul } from '../ops/elementwise.js';
import { softmax } from '../ops/reduce.js';
import { concat, narrow } from '../ops/shape.js';
import { formula } from '../ops/primitives/helpers.js';
import type { Formula } from '../ops/primitives/types.js';
import { tensor } from '../tensor/create.js';
import { isFloating } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { explain } from './explain.js';
import { activationName, biasName, elementName, INPUT_NAME, isGenericName, latexName, OUTPUT_NAME, preActivationName, TARGET_NAME, unitName, weightName } from './names.js';
import type { Explanation } from './types.js';

export interface SampleExplainOptions {
  /** Show the SGD update of the explained elements with this learning rate. */
  readonly lr?: number;
  /**
   * The weight and bias elements to explain, by name: `W1[0,1]`, `b2[0]` (a layer of one unit
   * drops the index, though `b2[0]` names it too, and named parameters keep their names: the
   * tutorial's `w1`). Default: every element when the network has at most 64, else for each
   * parameter tensor the element with the largest |∂L/∂p| on this sample.
   */
  readonly parameters?: readonly string[];
  /** Paths listed per element before only the total is given (default 16). */
  readonly maxPaths?: number;
  /** The most multiply-adds the unrolled network may have (default 250,000). */
  readonly maxSize?: number;
}

/** A scalar element of a parameter tensor, as the unrolled graph holds it. */
interface Element {
  readonly name: string;
  readonly tensor: Tensor;
  readonly parameter: Tensor;
}

function asRow(value: Tensor, what: string): number[] {
  if (!(value instanceof Tensor)) throw new ValueError(`explainSample: ${what} must be a Tensor`);
  if (value.ndim > 2 || (value.ndim === 2 && value.shape[0] !== 1)) {
    throw new ShapeError(`explainSample: ${what} must be one sample, shape [n] or [1, n], got ${formatShape(value.shape)}`);
  }
  return Array.from(value._data as ArrayLike<number>, Number);
}

/** The neuron z = Σᵢ wᵢ·aᵢ + b as one 'linear' step, inputs [a…, w…, b]. */
function neuron(inputs: readonly Tensor[], weights: readonly Tensor[], bias: Tensor | null, names: { a: string[]; w: string[]; b: string | null }): Tensor {
  let acc = mul(weights[0]!, inputs[0]!);
  for (let i = 1; i < inputs.length; i++) acc = add(acc, mul(weights[i]!, inputs[i]!));
  if (bias !== null) acc = add(acc, bias);
  const n = inputs.length;
  let forward: Formula;
  if (n <= 4) {
    const terms = inputs.map((_, i) => ({ text: `{${n + i}}·{${i}}`, latex: `{${n + i}} \\cdot {${i}}` }));
    if (bias !== null) terms.push({ text: `{${2 * n}}`, latex: `{${2 * n}}` });
    forward = formula(terms.map((t) => t.text).join(' + '), terms.map((t) => t.latex).join(' + '));
  } else {
    // Too many terms to write out: the sum over the inputs, in the names of the first.
    const w = names.w[0]!.replace(/,?0\]$/, ',i]').replace(/\[i\]$/, '[i]');
    const a = names.a[0]!.replace(/\[0\]$/, '[i]');
    const b = names.b === null ? '' : ` + ${names.b}`;
    const bl = names.b === null ? '' : ` + ${latexName(names.b)}`;
    forward = formula(`Σᵢ ${w}·${a}${b}`, `\\textstyle\\sum_i ${latexName(w)} \\cdot ${latexName(a)}${bl}`);
  }
  const local: Formula[] = [
    ...inputs.map((_, i) => formula(`{${n + i}}`, `{${n + i}}`)),
    ...inputs.map((_, i) => formula(`{${i}}`, `{${i}}`)),
    ...(bias === null ? [] : [formula('1', '1')]),
  ];
  const info: Composite = {
    op: 'linear',
    role: 'linear',
    inputs: [...inputs, ...weights, ...(bias === null ? [] : [bias])],
    forward,
    local,
    vjp: local.map((f) => (f.text === '1' ? formula('{g}', '{g}') : formula(`{g}·${f.text}`, `{g} \\cdot ${f.latex}`))),
    recompute: (xs) => {
      let s = mul(xs[n]!, xs[0]!);
      for (let i = 1; i < n; i++) s = add(s, mul(xs[n + i]!, xs[i]!));
      return bias === null ? s : add(s, xs[2 * n]!);
    },
  };
  return annotate(acc, info);
}

/** Softmax over a layer's units, unit k as one 'activation' step reading every z. */
function softmaxUnit(zs: readonly Tensor[], k: number, zNames: readonly string[], outNames: readonly string[]): Tensor {
  const recompute = (xs: readonly Tensor[]) => narrow(softmax(concat([...xs], 1), -1), 1, k, 1);
  const out = recompute(zs);
  const all = zs.map((_, i) => `exp({${i}})`);
  const forward =
    zs.length <= 4
      ? formula(`exp({${k}}) / (${all.join(' + ')})`, `\\frac{e^{{${k}}}}{${zs.map((_, i) => `e^{{${i}}}`).join(' + ')}}`)
      : formula(`exp({${k}}) / Σⱼ exp(${zNames[0]!.replace(/\[0\]$/, '[j]')})`, `\\frac{e^{{${k}}}}{\\sum_j e^{${latexName(zNames[0]!.replace(/\[0\]$/, '[j]'))}}}`);
  // ∂yₖ/∂zₖ = yₖ(1 − yₖ) and ∂yₖ/∂zᵢ = −yₖ·yᵢ, in the layer's own output names.
  const y = outNames[k]!;
  const local = zs.map((_, i) =>
    i === k ? formula(`${y}(1 − ${y})`, `${latexName(y)}(1 - ${latexName(y)})`) : formula(`−${y}·${outNames[i]!}`, `-${latexName(y)} \\cdot ${latexName(outNames[i]!)}`),
  );
  return annotate(out, {
    op: 'softmax',
    role: 'activation',
    inputs: [...zs],
    forward,
    local,
    vjp: local.map((f) => formula(`{g}·${f.text}`, `{g} \\cdot ${f.latex}`)),
    recompute,
  });
}

/** The loss as one 'loss' step over the output units (and the target's elements, when there is one per output). */
function outputLoss(loss: LossFunction, ys: readonly Tensor[], yNames: readonly string[], target: Tensor, dtype: Tensor['dtype']): Tensor {
  const op = loss.name;
  const K = ys.length;
  // crossEntropy with float targets reads them as class probabilities (or one-hot rows), one per output.
  const probabilities = op === 'crossEntropy' && isFloating(target.dtype);
  if (!probabilities && (op === 'crossEntropy' || op === 'nll')) {
    if (target.dtype !== 'int32') {
      throw new ValueError(`explainSample: ${op} needs the target as an int32 class label (or, for crossEntropy, float class probabilities), got ${target.dtype} (shape ${formatShape(target.shape)})`);
    }
    const row = asRow(target, 'the target');
    if (row.length !== 1) throw new ShapeError(`explainSample: ${op} needs one class label for the sample, got ${row.length} values (shape ${formatShape(target.shape)})`);
    const c = row[0]!;
    if (!Number.isInteger(c) || c < 0 || c >= K) throw new ValueError(`explainSample: ${op} needs the target class index in [0, ${K}) (the network has ${K} outputs), got ${c}`);
    // The label as the loss takes it for one row of scores [1, K]: shape [1] (a 0-d label would not do).
    const label = tensor([c], { dtype: 'int32' });
    const out = loss(concat([...ys], 1), label);
    const forward =
      op === 'crossEntropy'
        ? formula(`−log softmax(y)[${c}]`, `-\\log \\operatorname{softmax}(y)_{${c}}`)
        : formula(`−${yNames[c]}`, `-${latexName(yNames[c]!)}`);
    const local = ys.map((_, k) =>
      op === 'nll'
        ? k === c
          ? formula('−1', '-1')
          : formula('0', '0')
        : k === c
          ? formula(`softmax(y)[${k}] − 1`, `\\operatorname{softmax}(y)_{${k}} - 1`)
          : formula(`softmax(y)[${k}]`, `\\operatorname{softmax}(y)_{${k}}`),
    );
    return annotate(out, { op, role: 'loss', inputs: [...ys], forward, local, vjp: local.map((f) => formula(`{g}·${f.text}`, `{g} \\cdot ${f.latex}`)), recompute: (xs) => loss(concat(xs.slice(0, K), 1), label) });
  }
  // One target per output: t[k] is an input of the loss step next to y[k].
  const tv = asRow(target, 'the target');
  if (tv.length !== K) {
    const counts = `the network has ${K} outputs but the target has ${tv.length} values (shape ${formatShape(target.shape)})`;
    throw new ShapeError(
      probabilities ? `explainSample: crossEntropy with ${target.dtype} targets reads them as class probabilities, one per output: ${counts}; a class label must be int32` : `explainSample: ${counts}`,
    );
  }
  const ts = tv.map((v, k) => tensor([[v]], { dtype, name: unitName(TARGET_NAME, k, K) }));
  const out = loss(concat([...ys], 1), concat(ts, 1));
  const { forward, local } = probabilities ? probabilityFormulas(tv) : perOutputFormulas(op, yNames);
  // A difference (softmax(y)ₖ − tₖ) is multiplied in parentheses.
  const factor = (s: string) => (probabilities ? `(${s})` : s);
  return annotate(out, {
    op,
    role: 'loss',
    inputs: [...ys, ...ts],
    forward,
    local: [...local, ...ts.map(() => null)],
    vjp: [...local.map((l) => formula(`{g}·${factor(l.text)}`, `{g} \\cdot ${factor(l.latex)}`)), ...ts.map(() => null)],
    recompute: (xs) => loss(concat(xs.slice(0, K), 1), concat(xs.slice(K), 1)),
  });
}

/** crossEntropy of class probabilities t, over the outputs {0}…{K−1} and targets {K}…{2K−1}. */
function probabilityFormulas(tv: readonly number[]): { forward: Formula; local: Formula[] } {
  const K = tv.length;
  // L = −Σₖ tₖ·log softmax(y)ₖ and ∂L/∂yₖ = softmax(y)ₖ·Σⱼtⱼ − tₖ, which is softmax(y)ₖ − tₖ when the targets sum to 1.
  const normalised = Math.abs(tv.reduce((a, v) => a + v, 0) - 1) < 1e-6;
  const forward =
    K <= 3
      ? formula(`−(${tv.map((_, k) => `{${K + k}}·log softmax(y)[${k}]`).join(' + ')})`, `-\\left(${tv.map((_, k) => `{${K + k}} \\log \\operatorname{softmax}(y)_{${k}}`).join(' + ')}\\right)`)
      : formula('−Σₖ t[k]·log softmax(y)[k]', '-\\textstyle\\sum_k t_k \\log \\operatorname{softmax}(y)_k');
  const local = tv.map((_, k) =>
    normalised
      ? formula(`softmax(y)[${k}] − {${K + k}}`, `\\operatorname{softmax}(y)_{${k}} - {${K + k}}`)
      : formula(`softmax(y)[${k}]·Σⱼ t[j] − {${K + k}}`, `\\operatorname{softmax}(y)_{${k}} \\textstyle\\sum_j t_j - {${K + k}}`),
  );
  return { forward, local };
}

/** An elementwise loss averaged over the K outputs {0}…{K−1} and their targets {K}…{2K−1}, from the loss's own formulas. */
function perOutputFormulas(op: string, yNames: readonly string[]): { forward: Formula; local: Formula[] } {
  const K = yNames.length;
  const f = lossFormulas(op);
  if (f === undefined) {
    return {
      forward: formula(`${op || 'loss'}(y, t)`, `\\operatorname{${op || 'loss'}}(y, t)`),
      local: yNames.map((y) => formula(`∂${op || 'loss'}/∂${y}`, `\\partial\\,\\operatorname{${op || 'loss'}} / \\partial ${latexName(y)}`)),
    };
  }
  // Numbers in braces are written { 1}, not {1}: explain fills every {digits} with an input's name
  // (regression: \tfrac{1}{2} became \tfracy[1]t[0], and ∂L/∂y[0]'s denominator t[0]).
  // {0} → output k's placeholder, {1} → its target's, in one pass (so a new {1} is not replaced again).
  const at = (template: string, k: number) => template.replace(/\{([01])\}/g, (_, d: string) => (d === '0' ? `{${k}}` : `{${K + k}}`));
  const terms = yNames.map((_, k) => ({ text: at(f.forward[0], k), latex: at(f.forward[1], k) }));
  const forward =
    K <= 3
      ? formula(`(${terms.map((t) => t.text).join(' + ')}) / ${K}`, `\\tfrac{ 1}{ ${K}}\\left(${terms.map((t) => t.latex).join(' + ')}\\right)`)
      : formula(`(1/${K}) Σₖ ${f.forward[0].replaceAll('{0}', 'y[k]').replaceAll('{1}', 't[k]')}`, `\\tfrac{ 1}{ ${K}}\\textstyle\\sum_k ${f.forward[1].replaceAll('{0}', 'y_k').replaceAll('{1}', 't_k')}`);
  const local = yNames.map((_, k) => formula(`(${at(f.local[0], k)}) / ${K}`, `\\frac{${at(f.local[1], k)}}{ ${K}}`));
  return { forward, local };
}

function baseNames(stages: readonly Stage[]): { weight: string; bias: string }[] {
  return stages.map((s, k) => ({
    weight: isGenericName(s.linear.weight.name) ? weightName(k + 1) : s.linear.weight.name!,
    bias: isGenericName(s.linear.bias?.name) ? biasName(k + 1) : s.linear.bias!.name!,
  }));
}

/**
 * The chain rule for one sample, neuron by neuron: an MLP (a Sequential of Linear layers and
 * activations, as `mlp` builds) unrolled into single numbers, explained in scalar form — each
 * chosen weight element's gradient as products of local derivatives along its paths from the
 * loss, summed over the paths (one through each output unit it reaches). For the tutorial
 * network this is the tutorial's own derivation.
 * @example
 * const model = mlp([2, 2, 1], { activation: 'tanh', seed: 1 });
 * const e = explainSample(model, tensor([[0.5, -1]]), tensor([[1]]), halfSquaredError, { parameters: ['W1[0,1]'] });
 * e.gradients[0].paths.length; // 1
 */
export function explainSample(model: Module, input: Tensor, target: Tensor, loss: LossFunction, options: SampleExplainOptions = {}): Explanation {
  const stages = stagesOf(model, 'explainSample');
  if (typeof loss !== 'function') throw new ValueError('explainSample: loss must be a loss function (prediction, target) → scalar, e.g. halfSquaredError');
  const first = stages[0]!.linear;
  const xs = asRow(input, 'the input');
  asRow(target, 'the target');
  if (xs.length !== first.inFeatures) throw new ShapeError(`explainSample: the network takes ${first.inFeatures} inputs but the sample has ${xs.length} (shape ${formatShape(input.shape)})`);
  const size = stages.reduce((a, s) => a + s.linear.inFeatures * s.linear.outFeatures, 0);
  const maxSize = options.maxSize ?? 250_000;
  if (size > maxSize) {
    throw new ValueError(`explainSample: the network has ${size} weights, more than maxSize ${maxSize} to unroll into single numbers; use explain(loss, { sample }) for the layer-level form`);
  }
  const dtype = first.dtype;
  const bases = baseNames(stages);
  const elements: Element[] = [];
  const hiddenUnits = stages.slice(0, -1).reduce((a, s) => a + (s.activation === null ? 0 : s.linear.outFeatures), 0);

  const L = enableGrad(() => {
    let a = xs.map((v, i) => tensor([[v]], { dtype, name: unitName(INPUT_NAME, i, xs.length) }));
    let aNames = a.map((t) => t.name!);
    stages.forEach((s, k) => {
      const last = k === stages.length - 1;
      const { inFeatures: n, outFeatures: m } = s.linear;
      const W = s.linear.weight;
      const b = s.linear.bias;
      // Copied: the tensors made below may reorganise the backend's memory (Tensor._data).
      const Wd = Array.from(W._data as ArrayLike<number>, Number);
      const bd = b === null ? null : Array.from(b._data as ArrayLike<number>, Number);
      const zs: Tensor[] = [];
      const zNames: string[] = [];
      const outBase = last && s.activation === null ? OUTPUT_NAME : preActivationName(k + 1);
      for (let j = 0; j < m; j++) {
        const ws = Array.from({ length: n }, (_, i) => {
          const name = elementName(bases[k]!.weight, [j, i], W.size);
          const t = tensor([[Wd[j * n + i]!]], { dtype, requiresGrad: true, name });
          elements.push({ name, tensor: t, parameter: W });
          return t;
        });
        let bt: Tensor | null = null;
        if (b !== null) {
          const name = elementName(bases[k]!.bias, [j], b.size);
          bt = tensor([[bd![j]!]], { dtype, requiresGrad: true, name });
          elements.push({ name, tensor: bt, parameter: b });
        }
        const z = neuron(a, ws, bt, { a: aNames, w: ws.map((t) => t.name!), b: bt?.name ?? null });
        z.name = unitName(outBase, j, m);
        zs.push(z);
        zNames.push(z.name);
      }
      if (s.activation === null) {
        a = zs;
      } else if (s.activation.mixing) {
        const hNames = zs.map((_, j) => unitName(activationName(k + 1, last ? 'output' : 'hidden'), j, m));
        a = zs.map((_, j) => softmaxUnit(zs, j, zNames, hNames));
        a.forEach((t, j) => (t.name = hNames[j]!));
      } else {
        const act = s.activation.module;
        const place = last ? 'output' : hiddenUnits === 1 ? 'only' : 'hidden';
        a = zs.map((z, j) => {
          const h = act.forward(z);
          h.name = unitName(activationName(k + 1, place), j, m);
          return h;
        });
      }
      aNames = a.map((t) => t.name!);
    });
    // Class losses read the single output as a row of one class score, as the batched model's loss does.
    if (a.length === 1 && loss.name !== 'crossEntropy' && loss.name !== 'nll') {
      const tv = asRow(target, 'the target');
      if (tv.length !== 1) throw new ShapeError(`explainSample: the network has 1 output but the target has ${tv.length} values (shape ${formatShape(target.shape)})`);
      return loss(a[0]!, tensor([tv], { dtype, name: TARGET_NAME }));
    }
    return outputLoss(loss, a, aNames, target, dtype);
  });
  if (!(L instanceof Tensor) || L.size !== 1) throw new ValueError(`explainSample: the loss must return a scalar tensor (its default 'mean' or 'sum' reduction)`);

  const chosen = chooseElements(elements, options.parameters, L);
  return explain(L, { wrt: chosen.map((e) => e.tensor), ...(options.lr === undefined ? {} : { lr: options.lr }), ...(options.maxPaths === undefined ? {} : { maxPaths: options.maxPaths }) });
}

/** The element names of each parameter tensor, with their index ranges: W1[0..2,0..1], b1[0..2], W2[0,0..2], b2. */
function describeElements(elements: readonly Element[]): string {
  // Each parameter tensor by its first element's name (W1[0,0], or b2 for a single element).
  const first = new Map<Tensor, string>();
  for (const e of elements) if (!first.has(e.parameter)) first.set(e.parameter, e.name);
  const range = (n: number) => (n === 1 ? '0' : `0..${n - 1}`);
  return [...first]
    .map(([p, name]) => {
      if (p.size === 1) return name;
      const base = name.replace(/\[[^\]]*\]$/, '');
      return p.ndim === 2 ? `${base}[${range(p.shape[0]!)},${range(p.shape[1]!)}]` : `${base}[${range(p.size)}]`;
    })
    .join(', ');
}

/** `parameters` names an element the model does not have (a ValueError; the CLI reports it as a usage error). */
export class UnknownElementError extends ValueError {
  override name = 'UnknownElementError';
}

function chooseElements(elements: readonly Element[], names: readonly string[] | undefined, L: Tensor): Element[] {
  if (names !== undefined) {
    if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) {
      throw new ValueError(`explainSample: parameters must be an array of element names such as ['W1[0,1]', 'b2[0]'], got ${JSON.stringify(names)}`);
    }
    const byName = new Map(elements.map((e) => [e.name, e]));
    return names.map((n) => {
      // A parameter of one element is named without an index (b2), but b2[0] and W2[0,0] name it too.
      const e = byName.get(n) ?? byName.get(n.replace(/\[0(?:,0)*\]$/, ''));
      if (e === undefined) throw new UnknownElementError(`explainSample: no parameter element named '${n}'; the elements are ${describeElements(elements)}`);
      return e;
    });
  }
  if (elements.length <= 64) return [...elements];
  // Per parameter tensor, the element this sample pushes hardest, by autograd on the unrolled
  // graph itself: the very numbers explained (the batched model would need the target in its
  // loss's shape, and would run Dropout in training mode).
  const grads = gradients([L], elements.map((e) => e.tensor));
  const best = new Map<Tensor, { element: Element; size: number }>();
  elements.forEach((e, i) => {
    const size = Math.abs(grads[i]?.item() ?? 0);
    const held = best.get(e.parameter);
    if (held === undefined || size > held.size) best.set(e.parameter, { element: e, size });
  });
  return [...best.values()].map((b) => b.element);
}
