/**
 * Loss functions, as PyTorch's functional losses: (prediction, target, { reduction }) → a
 * scalar (reduction 'mean', the default, or 'sum') or per-element losses ('none'). They are
 * composed from public ops, so their gradients (and gradients of gradients) come from autograd.
 *
 * Elementwise losses need prediction and target of the same shape; the one difference allowed
 * is a trailing dimension of size 1 ([B, 1] against [B]), where the target is reshaped to the
 * prediction's shape — never broadcast, which would silently compare every pair. Targets are
 * cast to the prediction's dtype.
 */
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { abs, add, cast, gt, log, lt, mul, neg, softplus, square, sub, where } from '../ops/elementwise.js';
import { gatherRaw } from '../ops/indexing.js';
import { logSoftmax, mean, sum } from '../ops/reduce.js';
import { reshape } from '../ops/shape.js';
import { isFloating } from '../tensor/dtype.js';
import { formatShape, shapeEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { annotate, type Composite } from '../autograd/annotate.js';
import { formula } from '../ops/primitives/helpers.js';
import { ignoredMean, keptRows } from './lossIgnore.js';
import type { Formula } from '../ops/primitives/types.js';

/** How per-element losses are combined: their mean (default), their sum, or not at all. */
export type Reduction = 'mean' | 'sum' | 'none';

export interface LossOptions {
  readonly reduction?: Reduction;
}

export interface CrossEntropyOptions extends LossOptions {
  /** A label value whose rows add nothing to the loss or the gradient (padding in a batch of sequences); default −100, as PyTorch's. The mean is over the other rows. */
  readonly ignoreIndex?: number;
}

export interface HuberOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1). */
  readonly delta?: number;
}

/** A loss as `getLoss` returns it. */
export type LossFunction = (prediction: Tensor, target: Tensor, options?: LossOptions) => Tensor;

export interface LossFormulas {
  readonly forward: readonly [string, string];
  /** ∂loss/∂prediction of one element: text and LaTeX, {0} the prediction and {1} the target. */
  readonly local: readonly [string, string];
}

const LOSS_FORMULAS: Partial<Record<string, LossFormulas>> = {
  halfSquaredError: { forward: ['½({0} − {1})²', '\\tfrac12({0} - {1})^2'], local: ['{0} − {1}', '{0} - {1}'] },
  mse: { forward: ['({0} − {1})²', '({0} - {1})^2'], local: ['2({0} − {1})', '2({0} - {1})'] },
  l1: { forward: ['|{0} − {1}|', '|{0} - {1}|'], local: ['sign({0} − {1})', '\\operatorname{sign}({0} - {1})'] },
  binaryCrossEntropy: {
    forward: ['−[{1}·log {0} + (1 − {1})·log(1 − {0})]', '-[{1}\\log {0} + (1 - {1})\\log(1 - {0})]'],
    local: ['({0} − {1}) / ({0}(1 − {0}))', '\\frac{{0} - {1}}{{0}(1 - {0})}'],
  },
  bceWithLogits: {
    forward: ['−[{1}·log σ({0}) + (1 − {1})·log(1 − σ({0}))]', '-[{1}\\log\\sigma({0}) + (1 - {1})\\log(1 - \\sigma({0}))]'],
    local: ['σ({0}) − {1}', '\\sigma({0}) - {1}'],
  },
  crossEntropy: { forward: ['−log softmax({0})[{1}]', '-\\log \\operatorname{softmax}({0})_{{1}}'], local: ['softmax({0}) − onehot({1})', '\\operatorname{softmax}({0}) - \\operatorname{onehot}({1})'] },
};

/** The per-element formulas of a known loss (by its function name), for explanations. */
export function lossFormulas(op: string): LossFormulas | undefined {
  return LOSS_FORMULAS[op];
}

/**
 * Marks a reduced loss as one 'loss' step for explanations, with its formulas: per element
 * for a single prediction, and as a mean or sum over N elements (rows, for class scores) otherwise.
 */
