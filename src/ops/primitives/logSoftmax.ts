import { DTypeError } from '../../errors.js';
import { toFloating } from '../../tensor/dtype.js';
import { exp, mul, sub } from '../elementwise.js';
import { sum } from '../reduce.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

/**
 * log softmax along one axis in one pass per slice: x − max − log Σ exp(x − max) (stable for
 * inputs like ±1000; the max is a constant of the formula, so no gradient flows through it). What
 * crossEntropy and softmax use: one op where x − logsumexp(x) recorded six. Its gradient,
 * g − softmax·Σg, is written with differentiable ops.
 */
export const logSoftmaxDef: OpDef<'logSoftmax'> = {
  name: 'logSoftmax',
  symbol: 'logSoftmax',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [], result: true },
  infer: ([x], { axis }) => {
    if (x === undefined) throw new DTypeError('internal: logSoftmax needs an input');
    if (x.dtype === 'bool') throw new DTypeError("logSoftmax: expected a numeric tensor, got bool; cast it first with .cast('float32')");
    if (!Number.isInteger(axis) || axis < 0 || axis >= x.shape.length) throw new DTypeError(`internal: logSoftmax axis ${axis} for rank ${x.shape.length}`);
    return { shape: x.shape, dtype: toFloating(x.dtype) };
  },
  backward: ({ grad, result, params: { axis } }) => [sub(grad, mul(exp(result), sum(grad, [axis], true)))],
  forward: formula('log softmax({0})', '\\log\\operatorname{softmax}({0})'),
  local: [formula('δ − softmax({0})', '\\delta - \\operatorname{softmax}({0})')],
};
