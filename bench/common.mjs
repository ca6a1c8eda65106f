// What every implementation in the bench shares: the data and weights (so the cross-check can
// compare first results), the workloads' sizes, and the timers.
import { performance } from 'node:perf_hooks';

export const quick = process.argv.includes('--quick');

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/**
 * Times `fn` after `warm` untimed calls; ms per call, the median of `reps` calls, or of fewer
 * (at least 3) once `budgetMs` is spent, so a slow peer does not stretch the run.
 */
export function timeIt(fn, { warm, reps, budgetMs = Infinity }) {
  for (let i = 0; i < warm; i++) fn();
  const times = [];
  const start = performance.now();
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
    if (times.length >= 3 && performance.now() - start > budgetMs) break;
  }
  return median(times);
}

/** A fast call is timed in batches so the clock's resolution and the timer calls do not count. */
export function timeBatched(fn, { warm, batches, per }) {
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
export function lcg(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** `n` float32 values uniform in [lo, hi). */
export function uniform(n, seed, lo = 0, hi = 1) {
  const next = lcg(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * next();
  return out;
}

/** Deterministic inputs in [0, 1) and labels 0–9 (the values do not change the work done). */
export function mnistLike(batch, seed) {
  const next = lcg(seed);
  const x = new Float32Array(batch * 784);
  for (let i = 0; i < x.length; i++) x[i] = next();
  const y = new Int32Array(batch);
  for (let i = 0; i < batch; i++) y[i] = Math.floor(next() * 10);
  return { x, y };
}

/** The playground's shape: points in [−1, 1)², target the sign of x·y (XOR), batch 32. */
export function tinyData(batch, seed) {
  const x = uniform(batch * 2, seed, -1, 1);
  const y = new Float32Array(batch);
  for (let i = 0; i < batch; i++) y[i] = x[2 * i] * x[2 * i + 1] >= 0 ? 1 : -1;
  return { x, y };
}

export const MLP = [784, 256, 128, 10];
export const MLP_LARGE = [784, 1024, 1024, 10];
export const TINY = [2, 16, 16, 1];
/** Training steps whose losses every implementation reports, for the cross-check (run.mjs: within 1e-4). */
export const CHECK_STEPS = 3;

/**
 * An MLP's initial weights, the same for every implementation: layer i's weight as [in, out]
 * row-major (uniform in ±1/√in, as PyTorch's default Linear init), biases zero.
 */
export function initialWeights(sizes) {
  const next = lcg(12345);
  const ws = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const bound = 1 / Math.sqrt(sizes[i]);
    const w = new Float32Array(sizes[i] * sizes[i + 1]);
    for (let j = 0; j < w.length; j++) w[j] = (2 * next() - 1) * bound;
    ws.push(w);
  }
  return ws;
}

/**
 * The CNN step's initial weights (issue 16's bench: [64,1,28,28] → conv 1→8 3×3 pad 1, ReLU,
 * max-pool 2, conv 8→16 3×3 pad 1, ReLU, max-pool 2, flatten, linear 784→10), the same for every
 * implementation: conv weights [out, in, kH, kW] (PyTorch's layout) uniform in ±1/√fanIn, the
 * linear weight [in, out] with its 784 inputs in (channel, row, column) order; biases zero.
 */
export function cnnWeights() {
  const next = lcg(777);
  const draw = (n, fanIn) => Float32Array.from({ length: n }, () => (2 * next() - 1) / Math.sqrt(fanIn));
  return { conv1: draw(8 * 9, 9), conv2: draw(16 * 8 * 9, 72), fc: draw(784 * 10, 784) };
}

/** The conv-alone workload: x [16, 64, 32, 32], weight [64, 64, 3, 3], padding 1; its forward multiply-adds × 2. */
export const CONV = { batch: 16, channels: 64, size: 32, flops: 2 * 16 * 64 * 32 * 32 * 64 * 9 };

/** A checksum of an output for the cross-check: the mean of its entries. */
export function meanOf(data) {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i];
  return sum / data.length;
}

/** The losses of the first CHECK_STEPS calls of `step` (each returns its loss as a number). */
export const firstLosses = (step) => Array.from({ length: CHECK_STEPS }, () => step());

/**
 * Repetitions per workload: [full, quick]. A slow peer stops after `budgetMs` (at least 3 timed
 * calls), so the whole bench stays within a few minutes on a 2-core machine.
 */
export const REPS = {
  matmul1024: quick ? { warm: 0, reps: 1 } : { warm: 1, reps: 9, budgetMs: 4000 },
  elementwise: quick ? { warm: 1, reps: 2 } : { warm: 10, reps: 41, budgetMs: 3000 },
  mlp: quick ? { warm: 1, reps: 2 } : { warm: 5, reps: 30, budgetMs: 6000 },
  mlpLarge: quick ? { warm: 0, reps: 1 } : { warm: 2, reps: 10, budgetMs: 6000 },
  cnn: quick ? { warm: 1, reps: 2 } : { warm: 3, reps: 20, budgetMs: 8000 },
  conv: quick ? { warm: 0, reps: 1 } : { warm: 1, reps: 7, budgetMs: 8000 },
};
