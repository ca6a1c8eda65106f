import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DTypeError, ShapeError, Tensor, ValueError, gradcheck, logSoftmax, tensor } from '../../src/index.js';
import {
  LOSS_NAMES,
  bceWithLogits,
  binaryCrossEntropy,
  canonicalLossName,
  crossEntropy,
  getLoss,
  halfSquaredError,
  huber,
  l1,
  mse,
  nll,
  type LossOptions,
  type Reduction,
} from '../../src/nn/index.js';
import { assertClose } from '../helpers/assert.js';

// Inputs shared with scripts/oracles/nn_losses.py.
const Y = [[0.3, -1.2], [2.5, 0.7], [-0.4, 1.9]];
const T = [[0.1, -0.2], [0.5, 0.9], [-2.0, 1.8]];
const P = [[0.2, 0.9], [0.6, 0.05], [0.999, 0.3]];
const B = [[0.0, 1.0], [1.0, 0.0], [1.0, 0.25]];
const X = [[1.5, -0.3, 0.2, 2.0], [-1.0, 0.4, 0.0, 0.7], [0.3, 0.3, -2.2, 1.1]];
const LABELS = [3, 1, 0];
const PROBS = [[0.1, 0.2, 0.3, 0.4], [0.0, 1.0, 0.0, 0.0], [0.5, 0.25, 0.125, 0.125]];

// PyTorch 1.13 (Debian python3-torch), float64, printed by scripts/oracles/nn_losses.py:
// per loss the mean, the sum, the unreduced losses and the gradient of the mean w.r.t. the prediction.
interface Oracle {
  mean: number;
  sum: number;
  none: number[][] | number[];
  grad: number[][];
}
const TORCH: Record<string, Oracle> = {
  mse: { mean: 1.2750000000000001, sum: 7.65, none: [[0.039999999999999994, 1.0], [4.0, 0.04000000000000003], [2.5600000000000005, 0.009999999999999974]], grad: [[0.06666666666666665, -0.3333333333333333], [0.6666666666666666, -0.06666666666666668], [0.5333333333333333, 0.033333333333333284]] },
  l1: { mean: 0.8500000000000001, sum: 5.1000000000000005, none: [[0.19999999999999998, 1.0], [2.0, 0.20000000000000007], [1.6, 0.09999999999999987]], grad: [[0.16666666666666666, -0.16666666666666666], [0.16666666666666666, -0.16666666666666666], [0.16666666666666666, 0.16666666666666666]] },
  huber: { mean: 0.5241666666666667, sum: 3.145, none: [[0.019999999999999997, 0.5], [1.5, 0.020000000000000014], [1.1, 0.004999999999999987]], grad: [[0.033333333333333326, -0.16666666666666666], [0.16666666666666666, -0.03333333333333334], [0.16666666666666666, 0.016666666666666642]] },
  'huber_delta0.5': { mean: 0.32833333333333337, sum: 1.9700000000000002, none: [[0.019999999999999997, 0.375], [0.875, 0.020000000000000014], [0.675, 0.004999999999999987]], grad: [[0.033333333333333326, -0.08333333333333333], [0.08333333333333333, -0.03333333333333334], [0.08333333333333333, 0.016666666666666642]] },
  binaryCrossEntropy: { mean: 0.24335381574911572, sum: 1.4601228944946942, none: [[0.2231435513142097, 0.10536051565782628], [0.5108256237659907, 0.05129329438755058], [0.0010005003335835344, 0.5684994090355333]], grad: [[0.2083333333333333, -0.1851851851851852], [-0.2777777777777778, 0.17543859649122806], [-0.1668335001668335, 0.03968253968253967]] },
  bceWithLogits: { mean: 0.9961859176112465, sum: 5.977115505667479, none: [[0.854355244468527, 1.4632824673380314], [0.07888973429254957, 1.103186048885458], [0.9130152523999525, 1.5643867582829605]], grad: [[0.09574041946860984, -0.12808746391650294], [-0.012643030003540575, 0.11136462869469436], [-0.09978127668540866, 0.10331525427283368]] },
  crossEntropy_labels: { mean: 1.0904150093571363, sum: 3.271245028071409, none: [0.627054594706181, 1.1838035099869055, 1.4603869233783229], grad: [[0.10799537429529535, 0.01785151530408643, 0.02943217299607615, -0.155279062595458], [0.025162114749000715, -0.23129592643744368, 0.06839771928780998, 0.137736092400633], [-0.25595118851081966, 0.07738214482251365, 0.006351913251270371, 0.17221713043703563]] },
  crossEntropy_probs: { mean: 1.5112483426904697, sum: 4.533745028071409, none: [1.6770545947061812, 1.1838035099869055, 1.6728869233783228], grad: [[0.07466204096196204, -0.04881515136258023, -0.07056782700392383, 0.044720937404542], [0.025162114749000715, -0.23129592643744368, 0.06839771928780998, 0.137736092400633], [-0.08928452184415299, -0.005951188510819666, -0.03531475341539629, 0.130550463770369]] },
  nll: { mean: 1.0904150093571363, sum: 3.271245028071409, none: [0.627054594706181, 1.1838035099869055, 1.4603869233783229], grad: [[0.0, 0.0, 0.0, -0.3333333333333333], [0.0, -0.3333333333333333, 0.0, 0.0], [-0.3333333333333333, 0.0, 0.0, 0.0]] },
};

