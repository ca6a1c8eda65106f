// The wasm backend's reductions, log softmax, gather and scatterAdd against the cpu kernels, at
// sizes past the wasm threshold (1024 elements) with SIMD tails on every axis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argmax, argmin, Generator, gather, indexSelect, logSoftmax, max, rand, randint, sum, tensor, withBackend, type Tensor } from '../../src/index.js';
import { foldAxes } from '../../src/backend/wasm/reduce.js';

const SHAPES = [[37, 1029], [1029, 37], [3, 517, 11], [2, 3, 5, 129], [4099]] as const;

function axisSets(rank: number): number[][] {
  const sets: number[][] = [];
  for (let m = 1; m < 1 << rank; m++) sets.push([...Array(rank).keys()].filter((i) => (m & (1 << i)) !== 0));
  return sets;
}

function both(f: () => Tensor): { cpu: Float32Array | Int32Array; wasm: Float32Array | Int32Array } {
  const cpu = withBackend('cpu', f)._data;
  const wasm = withBackend('wasm', f)._data;
  assert.ok((cpu instanceof Float32Array || cpu instanceof Int32Array) && wasm.constructor === cpu.constructor);
  return { cpu, wasm: wasm as Float32Array | Int32Array };
}

/** The op on both backends, the same bits (NaN matching any NaN). */
function check(f: () => Tensor, where: string): void {
  const { cpu, wasm } = both(f);
  sameBits(wasm, cpu, where);
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, where: string): void {
  assert.equal(a.length, b.length, where);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i]) && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) assert.fail(`${where}: element ${i} is ${a[i]}, cpu ${b[i]}`);
}

test('foldAxes views a reduction as [outer, len, inner] where the reduced axes form one block (size-1 axes ignored), else null', () => {
  assert.deepEqual(foldAxes([1000, 1000], [1]), [1000, 1000, 1]);
  assert.deepEqual(foldAxes([1000, 1000], [0]), [1, 1000, 1000]);
  assert.deepEqual(foldAxes([2, 3, 4, 5], [1, 2]), [2, 12, 5]);
  assert.deepEqual(foldAxes([2, 1, 4, 5], [0, 2]), [1, 8, 5]);
  assert.equal(foldAxes([2, 3, 4], [0, 2]), null);
});

test('wasm sum over every axis set equals the cpu sum within one float32 rounding (both accumulate in float64)', () => {
  for (const shape of SHAPES) {
    const x = rand([...shape], { generator: new Generator(shape.length * 31 + shape[0]!) }).sub(0.5);
    for (const axes of axisSets(shape.length)) {
      for (const keepdims of [false, true]) {
        const { cpu, wasm } = both(() => sum(x, axes, keepdims));
        for (let i = 0; i < cpu.length; i++) {
          // Orders differ; float64 partial sums of < 5000 terms in [-0.5, 0.5] are exact to 1e-12.
          const bound = 2 ** -24 * Math.abs(cpu[i]!) + 1e-12;
          assert.ok(Math.abs(wasm[i]! - cpu[i]!) <= bound, `sum [${shape.join(',')}] over [${axes.join(',')}]: element ${i} is ${wasm[i]}, cpu ${cpu[i]}`);
        }
      }
    }
  }
});

test('a float32 wasm sum of large cancelling values keeps the float64 accuracy of the cpu sum', () => {
  // 1e8 + 1 − 1e8 … : float32 partial sums would lose every 1.
  const n = 4096;
  const data = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    data[i] = i % 4 === 0 ? 1e8 : -1e8;
    data[i + 1] = 1;
  }
  const x = tensor(data);
  assert.equal(withBackend('wasm', () => sum(x)).item(), n / 2);
  assert.equal(withBackend('wasm', () => sum(x.reshape([2, n / 2]), 1))._data.join(), `${n / 4},${n / 4}`);
  // Down columns (the vertical kernel, eight columns: SIMD lanes): ±1e8 in even columns, 1 in odd ones.
  const cols = new Float32Array(n * 2).map((_, i) => ((i & 1) === 1 ? 1 : (i >> 3) % 2 === 0 ? 1e8 : -1e8));
  assert.equal(withBackend('wasm', () => sum(tensor(cols, { shape: [n / 4, 8] }), 0))._data.join(), `0,${n / 4},0,${n / 4},0,${n / 4},0,${n / 4}`);
});

test('wasm max over every axis set gives the cpu max bit for bit, NaN winning and −∞ kept', () => {
  for (const shape of SHAPES) {
    const x = rand([...shape], { generator: new Generator(shape.length + 7) }).sub(0.5);
    const d = x._data as Float32Array;
    d[5] = NaN;
    d[d.length - 3] = -Infinity;
    d[d.length >> 1] = NaN;
    for (const axes of axisSets(shape.length)) check(() => max(x, axes), `max [${shape.join(',')}] over [${axes.join(',')}]`);
  }
});

test('wasm argmax and argmin along every axis give the cpu indices: the first of ties, the first NaN over everything', () => {
  for (const shape of SHAPES) {
    const g = new Generator(shape.length + 100);
    // Few distinct values: many ties.
    const x = randint(0, 8, [...shape], { generator: g, dtype: 'float32' });
    const withNan = x.add(0);
    const d = withNan._data as Float32Array;
    for (let i = 3; i < d.length; i += 997) d[i] = NaN;
    for (const t of [x, withNan]) {
      for (let axis = 0; axis < shape.length; axis++) {
        for (const [name, op] of [['argmax', argmax], ['argmin', argmin]] as const) {
          check(() => op(t, axis), `${name} [${shape.join(',')}] axis ${axis}`);
        }
      }
    }
  }
});

