/** Recurrent layers as PyTorch's nn.RNN, nn.LSTM and nn.GRU: several layers, both directions, batch first or not. */
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { add, cast, mul } from '../ops/elementwise.js';
import { concat, narrow, reshape, stack, transpose, unsqueeze, squeeze } from '../ops/shape.js';
import { Generator, getDefaultGenerator } from '../random/generator.js';
import { tensor, zeros } from '../tensor/create.js';
import { isFloating } from '../tensor/dtype.js';
import { formatShape, shapeEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { resolveGenerator, uniform, type FloatDType } from './init.js';
import { linear } from './linear.js';
import { Module, type ModuleConfig } from './module.js';
import { GATE_COUNT, gruCell, lstmCell, rnnCell, type CellMode } from './rnnCells.js';

/** Options shared by RNN, LSTM and GRU (PyTorch's, in camelCase). */
export interface RecurrentOptions {
  /** Stacked layers, each reading the previous one's output (default 1). */
  readonly numLayers?: number;
  /** Learnable biases b_ih and b_hh (default true). */
  readonly bias?: boolean;
  /** Input and output are [batch, time, features] instead of [time, batch, features] (default false; h_n keeps [layers, batch, hidden]). */
  readonly batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training mode only (default 0). */
  readonly dropout?: number;
  /** A second pass from the last step to the first in every layer; outputs are joined along features (default false). */
  readonly bidirectional?: boolean;
  /** Seed of a generator of the layer's own, for the initial weights and then the dropout masks (not with `generator`). */
  readonly seed?: number;
  /** The generator to draw the initial weights from (default: the one `manualSeed` sets). */
  readonly generator?: Generator;
  /** Parameter dtype: float32 (default) or float64. */
  readonly dtype?: FloatDType;
}

/** Options of an Elman RNN: RecurrentOptions and its nonlinearity. */
export interface RNNOptions extends RecurrentOptions {
  /** The activation of h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) (default 'tanh'). */
  readonly nonlinearity?: 'tanh' | 'relu';
}

interface CellParameters {
  readonly wIh: Tensor;
  readonly wHh: Tensor;
  readonly bIh: Tensor | null;
  readonly bHh: Tensor | null;
}

const MODE_NAMES: Readonly<Record<CellMode, string>> = { RNN_TANH: 'RNN', RNN_RELU: 'RNN', LSTM: 'LSTM', GRU: 'GRU' };

/**
 * The machinery of the three recurrent layers. Per layer and direction the whole sequence is
 * projected by one product [T·B, in]·W_ihᵀ; each step then adds one product h·W_hhᵀ for all
 * gates; the steps' states are stacked once at the end. Everything is a composite of public
 * ops, so backward is backpropagation through time and second derivatives come free.
 */
export abstract class RecurrentLayer<In extends unknown[], Out> extends Module<In, Out> {
  readonly mode: CellMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly dtype: FloatDType;
  readonly seed: number | undefined;
  /**
   * When true, each forward keeps every step's hidden state (the tensors the graph used) in
   * `lastStates`, so a caller can take ‖∂L/∂h_t‖ per step with `gradients` (the vanishing-gradient picture).
   */
  recordStates = false;
  /**
   * After a forward with `recordStates`: `lastStates[layer][direction][t]` is h_t, shape [B, H]
   * ([1, H] for an unbatched input), in time order for both directions; null otherwise.
   */
  lastStates: Tensor[][][] | null = null;
  private readonly cells: CellParameters[][] = [];
  private readonly dropoutGenerator: Generator | undefined;

  protected constructor(mode: CellMode, inputSize: number, hiddenSize: number, options: RecurrentOptions) {
    super();
    const name = MODE_NAMES[mode];
    const rejected = options as { readonly projSize?: unknown };
    if (rejected.projSize !== undefined && rejected.projSize !== 0) throw new ValueError(`${name}: projSize is not supported (LSTM with projections); leave it out`);
    if (!Number.isInteger(inputSize) || inputSize < 1) throw new ValueError(`${name}: inputSize must be a positive integer, got ${inputSize}`);
    if (!Number.isInteger(hiddenSize) || hiddenSize < 1) throw new ValueError(`${name}: hidden_size must be greater than zero, got ${hiddenSize}`);
    const numLayers = options.numLayers ?? 1;
    if (!Number.isInteger(numLayers) || numLayers < 1) throw new ValueError(`${name}: num_layers must be greater than zero, got ${numLayers}`);
    const dropout = options.dropout ?? 0;
    if (!(typeof dropout === 'number' && dropout >= 0 && dropout <= 1)) {
      throw new ValueError(`${name}: dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got ${dropout}`);
    }
    const dtype = options.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float64') throw new DTypeError(`${name}: parameters must be float32 or float64, got dtype ${String(dtype)}`);
    this.mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = dropout;
    this.bidirectional = options.bidirectional ?? false;
    this.dtype = dtype;
    this.seed = options.seed;
    const generator = resolveGenerator(name, options);
    // A seeded layer draws its dropout masks on from where its weights stopped; registered, so checkpoints restore it.
    if (options.seed !== undefined) {
      this.dropoutGenerator = generator;
      this.registerGenerator('generator', generator);
    }
    const rows = GATE_COUNT[mode] * hiddenSize;
    const bound = 1 / Math.sqrt(hiddenSize);
    const draw = (shape: number[], label: string): Tensor => this.registerParameter(label, uniform(shape, { low: -bound, high: bound, generator, dtype }).named(label));
    // PyTorch's order of parameters (and of initial draws): per layer, per direction, w_ih, w_hh, b_ih, b_hh.
    for (let layer = 0; layer < numLayers; layer++) {
      const perLayer: CellParameters[] = [];
      for (let d = 0; d < this.directions; d++) {
        const suffix = `_l${layer}${d === 1 ? '_reverse' : ''}`;
        const wIh = draw([rows, layer === 0 ? inputSize : hiddenSize * this.directions], `weight_ih${suffix}`);
        const wHh = draw([rows, hiddenSize], `weight_hh${suffix}`);
        const bIh = this.bias ? draw([rows], `bias_ih${suffix}`) : null;
        const bHh = this.bias ? draw([rows], `bias_hh${suffix}`) : null;
        perLayer.push({ wIh, wHh, bIh, bHh });
      }
      this.cells.push(perLayer);
    }
  }

  /** 2 when bidirectional, else 1. */
  get directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** How many state tensors the cell carries: 2 for LSTM (h and c), else 1. */
  private get stateCount(): number {
    return this.mode === 'LSTM' ? 2 : 1;
  }

  /**
   * The shared forward: `hx` holds h0 (and c0 for LSTM), each [L·D, B, H] ([L·D, H] unbatched),
   * or is undefined for zeros. Returns the output and the final states in the same layout.
   */
  protected run(input: Tensor, hx: readonly Tensor[] | undefined): [Tensor, Tensor[]] {
    const name = MODE_NAMES[this.mode];
    if (!(input instanceof Tensor)) throw new ValueError(`${name}: the input must be a Tensor, got ${input === null ? 'null' : typeof input}`);
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw new ShapeError(`${name}: Expected input to be 2-D or 3-D but received ${input.ndim}-D tensor of shape ${formatShape(input.shape)} (expected [T, B, ${this.inputSize}]${this.batchFirst ? ' as batchFirst [B, T, ' + this.inputSize + ']' : ''} or unbatched [T, ${this.inputSize}])`);
    }
    if (!isFloating(input.dtype)) throw new DTypeError(`${name}: the input must be float32 or float64, got ${input.dtype}`);
    if (input.shape[input.ndim - 1] !== this.inputSize) {
      throw new ShapeError(`${name}: input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${input.shape[input.ndim - 1]} (input shape ${formatShape(input.shape)})`);
    }
    const batched = input.ndim === 3;
    let x = input.dtype === this.dtype ? input : cast(input, this.dtype);
    if (!batched) x = unsqueeze(x, 1);
    else if (this.batchFirst) x = transpose(x, 0, 1);
    const steps = x.shape[0]!;
    const batch = x.shape[1]!;
    if (steps === 0) throw new ShapeError(`${name}: the input has no time steps (shape ${formatShape(input.shape)})`);
    const initial = this.initialStates(hx, batched, batch);
    const finals: Tensor[][] = Array.from({ length: this.stateCount }, () => []);
    const recorded: Tensor[][][] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      const x2d = reshape(x, [steps * batch, x.shape[2]!]);
      const outs: Tensor[] = [];
      const perLayer: Tensor[][] = [];
      for (let d = 0; d < this.directions; d++) {
        const index = layer * this.directions + d;
        const start = initial.map((s) => (s === null ? zeros([batch, this.hiddenSize], { dtype: this.dtype }) : reshape(narrow(s, 0, index, 1), [batch, this.hiddenSize])));
        const { hs, last } = this.sweep(this.cells[layer]![d]!, x2d, steps, batch, start, d === 1);
        outs.push(stack(hs, 0));
        last.forEach((t, k) => finals[k]!.push(t));
        perLayer.push(hs);
      }
      recorded.push(perLayer);
      x = outs.length === 1 ? outs[0]! : concat(outs, 2);
      if (this.training && this.dropout > 0 && layer < this.numLayers - 1) x = this.drop(x);
    }
    this.lastStates = this.recordStates ? recorded : null;
    let output = x;
    if (!batched) output = squeeze(output, 1);
    else if (this.batchFirst) output = transpose(output, 0, 1);
    const states = finals.map((list) => (batched ? stack(list, 0) : stack(list.map((t) => reshape(t, [this.hiddenSize])), 0)));
    return [output, states];
  }

  /** h0 (and c0) as [L·D, B, H] tensors of the layer's dtype, checked as PyTorch checks them; null for zeros. */
  private initialStates(hx: readonly Tensor[] | undefined, batched: boolean, batch: number): (Tensor | null)[] {
    if (hx === undefined) return Array.from({ length: this.stateCount }, () => null);
    const name = MODE_NAMES[this.mode];
    const expected = batched ? [this.numLayers * this.directions, batch, this.hiddenSize] : [this.numLayers * this.directions, this.hiddenSize];
    return hx.map((h, k) => {
      const label = this.stateCount === 2 ? `hidden[${k}]` : 'hidden';
      if (!(h instanceof Tensor)) throw new ValueError(`${name}: ${label} must be a Tensor of shape ${formatShape(expected)}, got ${h === null ? 'null' : typeof h}`);
      if (h.ndim !== expected.length) {
        throw new ShapeError(`${name}: For ${batched ? 'batched 3-D' : 'unbatched 2-D'} input, ${label} should also be ${expected.length}-D but got ${h.ndim}-D tensor (expected shape ${formatShape(expected)}, got ${formatShape(h.shape)})`);
      }
      if (!shapeEqual(h.shape, expected)) throw new ShapeError(`${name}: Expected ${label} size ${formatShape(expected)}, got ${formatShape(h.shape)}`);
      if (!isFloating(h.dtype)) throw new DTypeError(`${name}: ${label} must be float32 or float64, got ${h.dtype}`);
      const cast_ = h.dtype === this.dtype ? h : cast(h, this.dtype);
      return batched ? cast_ : unsqueeze(cast_, 1);
    });
  }

  /** One direction of one layer over the whole sequence: the states h_t in time order and the final state(s). */
  private sweep(p: CellParameters, x2d: Tensor, steps: number, batch: number, start: Tensor[], reverse: boolean): { hs: Tensor[]; last: Tensor[] } {
    // LSTM and RNN add both biases before the recurrence, so they join the sequence projection; GRU's b_hn sits inside r·(…).
    const folded = this.mode === 'GRU' ? p.bIh : p.bIh !== null && p.bHh !== null ? add(p.bIh, p.bHh) : null;
    const width = GATE_COUNT[this.mode] * this.hiddenSize;
    const projected = unstack(reshape(linear(x2d, p.wIh, folded), [steps, batch * width]), steps).map((t) => reshape(t, [batch, width]));
    const hs: Tensor[] = new Array<Tensor>(steps);
    let h = start[0]!;
    let c = start[1] ?? h;
    for (let k = 0; k < steps; k++) {
      const t = reverse ? steps - 1 - k : k;
      const xt = projected[t]!;
      if (this.mode === 'LSTM') [h, c] = lstmCell(xt, h, c, p.wHh);
      else if (this.mode === 'GRU') h = gruCell(xt, h, p.wHh, p.bHh);
      else h = rnnCell(xt, h, p.wHh, this.mode === 'RNN_TANH' ? 'tanh' : 'relu');
      hs[t] = h;
    }
    return { hs, last: this.mode === 'LSTM' ? [h, c] : [h] };
  }

  /** Inverted dropout between layers, drawn from the layer's own generator when seeded. */
  private drop(x: Tensor): Tensor {
    const g = this.dropoutGenerator ?? getDefaultGenerator();
    const p = this.dropout;
    const scale = p === 1 ? 0 : 1 / (1 - p);
    const mask = new Float64Array(x.size);
    for (let i = 0; i < mask.length; i++) mask[i] = g.uniform() < p ? 0 : scale;
    return mul(x, tensor(mask, { shape: x.shape, dtype: x.dtype, name: 'dropout mask' }));
  }

  override describe(): string {
    const extra: string[] = [];
    if (this.mode === 'RNN_RELU') extra.push('relu');
    if (this.numLayers > 1) extra.push(`${this.numLayers} layers`);
    if (this.bidirectional) extra.push('bidirectional');
    if (this.batchFirst) extra.push('batch first');
    if (this.dropout > 0) extra.push(`dropout ${this.dropout}`);
    if (!this.bias) extra.push('no bias');
    return `${MODE_NAMES[this.mode]}(${this.inputSize} → ${this.hiddenSize}${extra.length > 0 ? `, ${extra.join(', ')}` : ''})`;
  }

  override config(): ModuleConfig {
    const base: Record<string, unknown> = {
      inputSize: this.inputSize,
      hiddenSize: this.hiddenSize,
      numLayers: this.numLayers,
      bias: this.bias,
      batchFirst: this.batchFirst,
      dropout: this.dropout,
      bidirectional: this.bidirectional,
      dtype: this.dtype,
    };
    if (this.mode === 'RNN_TANH' || this.mode === 'RNN_RELU') base['nonlinearity'] = this.mode === 'RNN_TANH' ? 'tanh' : 'relu';
    if (this.seed !== undefined) base['seed'] = this.seed;
    return { type: MODE_NAMES[this.mode], ...base };
  }
}

