import { DTypeError, ShapeError } from '../../errors.js';
import { promoteTypes } from '../../tensor/dtype.js';
import { broadcastShapes, formatShape } from '../../tensor/shape.js';
import { matmulT } from '../linalg.js';
import { formula } from './helpers.js';
import type { Formula, MatmulParams, OpDef } from './types.js';

/** How an operand reads in a message: its shape, and ᵀ when it is transposed. */
const shown = (shape: readonly number[], t: boolean | undefined): string => `${formatShape(shape)}${t === true ? 'ᵀ' : ''}`;

const FORMULAS: Record<string, { forward: Formula; local: readonly Formula[] }> = {
  '00': { forward: formula('{0}{1}', '{0}{1}'), local: [formula('grad·{1}ᵀ', '\\bar{g}\\,{1}^\\top'), formula('{0}ᵀ·grad', '{0}^\\top \\bar{g}')] },
  '01': { forward: formula('{0}{1}ᵀ', '{0}{1}^\\top'), local: [formula('grad·{1}', '\\bar{g}\\,{1}'), formula('gradᵀ·{0}', '\\bar{g}^\\top {0}')] },
  '10': { forward: formula('{0}ᵀ{1}', '{0}^\\top{1}'), local: [formula('{1}·gradᵀ', '{1}\\,\\bar{g}^\\top'), formula('{0}·grad', '{0}\\,\\bar{g}')] },
  '11': { forward: formula('{0}ᵀ{1}ᵀ', '{0}^\\top{1}^\\top'), local: [formula('{1}ᵀ·gradᵀ', '{1}^\\top \\bar{g}^\\top'), formula('gradᵀ·{0}ᵀ', '\\bar{g}^\\top {0}^\\top')] },
};
const key = (p: MatmulParams): string => `${p.transposeA === true ? 1 : 0}${p.transposeB === true ? 1 : 0}`;

/**
 * Batched matrix product of operands of rank ≥ 2; batch dimensions broadcast. With `transposeA`
 * (`transposeB`) the operand's last two axes are read swapped: `Linear` computes x·Wᵀ this way
 * and the gradients Gᵀ·x without materializing any transpose.
 */
export const matmulDef: OpDef<'matmul'> = {
  name: 'matmul',
  symbol: 'matmul',
  // A product reading an operand transposed (Linear's x·Wᵀ) says which.
  symbolFor: ({ transposeA, transposeB }) => {
    const t = `${transposeA === true ? 'Aᵀ' : ''}${transposeB === true ? 'Bᵀ' : ''}`;
    return t === '' ? 'matmul' : `matmul ${t}`;
  },
  role: null,
  arity: 2,
  nondifferentiable: [],
  saves: { inputs: [0, 1], result: false },
  infer: ([a, b], params) => {
    if (a === undefined || b === undefined) throw new DTypeError('internal: matmul needs two inputs');
    if (a.dtype === 'bool' || b.dtype === 'bool') throw new DTypeError('matmul: bool tensors cannot be multiplied; cast them first');
    const ta = params.transposeA === true;
    const tb = params.transposeB === true;
    const ra = a.shape.length;
    const rb = b.shape.length;
    const k1 = a.shape[ta ? ra - 2 : ra - 1];
    const k2 = b.shape[tb ? rb - 1 : rb - 2];
    if (ra < 2 || rb < 2 || k1 !== k2) {
      throw new ShapeError(
        `matmul: cannot multiply ${shown(a.shape, ta)} by ${shown(b.shape, tb)}: inner dimensions ${String(k1)} and ${String(k2)} differ`,
      );
    }
    let batch: number[] = [];
    // Two matrices (the usual case) have no batch dimensions to broadcast.
    if (ra > 2 || rb > 2) {
      try {
        batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
      } catch {
        throw new ShapeError(
          `matmul: cannot multiply ${formatShape(a.shape)} by ${formatShape(b.shape)}: batch dimensions ${formatShape(a.shape.slice(0, -2))} and ${formatShape(b.shape.slice(0, -2))} do not broadcast`,
        );
      }
    }
    const m = a.shape[ta ? ra - 1 : ra - 2] ?? 1;
    const n = b.shape[tb ? rb - 2 : rb - 1] ?? 1;
    return { shape: batch.length === 0 ? [m, n] : [...batch, m, n], dtype: a.dtype === b.dtype ? a.dtype : promoteTypes(a.dtype, b.dtype) };
  },
  // C = op(A)·op(B): each gradient is again one product with transposed operands, never a copy.
  backward: ({ grad: g, inputs: [a, b], needsGrad, params }) => {
    const ta = params.transposeA === true;
    const tb = params.transposeB === true;
    const dA = !needsGrad[0] ? null : ta ? (tb ? matmulT(b!, g, true, true) : matmulT(b!, g, false, true)) : matmulT(g, b!, false, !tb);
    const dB = !needsGrad[1] ? null : tb ? (ta ? matmulT(g, a!, true, true) : matmulT(g, a!, true, false)) : matmulT(a!, g, !ta, false);
    return [dA, dB];
  },
  forward: FORMULAS['00']!.forward,
  local: FORMULAS['00']!.local,
  formulasFor: (params) => FORMULAS[key(params)]!,
};