const f64 = (v: number[][] | number[]) => tensor(v, { dtype: 'float64' });
const labels = () => tensor(LABELS, { dtype: 'int32' });

// Independent plain-JS definitions, written from the textbook formulas.
const zip = (a: number[][], b: number[][], f: (x: number, y: number) => number) => a.map((row, i) => row.map((x, j) => f(x, b[i]?.[j] ?? NaN)));
const sigmoidJs = (x: number) => 1 / (1 + Math.exp(-x));
const logSumExpJs = (row: number[]) => Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
const REF: Record<string, number[][] | number[]> = {
  mse: zip(Y, T, (y, t) => (y - t) ** 2),
  halfSquaredError: zip(Y, T, (y, t) => 0.5 * (y - t) ** 2),
  l1: zip(Y, T, (y, t) => Math.abs(y - t)),
  huber: zip(Y, T, (y, t) => (Math.abs(y - t) < 1 ? 0.5 * (y - t) ** 2 : Math.abs(y - t) - 0.5)),
  'huber_delta0.5': zip(Y, T, (y, t) => (Math.abs(y - t) < 0.5 ? 0.5 * (y - t) ** 2 : 0.5 * (Math.abs(y - t) - 0.25))),
  binaryCrossEntropy: zip(P, B, (p, t) => -(t * Math.log(p) + (1 - t) * Math.log(1 - p))),
  bceWithLogits: zip(Y, B, (x, t) => -(t * Math.log(sigmoidJs(x)) + (1 - t) * Math.log(1 - sigmoidJs(x)))),
  crossEntropy_labels: X.map((row, i) => logSumExpJs(row) - (row[LABELS[i] ?? 0] ?? NaN)),
  crossEntropy_probs: X.map((row, i) => row.reduce((s, v, j) => s - (PROBS[i]?.[j] ?? NaN) * (v - logSumExpJs(row)), 0)),
};
REF['nll'] = REF['crossEntropy_labels'] ?? [];

function reduceJs(values: number[][] | number[], reduction: Reduction): number | number[][] | number[] {
  const flat = values.flat();
  if (reduction === 'none') return values;
  const total = flat.reduce((s, v) => s + v, 0);
  return reduction === 'sum' ? total : total / flat.length;
}