test('wasm logSoftmax along every axis agrees with the cpu kernel to 1e-6 (float32 exp, float64 sums), with ±1000, −∞ and non-finite slices', () => {
  for (const shape of SHAPES) {
    const x = rand([...shape], { generator: new Generator(shape.length + 50) }).sub(0.5).mul(20);
    const d = x._data as Float32Array;
    d[1] = 1000;
    d[2] = -1000;
    d[d.length - 2] = -Infinity;
    for (let axis = 0; axis < shape.length; axis++) {
      const { cpu, wasm } = both(() => logSoftmax(x, axis));
      for (let i = 0; i < cpu.length; i++) {
        const e = cpu[i]!;
        const ok = Object.is(e, wasm[i]) || Math.abs(wasm[i]! - e) <= 1e-6 * Math.max(1, Math.abs(e));
        assert.ok(ok, `logSoftmax [${shape.join(',')}] axis ${axis}: element ${i} is ${wasm[i]}, cpu ${e}`);
      }
    }
  }
  // Rows whose max is not finite are NaN; a −∞ entry of a finite row is −∞.
  const rows = new Float32Array(4 * 1030).map((_, i) => (i % 7) - 3);
  rows.fill(-Infinity, 0, 1030);
  rows[1030 + 5] = Infinity;
  rows[2 * 1030 + 9] = NaN;
  rows[3 * 1030 + 1] = -Infinity;
  const r = withBackend('wasm', () => logSoftmax(tensor(rows, { shape: [4, 1030] }), 1))._data;
  for (let i = 0; i < 3 * 1030; i++) assert.ok(Number.isNaN(r[i]), `element ${i} is ${r[i]}`);
  assert.equal(r[3 * 1030 + 1], -Infinity);
  assert.ok(Number.isFinite(r[3 * 1030]!));
});

test('wasm gather and indexSelect give the cpu values exactly, for float32 and int32, whole rows and mixed index rows', () => {
  const g = new Generator(4);
  const x = rand([1000, 300], { generator: g });
  const rows = [5, 999, 0, 5, 17, 3, 3, 998];
  sameBits(withBackend('wasm', () => indexSelect(x, 0, rows))._data, withBackend('cpu', () => indexSelect(x, 0, rows))._data, 'indexSelect rows');
  sameBits(withBackend('wasm', () => indexSelect(x, 1, [299, 0, 7, 7]))._data, withBackend('cpu', () => indexSelect(x, 1, [299, 0, 7, 7]))._data, 'indexSelect columns');
  const ints = randint(-1000, 1000, [50, 40], { generator: g });
  sameBits(withBackend('wasm', () => indexSelect(ints, 0, [49, 1, 2, 2, 0, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30]))._data,
    withBackend('cpu', () => indexSelect(ints, 0, [49, 1, 2, 2, 0, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30]))._data, 'int32 rows');
  // An index that varies along each row, on axis 0 and on a middle axis.
  const mixed = randint(0, 1000, [12, 300], { generator: g });
  check(() => gather(x, 0, mixed), 'gather axis 0');
  const x3 = rand([4, 30, 33], { generator: g });
  const i3 = randint(0, 30, [4, 20, 33], { generator: g });
  check(() => gather(x3, 1, i3), 'gather axis 1');
  const labels = randint(0, 10, [2000, 1], { generator: g });
  const scores = rand([2000, 10], { generator: g });
  check(() => gather(scores, 1, labels), 'gather by labels');
});

test('wasm scatterAdd (the gradient of gather and indexSelect) gives the cpu sums bit for bit, repeated indices adding up', () => {
  const g = new Generator(8);
  const grads = (backend: string, f: (x: Tensor) => Tensor, x0: Tensor): Float32Array =>
    withBackend(backend, () => {
      const x = x0.detach().requiresGrad_();
      f(x).mul(rand([...f(x0).shape], { generator: new Generator(1) })).sum().backward();
      return x.grad!._data as Float32Array;
    });
  const x = rand([500, 64], { generator: g });
  const pick = (t: Tensor) => indexSelect(t, 0, [3, 3, 499, 0, 3, 17, 250, 250, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  sameBits(grads('wasm', pick, x), grads('cpu', pick, x), 'indexSelect gradient');
  const mixed = randint(0, 500, [40, 64], { generator: g });
  const gath = (t: Tensor) => gather(t, 0, mixed);
  sameBits(grads('wasm', gath, x), grads('cpu', gath, x), 'gather gradient');
});

test('wasm reductions of float64 and int32 and small float32 tensors run the cpu kernels (the same bits)', () => {
  const g = new Generator(6);
  const x64 = rand([40, 60], { generator: g, dtype: 'float64' });
  assert.deepEqual(withBackend('wasm', () => sum(x64, 1)).toArray(), withBackend('cpu', () => sum(x64, 1)).toArray());
  const small = rand([5, 7], { generator: g });
  assert.deepEqual(withBackend('wasm', () => logSoftmax(small, 1)).toArray(), withBackend('cpu', () => logSoftmax(small, 1)).toArray());
  const split = rand([20, 30, 40], { generator: g });
  // Axes 0 and 2 do not fold into one block: the cpu kernel.
  assert.deepEqual(withBackend('wasm', () => sum(split, [0, 2])).toArray(), withBackend('cpu', () => sum(split, [0, 2])).toArray());
});
