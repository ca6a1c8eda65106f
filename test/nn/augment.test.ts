// Unflatten and RandomShift: the layers that let a model of flat rows start with a convolution and
// train on shifted images.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShapeError, ValueError, tensor, randomState, loadRandomState } from '../../src/index.js';
import { RandomShift, Sequential, Unflatten, moduleFromConfig } from '../../src/nn/index.js';

const ramp = (shape: number[]) => tensor(Float64Array.from({ length: shape.reduce((p, s) => p * s, 1) }, (_, i) => i + 1), { shape, dtype: 'float64' });

test('Unflatten splits one axis as nn.Unflatten does (negative dims too) and round-trips its config', () => {
  const x = ramp([2, 12]);
  const y = new Unflatten(1, [3, 2, 2]).forward(x);
  assert.deepEqual(y.shape, [2, 3, 2, 2]);
  assert.deepEqual(Array.from(y.data()), Array.from(x.data()));
  assert.deepEqual(new Unflatten(-1, [4, 3]).forward(x).shape, [2, 4, 3]);
  const u = new Unflatten(1, [1, 28, 28]);
  assert.deepEqual(u.config(), { type: 'Unflatten', dim: 1, unflattenedSize: [1, 28, 28] });
  assert.deepEqual(moduleFromConfig(u.config()).config(), u.config());
  assert.equal(u.describe(), 'Unflatten(1, [1, 28, 28])');
  assert.throws(() => new Unflatten(1, [5, 2]).forward(x), (e: unknown) => e instanceof ShapeError && e.message === 'Unflatten(1, [5, 2]): axis 1 of the input [2,12] has 12 values, but 5×2 = 10');
  assert.throws(() => new Unflatten(2, [3, 4]).forward(x), (e: unknown) => e instanceof ShapeError && e.message === 'Unflatten(2, [3, 4]): dim 2 is out of range for an input of shape [2,12]');
  assert.throws(() => new Unflatten(1, []), ValueError);
  assert.throws(() => moduleFromConfig({ type: 'Unflatten', dim: 1.5, unflattenedSize: [2] }), /^ValueError: moduleFromConfig: model: Unflatten\.dim must be an integer, got 1\.5$/);
});

/** The (dy, dx) in [-m, m]² for which `out` is `x` shifted with zero fill, or null. */
function shiftOf(x: number[], out: number[], h: number, w: number, m: number): [number, number] | null {
  for (let dy = -m; dy <= m; dy++) {
    for (let dx = -m; dx <= m; dx++) {
      let same = true;
      for (let i = 0; i < h && same; i++) {
        for (let j = 0; j < w && same; j++) {
          const si = i + dy;
          const sj = j + dx;
          const expected = si >= 0 && si < h && sj >= 0 && sj < w ? x[si * w + sj]! : 0;
          same = out[i * w + j] === expected;
        }
      }
      if (same) return [dy, dx];
    }
  }
  return null;
}

test('RandomShift moves each image (all its channels alike) by at most maxShift pixels, every shift drawn; the identity in eval', () => {
  const [n, c, h, w] = [64, 2, 5, 6];
  const x = ramp([n, c, h, w]);
  const layer = new RandomShift(2, { seed: 3 });
  const y = layer.forward(x);
  assert.deepEqual(y.shape, [n, c, h, w]);
  const xs = Array.from(x.data());
  const ys = Array.from(y.data());
  const seen = new Set<string>();
  for (let s = 0; s < n; s++) {
    const shifts = Array.from({ length: c }, (_, k) => {
      const at = (s * c + k) * h * w;
      return shiftOf(xs.slice(at, at + h * w), ys.slice(at, at + h * w), h, w, 2);
    });
    assert.ok(shifts[0] !== null, `image ${s} is a shift of its input`);
    assert.deepEqual(shifts[1], shifts[0], `image ${s}: both channels move together`);
    seen.add(String(shifts[0]));
  }
  assert.ok(seen.size >= 20, `${seen.size} of the 25 shifts drawn in 64 images`);
  assert.equal(layer.eval().forward(x), x);
  assert.equal(new RandomShift(0).forward(x), x);
});

test('RandomShift passes the gradient to the pixels it kept, repeats with its seed, and saves its place in checkpoints', () => {
  const x = ramp([3, 1, 4, 4]).requiresGrad_();
  const y = new RandomShift(1, { seed: 5 }).forward(x);
  y.sum().backward();
  // d(sum)/dx is 1 where an input pixel landed in the output, else 0: as many ones as nonzero outputs.
  const kept = Array.from(y.data()).filter((v) => v !== 0).length;
  assert.equal(Array.from(x.grad!.data()).reduce((a, b) => a + b, 0), kept);
  assert.ok(Array.from(x.grad!.data()).every((g) => g === 0 || g === 1));
  const a = new RandomShift(2, { seed: 9 });
  const b = new RandomShift(2, { seed: 9 });
  const z = ramp([8, 1, 6, 6]);
  assert.deepEqual(Array.from(a.forward(z).data()), Array.from(b.forward(z).data()));
  const model = new Sequential(new RandomShift(2, { seed: 1 }));
  model.forward(z);
  const state = randomState(model);
  const next = Array.from(model.forward(z).data());
  loadRandomState(model, state);
  assert.deepEqual(Array.from(model.forward(z).data()), next);
});

test('RandomShift config round trip and errors', () => {
  assert.deepEqual(new RandomShift(2, { seed: 4 }).config(), { type: 'RandomShift', maxShift: 2, seed: 4 });
  assert.deepEqual(moduleFromConfig({ type: 'RandomShift', maxShift: 3 }).config(), { type: 'RandomShift', maxShift: 3 });
  assert.equal(new RandomShift(2).describe(), 'RandomShift(2)');
  assert.throws(() => new RandomShift(-1), /^ValueError: RandomShift: maxShift must be a non-negative integer \(pixels\), got -1$/);
  assert.throws(() => moduleFromConfig({ type: 'RandomShift', maxShift: '2' }), /^ValueError: moduleFromConfig: model: RandomShift\.maxShift must be a non-negative integer \(pixels\), got "2"$/);
  assert.throws(() => new RandomShift(1).forward(ramp([2, 16])), /^ShapeError: RandomShift\(1\): expected a 4-d input \(N, C, H, W\), got shape \[2,16\]$/);
});