interface Case {
  readonly key: string;
  readonly fn: (prediction: Tensor, target: Tensor, options?: LossOptions) => Tensor;
  readonly prediction: () => Tensor;
  readonly target: () => Tensor;
}
const CASES: Case[] = [
  { key: 'mse', fn: mse, prediction: () => f64(Y), target: () => f64(T) },
  { key: 'halfSquaredError', fn: halfSquaredError, prediction: () => f64(Y), target: () => f64(T) },
  { key: 'l1', fn: l1, prediction: () => f64(Y), target: () => f64(T) },
  { key: 'huber', fn: huber, prediction: () => f64(Y), target: () => f64(T) },
  { key: 'huber_delta0.5', fn: (p, t, o) => huber(p, t, { ...o, delta: 0.5 }), prediction: () => f64(Y), target: () => f64(T) },
  { key: 'binaryCrossEntropy', fn: binaryCrossEntropy, prediction: () => f64(P), target: () => f64(B) },
  { key: 'bceWithLogits', fn: bceWithLogits, prediction: () => f64(Y), target: () => f64(B) },
  { key: 'crossEntropy_labels', fn: crossEntropy, prediction: () => f64(X), target: labels },
  { key: 'crossEntropy_probs', fn: crossEntropy, prediction: () => f64(X), target: () => f64(PROBS) },
  { key: 'nll', fn: nll, prediction: () => logSoftmax(f64(X), 1), target: labels },
];

for (const c of CASES) {
  test(`${c.key} matches the plain-JS formula with reductions mean, sum and none`, () => {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const got = c.fn(c.prediction(), c.target(), { reduction });
      const expected = reduceJs(REF[c.key] ?? [], reduction);
      if (typeof expected === 'number') {
        assert.deepEqual([...got.shape], []);
        assertClose(got, expected, 1e-12, `${c.key} ${reduction}`);
      } else {
        assert.deepEqual([...got.shape], [expected.length, ...(Array.isArray(expected[0]) ? [expected[0].length] : [])]);
        assertClose(got, expected.flat(), 1e-12, `${c.key} ${reduction}`);
      }
    }
    assertClose(c.fn(c.prediction(), c.target()), reduceJs(REF[c.key] ?? [], 'mean') as number, 1e-12, `${c.key} default reduction is mean`);
  });

  const oracle = TORCH[c.key];
  if (oracle !== undefined) {
    test(`${c.key} matches PyTorch's values and gradient`, () => {
      assertClose(c.fn(c.prediction(), c.target(), { reduction: 'mean' }), oracle.mean, 1e-12);
      assertClose(c.fn(c.prediction(), c.target(), { reduction: 'sum' }), oracle.sum, 1e-12);
      assertClose(c.fn(c.prediction(), c.target(), { reduction: 'none' }), oracle.none.flat(), 1e-12);
      const x = c.prediction().detach().requiresGrad_(true);
      c.fn(x, c.target()).backward();
      assertClose(x.grad ?? tensor(0), oracle.grad.flat(), 1e-12);
    });
  }

  test(`gradcheck: ${c.key} w.r.t. the prediction, every reduction`, () => {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const target = c.target();
      const result = gradcheck((p) => c.fn(p, target, { reduction }), [c.prediction().detach()]);
      assert.ok(result.ok, `${c.key} ${reduction}`);
    }
  });
}

test('halfSquaredError gives the tutorial loss L = ½(y − t)² = 0.0259 and ∂L/∂y = y − t', () => {
  const yValue = 0.3 * sigmoidJs(0.4 * 0.5 + 0.1) + 0.2; // 0.3723…
  assert.equal(yValue.toFixed(4), '0.3723');
  const y = tensor([[yValue]], { dtype: 'float64', requiresGrad: true });
  const L = halfSquaredError(y, tensor([[0.6]], { dtype: 'float64' }));
  assert.equal(L.item(), 0.5 * (yValue - 0.6) ** 2);
  assert.equal(L.item().toFixed(4), '0.0259');
  L.backward();
  assert.equal(y.grad?.item().toFixed(4), '-0.2277');
});

test('crossEntropy is stable for logits ±1000: finite, correct values and gradients', () => {
  // PyTorch gives [2000, -0] (scripts/oracles/nn_losses.py).
  for (const dtype of ['float32', 'float64'] as const) {
    const x = tensor([[1000, -1000, 0], [-1000, 1000, 0]], { dtype, requiresGrad: true });
    const losses = crossEntropy(x, tensor([1, 1], { dtype: 'int32' }), { reduction: 'none' });
    assert.deepEqual(Array.from(losses._data, (v) => v + 0), [2000, 0]);
    losses.sum().backward();
    assert.deepEqual(x.grad?.toArray(), [[1, -1, 0], [0, 0, 0]]);
    const fromOneHot = crossEntropy(x.detach(), tensor([[0, 1, 0], [0, 1, 0]], { dtype }), { reduction: 'none' });
    assert.deepEqual(Array.from(fromOneHot._data, (v) => v + 0), [2000, 0]);
  }
});

