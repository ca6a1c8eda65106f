/**
 * The wasm backend's module: compiled synchronously from bytes embedded in the library
 * (binary.ts: no file, no fetch, nothing downloaded), with one memory that holds the tensors'
 * blocks (heap.ts) and the kernels' scratch. Where worker threads can run (threads.ts), the
 * threaded build imports a shared memory; else the plain build owns its memory.
 *
 * A shared memory's buffer never detaches when it grows (views made before still read the same
 * bytes); an own memory's does, so code keeps byte offsets across anything that may grow the
 * memory and makes views afresh (heap.ts's blocks do this for tensors).
 */
import { WASM_KERNELS_BASE64, WASM_KERNELS_THREADED_BASE64 } from './binary.js';
import { startPool, type ThreadPool } from './threads.js';

/** Every kernel the module exports; offsets are bytes into the module's memory. */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  readonly packB: (b: number, pk: number, k: number, n: number, n8: number, tB: number) => void;
  readonly gemmPacked: (a: number, pk: number, c: number, m4: number, k: number, n8: number, rsA: number, csA: number) => void;
  readonly transposeF32: (src: number, dst: number, rows: number, cols: number) => void;
  readonly axpyF32: (y: number, x: number, n: number, a: number) => void;
  readonly unaryF32: (op: number, x: number, out: number, n: number) => void;
  readonly binaryF32: (op: number, a: number, b: number, out: number, rows: number, cols: number, aRow: number, aCol: number, bRow: number, bCol: number) => void;
  readonly compareF32: (op: number, a: number, b: number, out: number, rows: number, cols: number, aRow: number, aCol: number, bRow: number, bCol: number) => void;
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
  exportsCache = null;
  if (typeof WebAssembly === 'undefined') return null;
  const workers = workerCount();
  const threaded = decode(WASM_KERNELS_THREADED_BASE64);
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
  const bytes = decode(WASM_KERNELS_BASE64);
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

/** Multiply-adds from which a product is shared among threads (below, posting costs more than it saves). */
export const THREADED_PRODUCT = 1 << 18;

/** The workers ready now for a product of this size (starting them the first time one is large enough). */
export function helpers(m4: number, work: number): { pool: ThreadPool; workers: number[] } | null {
  if (threading === null || m4 < 8 || work < THREADED_PRODUCT) return null;
  if (pool === null) {
    pool = startPool(threading.bytes, kernelsOrThrow().memory, threading.workers);
    if (pool === null) {
      threading = null;
      return null;
    }
  }
  const workers = pool.ready();
  return workers.length === 0 ? null : { pool, workers };
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

/** Threads a large float32 product runs on now: 1 plus the worker threads started and ready (Node). */
export function wasmThreads(): number {
  if (wasmKernels() === null) return 0;
  return 1 + (threading === null || pool === null ? 0 : pool.ready().length);
}
