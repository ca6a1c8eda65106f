// Convolution layers: PyTorch's parameter shapes, names and initialisation bounds, config round
// trips through moduleFromConfig, summaries, errors, and a small CNN that learns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Conv1d,
  Conv2d,
  ConvTranspose1d,
  ConvTranspose2d,
  Linear,
  ReLU,
  Sequential,
  SGD,
  ValueError,
  crossEntropy,
  moduleFromConfig,
  randn,
  tensor,
  Generator,
} from '../../src/index.js';
import type { Module, Tensor } from '../../src/index.js';

test('Conv2d has PyTorch\'s weight [out, in/groups, kH, kW] and bias [out], named weight and bias', () => {
  const conv = new Conv2d(4, 6, [3, 2], { groups: 2, seed: 1 });
  assert.deepEqual(conv.weight.shape, [6, 2, 3, 2]);
  assert.deepEqual(conv.bias?.shape, [6]);
  assert.deepEqual(Object.keys(conv.stateDict()), ['weight', 'bias']);
  assert.equal(conv.parameterCount(), 6 * 2 * 3 * 2 + 6);
  assert.equal(new Conv2d(1, 2, 3, { bias: false, seed: 0 }).bias, null);
});

test('ConvTranspose2d has PyTorch\'s weight [in, out/groups, kH, kW]; the 1-d layers drop a spatial axis', () => {
  assert.deepEqual(new ConvTranspose2d(4, 6, 3, { groups: 2, seed: 0 }).weight.shape, [4, 3, 3, 3]);
  assert.deepEqual(new Conv1d(3, 5, 4, { seed: 0 }).weight.shape, [5, 3, 4]);
  assert.deepEqual(new ConvTranspose1d(3, 5, 4, { seed: 0 }).weight.shape, [3, 5, 4]);
});

test('conv layers initialise as PyTorch: weight and bias uniform in ±1/√fanIn, fanIn = weight.shape[1]·kernel area', () => {
  const cases: [Module & { weight: Tensor; bias: Tensor | null }, number][] = [
    [new Conv2d(8, 16, 3, { seed: 2 }), 8 * 9],
    [new ConvTranspose2d(8, 16, 3, { seed: 3 }), 16 * 9],
    [new Conv1d(4, 32, 5, { groups: 2, seed: 4 }), 2 * 5],
  ];
  for (const [layer, fanIn] of cases) {
    const bound = 1 / Math.sqrt(fanIn);
    const w = Array.from(layer.weight.data());
    assert.ok(w.every((v) => Math.abs(v) <= bound), `${layer.describe()}: every weight within ±${bound}`);
    // U(−b, b) has mean 0 and variance b²/3: a wrong fan would miss by a factor.
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    assert.ok(Math.abs(variance / (bound * bound / 3) - 1) < 0.25, `${layer.describe()}: variance ${variance} vs ${bound * bound / 3}`);
    assert.ok(Array.from(layer.bias!.data()).every((v) => Math.abs(v) <= bound));
  }
});

test('conv layers rebuild from their config and give the same outputs once their weights are loaded', () => {
  const layers: Module[] = [
    new Conv2d(2, 3, [3, 2], { stride: [2, 1], padding: 1, dilation: [1, 2], seed: 0 }),
    new Conv2d(2, 4, 2, { padding: 'same', groups: 2, bias: false, seed: 0 }),
    new Conv1d(2, 3, 3, { padding: 'valid', dtype: 'float64', seed: 0 }),
    new ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1, outputPadding: 1, seed: 0 }),
    new ConvTranspose1d(2, 2, 2, { stride: 3, seed: 0 }),
  ];
  const g = new Generator(5);
  for (const layer of layers) {
    const config = JSON.parse(JSON.stringify(layer.config())) as ReturnType<Module['config']>;
    const rebuilt = moduleFromConfig(config);
    rebuilt.loadStateDict(layer.stateDict());
    const x = randn(layer instanceof Conv1d || layer instanceof ConvTranspose1d ? [2, 2, 7] : [2, 2, 6, 5], { generator: g });
    assert.deepEqual(rebuilt.forward(x).toArray(), layer.forward(x).toArray(), layer.describe());
    assert.equal(rebuilt.describe(), layer.describe());
  }
});

