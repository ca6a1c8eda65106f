// The self-test's Web Worker (web/selftest.html starts it): the wasm backend where the library
// usually trains in a browser, off the main thread. On a cross-origin-isolated page, large
// products are shared among nested Web Workers; elsewhere they run on this one thread.
import { Generator, matmul, rand, wasmThreads, withBackend } from 'chainrule';

export interface WorkerSelfTest {
  readonly crossOriginIsolated: boolean;
  /** Threads a large float32 product ran on. */
  readonly threads: number;
  /** Largest |wasm − cpu| over a 256 × 384 · 384 × 320 product, and the float32 summation bound. */
  readonly maxDiff: number;
  readonly bound: number;
  readonly error?: string;
}

async function run(): Promise<WorkerSelfTest> {
  const g = new Generator(11);
  const k = 384;
  const a = rand([256, k], { generator: g }).sub(0.5);
  const b = rand([k, 320], { generator: g }).sub(0.5);
  const cpu = withBackend('cpu', () => matmul(a, b)).data();
  // The first large product starts the helper threads; a browser starts them once this worker
  // returns to its event loop, as a training loop does between steps.
  withBackend('wasm', () => matmul(a, b));
  for (let i = 0; i < 40 && wasmThreads() < 2 && globalThis.crossOriginIsolated === true; i++) await new Promise((ok) => setTimeout(ok, 50));
  const wasm = withBackend('wasm', () => matmul(a, b)).data();
  let maxDiff = 0;
  for (let i = 0; i < cpu.length; i++) maxDiff = Math.max(maxDiff, Math.abs(Number(cpu[i]) - Number(wasm[i])));
  const gamma = (k * 2 ** -24) / (1 - k * 2 ** -24);
  return { crossOriginIsolated: globalThis.crossOriginIsolated === true, threads: wasmThreads(), maxDiff, bound: gamma * (k / 4) };
}

let result: WorkerSelfTest;
try {
  result = await run();
} catch (e) {
  result = { crossOriginIsolated: globalThis.crossOriginIsolated === true, threads: 0, maxDiff: NaN, bound: NaN, error: e instanceof Error ? e.message : String(e) };
}
postMessage(result);
