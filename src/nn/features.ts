/**
 * Input features of a point in the plane, as the TensorFlow Playground offers them: x, y, x², y²,
 * xy, sin x, sin y. As a layer, the features travel with a saved model, so a model trained on
 * them predicts from the raw (x, y) columns.
 */
import { ShapeError, ValueError } from '../errors.js';
import { mul, sin } from '../ops/elementwise.js';
import { concat, narrow } from '../ops/shape.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, type ModuleConfig } from './module.js';

/** The features PlaneFeatures computes, by name. */
export const PLANE_FEATURES = ['x', 'y', 'x2', 'y2', 'xy', 'sinx', 'siny'] as const;
export type PlaneFeature = (typeof PLANE_FEATURES)[number];

/** How each feature reads, for labels: x², sin x. */
export const PLANE_FEATURE_LABELS: Readonly<Record<PlaneFeature, string>> = { x: 'x', y: 'y', x2: 'x²', y2: 'y²', xy: 'xy', sinx: 'sin x', siny: 'sin y' };

/**
 * Maps points [batch, 2] (columns x, y) to the chosen features [batch, k], in the order given.
 * No parameters; differentiable.
 * @example
 * new PlaneFeatures(['x', 'x2', 'sinx']).forward(tensor([[2, 3]])).toArray(); // [[2, 4, 0.909…]]
 */
export class PlaneFeatures extends Module {
  readonly features: readonly PlaneFeature[];

  constructor(features: readonly PlaneFeature[]) {
    super();
    if (!Array.isArray(features) || features.length === 0) throw new ValueError(`PlaneFeatures: choose at least one feature of ${PLANE_FEATURES.join(', ')}`);
    for (const f of features) {
      if (!(PLANE_FEATURES as readonly string[]).includes(f)) throw new ValueError(`PlaneFeatures: unknown feature '${String(f)}'; valid names: ${PLANE_FEATURES.join(', ')}`);
    }
    if (new Set(features).size !== features.length) throw new ValueError(`PlaneFeatures: a feature is listed twice in ${features.join(', ')}`);
    this.features = [...features];
  }

  /** The number of columns the layer outputs. */
  get outFeatures(): number {
    return this.features.length;
  }

  forward(points: Tensor): Tensor {
    if (points.ndim !== 2 || points.shape[1] !== 2) {
      throw new ShapeError(`${this.describe()}: expected points of shape [batch, 2] (columns x, y), got ${formatShape(points.shape)}`);
    }
    const x = narrow(points, 1, 0, 1);
    const y = narrow(points, 1, 1, 1);
    const columns = this.features.map((f) => {
      switch (f) {
        case 'x':
          return x;
        case 'y':
          return y;
        case 'x2':
          return mul(x, x);
        case 'y2':
          return mul(y, y);
        case 'xy':
          return mul(x, y);
        case 'sinx':
          return sin(x);
        case 'siny':
          return sin(y);
      }
    });
    return columns.length === 1 ? columns[0]! : concat(columns, 1);
  }

  override describe(): string {
    return `PlaneFeatures(${this.features.map((f) => PLANE_FEATURE_LABELS[f]).join(', ')})`;
  }

  override config(): ModuleConfig {
    return { type: 'PlaneFeatures', features: [...this.features] };
  }
}
