/**
 * The wasm backend: the cpu backend's kernels, with the matrix products (matmul and the fused
 * linear), transposes and the optimizer update in WebAssembly SIMD (wasm/assembly/index.ts:
 * f32x4, B packed once, a cache-blocked 4 × 8 micro-kernel; 4 × 4 shuffle transposes). Tensors
 * stay in the JS heap; a product copies its operands into the module's memory, multiplies and
 * copies the result out (O(n²) copies against O(n³) work). float32 products run in wasm; small
 * ones and other dtypes use the cpu routine (float64 sums there are exact to the reference's order).
 *
 * Large products are shared among worker threads (threads.ts; in Node one per further core,
 * CHAINRULE_WASM_THREADS caps the total; in a browser only on a cross-origin-isolated page, from
 * a Web Worker), on the threaded build of the same kernels.
 *
 * The module is compiled synchronously from bytes embedded in the library (binary.ts): no file,
 * no fetch, nothing downloaded. Where WebAssembly SIMD is missing, `wasmSupported()` is false and
 * the backend is not registered.
 */
import type { Backend, KernelArgs } from '../backend.js';
import { allocArray, type TypedArray } from '../../tensor/dtype.js';
import { cpuKernels } from '../cpu/kernels.js';
import { batchedMatmulImpl, linearImpl, matmulImpl } from '../cpu/matmul.js';
import { WASM_KERNELS_BASE64, WASM_KERNELS_THREADED_BASE64 } from './binary.js';
import { startPool, type ThreadPool } from './threads.js';

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  readonly packB: (b: number, pk: number, k: number, n: number, n8: number, tB: number) => void;
  readonly gemmPacked: (a: number, pk: number, c: number, m4: number, k: number, n8: number, rsA: number, csA: number) => void;
  readonly transposeF32: (src: number, dst: number, rows: number, cols: number) => void;
  readonly axpyF32: (y: number, x: number, n: number, a: number) => void;
}

/** Operands start past the module's own static data. */
const BASE = 65536;
const PAGE = 65536;
/** The shared memory's maximum in pages (1 GiB; scripts/build-wasm.mjs declares the same for the threaded module). */
const SHARED_MAX_PAGES = 16384;
/** The single-threaded module's own memory declares no maximum: wasm32's 4 GiB. */
const OWN_MAX_PAGES = 65536;
/** Multiply-adds below which a product stays in JS. */
const SMALL_PRODUCT = 4096;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

let exportsCache: KernelExports | null | undefined;
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

function kernels(): KernelExports | null {
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
      return exportsCache;
    } catch {
      // No shared memory here: one thread.
    }
  }
  const bytes = decode(WASM_KERNELS_BASE64);
  if (!WebAssembly.validate(bytes)) return null;
  exportsCache = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort } }).exports as unknown as KernelExports;
  return exportsCache;
}

/** Multiply-adds from which a product is shared among threads (below, posting costs more than it saves). */
const THREADED_PRODUCT = 1 << 18;

/** The workers ready now for a product of this size (starting them the first time one is large enough). */
function helpers(m4: number, work: number): number[] {
  if (threading === null || m4 < 8 || work < THREADED_PRODUCT) return [];
  if (pool === null) {
    pool = startPool(threading.bytes, kernels()!.memory, threading.workers);
    if (pool === null) {
      threading = null;
      return [];
    }
  }
  return pool.ready();
}

