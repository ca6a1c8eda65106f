/**
 * The wasm backend's module: compiled synchronously from bytes embedded in the library
 * (binary.ts: no file, no fetch, nothing downloaded), with one memory that holds the tensors'
 * blocks (heap.ts) and the kernels' scratch. Where worker threads can run (threads.ts), the
 * threaded build imports a shared memory; else the plain build owns its memory. Each comes as
 * plain SIMD and as relaxed SIMD (fused multiply-adds in the products), chosen at start-up by
 * WebAssembly.validate (Chrome ≥ 114, Node ≥ 22, Node 20 with --experimental-wasm-relaxed-simd),
 * or by CHAINRULE_WASM_BUILD=simd|relaxed in Node.
 *
 * A shared memory's buffer never detaches when it grows (views made before still read the same
 * bytes); an own memory's does, so code keeps byte offsets across anything that may grow the
 * memory and makes views afresh (heap.ts's blocks do this for tensors).
 */
import { ValueError } from '../../errors.js';
import { WASM_KERNELS_BASE64, WASM_KERNELS_RELAXED_BASE64, WASM_KERNELS_RELAXED_THREADED_BASE64, WASM_KERNELS_THREADED_BASE64 } from './binary.js';
import { measured, productWorkers } from './threadCost.js';
import { startPool, type ThreadPool } from './threads.js';

/** Every kernel the module exports; offsets are bytes into the module's memory. */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  readonly packB: (b: number, pk: number, k: number, n: number, n8: number, tB: number) => void;
  readonly gemmPacked: (a: number, pk: number, c: number, m4: number, k: number, n8: number, rsA: number, csA: number) => void;
  readonly transposeF32: (src: number, dst: number, rows: number, cols: number) => void;
  readonly axpyF32: (y: number, x: number, n: number, a: number) => void;
  readonly gemvT: (a: number, b: number, c: number, m: number, k: number, n: number) => void;
  readonly gemvN: (a: number, b: number, c: number, m: number, k: number, n: number) => void;
  readonly sumRowsF32: (x: number, out: number, rows: number, n: number) => void;
  readonly sumColsF32: (x: number, out: number, outer: number, len: number, inner: number, acc: number) => void;
  readonly maxRowsF32: (x: number, out: number, rows: number, n: number) => void;
  readonly maxColsF32: (x: number, out: number, outer: number, len: number, inner: number) => void;
  readonly argRowsF32: (x: number, out: number, rows: number, n: number, minimum: number) => void;
  readonly argColsF32: (x: number, out: number, outer: number, len: number, inner: number, minimum: number, best: number) => void;
  readonly logSoftmaxRowsF32: (x: number, out: number, rows: number, n: number) => void;
  readonly logSoftmaxColsF32: (x: number, out: number, outer: number, len: number, inner: number, work: number) => void;
  readonly gather32: (x: number, index: number, out: number, outer: number, len: number, m: number, inner: number) => void;
  readonly scatterAddF32: (src: number, index: number, out: number, outer: number, len: number, m: number, inner: number) => void;
  readonly adamF32: (p: number, g: number, m: number, v: number, vMax: number, n: number, beta1: number, beta2: number, l2: number, shrink: number, stepSize: number, bc2: number, eps: number) => void;
  readonly rmspropF32: (p: number, g: number, s: number, gAvg: number, buf: number, n: number, alpha: number, wd: number, eps: number, momentum: number, lr: number) => void;
  readonly sgdF32: (p: number, g: number, buf: number, n: number, lr: number, wd: number, momentum: number, dampening: number, nesterov: number, first: number) => void;
  readonly unaryF32: (op: number, x: number, out: number, n: number) => void;
  readonly binaryF32: (op: number, a: number, b: number, out: number, rows: number, cols: number, aRow: number, aCol: number, bRow: number, bCol: number) => void;
  readonly compareF32: (op: number, a: number, b: number, out: number, rows: number, cols: number, aRow: number, aCol: number, bRow: number, bCol: number) => void;
  readonly im2rowF32: (x: number, rows: number, n: number, c: number, h: number, w: number, c0: number, cg: number, kh: number, kw: number, oh: number, ow: number, sh: number, sw: number, ph: number, pw: number, dh: number, dw: number) => void;
  readonly row2imF32: (rows: number, dx: number, n: number, c: number, h: number, w: number, c0: number, cg: number, kh: number, kw: number, oh: number, ow: number, sh: number, sw: number, ph: number, pw: number, dh: number, dw: number) => void;
  readonly whereF32: (c: number, a: number, b: number, out: number, rows: number, cols: number, cRow: number, cCol: number, aRow: number, aCol: number, bRow: number, bCol: number) => void;
}

/** The module's own static data ends below this; the heap starts here. */
export const HEAP_BASE = 65536;
export const PAGE = 65536;
/** The shared memory's maximum in pages (1 GiB; scripts/build-wasm.mjs declares the same for the threaded module). */
const SHARED_MAX_PAGES = 16384;
/** The single-threaded module's own memory declares no maximum: wasm32's 4 GiB. */
const OWN_MAX_PAGES = 65536;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Which build of the kernels runs: plain WebAssembly SIMD, or relaxed SIMD (fused multiply-adds). */
export type WasmBuild = 'simd' | 'relaxed-simd';