test('bceWithLogits is stable for logits ±1000 and has the exact gradient σ(x) − t, also at x = 0', () => {
  // PyTorch gives [1000, 1000, 0, 0] (scripts/oracles/nn_losses.py).
  for (const dtype of ['float32', 'float64'] as const) {
    const x = tensor([1000, -1000, 1000, -1000, 0, 0], { dtype, requiresGrad: true });
    const t = tensor([0, 1, 1, 0, 1, 0], { dtype });
    const losses = bceWithLogits(x, t, { reduction: 'none' });
    assertClose(losses, [1000, 1000, 0, 0, Math.LN2, Math.LN2], 1e-7);
    losses.sum().backward();
    assert.deepEqual(x.grad?.toArray(), [1, -1, 0, 0, -0.5, 0.5]);
  }
});

test('binaryCrossEntropy clamps the logs at −100, as PyTorch, without NaN gradients', () => {
  // PyTorch gives [100, 100, 0, -0] (scripts/oracles/nn_losses.py).
  const p = tensor([0, 1, 0, 1], { dtype: 'float64', requiresGrad: true });
  const losses = binaryCrossEntropy(p, tensor([1, 0, 0, 1], { dtype: 'float64' }), { reduction: 'none' });
  assert.deepEqual(Array.from(losses._data, (v) => v + 0), [100, 100, 0, 0]);
  losses.sum().backward();
  assert.ok(Array.from(p.grad?._data ?? []).every(Number.isFinite), `gradient ${String(p.grad?.toArray())}`);
});

test('elementwise losses accept a [B] target for a [B, 1] prediction (reshaped, never broadcast)', () => {
  const pred = tensor([[1], [2], [3]]);
  assertClose(mse(pred, tensor([1, 2, 5])), 4 / 3, 1e-7);
  assert.deepEqual([...mse(pred, tensor([1, 2, 5]), { reduction: 'none' }).shape], [3, 1]);
  assert.equal(l1(tensor([1, 2]), tensor([[1], [4]])).item(), 1);
});

test('losses cast the target to the prediction dtype (int32 and bool targets included)', () => {
  const pred = tensor([0.5, 2], { dtype: 'float64' });
  const loss = mse(pred, tensor([1, 2], { dtype: 'int32' }));
  assert.equal(loss.dtype, 'float64');
  assert.equal(loss.item(), 0.125);
  assert.equal(bceWithLogits(tensor([0]), tensor([true])).dtype, 'float32');
});

test('losses reject mismatched shapes and dtypes, naming the loss and both shapes', () => {
  assert.throws(
    () => mse(tensor([[1, 2], [3, 4]]), tensor([1, 2])),
    (e: unknown) =>
      e instanceof ShapeError &&
      e.message === 'mse: prediction shape [2,2] and target shape [2] differ; the loss compares them element by element, so they must have the same shape',
  );
  assert.throws(
    () => bceWithLogits(tensor([[1, 2, 3]]), tensor([[1], [0], [1]])),
    (e: unknown) =>
      e instanceof ShapeError &&
      e.message === 'bceWithLogits: prediction shape [1,3] and target shape [3,1] differ; the loss compares them element by element, so they must have the same shape (reshape the target to [1,3])',
  );
  assert.throws(() => huber(tensor([1, 2], { dtype: 'int32' }), tensor([1, 2])), (e: unknown) => e instanceof DTypeError && e.message === 'huber: the prediction must be float32 or float64, got int32 (shape [2])');
  assert.throws(() => mse(tensor([1]), tensor([1]), { reduction: 'avg' as Reduction }), (e: unknown) => e instanceof ValueError && e.message === "mse: reduction must be 'mean', 'sum' or 'none', got 'avg'");
  assert.throws(() => huber(tensor([1]), tensor([1]), { delta: 0 }), /huber: delta must be a positive finite number, got 0/);
  assert.throws(
    () => binaryCrossEntropy(tensor([0.5, 1.5]), tensor([1, 0])),
    (e: unknown) => e instanceof ValueError && e.message === 'binaryCrossEntropy: predictions must be probabilities in [0, 1], got 1.5 at flat index 1; for logits (unbounded scores) use bceWithLogits',
  );
});

