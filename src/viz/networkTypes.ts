/** The public types of network diagrams (networkSvg's options). */
import type { Tensor } from '../tensor/tensor.js';

/** What a network diagram shows: the parameters, a forward pass, or the gradients of a backward pass. */
export type NetworkView = 'weights' | 'forward' | 'backward';

/** The quantity that colours and thickens the edges and bias rings. */
export type NetworkColorBy = 'weight' | 'gradient';

/** One sample: a tensor of shape [n] or [1, n], a list of n numbers, or a number when n is 1. */
export type NetworkSample = Tensor | number | readonly number[];

/** A loss of (prediction, target) returning a scalar, e.g. `halfSquaredError`. */
export type NetworkLoss = (prediction: Tensor, target: Tensor) => Tensor;

export interface NetworkSvgOptions {
  /** 'weights' (default), 'forward' (needs `input`) or 'backward' (needs `input`, `target`, `loss`). */
  readonly view?: NetworkView;
  /** The sample fed forward: shape [in] or [1, in]. */
  readonly input?: NetworkSample;
  /** The target of that sample, for the loss node L (forward: optional; backward: required). */
  readonly target?: NetworkSample;
  /** The loss function, e.g. `halfSquaredError` (with `target`). */
  readonly loss?: NetworkLoss;
  /** What colours the edges: 'weight' (default, except in the backward view) or 'gradient' (∂L/∂w). */
  readonly colorBy?: NetworkColorBy;
  /** Most neurons drawn per layer (default 10): a larger layer shows its first and last units around "⋮ n more". */
  readonly maxUnits?: number;
  /** Values written next to the neurons (default true); tooltips carry them either way. */
  readonly labels?: boolean;
  /** Values written on the edges (default: only when every layer-to-layer fan has at most 4 edges from or into one neuron). */
  readonly edgeLabels?: boolean;
  /** Rendered width in pixels (default: the natural width; the drawing scales to fit). */
  readonly width?: number;
  /** Rendered height in pixels (default: the natural height). */
  readonly height?: number;
  /** The heading (default: one per view). */
  readonly title?: string;
}