const BUILDS: Record<WasmBuild, { own: string; threaded: string }> = {
  simd: { own: WASM_KERNELS_BASE64, threaded: WASM_KERNELS_THREADED_BASE64 },
  'relaxed-simd': { own: WASM_KERNELS_RELAXED_BASE64, threaded: WASM_KERNELS_RELAXED_THREADED_BASE64 },
};

function nodeEnv(name: string): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env?.[name];
}

/**
 * The build to run: relaxed SIMD where this engine validates it, else plain SIMD;
 * CHAINRULE_WASM_BUILD=simd|relaxed (`forced`) picks one (so tests can run each), and forcing
 * relaxed where the engine lacks it is an error, not a silent fallback.
 */
export function selectBuild(forced: string | undefined, relaxedValidates: boolean): WasmBuild {
  if (forced === undefined || forced === '') return relaxedValidates ? 'relaxed-simd' : 'simd';
  if (forced === 'simd') return 'simd';
  if (forced !== 'relaxed' && forced !== 'relaxed-simd') throw new ValueError(`CHAINRULE_WASM_BUILD must be simd or relaxed, got ${JSON.stringify(forced)}`);
  if (!relaxedValidates) throw new ValueError('CHAINRULE_WASM_BUILD=relaxed, but this engine does not validate WebAssembly relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd; Node ≥ 22 and Chrome ≥ 114 have it)');
  return 'relaxed-simd';
}

/** Whether this engine validates the relaxed-SIMD build (the feature detection). */
export function relaxedSimdValidates(): boolean {
  return typeof WebAssembly !== 'undefined' && WebAssembly.validate(decode(WASM_KERNELS_RELAXED_BASE64));
}

let build: WasmBuild = 'simd';
let exportsCache: KernelExports | null | undefined;
/**
 * The memory's buffer now (updated when it grows: a view whose buffer is another one is a
 * detached view of an own memory, or an old view of a shared memory that still reads the same bytes).
 */
export let currentBuffer: ArrayBufferLike = new ArrayBuffer(0);
/** Threads for large products: the threaded module's bytes and how many workers to start (0: none). */
let threading: { bytes: Uint8Array<ArrayBuffer>; workers: number } | null = null;
let pool: ThreadPool | null = null;

const abort = () => {
  throw new Error('chainrule wasm kernel aborted');
};

/**
 * Worker threads to add to the calling one (at most 7 in all; CHAINRULE_WASM_THREADS caps the
 * total in Node): in Node, one per further core; in a browser, one per further core when the page
 * is cross-origin isolated (SharedArrayBuffer) and the library runs in a Web Worker (the main
 * thread may not block in Atomics.wait); else none.
 */
function workerCount(): number {
  if (typeof SharedArrayBuffer === 'undefined') return 0;
  const g = globalThis as {
    process?: { getBuiltinModule?: (id: string) => unknown; env?: Record<string, string | undefined> };
    crossOriginIsolated?: boolean;
    WorkerGlobalScope?: unknown;
    Worker?: unknown;
    navigator?: { hardwareConcurrency?: number };
  };
  const proc = g.process;
  let cores = 1;
  let cap = Infinity;
  if (typeof proc?.getBuiltinModule === 'function') {
    const os = proc.getBuiltinModule.call(proc, 'node:os') as { availableParallelism?: () => number; cpus: () => unknown[] } | undefined;
    cores = os === undefined ? 1 : (os.availableParallelism?.() ?? os.cpus().length);
    const env = Number(proc.env?.['CHAINRULE_WASM_THREADS'] ?? NaN);
    if (Number.isInteger(env) && env >= 1) cap = env;
  } else if (g.crossOriginIsolated === true && g.WorkerGlobalScope !== undefined && typeof g.Worker === 'function') {
    cores = g.navigator?.hardwareConcurrency ?? 1;
  } else return 0;
  return Math.max(0, Math.min(8, cores, cap) - 1);
}

/** The module's exports, instantiated on first use; null where WebAssembly SIMD is missing. */
export function wasmKernels(): KernelExports | null {
  if (exportsCache !== undefined) return exportsCache;
  if (typeof WebAssembly === 'undefined') {
    exportsCache = null;
    return null;
  }
  // Before the cache is set: a forced build this engine lacks throws on every use, not once.
  build = selectBuild(nodeEnv('CHAINRULE_WASM_BUILD'), relaxedSimdValidates());
  exportsCache = null;
  const workers = workerCount();
  const threaded = decode(BUILDS[build].threaded);
  if (workers > 0 && WebAssembly.validate(threaded)) {
    try {
      const memory = new WebAssembly.Memory({ initial: 2, maximum: SHARED_MAX_PAGES, shared: true });
      const instance = new WebAssembly.Instance(new WebAssembly.Module(threaded), { env: { memory, abort } });
      exportsCache = { ...(instance.exports as unknown as Omit<KernelExports, 'memory'>), memory };
      threading = { bytes: threaded, workers };
      currentBuffer = memory.buffer;
      return exportsCache;
    } catch {
      // No shared memory here: one thread.
    }
  }
  const bytes = decode(BUILDS[build].own);
  if (!WebAssembly.validate(bytes)) return null;
  exportsCache = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort } }).exports as unknown as KernelExports;
  currentBuffer = exportsCache.memory.buffer;
  return exportsCache;
}