function annotateLoss(op: string, prediction: Tensor, target: Tensor, out: Tensor, options: LossOptions, recompute: LossFunction): Tensor {
  // Only a recorded loss is annotated (annotate ignores the rest): skip building formulas for it.
  if (out._node === null) return out;
  const reduction = options.reduction ?? 'mean';
  if (reduction === 'none') return out;
  const perRow = op === 'crossEntropy';
  const n = perRow ? (prediction.ndim === 2 ? (prediction.shape[0] ?? 1) : 1) : prediction.size;
  const scale = reduction === 'mean' && n > 1 ? n : 1;
  const formulas = lossComposite(op, reduction, scale);
  if (formulas === undefined) return out;
  // Written out, not spread: this runs for every step.
  return annotate(out, {
    op: formulas.op,
    role: formulas.role,
    inputs: [prediction, target],
    forward: formulas.forward,
    forwardTensor: formulas.forwardTensor,
    local: formulas.local,
    vjp: formulas.vjp,
    recompute: ([p, t]) => recompute(p!, t!, options),
  });
}

type LossCompositeFormulas = Omit<Composite, 'inputs' | 'recompute' | 'forwardTensor'> & { readonly forwardTensor: Formula };

/** The last formulas built: a training loop asks for the same (loss, reduction, scale) every step. */
let lastComposite: { op: string; reduction: string; scale: number; made: LossCompositeFormulas } | null = null;

/** The formulas of a loss's composite annotation for (loss, reduction, scale); undefined for a loss without formulas. */
function lossComposite(op: string, reduction: 'mean' | 'sum', scale: number): LossCompositeFormulas | undefined {
  const last = lastComposite;
  if (last !== null && last.op === op && last.reduction === reduction && last.scale === scale) return last.made;
  const f = LOSS_FORMULAS[op];
  if (f === undefined) return undefined;
  const agg = reduction === 'mean' ? ['mean ', '\\operatorname{mean} '] : ['Σ ', '\\textstyle\\sum '];
  const made: LossCompositeFormulas = {
    op,
    role: 'loss',
    forward: formula(f.forward[0], f.forward[1]),
    forwardTensor: formula(agg[0] + f.forward[0], agg[1] + f.forward[1]),
    local: [formula(f.local[0], f.local[1]), null],
    vjp: [
      scale === 1 ? formula(`{g} ⊙ (${f.local[0]})`, `{g} \\odot (${f.local[1]})`) : formula(`{g} ⊙ (${f.local[0]}) / ${scale}`, `{g} \\odot \\frac{${f.local[1]}}{${scale}}`),
      null,
    ],
  };
  lastComposite = { op, reduction, scale, made };
  return made;
}

