/** What an explanation holds: the condensed graph's steps, the forward pass, the chain rule's factors and paths, the updates. */
import type { Module } from '../nn/module.js';
import type { Formula } from '../ops/primitives/types.js';
import type { Tensor } from '../tensor/tensor.js';

/** One step of the condensed graph. */
export interface ExplainNode {
  readonly id: number;
  readonly tensor: Tensor;
  /** Display name: the tensor's name, or one given by the naming rules (z1, h, y, L, …). */
  readonly name: string;
  readonly kind: 'leaf' | 'primitive' | 'composite';
  /** Primitive or composite name; null for leaves. */
  readonly op: string | null;
  readonly inputs: readonly number[];
  readonly shape: readonly number[];
  readonly isParameter: boolean;
  /** The forward formula with input names filled in (null for leaves). */
  readonly formula: Formula | null;
  /** ∂L/∂(this node), null where the loss does not depend on it. */
  readonly grad: Tensor | null;
}

/** ∂of/∂wrt: one local derivative along an edge of the condensed graph. */
export interface Factor {
  readonly of: string;
  readonly wrt: string;
  /** The local derivative's formula, names filled in (e.g. `σ(z1)(1−σ(z1))`). */
  readonly formula: Formula;
  /** Its value (scalar graphs). */
  readonly value: number;
}

/** One path from the loss down to a parameter: the product of its factors. */
export interface ChainPath {
  readonly factors: readonly Factor[];
  readonly value: number;
}

/** ∂L/∂p for one scalar parameter, as a sum over paths of products of local derivatives. */
export interface ScalarGradient {
  readonly name: string;
  readonly paths: readonly ChainPath[];
  /** The number of paths, when there were more than `maxPaths` (then `paths` is empty). */
  readonly pathCount: number;
  /** The sum over paths (checked against autograd's gradient). */
  readonly value: number;
}

/** A forward step: `name = formula = substituted = value`. */
export interface ForwardStep {
  readonly name: string;
  readonly formula: Formula;
  /** The formula with the input values in place of the names (scalar graphs). */
  readonly substituted: Formula | null;
  readonly value: Tensor;
  readonly shape: readonly number[];
}

/** A backward step in tensor form: ∂L/∂name = Σ over its consumers of their backward rules. */
export interface TensorGradientStep {
  readonly name: string;
  /** `∂L/∂h1 = ∂L/∂z2·W2`, … with the consumers' rules. */
  readonly formula: Formula;
  readonly shape: readonly number[];
  readonly grad: Tensor;
  readonly isParameter: boolean;
}

/** A parameter update p ← p − lr·∂L/∂p. */
export interface UpdateStep {
  readonly name: string;
  readonly old: Tensor;
  readonly grad: Tensor;
  readonly updated: Tensor;
}

/** A written-out sum of one element, with the sample's numbers: a few terms, "…", and the total. */
export interface ExpandedSum {
  /** The element explained, e.g. `z1[0,2,3,4]` or `∂L/∂W1[2,0,1,1]`. */
  readonly of: string;
  readonly formula: Formula;
  /** How many terms the sum has in all. */
  readonly terms: number;
  /** The sum of every term, in float64. */
  readonly value: number;
  /** The element as computed (the forward value, or autograd's gradient): what `value` must equal. */
  readonly expected: number;
}

/** One layer's chain rule at the layer level (a convolution, a pooling, a batch norm), with shapes. */
export interface LayerRule {
  /** The step's op: 'conv2d', 'maxPool2d', 'avgPool2d', 'batchNorm'. */
  readonly op: string;
  /** The step's output name (z1, …). */
  readonly name: string;
  /** The forward map, its δ, and each gradient in terms of δ, one formula per line. */
  readonly lines: readonly Formula[];
  /** With `sample`: one element of each kind written out with the sample's numbers. */
  readonly sums: readonly ExpandedSum[];
}

export interface Explanation {
  /** 'scalar' when every step is a single number (the tutorial), else 'tensor'. */
  readonly mode: 'scalar' | 'tensor';
  readonly loss: string;
  readonly nodes: readonly ExplainNode[];
  readonly forward: readonly ForwardStep[];
  /** Each local derivative used, once (scalar mode). */
  readonly locals: readonly Factor[];
  /** Scalar mode: every parameter's gradient by the chain rule, nearest the loss first. */
  readonly gradients: readonly ScalarGradient[];
  /** Tensor mode: the chain rule of each convolution, pooling and batch norm step, inputs first. */
  readonly layers: readonly LayerRule[];
  /** Tensor mode: the backward pass in layer-level form, from the loss down. */
  readonly backward: readonly TensorGradientStep[];
  /** With `lr`: the parameter updates of one SGD step. */
  readonly updates: readonly UpdateStep[];
  readonly lr: number | null;
  /** Tensor mode with `sample`: the batch row expanded. */
  readonly sample: number | null;
}

export interface ExplainOptions {
  /** The parameters to explain (default: every leaf that requires grad). */
  readonly wrt?: readonly Tensor[];
  /** Names for tensors that have none (default: the naming rules below). */
  readonly names?: ReadonlyMap<Tensor, string>;
  /** A model whose parameter names (`0.weight` → W1, `0.bias` → b1) name unnamed parameters. */
  readonly model?: Module;
  /** Show the SGD update with this learning rate. */
  readonly lr?: number;
  /** Tensor mode: expand this row of the batch in renderings. */
  readonly sample?: number;
  /** Paths listed per parameter before only the total is given (default 16). */
  readonly maxPaths?: number;
}