/**
 * The rows of a [T, N] tensor as T tensors [1, N], split by halves: the backward of taking T
 * rows one by one would scatter each row's gradient into a full [T, N] of zeros (T² work); by
 * halves it is T·log T.
 */
function unstack(x: Tensor, steps: number): Tensor[] {
  if (steps === 1) return [x];
  const half = Math.ceil(steps / 2);
  return [...unstack(narrow(x, 0, 0, half), half), ...unstack(narrow(x, 0, half, steps - half), steps - half)];
}

/**
 * An Elman RNN, as PyTorch's nn.RNN: h_t = act(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh).
 * `forward(input, h0?)` takes [T, B, in] ([B, T, in] with batchFirst, or unbatched [T, in]) and
 * h0 [L·D, B, H] (default zeros), and returns [output [T, B, D·H], h_n [L·D, B, H]].
 * @example
 * const rnn = new RNN(2, 3, { numLayers: 2, seed: 0 });
 * const [output, hN] = rnn.forward(zeros([5, 4, 2]));
 * output.shape; // [5, 4, 3]
 * hN.shape; // [2, 4, 3]
 */
export class RNN extends RecurrentLayer<[input: Tensor, hx?: Tensor], [Tensor, Tensor]> {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    const nonlinearity = options.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw new ValueError(`RNN: Unknown nonlinearity '${String(nonlinearity)}'. Select from 'tanh' or 'relu'.`);
    super(nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, options);
    this.nonlinearity = nonlinearity;
  }

  forward(input: Tensor, hx?: Tensor): [Tensor, Tensor] {
    const [output, [hN]] = this.run(input, hx === undefined ? undefined : [hx]);
    return [output, hN!];
  }
}

