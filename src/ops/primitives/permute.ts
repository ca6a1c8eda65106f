import { AxisError, DTypeError } from '../../errors.js';
import { formatShape } from '../../tensor/shape.js';
import { permute } from '../shape.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

export const permuteDef: OpDef<'permute'> = {
  name: 'permute',
  symbol: 'permute',
  symbolFor: ({ axes }) => (axes.length === 2 && axes[0] === 1 ? 'transpose' : 'permute'),
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [], result: false },
  infer: ([x], { axes }) => {
    if (x === undefined) throw new DTypeError('internal: permute needs an input');
    const sorted = [...axes].sort((p, q) => p - q);
    if (axes.length !== x.shape.length || sorted.some((a, i) => a !== i)) {
      throw new AxisError(
        `permute: [${axes.join(',')}] is not a permutation of the axes of shape ${formatShape(x.shape)}: ` +
          `it must name each of 0..${x.shape.length - 1} exactly once`,
      );
    }
    return { shape: axes.map((a) => x.shape[a] ?? 1), dtype: x.dtype };
  },
  backward: ({ grad, params: { axes } }) => {
    const inverse = new Array<number>(axes.length);
    axes.forEach((a, i) => {
      inverse[a] = i;
    });
    return [permute(grad, inverse)];
  },
  forward: formula('permute({0})', '\\operatorname{permute}({0})'),
  local: [formula('permute⁻¹', '\\operatorname{permute}^{-1}')],
};
