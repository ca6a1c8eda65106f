// The recurrent layers as modules: recorded states and ∂L/∂h_t against a hand-computed product of
// Jacobians, shapes, dropout between layers (seeded, restored from a checkpoint's random state),
// PyTorch's checks as typed errors, describe, config and the model-file factories, summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DTypeError,
  GRU,
  LSTM,
  RECURRENT_MODULE_FACTORIES,
  RNN,
  ShapeError,
  Tensor,
  ValueError,
  gradients,
  loadRandomState,
  narrow,
  randomState,
  tensor,
  zeros,
  Generator,
  type FromConfigContext,
} from '../../src/index.js';

const f64 = { dtype: 'float64' } as const;
const values = (t: Tensor) => Array.from(t.data());

test('recordStates: ‖∂L/∂h_t‖ of a tanh RNN follow the product of the step Jacobians diag(1 − h²)·W_hh, computed by hand', () => {
  const T = 6;
  const rnn = new RNN(2, 3, { dtype: 'float64', seed: 3 });
  rnn.recordStates = true;
  const x = tensor(Array.from({ length: T * 2 }, (_, i) => Math.sin(1.3 * i + 0.2)), { shape: [T, 1, 2], ...f64 });
  const [output] = rnn.forward(x);
  const u = [0.7, -1.1, 0.4];
  const loss = narrow(output, 0, T - 1, 1).reshape([3]).mul(tensor(u, f64)).sum();
  const hs = rnn.lastStates![0]![0]!;
  assert.equal(hs.length, T);
  const dh = gradients([loss], hs);
  // By hand: g_{T−1} = u; g_{t−1}[j] = Σ_i g_t[i]·(1 − h_t[i]²)·W_hh[i][j].
  const w = values(Object.fromEntries(rnn.namedParameters())['weight_hh_l0']!);
  const h = hs.map(values);
  const expected: number[][] = new Array<number[]>(T);
  expected[T - 1] = u;
  for (let t = T - 1; t > 0; t--) {
    expected[t - 1] = [0, 1, 2].map((j) => [0, 1, 2].reduce((s, i) => s + expected[t]![i]! * (1 - h[t]![i]! ** 2) * w[i * 3 + j]!, 0));
  }
  const norm = (v: readonly number[]) => Math.hypot(...v);
  dh.forEach((g, t) => {
    values(g).forEach((v, j) => assert.ok(Math.abs(v - expected[t]![j]!) <= 1e-12, `∂L/∂h_${t}[${j}]: ${v} vs ${expected[t]![j]}`));
    assert.ok(Math.abs(norm(values(g)) - norm(expected[t]!)) <= 1e-12);
  });
  // The recorded states are the ones the output holds.
  hs.forEach((ht, t) => assert.deepEqual(values(ht), values(narrow(output, 0, t, 1))));
  rnn.recordStates = false;
  rnn.forward(x);
  assert.equal(rnn.lastStates, null);
});

test('recordStates keeps per layer and direction T states of [B, H] in time order; the reverse direction ends at t = 0', () => {
  const lstm = new LSTM(2, 3, { numLayers: 2, bidirectional: true, dtype: 'float64', seed: 1 });
  lstm.recordStates = true;
  const [output, [hN]] = lstm.forward(tensor(Array.from({ length: 4 * 2 * 2 }, (_, i) => Math.cos(i)), { shape: [4, 2, 2], ...f64 }));
  const states = lstm.lastStates!;
  assert.equal(states.length, 2);
  for (const layer of states) {
    assert.equal(layer.length, 2);
    for (const dir of layer) assert.deepEqual(dir.map((s) => s.shape), [[2, 3], [2, 3], [2, 3], [2, 3]]);
  }
  // h_n of layer 1: forward after the last step, reverse after the first.
  assert.deepEqual(values(narrow(hN, 0, 2, 1)), values(states[1]![0]![3]!));
  assert.deepEqual(values(narrow(hN, 0, 3, 1)), values(states[1]![1]![0]!));
  assert.deepEqual(values(narrow(narrow(output, 0, 0, 1), 2, 3, 3)), values(states[1]![1]![0]!));
});

