// One benchmark case in its own process (so each library's peak memory and JIT state are its
// own): node bench/case.mjs <runner> <workload> [--quick]. Prints one JSON line.
//   runner:   chainrule-cpu | chainrule-<backend> | tfjs-cpu | tfjs-wasm | plain-js
//   workload: matmul1024 | mlp64 | mlp256 | tutorial
// Every implementation starts from the same data and weights and reports `check`: the losses of
// its first training steps (the mean of the product for matmul), which run.mjs compares.
import { performance } from 'node:perf_hooks';

const [runner, workload] = process.argv.slice(2);
const quick = process.argv.includes('--quick');

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Times `fn` `reps` times after `warm` untimed calls; ms per call, median. */
async function timeIt(fn, { warm, reps }) {
  for (let i = 0; i < warm; i++) await fn();
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** A fast step is timed in batches of calls so the clock's resolution does not matter. */
async function timeBatched(fn, { warm, batches, per }) {
  for (let i = 0; i < warm; i++) fn();
  const times = [];
  for (let b = 0; b < batches; b++) {
    const t = performance.now();
    for (let i = 0; i < per; i++) fn();
    times.push((performance.now() - t) / per);
  }
  return median(times);
}

/** A seeded linear congruential generator of numbers in [0, 1): the same data for every implementation. */
function lcg(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** The losses of the first CHECK_STEPS calls of `step` (each returns its loss as a number), for the cross-check. */
function firstLosses(step) {
  return Array.from({ length: CHECK_STEPS }, () => step());
}

function mnistLike(batch, seed) {
  // Deterministic inputs in [0, 1) and labels 0–9 (the values do not change the work done).
  const next = lcg(seed);
  const x = new Float32Array(batch * 784);
  for (let i = 0; i < x.length; i++) x[i] = next();
  const y = new Int32Array(batch);
  for (let i = 0; i < batch; i++) y[i] = Math.floor(next() * 10);
  return { x, y };
}

const SIZES = [784, 256, 128, 10];
/** Training steps whose losses every implementation reports, for the cross-check (run.mjs: within 1e-4). */
const CHECK_STEPS = 3;

/**
 * The MLP's initial weights, the same for every implementation: layer i's weight as [in, out]
 * row-major (uniform in ±1/√in, as PyTorch's default Linear init), biases zero.
 */
function initialWeights() {
  const next = lcg(12345);
  const ws = [];
  for (let i = 0; i < 3; i++) {
    const bound = 1 / Math.sqrt(SIZES[i]);
    const w = new Float32Array(SIZES[i] * SIZES[i + 1]);
    for (let j = 0; j < w.length; j++) w[j] = (2 * next() - 1) * bound;
    ws.push(w);
  }
  return ws;
}

/** Inputs for the product, the same for every implementation: uniform in [0, 1). */
function matrix(n, seed) {
  return Float32Array.from({ length: n * n }, lcg(seed));
}

/** A checksum of a product for the cross-check: the mean of its entries. */
const meanOf = (data) => {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i];
  return sum / data.length;
};

async function chainrule(backend) {
  const cr = await import('../dist/src/index.js');
  cr.setBackend(backend);
  return {
    async matmul1024() {
      const a = cr.tensor(matrix(1024, 1), { shape: [1024, 1024] });
      const b = cr.tensor(matrix(1024, 2), { shape: [1024, 1024] });
      const check = [meanOf(cr.matmul(a, b).data())];
      return { ms: await timeIt(() => cr.matmul(a, b), quick ? { warm: 1, reps: 1 } : { warm: 1, reps: 5 }), check };
    },
    async mlp(batch) {
      const model = cr.mlp(SIZES, { activation: 'relu', seed: 0 });
      // The shared initial weights, through the public API (the state dict's names: 0.weight, 0.bias, 2.weight, …).
      const state = {};
      initialWeights().forEach((w, i) => {
        // Stored [in, out]; Linear's weight is [out, in].
        state[`${2 * i}.weight`] = cr.tensor(w, { shape: [SIZES[i], SIZES[i + 1]] }).transpose();
        state[`${2 * i}.bias`] = cr.zeros([SIZES[i + 1]]);
      });
      model.loadStateDict(state);
      const opt = new cr.SGD(model.parameters(), { lr: 0.01 });
      const { x, y } = mnistLike(batch, 1);
      const xs = cr.tensor(x, { shape: [batch, 784] });
      const ys = cr.tensor(y, { shape: [batch] });
      const step = () => {
        opt.zeroGrad();
        const loss = cr.crossEntropy(model.forward(xs), ys);
        loss.backward();
        opt.step();
        return loss;
      };
      const check = firstLosses(() => step().item());
      return { ms: await timeIt(step, quick ? { warm: 1, reps: 2 } : { warm: 5, reps: 30 }), check };
    },
    async tutorial() {
      const model = cr.tutorialNetwork({ dtype: 'float32' });
      const { x, y } = cr.tutorialSample({ dtype: 'float32' });
      const opt = new cr.SGD(model.parameters(), { lr: 0.1 });
      const step = () => {
        opt.zeroGrad();
        const loss = cr.halfSquaredError(model.forward(x), y);
        loss.backward();
        opt.step();
        return loss;
      };
      const check = firstLosses(() => step().item());
      return { ms: await timeBatched(step, quick ? { warm: 10, batches: 3, per: 50 } : { warm: 5000, batches: 9, per: 4000 }), check };
    },
  };
}

async function tfjs(backend) {
  // tfjs prints a banner about tfjs-node; keep stdout for the JSON line.
  const log = console.log;
  console.log = () => {};
  const tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend(backend);
  await tf.ready();
  console.log = log;
  return {
    async matmul1024() {
      const a = tf.tensor2d(matrix(1024, 1), [1024, 1024]);
      const b = tf.tensor2d(matrix(1024, 2), [1024, 1024]);
      const check = [meanOf(tf.tidy(() => tf.matMul(a, b).dataSync()))];
      return { ms: await timeIt(() => tf.tidy(() => tf.matMul(a, b).dataSync()), quick ? { warm: 1, reps: 1 } : { warm: 1, reps: 5 }), check };
    },
    async mlp(batch) {
      const ws = [];
      const bs = [];
      initialWeights().forEach((w, i) => {
        ws.push(tf.variable(tf.tensor2d(w, [SIZES[i], SIZES[i + 1]])));
        bs.push(tf.variable(tf.zeros([SIZES[i + 1]])));
      });
      const opt = tf.train.sgd(0.01);
      const { x, y } = mnistLike(batch, 1);
      const xs = tf.tensor2d(x, [batch, 784]);
      const ys = tf.oneHot(tf.tensor1d(y, 'int32'), 10);
      const loss = () => {
        let h = xs;
        for (let i = 0; i < 3; i++) {
          h = tf.add(tf.matMul(h, ws[i]), bs[i]);
          if (i < 2) h = tf.relu(h);
        }
        return tf.losses.softmaxCrossEntropy(ys, h);
      };
      const step = () =>
        tf.tidy(() => {
          opt.minimize(loss);
          // Wait for the update to land (the wasm and cpu backends are synchronous; this reads one value back).
          bs[0].dataSync();
        });
      const check = firstLosses(() => tf.tidy(() => opt.minimize(loss, true).dataSync()[0]));
      return { ms: await timeIt(step, quick ? { warm: 1, reps: 2 } : { warm: 5, reps: 30 }), check };
    },
    async tutorial() {
      const w1 = tf.variable(tf.scalar(0.4));
      const b1 = tf.variable(tf.scalar(0.1));
      const w2 = tf.variable(tf.scalar(0.3));
      const b2 = tf.variable(tf.scalar(0.2));
      const x = tf.scalar(0.5);
      const t = tf.scalar(0.6);
      const opt = tf.train.sgd(0.1);
      const loss = () => {
        const h = tf.sigmoid(tf.add(tf.mul(w1, x), b1));
        const y = tf.add(tf.mul(w2, h), b2);
        return tf.mul(0.5, tf.square(tf.sub(y, t)));
      };
      const step = () => tf.tidy(() => opt.minimize(loss));
      const check = firstLosses(() => tf.tidy(() => opt.minimize(loss, true).dataSync()[0]));
      return { ms: await timeBatched(step, quick ? { warm: 10, batches: 3, per: 20 } : { warm: 500, batches: 7, per: 500 }), check };
    },
  };
}

/** The tutorial step written out by hand in plain JS: the floor for small-tensor overhead. */
function plainJs() {
  return {
    async tutorial() {
      let w1 = 0.4, b1 = 0.1, w2 = 0.3, b2 = 0.2;
      const x = 0.5, t = 0.6, lr = 0.1;
      let sink = 0;
      let loss = 0;
      const step = () => {
        const z1 = w1 * x + b1;
        const h = 1 / (1 + Math.exp(-z1));
        const y = w2 * h + b2;
        const dy = y - t;
        loss = 0.5 * dy * dy;
        const dz1 = dy * w2 * h * (1 - h);
        w2 -= lr * dy * h;
        b2 -= lr * dy;
        w1 -= lr * dz1 * x;
        b1 -= lr * dz1;
        sink += dy;
      };
      const check = firstLosses(() => {
        step();
        return loss;
      });
      const ms = await timeBatched(step, { warm: 10000, batches: 9, per: quick ? 1000 : 1_000_000 });
      if (Number.isNaN(sink)) throw new Error('unreachable');
      return { ms, check };
    },
  };
}

const libs = {
  'tfjs-cpu': () => tfjs('cpu'),
  'tfjs-wasm': () => tfjs('wasm'),
  'plain-js': () => plainJs(),
};
const lib = runner.startsWith('chainrule-') ? await chainrule(runner.slice('chainrule-'.length)) : await libs[runner]?.();
if (lib === undefined) throw new Error(`unknown runner ${runner}`);

const rssBefore = process.memoryUsage().rss;
let result;
if (workload === 'matmul1024') {
  if (lib.matmul1024 === undefined) result = null;
  else {
    const { ms, check } = await lib.matmul1024();
    result = { ms, gflops: (2 * 1024 ** 3) / (ms * 1e6), check };
  }
} else if (workload === 'mlp64' || workload === 'mlp256') {
  const batch = workload === 'mlp64' ? 64 : 256;
  if (lib.mlp === undefined) result = null;
  else {
    const { ms, check } = await lib.mlp(batch);
    result = { ms, samplesPerSecond: (batch * 1000) / ms, check };
  }
} else if (workload === 'tutorial') {
  const { ms, check } = await lib.tutorial();
  result = { ms, microseconds: ms * 1000, check };
} else throw new Error(`unknown workload ${workload}`);

// Peak resident memory of this process (the whole run of the case), and its growth over the workload.
const peakRss = process.resourceUsage().maxRSS * 1024;
process.stdout.write(JSON.stringify({ runner, workload, result, peakRssBytes: peakRss, peakRssGrowthBytes: Math.max(0, peakRss - rssBefore) }) + '\n');
