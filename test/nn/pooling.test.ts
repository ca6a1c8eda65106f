import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValueError, arange, avgPool2d, maxPool1d, maxPool2d, tensor } from '../../src/index.js';
import {
  AdaptiveAvgPool2d,
  AvgPool1d,
  AvgPool2d,
  Flatten,
  Linear,
  MaxPool1d,
  MaxPool2d,
  ReLU,
  Sequential,
  moduleFromConfig,
  moduleTypes,
  type Module,
  type ModuleConfig,
} from '../../src/nn/index.js';

const MODULES = (): Module[] => [
  new MaxPool2d(2),
  new MaxPool2d([3, 2], { stride: [2, 1], padding: 1, dilation: [1, 2], ceilMode: true }),
  new MaxPool1d(3, { stride: 2, padding: 1 }),
  new AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false, divisorOverride: 4 }),
  new AvgPool2d(2),
  new AvgPool1d(2, { countIncludePad: false }),
  new AdaptiveAvgPool2d([3, null]),
  new AdaptiveAvgPool2d(1),
  new Flatten(),
  new Flatten(0, 2),
];

test('every pooling module and Flatten rebuilds from its config (through JSON) with the same class, config and output', () => {
  const x = arange(0, 2 * 3 * 8 * 8, 1, { dtype: 'float64' }).sin().reshape([2, 3, 8, 8]);
  for (const m of MODULES()) {
    const config = m.config();
    const rebuilt = moduleFromConfig(JSON.parse(JSON.stringify(config)) as ModuleConfig);
    assert.equal(rebuilt.constructor, m.constructor, config.type);
    assert.deepEqual(rebuilt.config(), config);
    const input = m instanceof MaxPool1d || m instanceof AvgPool1d ? x.reshape([2, 3, 64]) : x;
    assert.deepEqual(rebuilt.forward(input).toArray(), m.forward(input).toArray(), config.type);
  }
  for (const type of ['MaxPool1d', 'MaxPool2d', 'AvgPool1d', 'AvgPool2d', 'AdaptiveAvgPool2d', 'Flatten']) assert.ok(moduleTypes().includes(type), type);
});

test('the modules compute what the functional ops compute with the same arguments', () => {
  const x = arange(0, 2 * 2 * 7 * 7, 1, { dtype: 'float64' }).cos().reshape([2, 2, 7, 7]);
  assert.deepEqual(new MaxPool2d(3, { stride: 2, ceilMode: true }).forward(x).toArray(), maxPool2d(x, 3, { stride: 2, ceilMode: true }).toArray());
  assert.deepEqual(new AvgPool2d(2, { padding: 1, countIncludePad: false }).forward(x).toArray(), avgPool2d(x, 2, { padding: 1, countIncludePad: false }).toArray());
  const seq = x.reshape([2, 2, 49]);
  assert.deepEqual(new MaxPool1d(4, { dilation: 2 }).forward(seq).toArray(), maxPool1d(seq, 4, { dilation: 2 }).toArray());
  assert.deepEqual(new Flatten().forward(x).shape, [2, 98]);
  assert.deepEqual(new Flatten(0, 2).forward(x).shape, [28, 7]);
});

test('describe() names the kernel and only the options that differ from PyTorch\'s defaults', () => {
  assert.deepEqual(
    MODULES().map((m) => m.describe()),
    [
      'MaxPool2d(2)',
      'MaxPool2d((3, 2), stride=(2, 1), padding=1, dilation=(1, 2), ceilMode=true)',
      'MaxPool1d(3, stride=2, padding=1)',
      'AvgPool2d(3, stride=2, padding=1, ceilMode=true, countIncludePad=false, divisorOverride=4)',
      'AvgPool2d(2)',
      'AvgPool1d(2, countIncludePad=false)',
      'AdaptiveAvgPool2d((3, None))',
      'AdaptiveAvgPool2d(1)',
      'Flatten',
      'Flatten(0, 2)',
    ],
  );
});

test('a summary of a small CNN head shows each pooling layer\'s output shape and no parameters', () => {
  const model = new Sequential(new MaxPool2d(2), new ReLU(), new AvgPool2d(2, { stride: 1 }), new Flatten(), new Linear(3 * 6 * 6, 10, { seed: 0 }));
  const lines = model.summary([1, 3, 14, 14]).split('\n');
  assert.match(lines[2]!, /^0: MaxPool2d\(2\)\s+\[1,3,7,7\]\s+0$/);
  assert.match(lines[4]!, /^2: AvgPool2d\(2, stride=1\)\s+\[1,3,6,6\]\s+0$/);
  assert.match(lines[5]!, /^3: Flatten\s+\[1,108\]\s+0$/);
});