test('shapes as PyTorch: batch first, unbatched, bidirectional; h_n stays [L·D, B, H] with batchFirst', () => {
  const gru = new GRU(4, 5, { numLayers: 3, bidirectional: true, batchFirst: true, seed: 0 });
  const [out, h] = gru.forward(zeros([2, 7, 4]));
  assert.deepEqual([out.shape, h.shape], [[2, 7, 10], [6, 2, 5]]);
  const lstm = new LSTM(4, 5, { seed: 0 });
  const [o2, [h2, c2]] = lstm.forward(zeros([7, 4]), [zeros([1, 5]), zeros([1, 5])]);
  assert.deepEqual([o2.shape, h2.shape, c2.shape], [[7, 5], [1, 5], [1, 5]]);
  assert.equal(lstm.parameters()[0]!.dtype, 'float32');
  // Weights drawn from U(−1/√H, 1/√H).
  for (const p of lstm.parameters()) for (const v of p.data()) assert.ok(Math.abs(v) <= 1 / Math.sqrt(5));
  assert.deepEqual(values(new LSTM(4, 5, { seed: 9 }).parameters()[1]!), values(new LSTM(4, 5, { seed: 9 }).parameters()[1]!));
});

test('dropout between layers: training only, never after the last layer, seeded and restored from a random state', () => {
  const x = tensor(Array.from({ length: 5 * 3 * 2 }, (_, i) => Math.sin(i)), { shape: [5, 3, 2], ...f64 });
  const make = () => new RNN(2, 8, { numLayers: 2, dropout: 0.5, dtype: 'float64', seed: 4 });
  const plain = new RNN(2, 8, { numLayers: 2, dtype: 'float64', seed: 4 });
  const a = make();
  assert.deepEqual(a.namedGenerators().map(([n]) => n), ['generator']);
  const saved = randomState(a);
  const first = values(a.forward(x)[0]);
  assert.notDeepEqual(first, values(plain.forward(x)[0]));
  assert.notDeepEqual(values(a.forward(x)[0]), first, 'a new mask each call');
  loadRandomState(a, saved);
  assert.deepEqual(values(a.forward(x)[0]), first, 'the restored generator draws the same mask');
  assert.deepEqual(values(make().forward(x)[0]), first, 'the same seed, the same masks');
  a.eval();
  assert.deepEqual(values(a.forward(x)[0]), values(plain.forward(x)[0]));
  // One layer: nothing between layers to drop.
  const single = new GRU(2, 4, { dropout: 0.9, dtype: 'float64', seed: 2 });
  assert.deepEqual(values(single.forward(x)[0]), values(new GRU(2, 4, { dtype: 'float64', seed: 2 }).forward(x)[0]));
});

