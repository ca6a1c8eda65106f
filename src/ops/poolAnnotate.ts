/**
 * 2-d pooling's output as one step for explanations (see autograd/annotate.ts): the argmax
 * primitive, the gather and the reshapes of max pooling, or the windowMean and reshapes of average
 * pooling, read as the layer's own rule (explain/otherRules.ts). The window geometry is kept beside
 * the step, with max pooling's argmax indices, so the rule routes δ exactly as autograd did (the
 * first maximum on ties, NaN where a window holds one) rather than finding the maxima again.
 */
import { annotate } from '../autograd/annotate.js';
import type { Tensor } from '../tensor/tensor.js';
import { formula } from './primitives/helpers.js';
import type { WindowMeanParams } from './primitives/types.js';

/** Max pooling's geometry per axis [h, w], and the H·W plane index of each window's maximum. */
export interface MaxPoolGeometry {
  readonly kind: 'max';
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly dilation: readonly [number, number];
  /** int32 [N, C, OH, OW]. */
  readonly index: Tensor;
}

/** Average pooling's windows (the windowMean primitive's params); adaptive when the windows come from the output size. */
export interface AvgPoolGeometry {
  readonly kind: 'avg' | 'adaptive';
  readonly windows: WindowMeanParams;
  /** The regular windows' kernel, stride and padding per axis (null for adaptive pooling). */
  readonly kernel: readonly [number, number] | null;
  readonly stride: readonly [number, number] | null;
  readonly padding: readonly [number, number] | null;
}

export type PoolGeometry = MaxPoolGeometry | AvgPoolGeometry;

// A WeakMap, not a field: only recorded pooling outputs carry it, and it dies with them.
const GEOMETRY = new WeakMap<Tensor, PoolGeometry>();

/** The geometry of a pooling step's output (undefined for any other tensor). */
export function poolGeometry(t: Tensor): PoolGeometry | undefined {
  return GEOMETRY.get(t);
}

const STEPS = {
  max: {
    op: 'maxPool2d',
    forward: formula('maxpool({0})', '\\operatorname{maxpool}({0})'),
    // 1 at each window's (first) maximum, 0 elsewhere: δ is routed, not scaled.
    local: formula('[{0} = max of its window]', '[{0} = \\max_{\\text{window}}]'),
    vjp: formula("{g} routed to each window's max", "{g} \\text{ routed to each window's max}"),
  },
  avg: {
    op: 'avgPool2d',
    forward: formula('avgpool({0})', '\\operatorname{avgpool}({0})'),
    local: formula('1/d', '1/d'),
    vjp: formula('{g} spread over each window, divided by d', '{g} \\text{ spread over each window, divided by } d'),
  },
  adaptive: {
    op: 'adaptiveAvgPool2d',
    forward: formula('adaptiveavgpool({0})', '\\operatorname{adaptiveavgpool}({0})'),
    local: formula('1/d', '1/d'),
    vjp: formula('{g} spread over each window, divided by d', '{g} \\text{ spread over each window, divided by } d'),
  },
} as const;

/** Marks `out` = a 2-d pooling of x as one step; `recompute` rebuilds it from a copy of x. */
export function annotatePool2d(out: Tensor, x: Tensor, geometry: PoolGeometry, recompute: (inputs: readonly Tensor[]) => Tensor): Tensor {
  if (out._node === null) return out;
  GEOMETRY.set(out, geometry);
  const s = STEPS[geometry.kind];
  return annotate(out, { op: s.op, role: 'other', inputs: [x], forward: s.forward, local: [s.local], vjp: [s.vjp], recompute });
}