/**
 * A long short-term memory layer, as PyTorch's nn.LSTM (gate order i, f, g, o; no projSize):
 * c_t = σ(f)·c_{t−1} + σ(i)·tanh(g), h_t = σ(o)·tanh(c_t). `forward(input, [h0, c0]?)` returns
 * [output, [h_n, c_n]] with RNN's shapes.
 * @example
 * const lstm = new LSTM(2, 3, { bidirectional: true, seed: 0 });
 * const [output, [hN, cN]] = lstm.forward(zeros([5, 4, 2]));
 * output.shape; // [5, 4, 6]
 * cN.shape; // [2, 4, 3]
 */
export class LSTM extends RecurrentLayer<[input: Tensor, hx?: [Tensor, Tensor]], [Tensor, [Tensor, Tensor]]> {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super('LSTM', inputSize, hiddenSize, options);
  }

  forward(input: Tensor, hx?: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    if (hx !== undefined && (!Array.isArray(hx) || hx.length !== 2)) throw new ValueError(`LSTM: hx must be a pair [h0, c0], got ${Array.isArray(hx) ? `${hx.length} tensors` : typeof hx}`);
    const [output, [hN, cN]] = this.run(input, hx);
    return [output, [hN!, cN!]];
  }
}

/**
 * A gated recurrent unit layer, as PyTorch's nn.GRU (gate order r, z, n):
 * n = tanh(W_in·x + b_in + r·(W_hn·h + b_hn)), h' = (1 − z)·n + z·h. `forward(input, h0?)`
 * returns [output, h_n] with RNN's shapes.
 * @example
 * const gru = new GRU(2, 3, { batchFirst: true, seed: 0 });
 * const [output, hN] = gru.forward(zeros([4, 5, 2]));
 * output.shape; // [4, 5, 3]
 * hN.shape; // [1, 4, 3]
 */
export class GRU extends RecurrentLayer<[input: Tensor, hx?: Tensor], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super('GRU', inputSize, hiddenSize, options);
  }

  forward(input: Tensor, hx?: Tensor): [Tensor, Tensor] {
    const [output, [hN]] = this.run(input, hx === undefined ? undefined : [hx]);
    return [output, hN!];
  }
}
