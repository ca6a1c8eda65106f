import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Linear, Sequential, Sigmoid } from '../../src/index.js';
import {
  activationName,
  biasName,
  elementName,
  isGenericName,
  isSequentialDefaultName,
  modelParameterNames,
  preActivationName,
  unitName,
  weightName,
} from '../../src/explain/names.js';

test("the tutorial's names: W1, b1, z1; y for the output, h for the only hidden layer, h2 among several", () => {
  assert.deepEqual([weightName(1), biasName(2), preActivationName(3)], ['W1', 'b2', 'z3']);
  assert.deepEqual([activationName(2, 'output'), activationName(1, 'only'), activationName(2, 'hidden')], ['y', 'h', 'h2']);
});

test('unitName and elementName index only layers and parameters of several', () => {
  assert.equal(unitName('h1', 3, 4), 'h1[3]');
  assert.equal(unitName('y', 0, 1), 'y');
  assert.equal(elementName('W1', [0, 1], 6), 'W1[0,1]');
  assert.equal(elementName('b2', [0], 1), 'b2');
});

test("generic names: explanations replace module paths ('fc.weight'), the network diagram only Sequential's defaults", () => {
  assert.deepEqual(['weight', '0.bias', 'fc.weight', 'w1', undefined].map(isGenericName), [true, true, true, false, true]);
  assert.deepEqual(['weight', '0.bias', 'fc.weight', 'w1', undefined, ''].map(isSequentialDefaultName), [true, true, false, false, true, true]);
});

test('modelParameterNames numbers the layers that hold parameters: 0.weight → W1, 2.bias → b2', () => {
  const model = new Sequential(new Linear(2, 3), new Sigmoid(), new Linear(3, 1));
  const names = [...modelParameterNames(model).values()];
  assert.deepEqual(names, ['W1', 'b1', 'W2', 'b2']);
  assert.equal(modelParameterNames(undefined).size, 0);
});