test('crossEntropy and nll reject bad label shapes, ranges and dtypes', () => {
  const logits = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.throws(
    () => crossEntropy(logits, tensor([[0], [2]], { dtype: 'int32' })),
    (e: unknown) => e instanceof ShapeError && e.message === 'crossEntropy: class labels for logits [2,3] must have shape [2], got [2,1] (use labels.reshape([2]))',
  );
  assert.throws(
    () => crossEntropy(logits, tensor([0, 3], { dtype: 'int32' })),
    (e: unknown) => e instanceof ValueError && e.message === 'crossEntropy: label 3 (row 1) is out of range for 3 classes; labels must be integers in [0, 3)',
  );
  assert.throws(
    () => crossEntropy(logits, tensor([0, 2])),
    (e: unknown) =>
      e instanceof ShapeError &&
      e.message === "crossEntropy: probability (or one-hot) targets must have the logits' shape [2,3], got [2]; class labels must be int32 (target.cast('int32'))",
  );
  assert.throws(() => crossEntropy(logits, tensor([true, false])), (e: unknown) => e instanceof DTypeError && e.message === 'crossEntropy: targets must be int32 class labels or float class probabilities, got bool');
  assert.throws(() => crossEntropy(tensor([[[1]]]), tensor([0], { dtype: 'int32' })), /crossEntropy: logits must have shape \[batch, classes\] or \[classes\], got \[1,1,1\]/);
  assert.throws(() => nll(logits, tensor([0, 1])), (e: unknown) => e instanceof DTypeError && e.message === 'nll: targets must be int32 class labels, got float32; for probability targets use crossEntropy on the logits');
  assert.throws(() => nll(logits, tensor([-1, 1], { dtype: 'int32' })), /nll: label -1 \(row 0\) is out of range for 3 classes/);
});

test('crossEntropy accepts unbatched logits [C] with a 0-d label', () => {
  const x = tensor([2, 0, 0], { dtype: 'float64' });
  const expected = Math.log(Math.exp(2) + 2) - 2;
  const loss = crossEntropy(x, tensor(0, { dtype: 'int32' }), { reduction: 'none' });
  assert.deepEqual([...loss.shape], []);
  assertClose(loss, expected, 1e-12);
  assertClose(crossEntropy(x, tensor([1, 0, 0], { dtype: 'float64' })), expected, 1e-12);
});

test('getLoss maps names and aliases to the loss functions and lists the valid names otherwise', () => {
  assert.equal(getLoss('mse'), mse);
  assert.equal(getLoss('halfSquaredError'), halfSquaredError);
  assert.equal(getLoss('half-mse'), halfSquaredError);
  assert.equal(getLoss('l1'), l1);
  assert.equal(getLoss('mae'), l1);
  assert.equal(getLoss('huber'), huber);
  assert.equal(getLoss('bce'), binaryCrossEntropy);
  assert.equal(getLoss('binaryCrossEntropy'), binaryCrossEntropy);
  assert.equal(getLoss('bceWithLogits'), bceWithLogits);
  assert.equal(getLoss('crossEntropy'), crossEntropy);
  assert.equal(getLoss('nll'), nll);
  assert.equal(LOSS_NAMES.length, 8);
  assert.equal(canonicalLossName('bce'), 'binaryCrossEntropy');
  assert.equal(canonicalLossName('toString'), undefined);
  assert.throws(
    () => getLoss('hinge'),
    (e: unknown) =>
      e instanceof ValueError &&
      e.message === "getLoss: unknown loss 'hinge'; valid names: mse, halfSquaredError (half-mse), l1 (mae), huber, binaryCrossEntropy (bce), bceWithLogits, crossEntropy, nll",
  );
  assert.throws(() => getLoss('constructor'), /unknown loss 'constructor'/);
});