test("PyTorch's checks as typed errors naming the expected shape", () => {
  const lstm = new LSTM(3, 4, { numLayers: 2 });
  assert.throws(() => lstm.forward(zeros([2, 3, 4, 3])), (e: Error) => e instanceof ShapeError && /Expected input to be 2-D or 3-D but received 4-D tensor/.test(e.message));
  assert.throws(() => lstm.forward(zeros([5, 2, 2])), (e: Error) => e instanceof ShapeError && /input.size\(-1\) must be equal to input_size. Expected 3, got 2/.test(e.message));
  assert.throws(() => lstm.forward(zeros([5, 2, 3]), [zeros([2, 3, 4]), zeros([2, 2, 4])]), (e: Error) => e instanceof ShapeError && /Expected hidden\[0\] size \[2,2,4\], got \[2,3,4\]/.test(e.message));
  assert.throws(() => lstm.forward(zeros([5, 2, 3]), [zeros([2, 2, 4]), zeros([2, 4])]), (e: Error) => e instanceof ShapeError && /batched 3-D input, hidden\[1\] should also be 3-D but got 2-D/.test(e.message));
  assert.throws(() => lstm.forward(zeros([5, 3]), [zeros([2, 1, 4]), zeros([2, 1, 4])]), (e: Error) => e instanceof ShapeError && /unbatched 2-D input, hidden\[0\] should also be 2-D/.test(e.message));
  const rnn = new RNN(3, 4);
  assert.throws(() => rnn.forward(zeros([5, 2, 3]), zeros([2, 2, 4])), (e: Error) => e instanceof ShapeError && /Expected hidden size \[1,2,4\], got \[2,2,4\]/.test(e.message));
  assert.throws(() => rnn.forward(zeros([5, 2, 3], { dtype: 'int32' })), DTypeError);
  assert.throws(() => rnn.forward(zeros([0, 2, 3])), ShapeError);
  assert.throws(() => new RNN(3, 4, { nonlinearity: 'sigmoid' as 'tanh' }), /Unknown nonlinearity 'sigmoid'. Select from 'tanh' or 'relu'/);
  assert.throws(() => new GRU(3, 0), (e: Error) => e instanceof ValueError && /hidden_size must be greater than zero/.test(e.message));
  assert.throws(() => new GRU(3, 4, { numLayers: 0 }), /num_layers must be greater than zero/);
  assert.throws(() => new GRU(3, 4, { dropout: 1.5 }), ValueError);
  assert.throws(() => new LSTM(3, 4, { projSize: 2 } as object), /projSize is not supported/);
  assert.throws(() => new LSTM(3, 4, { seed: 1, generator: new Generator(1) }), /either a seed or a generator/);
});

test('describe, config, the factories and summary', () => {
  assert.equal(new LSTM(64, 128, { numLayers: 2, bidirectional: true }).describe(), 'LSTM(64 → 128, 2 layers, bidirectional)');
  assert.equal(new RNN(2, 3, { nonlinearity: 'relu', bias: false }).describe(), 'RNN(2 → 3, relu, no bias)');
  assert.equal(new GRU(2, 3, { batchFirst: true, dropout: 0.2 }).describe(), 'GRU(2 → 3, batch first, dropout 0.2)');
  const reserved: number[] = [];
  const ctx: FromConfigContext = { generator: new Generator(0), build: () => { throw new Error('no nesting'); }, reserve: (n) => void reserved.push(n) };
  const factories = new Map(RECURRENT_MODULE_FACTORIES);
  for (const m of [new RNN(2, 3, { nonlinearity: 'relu', numLayers: 2, seed: 5 }), new LSTM(3, 4, { bidirectional: true, batchFirst: true, dtype: 'float64' }), new GRU(2, 5, { bias: false, dropout: 0.3, numLayers: 2 })]) {
    const config = m.config();
    const rebuilt = factories.get(config.type)!(config, ctx, 'model');
    assert.deepEqual(rebuilt.config(), config);
    assert.equal(rebuilt.describe(), m.describe());
    assert.deepEqual(rebuilt.namedParameters().map(([n, p]) => [n, p.shape]), m.namedParameters().map(([n, p]) => [n, p.shape]));
    assert.equal(reserved.at(-1), m.parameterCount());
  }
  assert.throws(() => factories.get('LSTM')!({ type: 'LSTM', inputSize: 2, hiddenSize: 0 }, ctx, 'model'), /LSTM.hiddenSize must be an integer ≥ 1, got 0/);
  assert.throws(() => factories.get('RNN')!({ type: 'RNN', inputSize: 2, hiddenSize: 3, nonlinearity: 'gelu' }, ctx, 'model'), /RNN.nonlinearity must be 'tanh' or 'relu'/);
  const table = new LSTM(2, 3, { seed: 0 }).summary([5, 1, 2]);
  assert.match(table, /LSTM\(2 → 3\)\s+\(\[5,1,3\], \(\[1,1,3\], \[1,1,3\]\)\)\s+84/);
});