/** The module's exports where the backend is known to run (wasmSupported() was true). */
export function kernelsOrThrow(): KernelExports {
  const w = wasmKernels();
  if (w === null) throw new Error('internal: the wasm backend ran where WebAssembly SIMD is missing');
  return w;
}

/** Whether this runtime runs the wasm backend's kernels (WebAssembly with SIMD). */
export function wasmSupported(): boolean {
  return wasmKernels() !== null;
}

/** Whether the module's memory is shared (its buffer never detaches on growth). */
export function memoryIsShared(): boolean {
  return wasmKernels() !== null && threading !== null;
}

/** Multiply-adds from which a product is considered for threads (below, no wake latency measured here has ever paid). */
export const THREADED_PRODUCT = 1 << 18;
/** Products kept on one thread between two probes (threaded anyway, to refresh the measured costs). */
const PROBE_EVERY = 64;
let declined = 0;

/**
 * The workers a product of `work` multiply-adds over m4 rows, with `packFloats` of B to pack
 * first, should be shared with (starting the pool the first time one is large enough): as many
 * as the measured costs say pay (threadCost.ts), or null for one thread.
 */
export function helpers(m4: number, work: number, packFloats: number): { pool: ThreadPool; workers: number[] } | null {
  if (threading === null || m4 < 8 || work < THREADED_PRODUCT) return null;
  if (pool === null) {
    pool = startPool(threading.bytes, kernelsOrThrow().memory, threading.workers);
    if (pool === null) {
      threading = null;
      return null;
    }
  }
  const ready = pool.ready();
  const fillMs = packFloats / measured.packRate;
  const use = productWorkers(work, m4, fillMs, measured, ready.length);
  if (use > 0) return { pool, workers: ready.slice(0, use) };
  // Costs measured while the machine was busy would keep products on one thread for good: now
  // and then, one that would pay on a quieter machine (a faster wake, threads at full speed) runs
  // threaded anyway, and what it measures replaces the old figures.
  if (++declined % PROBE_EVERY !== 0) return null;
  const probe = productWorkers(work, m4, fillMs, { ...measured, sharedRate: measured.rate, wakeMs: measured.wakeMs / 2 }, ready.length);
  return probe > 0 ? { pool, workers: ready.slice(0, probe) } : null;
}

let limitOverride: number | null = null;

/** The most bytes the module's memory can grow to: 1 GiB shared with worker threads, else 4 GiB. */
export function wasmMemoryLimit(): number {
  if (limitOverride !== null) return limitOverride;
  return (threading !== null ? SHARED_MAX_PAGES : OWN_MAX_PAGES) * PAGE;
}

/** @internal Tests lower the limit to see the fallback without allocating gigabytes; null restores it. Returns the previous override. */
export function setWasmMemoryLimitForTesting(bytes: number | null): number | null {
  const previous = limitOverride;
  limitOverride = bytes;
  return previous;
}

let growths = 0;

/** How many times the memory has grown. */
export function wasmMemoryGrowths(): number {
  return growths;
}

/**
 * Grows the memory to at least `end` bytes (by at least a quarter of its size, so a growing heap
 * grows O(log n) times); false where it cannot (past the limit, or the system refuses the pages).
 * Growing an own memory detaches its buffer: views made before read nothing afterwards.
 */
export function growMemoryTo(end: number): boolean {
  const w = kernelsOrThrow();
  const have = w.memory.buffer.byteLength;
  if (end <= have) return true;
  const limit = wasmMemoryLimit();
  if (end > limit) return false;
  const wanted = Math.min(Math.max(end, have + (have >> 2)), limit);
  try {
    w.memory.grow(Math.ceil((wanted - have) / PAGE));
  } catch {
    try {
      w.memory.grow(Math.ceil((end - have) / PAGE));
    } catch {
      return false;
    }
  }
  growths++;
  currentBuffer = w.memory.buffer;
  return true;
}

/** The build of the kernels that runs ('simd' or 'relaxed-simd': fused multiply-adds); null where the wasm backend does not run. */
export function wasmBuild(): WasmBuild | null {
  return wasmKernels() === null ? null : build;
}

/** Threads a large float32 product runs on now: 1 plus the worker threads started and ready (Node). */
export function wasmThreads(): number {
  if (wasmKernels() === null) return 0;
  return 1 + (threading === null || pool === null ? 0 : pool.ready().length);
}
