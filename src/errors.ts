/**
 * Typed errors. Every message names the op, the shapes or dtypes involved and the problem,
 * so a user can fix the call without reading chainrule's source.
 */

/** Base class of every error chainrule throws on purpose. */
export class ChainruleError extends Error {
  override name = 'ChainruleError';
}

/** Shapes that cannot be combined, reshaped or indexed as asked. */
export class ShapeError extends ChainruleError {
  override name = 'ShapeError';
}

/** An axis out of range or repeated. */
export class AxisError extends ShapeError {
  override name = 'AxisError';
}

/** A dtype an op cannot take, e.g. a gradient asked of an int32 tensor. */
export class DTypeError extends ChainruleError {
  override name = 'DTypeError';
}

/** A value that is not valid input: ragged nested arrays, a bad range, a bad option. */
export class ValueError extends ChainruleError {
  override name = 'ValueError';
}

/** Misuse of automatic differentiation: backward() without a seed on a non-scalar, etc. */
export class AutogradError extends ChainruleError {
  override name = 'AutogradError';
}

/** A NaN or infinity found by anomaly mode, with the op and where user code created it. */
export class AnomalyError extends ChainruleError {
  override name = 'AnomalyError';
}

/** Analytic and numerical gradients disagree. */
export class GradcheckError extends ChainruleError {
  override name = 'GradcheckError';
}
