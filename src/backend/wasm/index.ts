/**
 * The wasm backend: the cpu backend's kernels, with the matrix product and transposes in
 * WebAssembly SIMD (wasm/assembly/index.ts: f32x4, cache-blocked, a 4 × 8 micro-kernel; 4 × 4
 * shuffle transposes). Tensors stay in the JS
 * heap; a product copies its operands into the module's memory, multiplies and copies the result
 * out (O(n²) copies against O(n³) work). float32 products run in wasm; other dtypes use the cpu
 * kernel (float64 sums there are exact to the reference's order).
 *
 * The module is compiled synchronously from bytes embedded in the library (binary.ts): no file,
 * no fetch, nothing downloaded. Where WebAssembly SIMD is missing, `wasmSupported()` is false and
 * the backend is not registered.
 */
import type { Backend, KernelArgs } from '../backend.js';
import { allocArray, type TypedArray } from '../../tensor/dtype.js';
import { cpuKernels } from '../cpu/kernels.js';
import { batchedMatmulImpl, matmulImpl } from '../cpu/matmul.js';
import { WASM_KERNELS_BASE64 } from './binary.js';

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  readonly matmulF32: (a: number, b: number, c: number, pack: number, m4: number, k: number, n: number, n8: number) => void;
  readonly transposeF32: (src: number, dst: number, rows: number, cols: number) => void;
}

/** The packing scratch the kernel uses: KC × NC floats (see wasm/assembly/index.ts). */
const PACK_BYTES = 256 * 256 * 4;
/** Operands start past the module's own static data. */
const BASE = 65536;
const PAGE = 65536;
/** Multiply-adds below which a product stays in JS. */
const SMALL_PRODUCT = 4096;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

let exportsCache: KernelExports | null | undefined;

function kernels(): KernelExports | null {
  if (exportsCache !== undefined) return exportsCache;
  const bytes = decode(WASM_KERNELS_BASE64);
  if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(bytes)) {
    exportsCache = null;
    return null;
  }
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort: () => { throw new Error('chainrule wasm kernel aborted'); } } });
  exportsCache = instance.exports as unknown as KernelExports;
  return exportsCache;
}

/** Whether this runtime runs the wasm backend's kernels (WebAssembly with SIMD). */
export function wasmSupported(): boolean {
  return kernels() !== null;
}

/** Makes the module's memory at least `end` bytes and returns a float32 view of it. */
function heapFor(w: KernelExports, end: number): Float32Array {
  const have = w.memory.buffer.byteLength;
  if (end > have) w.memory.grow(Math.ceil((end - have) / PAGE));
  return new Float32Array(w.memory.buffer);
}

/** out (m × n) = A (m × k) · B (k × n), float32, in wasm. */
const wasmMatmul = (a: TypedArray, aOff: number, b: TypedArray, bOff: number, m: number, k: number, n: number, out: TypedArray, outOff: number): void => {
  const w = kernels()!;
  if (m === 0 || n === 0) return;
  if (k === 0) {
    out.fill(0, outOff, outOff + m * n);
    return;
  }
  const m4 = (m + 3) & ~3;
  const n8 = (n + 7) & ~7;
  const aPtr = BASE;
  const bPtr = aPtr + m4 * k * 4;
  const cPtr = bPtr + k * n * 4;
  const packPtr = cPtr + m4 * n8 * 4;
  const heap = heapFor(w, packPtr + PACK_BYTES);
  heap.set((a as Float32Array).subarray(aOff, aOff + m * k), aPtr / 4);
  heap.fill(0, aPtr / 4 + m * k, aPtr / 4 + m4 * k);
  heap.set((b as Float32Array).subarray(bOff, bOff + k * n), bPtr / 4);
  w.matmulF32(aPtr, bPtr, cPtr, packPtr, m4, k, n, n8);
  const c = cPtr / 4;
  if (n8 === n) out.set(heap.subarray(c, c + m * n), outOff);
  else for (let i = 0; i < m; i++) out.set(heap.subarray(c + i * n8, c + i * n8 + n), outOff + i * n);
};

function matmulKernel(args: KernelArgs<'matmul'>): void {
  const [a, b] = args.inputs;
  const [aShape, bShape] = args.shapes;
  const f32 = a instanceof Float32Array && b instanceof Float32Array && args.out instanceof Float32Array;
  // Small products (the tutorial's 1 × 1) cost less in JS than the copies in and out of wasm memory.
  const k = aShape![aShape!.length - 1] ?? 0;
  const small = args.out.length * k < SMALL_PRODUCT;
  batchedMatmulImpl(a!, aShape!, b!, bShape!, args.out, args.outShape, f32 && !small ? wasmMatmul : matmulImpl);
}

/**
 * Swapping the last two axes of a float32 tensor (every Linear's Wᵀ, the matmul gradients'
 * transposes) in wasm: 4 × 4 blocks transposed with shuffles, about 8× faster than the JS loop;
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
  heap.set(x, BASE / 4);
  const block = rows * cols;
  for (let b = 0; b * block < size; b++) w.transposeF32(BASE + b * block * 4, dst + b * block * 4, rows, cols);
  args.out.set(heap.subarray(dst / 4, dst / 4 + size));
}

/** The wasm backend (register it with registerBackend; the library does when wasmSupported()). */
export const wasmBackend: Backend = {
  name: 'wasm',
  kernels: { ...cpuKernels, matmul: matmulKernel, permute: permuteKernel },
  allocate: allocArray,
};