test('moduleFromConfig refuses a conv config with a bad field, naming the field', () => {
  assert.throws(() => moduleFromConfig({ type: 'Conv2d', inChannels: 1, outChannels: 2, kernelSize: 'x' }), {
    name: 'ValueError',
    message: 'moduleFromConfig: model: Conv2d.kernelSize must be a positive integer or a list of them, got "x"',
  });
  assert.throws(() => moduleFromConfig({ type: 'Conv2d', inChannels: 1, outChannels: 2, kernelSize: 3, padding: 'full' }), ValueError);
  assert.throws(() => moduleFromConfig({ type: 'ConvTranspose2d', inChannels: 1, outChannels: 2, kernelSize: 3, padding: 'same' }), ValueError);
  assert.throws(() => moduleFromConfig({ type: 'Conv2d', inChannels: 1, outChannels: 2, kernelSize: 3, stride: 0 }), {
    name: 'ValueError',
    message: 'Conv2d: stride must be a positive integer or a list of 2, got 0',
  });
});

test('conv layers check their options when built and their input when called', () => {
  assert.throws(() => new Conv2d(3, 4, 3, { groups: 2 }), { name: 'ValueError', message: 'Conv2d: groups = 2 must divide both inChannels (3) and outChannels (4)' });
  assert.throws(() => new Conv2d(3, 4, 3, { padding: 'same', stride: 2 }), ValueError);
  assert.throws(() => new Conv2d(3, 4, 0), { name: 'ValueError', message: 'Conv2d: kernelSize must be a positive integer or a list of 2, got 0' });
  assert.throws(() => new Conv2d(3, 4, 3, { outputPadding: 1 }), { name: 'ValueError', message: 'Conv2d: outputPadding is for transposed convolutions' });
  const conv = new Conv2d(3, 4, 3, { seed: 0 });
  assert.throws(() => conv.forward(randn([2, 2, 5, 5])), {
    name: 'ShapeError',
    message: 'Conv2d(3 → 4, kernel 3×3): expected a 4-d input (N, C, H, W) with C = 3 (or unbatched, 3-d), got shape [2,2,5,5]',
  });
  assert.deepEqual(conv.forward(randn([3, 5, 5])).shape, [4, 3, 3]);
});

test('summary lists each conv layer with its output shape and parameter count', () => {
  const net = new Sequential(new Conv2d(1, 4, 3, { padding: 1, seed: 0 }), new ReLU(), new Conv2d(4, 2, 3, { stride: 2, seed: 0 }));
  const text = net.summary([1, 1, 8, 8]);
  assert.match(text, /Conv2d\(1 → 4, kernel 3×3, padding=1\)\s+\[1,4,8,8\]\s+40/);
  assert.match(text, /Conv2d\(4 → 2, kernel 3×3, stride=2\)\s+\[1,2,3,3\]\s+74/);
});

test('a small CNN learns to tell a vertical bar from a horizontal one (loss falls, every image right)', () => {
  const images: number[] = [];
  const labels: number[] = [];
  for (let k = 0; k < 8; k++) {
    for (const vertical of [true, false]) {
      const img = new Array<number>(36).fill(0);
      for (let t = 0; t < 6; t++) img[vertical ? t * 6 + (k % 6) : (k % 6) * 6 + t] = 1;
      images.push(...img);
      labels.push(vertical ? 1 : 0);
    }
  }
  const x = tensor(images, { shape: [16, 1, 6, 6] });
  const y = tensor(labels, { shape: [16], dtype: 'int32' });
  const conv = new Conv2d(1, 4, 3, { padding: 1, seed: 3 });
  const head = new Linear(4 * 36, 2, { seed: 4 });
  const forward = (): Tensor => head.forward(conv.forward(x).relu().reshape([16, 4 * 36]));
  const opt = new SGD([...conv.parameters(), ...head.parameters()], { lr: 0.5 });
  const first = crossEntropy(forward(), y).item();
  for (let step = 0; step < 100; step++) {
    opt.zeroGrad();
    crossEntropy(forward(), y).backward();
    opt.step();
  }
  const logits = forward();
  assert.ok(crossEntropy(logits, y).item() < first / 4, `loss ${first} → ${crossEntropy(logits, y).item()}`);
  assert.deepEqual(Array.from(logits.argmax(1).data()), labels);
});