test('module constructors check their arguments as the functional ops do', () => {
  assert.throws(() => new MaxPool2d(0), (e: unknown) => e instanceof ValueError && e.message === 'MaxPool2d: kernelSize must be a positive integer or a pair of them, got 0');
  assert.throws(() => new AvgPool2d(2, { divisorOverride: 1.5 }), (e: unknown) => e instanceof ValueError && e.message === 'AvgPool2d: divisorOverride must be a positive integer or null, got 1.5');
  assert.throws(() => new MaxPool1d(2, { strides: 2 } as object), (e: unknown) => e instanceof ValueError && e.message === 'MaxPool1d: unknown option "strides"; the options are stride, padding, dilation, ceilMode');
  assert.throws(() => new AdaptiveAvgPool2d([0, 2]), (e: unknown) => e instanceof ValueError && e.message.startsWith('AdaptiveAvgPool2d: outputSize must be a positive integer'));
  assert.throws(() => new Flatten(0.5), (e: unknown) => e instanceof ValueError && e.message === 'Flatten: startDim and endDim must be integers, got 0.5 and -1');
});

test('moduleFromConfig names the path and the field of a bad pooling config', () => {
  const bad: [unknown, string][] = [
    [{ type: 'MaxPool2d', kernelSize: 0 }, 'moduleFromConfig: model: MaxPool2d.kernelSize must be a positive integer or a pair of them, got 0'],
    [{ type: 'MaxPool2d' }, 'moduleFromConfig: model: MaxPool2d.kernelSize must be a positive integer or a pair of them, got undefined'],
    [{ type: 'MaxPool2d', kernelSize: 2, stride: [2, 2, 2] }, 'moduleFromConfig: model: MaxPool2d.stride must be a positive integer or a pair of them, got [2,2,2]'],
    [{ type: 'MaxPool1d', kernelSize: 2, dilation: 0 }, 'moduleFromConfig: model: MaxPool1d.dilation must be a positive integer, got 0'],
    [{ type: 'AvgPool2d', kernelSize: 2, padding: -1 }, 'moduleFromConfig: model: AvgPool2d.padding must be a non-negative integer or a pair of them, got -1'],
    [{ type: 'AvgPool2d', kernelSize: 2, ceilMode: 'yes' }, 'moduleFromConfig: model: AvgPool2d.ceilMode must be true or false, got "yes"'],
    [{ type: 'AvgPool1d', kernelSize: 2, countIncludePad: 0 }, 'moduleFromConfig: model: AvgPool1d.countIncludePad must be true or false, got 0'],
    [{ type: 'AvgPool2d', kernelSize: 2, divisorOverride: -3 }, 'moduleFromConfig: model: AvgPool2d.divisorOverride must be a positive integer or null, got -3'],
    [{ type: 'AdaptiveAvgPool2d', outputSize: 'big' }, 'moduleFromConfig: model: AdaptiveAvgPool2d.outputSize must be a positive integer or a pair of positive integers (null keeps that size), got "big"'],
    [{ type: 'Flatten', startDim: '1' }, 'moduleFromConfig: model: Flatten.startDim and endDim must be integers, got "1" and -1'],
  ];
  for (const [config, message] of bad) {
    assert.throws(() => moduleFromConfig(config as ModuleConfig), (e: unknown) => e instanceof ValueError && e.message === message, message);
  }
  const nested = { type: 'Sequential', layers: [{ type: 'ReLU' }, { type: 'MaxPool2d', kernelSize: [2, 0] }] };
  assert.throws(() => moduleFromConfig(nested), /^ValueError: moduleFromConfig: model\.layers\[1\]: MaxPool2d\.kernelSize must be a positive integer or a pair of them, got \[2,0\]$/);
});

test('Flatten defaults to PyTorch\'s nn.Flatten (from axis 1), flatten() to torch.flatten (from axis 0)', () => {
  const x = tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
  assert.deepEqual(new Flatten().forward(x).toArray(), [[1, 2, 3, 4], [5, 6, 7, 8]]);
  assert.deepEqual(x.flatten().toArray(), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(x.flatten(1, 1).shape, [2, 2, 2]);
});
