import { DTypeError, ShapeError } from '../../errors.js';
import { isFloating } from '../../tensor/dtype.js';
import { formatShape } from '../../tensor/shape.js';
import { windowMean, windowMeanAdjoint } from '../pooling.js';
import { formula } from './helpers.js';
import type { OpDef, PrimitiveParams, TensorMeta } from './types.js';

function planes(op: string, x: TensorMeta | undefined): TensorMeta {
  if (x === undefined) throw new DTypeError(`internal: ${op} needs an input`);
  if (x.shape.length !== 4) throw new ShapeError(`${op}: expected a 4-d input (N, C, H, W), got shape ${formatShape(x.shape)}`);
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: expected float32 or float64, got ${x.dtype}`);
  return x;
}

const outShape = (x: TensorMeta, rows: number, cols: number): number[] => [x.shape[0]!, x.shape[1]!, rows, cols];

/**
 * Average pooling's forward step: each window's sum over x [N, C, H, W], divided by its divisor
 * (WindowMeanParams). Linear, so its rule is its adjoint, windowMeanAdjoint, whose rule is this op
 * again: every order of derivative is exact. A primitive rather than products with 0/1 window
 * matrices (P_h·X·P_wᵀ), which did ~H/k times the work: a 2×2 pool of [64,8,28,28], forward and
 * backward, took ~3× as long that way (or as a reshape and a sum).
 */
export const windowMeanDef: OpDef<'windowMean'> = {
  name: 'windowMean',
  symbol: 'avg pool',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [], result: false },
  infer: ([x], p: PrimitiveParams['windowMean']) => {
    const t = planes('windowMean', x);
    if (t.shape[2] !== p.inSize[0] || t.shape[3] !== p.inSize[1]) throw new ShapeError(`windowMean: input ${formatShape(t.shape)} does not match the windows' input size ${formatShape(p.inSize)}`);
    return { shape: outShape(t, p.rowLo.length, p.colLo.length), dtype: t.dtype };
  },
  backward: ({ grad, params }) => [windowMeanAdjoint(grad, params)],
  forward: formula('mean of each window of {0}', '\\operatorname{mean}_{\\text{window}} {0}'),
  local: [formula('1/count on each window', '1/n_{\\text{window}}')],
};

/** The adjoint of windowMean: each output's value divided by its divisor, added to every element of its window. */
export const windowMeanAdjointDef: OpDef<'windowMeanAdjoint'> = {
  name: 'windowMeanAdjoint',
  symbol: 'avg pool adjoint',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [], result: false },
  infer: ([g], p: PrimitiveParams['windowMeanAdjoint']) => {
    const t = planes('windowMeanAdjoint', g);
    if (t.shape[2] !== p.rowLo.length || t.shape[3] !== p.colLo.length) throw new ShapeError(`windowMeanAdjoint: gradient ${formatShape(t.shape)} does not match the ${p.rowLo.length}×${p.colLo.length} windows`);
    return { shape: outShape(t, p.inSize[0]!, p.inSize[1]!), dtype: t.dtype };
  },
  backward: ({ grad, params }) => [windowMean(grad, params)],
  forward: formula('each {0} spread over its window', '\\operatorname{spread}_{\\text{window}} {0}'),
  local: [formula('1/count on each window', '1/n_{\\text{window}}')],
};
