import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, ValueError, getDefaultGenerator, manualSeed, tensor } from '../../src/index.js';
import {
  Dropout,
  GELU,
  Identity,
  LeakyReLU,
  Linear,
  Module,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
  mlp,
  moduleFromConfig,
  moduleTypes,
  registerModuleType,
  type ModuleConfig,
} from '../../src/nn/index.js';

test('moduleFromConfig rebuilds every module type from config(), same class, same config', () => {
  const modules: Module[] = [
    new Linear(3, 2, { seed: 0 }),
    new Linear(3, 2, { bias: false, dtype: 'float64', seed: 0 }),
    new Sigmoid(),
    new Tanh(),
    new ReLU(),
    new LeakyReLU(0.2),
    new GELU('tanh'),
    new Softmax(0),
    new Identity(),
    new Dropout(0.3),
    new Dropout(0.3, { seed: 5 }),
    new Sequential(new Linear(2, 2, { seed: 0 }), new Sequential(new Tanh(), new Linear(2, 1, { seed: 1 }))),
    mlp([2, 8, 8, 1], { activation: 'gelu', outputActivation: 'sigmoid', dropout: 0.2, seed: 0 }),
  ];
  for (const m of modules) {
    const config = m.config();
    const rebuilt = moduleFromConfig(JSON.parse(JSON.stringify(config)) as ModuleConfig);
    assert.equal(rebuilt.constructor, m.constructor, config.type);
    assert.deepEqual(rebuilt.config(), config);
    assert.deepEqual(
      rebuilt.namedParameters().map(([n, p]) => [n, [...p.shape], p.dtype]),
      m.namedParameters().map(([n, p]) => [n, [...p.shape], p.dtype]),
    );
  }
  for (const type of ['Dropout', 'GELU', 'Identity', 'LeakyReLU', 'Linear', 'ReLU', 'Sequential', 'Sigmoid', 'Softmax', 'Tanh']) {
    assert.ok(moduleTypes().includes(type), type);
  }
});

test('config + stateDict reproduce a model exactly', () => {
  const model = mlp([2, 8, 8, 1], { activation: 'tanh', seed: 3 });
  const copy = moduleFromConfig(model.config());
  copy.loadStateDict(model.stateDict());
  const x = tensor([[0.5, -1], [2, 3]]);
  assert.deepEqual(copy.forward(x).toArray(), model.forward(x).toArray());
  assert.deepEqual(copy.summary([1, 2]), model.summary([1, 2]));
});

test('moduleFromConfig does not move the global random state', () => {
  manualSeed(11);
  const before = getDefaultGenerator().nextUint32();
  manualSeed(11);
  moduleFromConfig(mlp([4, 16, 2], { seed: 0 }).config());
  assert.equal(getDefaultGenerator().nextUint32(), before);
});

test('moduleFromConfig names an unknown type and bad fields', () => {
  assert.throws(
    () => moduleFromConfig({ type: 'Conv9d' }),
    (e: unknown) => e instanceof ValueError && e.message === `moduleFromConfig: model: unknown module type 'Conv9d'; known types: ${moduleTypes().join(', ')}`,
  );
  assert.throws(
    () => moduleFromConfig({ type: 'Linear', inFeatures: 'two', outFeatures: 1 }),
    (e: unknown) => e instanceof ValueError && e.message === 'moduleFromConfig: model: Linear.inFeatures must be a non-negative integer, got "two"',
  );
  assert.throws(() => moduleFromConfig({ type: 'Linear', inFeatures: 2 }), /model: Linear\.outFeatures must be a non-negative integer, got undefined/);
  assert.throws(() => moduleFromConfig({ type: 'Linear', inFeatures: 2, outFeatures: 1, dtype: 'int32' }), /model: Linear\.dtype must be 'float32' or 'float64', got "int32"/);
  assert.throws(() => moduleFromConfig({ type: 'Linear', inFeatures: 2, outFeatures: 1, bias: 'yes' }), /model: Linear\.bias must be true or false, got "yes"/);
  assert.throws(() => moduleFromConfig({ type: 'Dropout', p: 3 }), /model: Dropout\.p must be a probability in \[0, 1\], got 3/);
  assert.throws(() => moduleFromConfig({ type: 'Sequential', layers: {} }), /model: Sequential\.layers must be an array of module configs, got \{\}/);
  assert.throws(
    () => moduleFromConfig({ type: 'Sequential', layers: [{ type: 'ReLU' }, { type: 'Sequential', layers: [{ type: 'Swish' }] }] }),
    /moduleFromConfig: model\.layers\[1\]\.layers\[0\]: unknown module type 'Swish'/,
  );
  assert.throws(() => moduleFromConfig({ type: 'Sequential', layers: [42] }), /model\.layers\[0\]: a module config must be an object \{ type, \.\.\. \}, got 42/);
});

test('registerModuleType lets moduleFromConfig rebuild user modules', () => {
  class Scale extends Module {
    constructor(readonly factor: number) {
      super();
    }
    forward(x: Tensor): Tensor {
      return x.mul(this.factor);
    }
    override config(): ModuleConfig {
      return { type: 'TestScale', factor: this.factor };
    }
  }
  registerModuleType('TestScale', (c) => new Scale(typeof c['factor'] === 'number' ? c['factor'] : 1));
  const model = moduleFromConfig(new Sequential(new Scale(3), new ReLU()).config());
  assert.deepEqual(model.forward(tensor([-1, 2])).toArray(), [0, 6]);
  assert.throws(() => new (class extends Module {
    forward(x: Tensor): Tensor {
      return x;
    }
  })().config(), /cannot describe itself, so it cannot be saved to a model file/);
});