function reduce(op: string, losses: Tensor, options: LossOptions): Tensor {
  const reduction = options.reduction ?? 'mean';
  // The mean or sum of one loss (one sample, one output, as in the tutorial) is that loss.
  if (losses.size === 1 && (reduction === 'mean' || reduction === 'sum')) return reshape(losses, []);
  switch (reduction) {
    case 'mean':
      return mean(losses);
    case 'sum':
      return sum(losses);
    case 'none':
      return losses;
    default:
      throw new ValueError(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
}

function checkPrediction(op: string, prediction: Tensor, what = 'the prediction'): void {
  if (!(prediction instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor`);
  if (!isFloating(prediction.dtype)) {
    throw new DTypeError(`${op}: ${what} must be float32 or float64, got ${prediction.dtype} (shape ${formatShape(prediction.shape)})`);
  }
}

function stripTrailingOnes(shape: readonly number[]): readonly number[] {
  let n = shape.length;
  while (n > 0 && shape[n - 1] === 1) n--;
  return shape.slice(0, n);
}

/** Checks shapes and dtypes of an elementwise loss and returns the target as the prediction's shape and dtype. */
function elementwiseTarget(op: string, prediction: Tensor, target: Tensor): Tensor {
  checkPrediction(op, prediction);
  if (!(target instanceof Tensor)) throw new ValueError(`${op}: the target must be a Tensor`);
  let t = target;
  if (!shapeEqual(prediction.shape, target.shape)) {
    if (!shapeEqual(stripTrailingOnes(prediction.shape), stripTrailingOnes(target.shape))) {
      throw new ShapeError(
        `${op}: prediction shape ${formatShape(prediction.shape)} and target shape ${formatShape(target.shape)} differ; ` +
          'the loss compares them element by element, so they must have the same shape' +
          (prediction.size === target.size ? ` (reshape the target to ${formatShape(prediction.shape)})` : ''),
      );
    }
    t = reshape(t, prediction.shape);
  }
  return t.dtype === prediction.dtype ? t : cast(t, prediction.dtype);
}

/**
 * Mean squared error: mean((y − t)²).
 * @example mse(tensor([1, 2]), tensor([1, 4])).item(); // 2
 */
export function mse(prediction: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const t = elementwiseTarget('mse', prediction, target);
  return annotateLoss('mse', prediction, target, reduce('mse', square(sub(prediction, t)), options), options, mse);
}

/**
 * Half the squared error, ½(y − t)², averaged by default: the tutorial's L = ½(y − t)² for one
 * sample, whose gradient is simply y − t.
 * @example halfSquaredError(tensor([[0.3723]], { dtype: 'float64' }), tensor([[0.6]], { dtype: 'float64' })).item(); // 0.02592…
 */
export function halfSquaredError(prediction: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const t = elementwiseTarget('halfSquaredError', prediction, target);
  return annotateLoss('halfSquaredError', prediction, target, reduce('halfSquaredError', mul(square(sub(prediction, t)), 0.5), options), options, halfSquaredError);
}

/**
 * Mean absolute error |y − t| (its gradient at y = t is 0).
 * @example l1(tensor([1, 2]), tensor([0, 4])).item(); // 1.5
 */
export function l1(prediction: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const t = elementwiseTarget('l1', prediction, target);
  return annotateLoss('l1', prediction, target, reduce('l1', abs(sub(prediction, t)), options), options, l1);
}

/**
 * Huber loss, as PyTorch's: ½d² where |d| < delta, else delta·(|d| − ½delta), with d = y − t.
 * @example huber(tensor([0.5, 3]), tensor([0, 0]), { reduction: 'none' }).toArray(); // [0.125, 2.5]
 */
export function huber(prediction: Tensor, target: Tensor, options: HuberOptions = {}): Tensor {
  const delta = options.delta ?? 1;
  if (!(typeof delta === 'number' && delta > 0 && Number.isFinite(delta))) throw new ValueError(`huber: delta must be a positive finite number, got ${delta}`);
  const t = elementwiseTarget('huber', prediction, target);
  const d = sub(prediction, t);
  const a = abs(d);
  const losses = where(lt(a, delta), mul(square(d), 0.5), mul(sub(a, 0.5 * delta), delta));
  return reduce('huber', losses, options);
}

/** log(x) clamped below at −100, as PyTorch's BCE; 0 maps to −100 with gradient 0 (never 0/0). */
function clampedLog(x: Tensor): Tensor {
  const positive = gt(x, 0);
  const l = log(where(positive, x, 1));
  return where(positive, where(lt(l, -100), -100, l), -100);
}

/**
 * Binary cross-entropy of probabilities p ∈ [0, 1] against targets t:
 * −[t·log p + (1 − t)·log(1 − p)], each log clamped at −100 as PyTorch does. For logits use
 * `bceWithLogits`, which is stabler (in float32 a probability under ~1e-38 gives an infinite gradient).
 * @example binaryCrossEntropy(tensor([0.5]), tensor([1])).item(); // 0.6931…
 */
export function binaryCrossEntropy(prediction: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const t = elementwiseTarget('binaryCrossEntropy', prediction, target);
  const p = prediction._data;
  for (let i = 0; i < p.length; i++) {
    const v = p[i] ?? 0;
    if (v < 0 || v > 1) {
      throw new ValueError(`binaryCrossEntropy: predictions must be probabilities in [0, 1], got ${v} at flat index ${i}; for logits (unbounded scores) use bceWithLogits`);
    }
  }
  const losses = neg(add(mul(t, clampedLog(prediction)), mul(sub(1, t), clampedLog(sub(1, prediction)))));
  return annotateLoss('binaryCrossEntropy', prediction, target, reduce('binaryCrossEntropy', losses, options), options, binaryCrossEntropy);
}

/**
 * Binary cross-entropy of logits x (σ(x) is the probability) against targets t, computed stably
 * as softplus(x) − x·t = max(x, 0) − x·t + log(1 + e^−|x|), finite for logits like ±1000.
 * @example bceWithLogits(tensor([0]), tensor([1])).item(); // 0.6931…
 */
export function bceWithLogits(prediction: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const t = elementwiseTarget('bceWithLogits', prediction, target);
  return annotateLoss('bceWithLogits', prediction, target, reduce('bceWithLogits', sub(softplus(prediction), mul(prediction, t)), options), options, bceWithLogits);
}

/** Checks class scores [B, C] (or [C]) and returns them as [B, C] with a flag for the unbatched form. */
function classScores(op: string, scores: Tensor, what: string): { scores2d: Tensor; unbatched: boolean } {
  checkPrediction(op, scores, what);
  if (scores.ndim !== 1 && scores.ndim !== 2) {
    throw new ShapeError(`${op}: ${what} must have shape [batch, classes] or [classes], got ${formatShape(scores.shape)}`);
  }
  return scores.ndim === 1 ? { scores2d: reshape(scores, [1, scores.shape[0] ?? 0]), unbatched: true } : { scores2d: scores, unbatched: false };
}

/** −logp[i, label_i] for int32 labels, with the labels checked: shape [B] (or [] unbatched) and range. */
function pickLabels(op: string, logp: Tensor, labels: Tensor, unbatched: boolean, what: string, original: readonly number[], ignoreIndex?: number): Tensor {
  const [batch, classes] = [logp.shape[0] ?? 0, logp.shape[1] ?? 0];
  const expected = unbatched ? [] : [batch];
  if (!shapeEqual(labels.shape, expected)) {
    throw new ShapeError(
      `${op}: class labels for ${what} ${formatShape(original)} must have shape ${formatShape(expected)}, got ${formatShape(labels.shape)}` +
        (labels.size === batch ? ` (use labels.reshape(${formatShape(expected)}))` : ''),
    );
  }
  const data = labels._data;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] ?? 0;
    if ((v < 0 || v >= classes) && v !== ignoreIndex) {
      throw new ValueError(`${op}: label ${v} (row ${i}) is out of range for ${classes} classes; labels must be integers in [0, ${classes})${ignoreIndex === undefined ? '' : ` or the ignored label ${ignoreIndex}`}`);
    }
  }
  const picked = gatherRaw(logp, 1, reshape(labels, [batch, 1]));
  return neg(reshape(picked, unbatched ? [] : [batch]));
}

/**
 * Cross-entropy of logits [B, C] (or [C]) against int32 class labels [B] (or a 0-d label), or
 * against class probabilities / one-hot targets of the logits' shape; computed stably with
 * logSoftmax (finite for logits like ±1000). 'none' gives one loss per row.
 * @example
 * const logits = tensor([[2, 0, 0], [0, 0, 2]]);
 * crossEntropy(logits, tensor([0, 2], { dtype: 'int32' })).item(); // 0.2395…
 * crossEntropy(logits, tensor([[1, 0, 0], [0, 0, 1]])).item();     // the same, from one-hot targets
 */
export function crossEntropy(prediction: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  const { scores2d, unbatched } = classScores(op, prediction, 'logits');
  if (!(target instanceof Tensor)) throw new ValueError(`${op}: the target must be a Tensor`);
  const logp = logSoftmax(scores2d, 1);
  let losses: Tensor;
  if (target.dtype === 'int32') {
    const ignoreIndex = options.ignoreIndex ?? -100;
    const kept = keptRows(target, ignoreIndex);
    if (kept !== null) return ignoredMean(op, target, kept, ignoreIndex, options, (labels, ignore) => pickLabels(op, logp, labels, unbatched, 'logits', prediction.shape, ignore));
    losses = pickLabels(op, logp, target, unbatched, 'logits', prediction.shape);
  } else if (isFloating(target.dtype)) {
    if (!shapeEqual(target.shape, prediction.shape)) {
      throw new ShapeError(
        `${op}: probability (or one-hot) targets must have the logits' shape ${formatShape(prediction.shape)}, got ${formatShape(target.shape)}; ` +
          "class labels must be int32 (target.cast('int32'))",
      );
    }
    const t = reshape(target.dtype === prediction.dtype ? target : cast(target, prediction.dtype), scores2d.shape);
    const rows = neg(sum(mul(t, logp), 1));
    losses = unbatched ? reshape(rows, []) : rows;
  } else {
    throw new DTypeError(`${op}: targets must be int32 class labels or float class probabilities, got ${target.dtype}`);
  }
  return annotateLoss(op, prediction, target, reduce(op, losses, options), options, crossEntropy);
}

/**
 * Negative log-likelihood of log-probabilities [B, C] (e.g. from logSoftmax) at int32 labels [B]:
 * −logp[i, label_i]. crossEntropy(x, labels) equals nll(logSoftmax(x), labels).
 * @example nll(logSoftmax(tensor([[2, 0, 0]])), tensor([0], { dtype: 'int32' })).item(); // 0.2395…
 */
export function nll(prediction: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const op = 'nll';
  const { scores2d, unbatched } = classScores(op, prediction, 'log-probabilities');
  if (!(target instanceof Tensor)) throw new ValueError(`${op}: the target must be a Tensor`);
  if (target.dtype !== 'int32') {
    throw new DTypeError(`${op}: targets must be int32 class labels, got ${target.dtype}; for probability targets use crossEntropy on the logits`);
  }
  return reduce(op, pickLabels(op, scores2d, target, unbatched, 'log-probabilities', prediction.shape), options);
}

/** The canonical loss names. */
export type LossName = 'mse' | 'halfSquaredError' | 'l1' | 'huber' | 'binaryCrossEntropy' | 'bceWithLogits' | 'crossEntropy' | 'nll';

const LOSSES: Readonly<Record<LossName, LossFunction>> = {
  mse,
  halfSquaredError,
  l1,
  huber,
  binaryCrossEntropy,
  bceWithLogits,
  crossEntropy,
  nll,
};

/** Other names `getLoss` accepts (the CLI's short spellings). */
export const LOSS_ALIASES: Readonly<Record<string, LossName>> = {
  'half-mse': 'halfSquaredError',
  bce: 'binaryCrossEntropy',
  mae: 'l1',
};

/** The canonical names, in a stable order. */
export const LOSS_NAMES: readonly LossName[] = ['mse', 'halfSquaredError', 'l1', 'huber', 'binaryCrossEntropy', 'bceWithLogits', 'crossEntropy', 'nll'];

/**
 * The loss function for a name or alias ('mse', 'halfSquaredError' or 'half-mse', 'l1' or 'mae',
 * 'huber', 'binaryCrossEntropy' or 'bce', 'bceWithLogits', 'crossEntropy', 'nll').
 * @example getLoss('bce') === binaryCrossEntropy; // true
 */
export function getLoss(name: string): LossFunction {
  const canonical = canonicalLossName(name);
  if (canonical === undefined) {
    const aliases = new Map<string, string[]>();
    for (const [alias, target] of Object.entries(LOSS_ALIASES)) aliases.set(target, [...(aliases.get(target) ?? []), alias]);
    const listed = LOSS_NAMES.map((n) => (aliases.has(n) ? `${n} (${(aliases.get(n) ?? []).join(', ')})` : n));
    throw new ValueError(`getLoss: unknown loss '${name}'; valid names: ${listed.join(', ')}`);
  }
  return LOSSES[canonical];
}

/**
 * The canonical name of a loss name or alias, or undefined.
 * @example canonicalLossName('half-mse'); // 'halfSquaredError'
 */
export function canonicalLossName(name: string): LossName | undefined {
  if (Object.hasOwn(LOSSES, name)) return name as LossName;
  return Object.hasOwn(LOSS_ALIASES, name) ? LOSS_ALIASES[name] : undefined;
}
