import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, Linear, loadFromText, modelFileText, PlaneFeatures, Sequential, ShapeError, tensor, ValueError, moduleFromConfig } from '../../src/index.js';

test('PlaneFeatures computes x, y, x², y², xy, sin x, sin y in the order chosen', () => {
  const f = new PlaneFeatures(['sinx', 'x', 'y', 'x2', 'y2', 'xy', 'siny']);
  const out = f.forward(tensor([[2, -3], [0.5, 1]], { dtype: 'float64' }));
  assert.deepEqual(out.shape, [2, 7]);
  const rows = out.toArray() as number[][];
  assert.deepEqual(rows[0], [Math.sin(2), 2, -3, 4, 9, -6, Math.sin(-3)]);
  assert.deepEqual(rows[1], [Math.sin(0.5), 0.5, 1, 0.25, 1, 0.5, Math.sin(1)]);
  assert.equal(f.outFeatures, 7);
  assert.equal(f.describe(), 'PlaneFeatures(sin x, x, y, x², y², xy, sin y)');
  assert.deepEqual(new PlaneFeatures(['y']).forward(tensor([[1, 2]])).toArray(), [[2]]);
});

test('PlaneFeatures passes gradcheck (float64) through every feature', () => {
  const f = new PlaneFeatures(['x', 'y', 'x2', 'y2', 'xy', 'sinx', 'siny']);
  const r = gradcheck((p) => f.forward(p).sum(), [tensor([[0.3, -1.2], [2, 0.7], [1, 1]], { dtype: 'float64' })]);
  assert.ok(r.ok, JSON.stringify(r));
});

test('a model with PlaneFeatures saves and loads (the playground export), with the same predictions', () => {
  const model = new Sequential(new PlaneFeatures(['x', 'y', 'xy']), new Linear(3, 1));
  const text = modelFileText(model, { metadata: { task: 'binary' } });
  const back = loadFromText('m.json', text).model;
  const x = tensor([[0.1, 0.2], [-1, 3]]);
  assert.deepEqual(back.forward(x).toArray(), model.forward(x).toArray());
  assert.deepEqual(moduleFromConfig({ type: 'PlaneFeatures', features: ['x2'] }).config(), { type: 'PlaneFeatures', features: ['x2'] });
});

test('PlaneFeatures names the problem: unknown or repeated features, points that are not [batch, 2], a bad config', () => {
  assert.throws(() => new PlaneFeatures(['x', 'cosx' as 'x']), (e: Error) => e instanceof ValueError && /unknown feature 'cosx'/.test(e.message));
  assert.throws(() => new PlaneFeatures(['x', 'x']), (e: Error) => e instanceof ValueError && /listed twice/.test(e.message));
  assert.throws(() => new PlaneFeatures([]), (e: Error) => e instanceof ValueError && /at least one feature/.test(e.message));
  assert.throws(() => new PlaneFeatures(['x']).forward(tensor([[1, 2, 3]])), (e: Error) => e instanceof ShapeError && /\[batch, 2\].*got \[1,3\]/.test(e.message));
  assert.throws(() => moduleFromConfig({ type: 'PlaneFeatures', features: 'x' }), (e: Error) => e instanceof ValueError && /PlaneFeatures\.features must be an array/.test(e.message));
});
