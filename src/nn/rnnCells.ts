/**
 * One time step of the recurrent layers, as composites of public ops (so autograd gives
 * backpropagation through time and second derivatives on every backend). The input's share of
 * every gate, x_t·W_ihᵀ + b, is computed for the whole sequence before the steps run; a step
 * only adds h·W_hhᵀ. Each cell is one function so that a fused primitive can replace it.
 */
import { add, mul, relu, sigmoid, sub, tanh } from '../ops/elementwise.js';
import { matmulT } from '../ops/linalg.js';
import { narrow } from '../ops/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { linear } from './linear.js';

/** The recurrent cell kinds, as PyTorch's `mode` strings. */
export type CellMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/** How many gate blocks of size hidden each kind stacks in W_ih and W_hh (PyTorch's layout). */
export const GATE_COUNT: Readonly<Record<CellMode, number>> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** Gate block k of a [B, G·H] pre-activation: a slice of columns, no copy of the others' work. */
function gate(pre: Tensor, k: number, hidden: number): Tensor {
  return narrow(pre, 1, k * hidden, hidden);
}

/**
 * An Elman step: h' = act(xProj + h·W_hhᵀ), where xProj = x_t·W_ihᵀ + b_ih + b_hh (both
 * biases were folded into the sequence projection).
 * @example rnnCell(zeros([2, 3]), zeros([2, 3]), zeros([3, 3]), 'tanh').shape; // [2, 3]
 */
export function rnnCell(xProj: Tensor, h: Tensor, wHh: Tensor, nonlinearity: 'tanh' | 'relu'): Tensor {
  const pre = add(xProj, matmulT(h, wHh, false, true));
  return nonlinearity === 'tanh' ? tanh(pre) : relu(pre);
}

/**
 * An LSTM step with PyTorch's gate order i, f, g, o along the columns of xProj (x_t·W_ihᵀ +
 * b_ih + b_hh) and of W_hh: c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c'). Returns [h', c'].
 * @example lstmCell(zeros([2, 12]), zeros([2, 3]), zeros([2, 3]), zeros([12, 3]))[1].shape; // [2, 3]
 */
export function lstmCell(xProj: Tensor, h: Tensor, c: Tensor, wHh: Tensor): [Tensor, Tensor] {
  const hidden = h.shape[1]!;
  // One product for all four gates: per step the recurrence costs a single [B, H]·[H, 4H].
  const pre = add(xProj, matmulT(h, wHh, false, true));
  const i = sigmoid(gate(pre, 0, hidden));
  const f = sigmoid(gate(pre, 1, hidden));
  const g = tanh(gate(pre, 2, hidden));
  const o = sigmoid(gate(pre, 3, hidden));
  const cNext = add(mul(f, c), mul(i, g));
  return [mul(o, tanh(cNext)), cNext];
}

/**
 * A GRU step exactly as PyTorch's (gate order r, z, n): r = σ(x_r + h_r), z = σ(x_z + h_z),
 * n = tanh(x_n + r·(h·W_hnᵀ + b_hn)), h' = (1 − z)·n + z·h, with xProj = x_t·W_ihᵀ + b_ih;
 * b_hh stays inside the step because r multiplies its n block.
 * @example gruCell(zeros([2, 9]), zeros([2, 3]), zeros([9, 3]), null).shape; // [2, 3]
 */
export function gruCell(xProj: Tensor, h: Tensor, wHh: Tensor, bHh: Tensor | null): Tensor {
  const hidden = h.shape[1]!;
  const hProj = bHh === null ? matmulT(h, wHh, false, true) : linear(h, wHh, bHh);
  const r = sigmoid(add(gate(xProj, 0, hidden), gate(hProj, 0, hidden)));
  const z = sigmoid(add(gate(xProj, 1, hidden), gate(hProj, 1, hidden)));
  const n = tanh(add(gate(xProj, 2, hidden), mul(r, gate(hProj, 2, hidden))));
  // n + z·(h − n) is (1 − z)·n + z·h with one product fewer.
  return add(n, mul(z, sub(h, n)));
}
