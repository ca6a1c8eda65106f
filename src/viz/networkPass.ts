/** The numbers a network diagram shows: one sample's forward pass and, when asked, the gradients of its loss. */
import { gradients } from '../autograd/functional.js';
import { noGrad, withGradMode } from '../autograd/mode.js';
import { ShapeError, ValueError } from '../errors.js';
import { describeModule, type Stage } from '../nn/stages.js';
import { tensor } from '../tensor/create.js';
import { isFloating } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { NetworkLoss, NetworkSample } from './networkTypes.js';

export interface Pass {
  readonly x: number[];
  /** Pre-activations z of each stage (the Linear outputs). */
  readonly z: number[][];
  /** Activations h of each stage (z itself without an activation); the last is the output y. */
  readonly h: number[][];
  readonly loss: number | null;
  readonly target: number[] | null;
}

export interface Grads {
  readonly dx: number[];
  readonly dz: number[][];
  readonly dh: number[][];
  /** ∂L/∂W of each stage, row-major [out, in]. */
  readonly dW: number[][];
  readonly db: (number[] | null)[];
}

export function values(t: Tensor): number[] {
  return Array.from(t.data(), Number);
}

export function inputValues(value: NetworkSample, n: number): number[] {
  const expect = `one sample of shape [${n}] or [1, ${n}]`;
  let out: number[];
  if (value instanceof Tensor) {
    const okShape = (value.ndim === 1 && value.shape[0] === n) || (value.ndim === 2 && value.shape[0] === 1 && value.shape[1] === n);
    if (!okShape) throw new ShapeError(`networkSvg: the input must be ${expect}, got shape ${formatShape(value.shape)}`);
    out = values(value);
  } else if (typeof value === 'number') {
    if (n !== 1) throw new ShapeError(`networkSvg: the input must be ${expect}, got the single number ${value}`);
    out = [value];
  } else if (Array.isArray(value)) {
    const list: readonly unknown[] = value;
    if (list.length !== n || !list.every((v) => typeof v === 'number')) {
      throw new ShapeError(`networkSvg: the input must be ${expect}, got a list of ${list.length} entries`);
    }
    out = [...value];
  } else {
    throw new ValueError(`networkSvg: the input must be a Tensor, a number or a list of numbers, got ${describeModule(value)}`);
  }
  return out;
}

export function targetTensor(value: NetworkSample, outFeatures: number, dtype: Tensor['dtype']): Tensor {
  if (value instanceof Tensor) {
    // A 1-D target of the output's size is one sample's row; anything else (class indices) goes to the loss as given.
    if (value.ndim === 1 && value.size === outFeatures && isFloating(value.dtype)) return tensor(value, { shape: [1, outFeatures] });
    return tensor(value);
  }
  if (typeof value === 'number') return tensor([[value]], { dtype });
  if (Array.isArray(value)) {
    const list: readonly unknown[] = value;
    if (!list.every((v) => typeof v === 'number')) throw new ValueError('networkSvg: the target list must hold numbers');
    return tensor([[...value]], { dtype });
  }
  throw new ValueError(`networkSvg: the target must be a Tensor, a number or a list of numbers, got ${describeModule(value)}`);
}

export function evaluate(stages: readonly Stage[], input: number[], target: Tensor | null, loss: NetworkLoss | null, withGrads: boolean): { pass: Pass; grads: Grads | null } {
  const first = stages[0];
  if (first === undefined) throw new ValueError('networkSvg: nothing to evaluate');
  const run = () => {
    const x = tensor([input], { dtype: first.linear.dtype, requiresGrad: withGrads, name: 'x' });
    const zs: Tensor[] = [];
    const hs: Tensor[] = [];
    let a = x;
    for (const s of stages) {
      const z = s.linear.forward(a);
      const h = s.activation === null ? z : s.activation.module.forward(z);
      zs.push(z);
      hs.push(h);
      a = h;
    }
    let L: Tensor | null = null;
    if (target !== null && loss !== null) {
      const out: unknown = loss(a, target);
      if (!(out instanceof Tensor) || out.size !== 1) {
        const got = out instanceof Tensor ? `shape ${formatShape(out.shape)}` : describeModule(out);
        throw new ValueError(`networkSvg: the loss must return a scalar tensor (use its default 'mean' or 'sum' reduction), got ${got}`);
      }
      L = out;
    }
    const pass: Pass = {
      x: values(x),
      z: zs.map(values),
      h: hs.map(values),
      loss: L === null ? null : L.item(),
      target: target === null ? null : values(target),
    };
    if (!withGrads || L === null) return { pass, grads: null };
    const weights = stages.map((s) => s.linear.weight);
    const biases = stages.flatMap((s) => (s.linear.bias === null ? [] : [s.linear.bias]));
    // gradients() returns the values without accumulating into .grad: drawing must not change the model.
    const g = gradients([L], [x, ...zs, ...hs, ...weights, ...biases]).map(values);
    const n = stages.length;
    let k = 1 + 3 * n;
    const db = stages.map((s) => (s.linear.bias === null ? null : (g[k++] ?? [])));
    const grads: Grads = {
      dx: g[0] ?? [],
      dz: g.slice(1, 1 + n),
      dh: g.slice(1 + n, 1 + 2 * n),
      dW: g.slice(1 + 2 * n, 1 + 3 * n),
      db,
    };
    return { pass, grads };
  };
  return withGrads ? withGradMode(true, run) : noGrad(run);
}
