/** Rebuilding RNN, LSTM and GRU from their `config()` (model files). */
import { ValueError } from '../errors.js';
import type { AnyModule, ModuleConfig } from './module.js';
import type { FromConfigContext } from './registry.js';
import { GRU, LSTM, RNN, type RecurrentOptions } from './rnn.js';
import { GATE_COUNT, type CellMode } from './rnnCells.js';

/** A factory of a module with several inputs or outputs (the registry's ModuleFactory returns one-tensor modules). */
export type RecurrentFactory = (config: ModuleConfig, context: FromConfigContext, path: string) => AnyModule;

function bad(path: string, c: ModuleConfig, field: string, expected: string): ValueError {
  return new ValueError(`moduleFromConfig: ${path}: ${c.type}.${field} must be ${expected}, got ${JSON.stringify(c[field]) ?? String(c[field])}`);
}

/** The options every recurrent config shares, checked field by field; then the weights are reserved. */
function read(c: ModuleConfig, ctx: FromConfigContext, path: string, mode: CellMode): { inputSize: number; hiddenSize: number; options: RecurrentOptions } {
  const count = (field: string, fallback?: number): number => {
    const v = c[field] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw bad(path, c, field, 'an integer ≥ 1');
    return v;
  };
  const flag = (field: string, fallback: boolean): boolean => {
    const v = c[field] ?? fallback;
    if (typeof v !== 'boolean') throw bad(path, c, field, 'true or false');
    return v;
  };
  const inputSize = count('inputSize');
  const hiddenSize = count('hiddenSize');
  const numLayers = count('numLayers', 1);
  const bias = flag('bias', true);
  const bidirectional = flag('bidirectional', false);
  const dropout = c['dropout'] ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout <= 1)) throw bad(path, c, 'dropout', 'a probability in [0, 1]');
  const dtype = c['dtype'] ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') throw bad(path, c, 'dtype', "'float32' or 'float64'");
  const seed = c['seed'];
  if (seed !== undefined && !(typeof seed === 'number' && Number.isSafeInteger(seed))) throw bad(path, c, 'seed', 'a safe integer');
  const d = bidirectional ? 2 : 1;
  const rows = GATE_COUNT[mode] * hiddenSize;
  let size = 0;
  for (let layer = 0; layer < numLayers; layer++) size += d * (rows * ((layer === 0 ? inputSize : d * hiddenSize) + hiddenSize) + (bias ? 2 * rows : 0));
  ctx.reserve(size, path);
  const options: RecurrentOptions = { numLayers, bias, batchFirst: flag('batchFirst', false), dropout, bidirectional, dtype, ...(seed === undefined ? { generator: ctx.generator } : { seed }) };
  return { inputSize, hiddenSize, options };
}

/**
 * The factories of RNN, LSTM and GRU, whose forward takes (input, hx?) and returns a pair: they
 * join the registry's table once its factories may return any module.
 */
export const RECURRENT_MODULE_FACTORIES: readonly [string, RecurrentFactory][] = [
  [
    'RNN',
    (c, ctx, path) => {
      const nonlinearity = c['nonlinearity'] ?? 'tanh';
      if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw bad(path, c, 'nonlinearity', "'tanh' or 'relu'");
      const { inputSize, hiddenSize, options } = read(c, ctx, path, nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU');
      return new RNN(inputSize, hiddenSize, { ...options, nonlinearity });
    },
  ],
  [
    'LSTM',
    (c, ctx, path) => {
      const { inputSize, hiddenSize, options } = read(c, ctx, path, 'LSTM');
      return new LSTM(inputSize, hiddenSize, options);
    },
  ],
  [
    'GRU',
    (c, ctx, path) => {
      const { inputSize, hiddenSize, options } = read(c, ctx, path, 'GRU');
      return new GRU(inputSize, hiddenSize, options);
    },
  ],
];
