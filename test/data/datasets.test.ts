import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DATASET_NAMES,
  DEFAULT_NOISE,
  TensorDataset,
  blobs,
  circles,
  isDatasetName,
  loadDataset,
  moons,
  spirals,
  tutorial,
  xor,
} from '../../src/data/index.js';
import { MAX_DATASET_ELEMENTS, MAX_SAMPLES, ValueError } from '../../src/index.js';

/** Rows of x as [x, y] pairs (float64 numbers). */
function points(ds: TensorDataset): number[][] {
  const data = ds.x.data();
  const f = ds.x.shape[1] ?? 0;
  return Array.from({ length: ds.length }, (_, i) => Array.from(data.subarray(i * f, (i + 1) * f)));
}

function labels(ds: TensorDataset): number[] {
  return Array.from(ds.y.data());
}

function counts(values: readonly number[], classes: number): number[] {
  const out = new Array<number>(classes).fill(0);
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

const F32 = 1e-6;

type Maker = (options: { n?: number; noise?: number; seed?: number; dtype?: 'float32' | 'float64' }) => TensorDataset;
const BINARY: readonly [string, Maker][] = [
  ['xor', xor],
  ['circles', circles],
  ['moons', moons],
  ['spirals', spirals],
  ['blobs (2 classes)', (o) => blobs({ ...o, classes: 2 })],
];

test('tutorial() is the single sample x = 0.5, t = 0.6 in float32 [1, 1]', () => {
  const ds = tutorial();
  assert.equal(ds.length, 1);
  assert.deepEqual(ds.x.shape, [1, 1]);
  assert.deepEqual(ds.y.shape, [1, 1]);
  assert.equal(ds.x.dtype, 'float32');
  assert.deepEqual(ds.x.toArray(), [[0.5]]);
  assert.deepEqual(ds.y.toArray(), [[Math.fround(0.6)]]);
  assert.equal(ds.classes, undefined);
});

test('tutorial({ dtype: float64 }) holds exactly 0.5 and 0.6', () => {
  const ds = tutorial({ dtype: 'float64' });
  assert.equal(ds.x.dtype, 'float64');
  assert.equal(ds.y.dtype, 'float64');
  assert.deepEqual(ds.x.toArray(), [[0.5]]);
  assert.deepEqual(ds.y.toArray(), [[0.6]]);
});

for (const [name, make] of BINARY) {
  test(`${name}: x float32 [n, 2], y float32 [n, 1] of 0/1, classes balanced`, () => {
    for (const n of [200, 101]) {
      const ds = make({ n, seed: 1 });
      assert.deepEqual(ds.x.shape, [n, 2]);
      assert.deepEqual(ds.y.shape, [n, 1]);
      assert.equal(ds.x.dtype, 'float32');
      assert.equal(ds.y.dtype, 'float32');
      assert.deepEqual(ds.classes, ['0', '1']);
      const c = counts(labels(ds), 2);
      assert.equal(c[0]! + c[1]!, n, 'only 0 and 1');
      assert.ok(Math.abs(c[0]! - c[1]!) <= 1, `balanced: ${c.join(' / ')}`);
    }
  });

  test(`${name}: the same seed gives the same data, another seed other data`, () => {
    const a = make({ n: 64, noise: 0.1, seed: 5 });
    const b = make({ n: 64, noise: 0.1, seed: 5 });
    const c = make({ n: 64, noise: 0.1, seed: 6 });
    assert.deepEqual(points(a), points(b));
    assert.deepEqual(labels(a), labels(b));
    assert.notDeepEqual(points(a), points(c));
  });

  test(`${name}: samples are shuffled (labels not in blocks)`, () => {
    const y = labels(make({ n: 100, noise: 0, seed: 0 }));
    assert.notDeepEqual(y, [...y].sort((p, q) => p - q));
  });

  test(`${name}: dtype float64 gives float64 x and y`, () => {
    const ds = make({ n: 8, dtype: 'float64' });
    assert.equal(ds.x.dtype, 'float64');
    assert.equal(ds.y.dtype, 'float64');
  });

  test(`${name}: noise moves points by about its standard deviation`, () => {
    const clean = make({ n: 400, noise: 0, seed: 3 });
    const noisy = make({ n: 400, noise: 0.2, seed: 3 });
    // Same seed, same shuffle: the noisy points are the clean ones plus Gaussian noise.
    assert.deepEqual(labels(noisy), labels(clean));
    const c = clean.x.data();
    const d = noisy.x.data();
    let sq = 0;
    for (let i = 0; i < c.length; i++) sq += (d[i]! - c[i]!) ** 2;
    const std = Math.sqrt(sq / c.length);
    assert.ok(Math.abs(std - 0.2) < 0.02, `std of the noise ${std}`);
  });
}

test('default noise of each dataset is DEFAULT_NOISE', () => {
  const clean = circles({ n: 50, noise: DEFAULT_NOISE.circles, seed: 9 });
  assert.deepEqual(points(circles({ n: 50, seed: 9 })), points(clean));
  assert.deepEqual(points(xor({ n: 50, seed: 9 })), points(xor({ n: 50, noise: DEFAULT_NOISE.xor, seed: 9 })));
  assert.equal(circles().length, 200);
});

test('xor with noise 0: label 1 exactly where the coordinates have different signs, away from the axes', () => {
  const ds = xor({ n: 200, noise: 0, seed: 4 });
  const y = labels(ds);
  const quadrants = new Set<string>();
  points(ds).forEach(([a, b], i) => {
    assert.ok(Math.abs(a!) >= 0.1 - F32 && Math.abs(a!) <= 1 && Math.abs(b!) >= 0.1 - F32 && Math.abs(b!) <= 1, `point ${a}, ${b}`);
    assert.equal(y[i], a! * b! < 0 ? 1 : 0);
    quadrants.add(`${Math.sign(a!)},${Math.sign(b!)}`);
  });
  assert.equal(quadrants.size, 4);
  assert.deepEqual(counts(y, 2), [100, 100]);
});

test('circles with noise 0: class 0 on the unit circle, class 1 on the circle of radius factor', () => {
  for (const factor of [0.5, 0.8]) {
    const ds = circles({ n: 100, noise: 0, factor, seed: 2 });
    const y = labels(ds);
    points(ds).forEach(([a, b], i) => {
      const r = Math.hypot(a!, b!);
      assert.ok(Math.abs(r - (y[i] === 0 ? 1 : factor)) < F32, `radius ${r} for class ${y[i]}`);
    });
    assert.deepEqual(counts(y, 2), [50, 50]);
  }
});

test('circles with noise 0 places each class evenly in angle, as make_circles (endpoint excluded)', () => {
  const ds = circles({ n: 8, noise: 0, factor: 0.5 });
  const y = labels(ds);
  const angles = (cls: number): number[] =>
    points(ds)
      .filter((_, i) => y[i] === cls)
      .map(([a, b]) => Math.round(((Math.atan2(b!, a!) + 2 * Math.PI) % (2 * Math.PI)) / (Math.PI / 2)))
      .sort((p, q) => p - q);
  assert.deepEqual(angles(0), [0, 1, 2, 3]);
  assert.deepEqual(angles(1), [0, 1, 2, 3]);
});

test('circles rejects a factor outside (0, 1)', () => {
  for (const factor of [0, 1, 1.5, -0.2]) {
    assert.throws(() => circles({ factor }), (e: unknown) => e instanceof ValueError && e.message === `circles: factor must be in (0, 1), got ${factor}`);
  }
});

test('moons with noise 0: class 0 on the upper unit half circle, class 1 on the lower one centred at (1, 0.5)', () => {
  const ds = moons({ n: 100, noise: 0, seed: 1 });
  const y = labels(ds);
  points(ds).forEach(([a, b], i) => {
    if (y[i] === 0) {
      assert.ok(Math.abs(Math.hypot(a!, b!) - 1) < F32 && b! >= -F32, `class 0 point ${a}, ${b}`);
    } else {
      assert.ok(Math.abs(Math.hypot(a! - 1, b! - 0.5) - 1) < F32 && b! <= 0.5 + F32, `class 1 point ${a}, ${b}`);
    }
  });
  // np.linspace(0, π, m) includes both ends: (1, 0) and (−1, 0) are on the upper arc, (0, 0.5) and (2, 0.5) on the lower.
  const has = (p: number, q: number, cls: number): boolean => points(ds).some(([a, b], i) => y[i] === cls && Math.abs(a! - p) < F32 && Math.abs(b! - q) < F32);
  assert.ok(has(1, 0, 0) && has(-1, 0, 0) && has(0, 0.5, 1) && has(2, 0.5, 1));
  assert.deepEqual(counts(y, 2), [50, 50]);
});

test('spirals with noise 0: each arm follows r = i/m, angle 1.75·2π·i/m + 2πk/classes', () => {
  for (const classes of [2, 3]) {
    const n = 30 * classes;
    const ds = spirals({ n, classes, noise: 0, seed: 0 });
    const y = labels(ds);
    const m = n / classes;
    const byClass = Array.from({ length: classes }, () => [] as number[][]);
    points(ds).forEach((p, i) => byClass[y[i]!]!.push(p));
    byClass.forEach((arm, k) => {
      assert.equal(arm.length, m);
      for (const [a, b] of arm) {
        const r = Math.hypot(a!, b!);
        const j = Math.round(r * m);
        assert.ok(Math.abs(r - j / m) < 1e-5, `radius ${r} is i/m`);
        if (j === 0) continue;
        const t = (1.75 * 2 * Math.PI * j) / m + (2 * Math.PI * k) / classes;
        assert.ok(Math.abs(a! - r * Math.sin(t)) < 1e-5 && Math.abs(b! - r * Math.cos(t)) < 1e-5, `arm ${k} point ${j}`);
      }
    });
  }
});

test('spirals with 3 or more classes gives int32 labels [n] with balanced counts', () => {
  const ds = spirals({ n: 100, classes: 4, seed: 2 });
  assert.deepEqual(ds.y.shape, [100]);
  assert.equal(ds.y.dtype, 'int32');
  assert.deepEqual(ds.classes, ['0', '1', '2', '3']);
  assert.deepEqual(counts(labels(ds), 4), [25, 25, 25, 25]);
  assert.deepEqual(counts(labels(spirals({ n: 10, classes: 3 })), 3), [4, 3, 3]);
  assert.throws(() => spirals({ classes: 1 }), (e: unknown) => e instanceof ValueError && e.message === 'spirals: classes must be an integer ≥ 2, got 1');
});

test('blobs defaults to 3 classes: int32 labels [n], centres on the unit circle', () => {
  const ds = blobs({ n: 90, noise: 0, seed: 0 });
  assert.deepEqual(ds.x.shape, [90, 2]);
  assert.deepEqual(ds.y.shape, [90]);
  assert.equal(ds.y.dtype, 'int32');
  assert.deepEqual(ds.classes, ['0', '1', '2']);
  const y = labels(ds);
  assert.deepEqual(counts(y, 3), [30, 30, 30]);
  points(ds).forEach(([a, b], i) => {
    const t = (2 * Math.PI * y[i]!) / 3;
    assert.ok(Math.abs(a! - Math.cos(t)) < F32 && Math.abs(b! - Math.sin(t)) < F32);
  });
});

test('blobs with noise: each class mean near its centre, spread about noise', () => {
  const centers = [
    [0, 0, 0],
    [5, 5, 5],
    [-5, 0, 5],
    [0, 10, 0],
  ];
  const ds = blobs({ n: 4000, centers, noise: 0.5, seed: 8 });
  assert.deepEqual(ds.x.shape, [4000, 3]);
  const y = labels(ds);
  assert.deepEqual(counts(y, 4), [1000, 1000, 1000, 1000]);
  const pts = points(ds);
  centers.forEach((c, k) => {
    const mine = pts.filter((_, i) => y[i] === k);
    for (let f = 0; f < 3; f++) {
      const mean = mine.reduce((s, p) => s + p[f]!, 0) / mine.length;
      const sd = Math.sqrt(mine.reduce((s, p) => s + (p[f]! - mean) ** 2, 0) / mine.length);
      assert.ok(Math.abs(mean - c[f]!) < 0.06, `class ${k} feature ${f} mean ${mean}`);
      assert.ok(Math.abs(sd - 0.5) < 0.04, `class ${k} feature ${f} std ${sd}`);
    }
  });
});

test('blobs rejects inconsistent centers and classes', () => {
  assert.throws(() => blobs({ classes: 3, centers: [[0], [1]] }), (e: unknown) => e instanceof ValueError && e.message === 'blobs: classes is 3 but 2 centers were given; pass one or make them agree');
  assert.throws(() => blobs({ centers: [[0, 0], [1]] }), (e: unknown) => e instanceof ValueError && /center 0 has 2, center 1 has 1/.test(e.message));
  assert.throws(() => blobs({ centers: [[0, 0]] }), (e: unknown) => e instanceof ValueError && e.message === 'blobs: classes must be an integer ≥ 2, got 1');
});

test('the synthetic datasets reject bad n, noise, seed and dtype', () => {
  assert.throws(() => moons({ n: 0 }), (e: unknown) => e instanceof ValueError && e.message === 'moons: n (the number of samples) must be an integer from 1 to 10,000,000 (MAX_SAMPLES), got 0');
  assert.throws(() => moons({ n: 2.5 }), ValueError);
  assert.throws(() => xor({ noise: -1 }), (e: unknown) => e instanceof ValueError && e.message === 'xor: noise (a standard deviation) must be a finite number ≥ 0, got -1');
  assert.throws(() => xor({ noise: NaN }), ValueError);
  assert.throws(() => circles({ seed: 0.5 }), (e: unknown) => e instanceof ValueError && e.message === 'circles: seed must be a safe integer, got 0.5');
});

test('loadDataset builds each dataset by name with its options', () => {
  assert.deepEqual(points(loadDataset('moons', { n: 30, noise: 0.1, seed: 2 })), points(moons({ n: 30, noise: 0.1, seed: 2 })));
  assert.deepEqual(points(loadDataset('circles', { n: 30, factor: 0.3, seed: 2 })), points(circles({ n: 30, factor: 0.3, seed: 2 })));
  assert.deepEqual(labels(loadDataset('spirals', { n: 30, classes: 3 })), labels(spirals({ n: 30, classes: 3 })));
  assert.deepEqual(loadDataset('tutorial', { dtype: 'float64' }).y.toArray(), [[0.6]]);
  assert.equal(loadDataset('blobs', { n: 12 }).length, 12);
  assert.equal(loadDataset('xor', { n: 12, noise: undefined }).length, 12);
  assert.deepEqual(loadDataset('digits', { split: 'test', limit: 3 }).x.shape, [3, 784]);
});

test('loadDataset with an unknown name lists the valid names', () => {
  assert.throws(
    () => loadDataset('moon'),
    (e: unknown) => e instanceof ValueError && e.message === "loadDataset: unknown dataset 'moon'; the built-in datasets are tutorial, xor, circles, moons, spirals, blobs, digits",
  );
  assert.ok(isDatasetName('spirals'));
  assert.ok(!isDatasetName('mnist'));
  assert.deepEqual([...DATASET_NAMES], ['tutorial', 'xor', 'circles', 'moons', 'spirals', 'blobs', 'digits']);
});

test('loadDataset rejects an option the dataset does not take, naming those it takes', () => {
  assert.throws(() => loadDataset('moons', { factor: 0.5 }), (e: unknown) => e instanceof ValueError && e.message === "loadDataset: dataset 'moons' does not take the option 'factor'; it takes n, noise, seed, dtype");
  assert.throws(() => loadDataset('tutorial', { n: 3 }), (e: unknown) => e instanceof ValueError && e.message === "loadDataset: dataset 'tutorial' does not take the option 'n'; it takes dtype");
  assert.throws(() => loadDataset('digits', { seed: 1 }), (e: unknown) => e instanceof ValueError && e.message === "loadDataset: dataset 'digits' does not take the option 'seed'; it takes split, limit");
});

test('sizes past the limits are ValueErrors naming n (or classes) and the limit, before anything is allocated (regression: n 1e12 gave a raw RangeError)', () => {
  assert.equal(MAX_SAMPLES, 10_000_000);
  const limitError = (op: string, got: string) => (e: unknown) =>
    e instanceof ValueError && e.message === `${op}: n (the number of samples) must be an integer from 1 to 10,000,000 (MAX_SAMPLES), got ${got}`;
  assert.throws(() => xor({ n: 1e12 }), limitError('xor', '1000000000000'));
  // As `"n": 1e12` arrives from a model file's metadata or the CLI's --n.
  assert.throws(() => loadDataset('moons', { n: 1e12 }), limitError('moons', '1000000000000'));
  assert.throws(() => circles({ n: MAX_SAMPLES + 1 }), limitError('circles', '10000001'));
  assert.throws(() => spirals({ n: Infinity }), limitError('spirals', 'Infinity'));
  assert.throws(() => blobs({ n: -5 }), limitError('blobs', '-5'));
  // Wide centers: samples × features is bounded too.
  const wide = [new Array<number>(5).fill(0), new Array<number>(5).fill(1)];
  assert.throws(
    () => blobs({ n: 5_000_000, centers: wide }),
    (e: unknown) => e instanceof ValueError && e.message.startsWith('blobs: n × features = 5000000 × 5 values is over the limit of 20,000,000 (MAX_DATASET_ELEMENTS)'),
  );
  assert.equal(MAX_DATASET_ELEMENTS, 20_000_000);
  // A huge class count would allocate a name per class first.
  assert.throws(() => spirals({ n: 200, classes: 1e9 }), (e: unknown) => e instanceof ValueError && e.message === 'spirals: classes (1000000000) is more than n (200), the number of samples; every class needs at least one');
  assert.throws(() => loadDataset('blobs', { n: 10, classes: 11 }), (e: unknown) => e instanceof ValueError && /classes \(11\) is more than n \(10\)/.test(e.message));
  assert.throws(() => loadDataset('xor', { noise: Infinity }), (e: unknown) => e instanceof ValueError && /noise .* must be a finite number ≥ 0, got Infinity/.test(e.message));
  assert.throws(() => loadDataset('xor', { noise: -1 }), (e: unknown) => e instanceof ValueError && /noise .* got -1$/.test(e.message));
  // The limit itself is allowed (checked on a cheap count: every class gets samples).
  assert.equal(blobs({ n: 6, classes: 6, noise: 0 }).length, 6);
});