/** Whether this runtime runs the wasm backend's kernels (WebAssembly with SIMD). */
export function wasmSupported(): boolean {
  return kernels() !== null;
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

/** The bytes of wasm memory a float32 product of m × k by k × n needs: the operands, the result and packed B (rows to 4, columns to 8). */
export function wasmProductBytes(m: number, k: number, n: number): number {
  const m4 = Math.ceil(m / 4) * 4;
  const n8 = Math.ceil(n / 8) * 8;
  return BASE + 4 * (m4 * k + k * n + m4 * n8 + k * n8);
}

/**
 * A float32 view of the module's memory grown to at least `end` bytes, or null where it cannot
 * grow that far (past its maximum, or the system refuses the pages): the caller then runs the cpu
 * kernel for this op, so a product too large for wasm memory is slower rather than an error.
 */
function heapFor(w: KernelExports, end: number): Float32Array | null {
  if (end > wasmMemoryLimit()) return null;
  const have = w.memory.buffer.byteLength;
  if (end > have) {
    try {
      w.memory.grow(Math.ceil((end - have) / PAGE));
    } catch {
      return null;
    }
  }
  return new Float32Array(w.memory.buffer);
}

/**
 * out (m × n) = op(A) · op(B), float32, in wasm: A is m × k (k × m when `transposeA`), B is k × n
 * (n × k when `transposeB`). Operands are copied in as they are: the kernel reads A with strides
 * and packs B from either layout, so no transposed copy is ever made.
 */
const wasmMatmul = (a: TypedArray, aOff: number, b: TypedArray, bOff: number, m: number, k: number, n: number, out: TypedArray, outOff: number, transposeA: boolean, transposeB: boolean): void => {
  // Other dtypes, and small products (the tutorial's 1 × 1: the copies in and out of wasm memory
  // cost more than the arithmetic) and empty ones, run the cpu routine.
  if (!(a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array) || m * n * k < SMALL_PRODUCT) {
    matmulImpl(a, aOff, b, bOff, m, k, n, out, outOff, transposeA, transposeB);
    return;
  }
  const w = kernels()!;
  const m4 = Math.ceil(m / 4) * 4;
  const n8 = Math.ceil(n / 8) * 8;
  const aPtr = BASE;
  const bPtr = aPtr + m4 * k * 4;
  const cPtr = bPtr + k * n * 4;
  const pkPtr = cPtr + m4 * n8 * 4;
  const heap = heapFor(w, wasmProductBytes(m, k, n));
  if (heap === null) {
    matmulImpl(a, aOff, b, bOff, m, k, n, out, outOff, transposeA, transposeB);
    return;
  }
  const workers = helpers(m4, m * k * n);
  const rsA = transposeA ? 4 : k * 4;
  const csA = transposeA ? m * 4 : 4;
  // Copies the operands in and packs B once for every thread. Rows past m (to a multiple of 4)
  // are padding: their outputs are never copied out.
  const fill = (): void => {
    heap.set((a as Float32Array).subarray(aOff, aOff + m * k), aPtr / 4);
    heap.set((b as Float32Array).subarray(bOff, bOff + k * n), bPtr / 4);
    w.packB(bPtr, pkPtr, k, n, n8, transposeB ? 1 : 0);
  };
  if (workers.length === 0) {
    fill();
    w.gemmPacked(aPtr, pkPtr, cPtr, m4, k, n8, rsA, csA);
  } else {
    // Chunks of whole 4-row groups, about four per thread (at least 8 rows).
    const chunk = Math.max(8, Math.ceil(m4 / (4 * (workers.length + 1)) / 4) * 4);
    // The workers wake while this thread copies the operands in and packs B.
    pool!.run({ a: aPtr, pk: pkPtr, c: cPtr, m4, k, n8, rsA, csA, chunk }, workers, w.gemmPacked, fill);
  }
  const c = cPtr / 4;
  if (n8 === n) out.set(heap.subarray(c, c + m * n), outOff);
  else for (let i = 0; i < m; i++) out.set(heap.subarray(c + i * n8, c + i * n8 + n), outOff + i * n);
};

function matmulKernel(args: KernelArgs<'matmul'>): void {
  const [a, b] = args.inputs;
  const [aShape, bShape] = args.shapes;
  batchedMatmulImpl(a!, aShape!, b!, bShape!, args.out, args.outShape, wasmMatmul, args.params.transposeA === true, args.params.transposeB === true);
}

/** x·Wᵀ + b: the product as matmul runs it, then the bias. */
function linearKernel(args: KernelArgs<'linear'>): void {
  const [x, w, b] = args.inputs;
  linearImpl(x!, args.shapes[0]!, w!, b!, args.out, args.outShape, wasmMatmul);
}

/**
 * Swapping the last two axes of a float32 tensor (an explicit `x.T`) in wasm: 4 × 4 blocks transposed with shuffles, about 8× faster than the JS loop;
 * any other permutation, dtype or a small tensor goes to the cpu kernel.
 */
function permuteKernel(args: KernelArgs<'permute'>): void {
  const x = args.inputs[0]!;
  const shape = args.shapes[0]!;
  const axes = args.params.axes;
  const r = shape.length;
  const swapsLastTwo = r >= 2 && axes[r - 2] === r - 1 && axes[r - 1] === r - 2 && axes.slice(0, r - 2).every((a, i) => a === i);
  if (!swapsLastTwo || !(x instanceof Float32Array) || !(args.out instanceof Float32Array) || x.length < SMALL_PRODUCT) {
    cpuKernels.permute(args);
    return;
  }
  const w = kernels()!;
  const rows = shape[r - 2]!;
  const cols = shape[r - 1]!;
  const size = x.length;
  const dst = BASE + size * 4;
  const heap = heapFor(w, dst + size * 4);
  if (heap === null) {
    cpuKernels.permute(args);
    return;
  }
  heap.set(x, BASE / 4);
  const block = rows * cols;
  for (let b = 0; b * block < size; b++) w.transposeF32(BASE + b * block * 4, dst + b * block * 4, rows, cols);
  args.out.set(heap.subarray(dst / 4, dst / 4 + size));
}

/** Elements from which an optimizer update runs in wasm (below, the copies in and out cost more than the JS loop). */
const SMALL_UPDATE = 4096;

/**
 * y ← y + a·x in float32 SIMD (as PyTorch's `add_`: a·x rounded to float32 before the sum, where
 * the JS loop rounds once from float64): copies y and x in, updates, copies y out.
 */
function axpyFloat32(y: Float32Array, a: number, x: Float32Array): void {
  const n = y.length;
  const w = n < SMALL_UPDATE || x.length !== n ? null : kernels()!;
  const xPtr = BASE + n * 4;
  const heap = w === null ? null : heapFor(w, xPtr + n * 4);
  if (w === null || heap === null) {
    const af = Math.fround(a);
    for (let i = 0; i < n; i++) y[i] = y[i]! + Math.fround(af * x[i]!);
    return;
  }
  heap.set(y, BASE / 4);
  heap.set(x, xPtr / 4);
  w.axpyF32(BASE, xPtr, n, a);
  y.set(heap.subarray(BASE / 4, BASE / 4 + n));
}

/** The wasm backend (register it with registerBackend; the library does when wasmSupported()). */
export const wasmBackend: Backend = {
  name: 'wasm',
  kernels: { ...cpuKernels, matmul: matmulKernel, linear: linearKernel, permute: permuteKernel },
  allocate: allocArray,
  axpyFloat32,
};

/** Threads a large float32 product runs on now: 1 plus the worker threads started and ready (Node). */
export function wasmThreads(): number {
  if (kernels() === null) return 0;
  return 1 + (threading === null || pool === null ? 0 : pool.ready().length);
}
