/**
 * The wasm backend's matrix products (matmul and the fused linear), transposes and the
 * optimizer's axpy, on operands where they lie in the module's memory (operands.ts).
 * A product packs B into scratch (once, shared by every thread) and writes C in place when its
 * rows and columns need no padding; small products and other dtypes run the cpu routine (float64
 * sums there are exact to the reference's order).
 */
import type { KernelArgs } from '../backend.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { cpuKernels } from '../cpu/kernels.js';
import { batchedMatmulImpl, linearImpl, matmulImpl } from '../cpu/matmul.js';
import { helpers, HEAP_BASE, kernelsOrThrow } from './module.js';
import { f32At, inMemory, withOperands } from './operands.js';
import { blend, chunkRows, measured } from './threadCost.js';

/** Multiply-adds below which a product stays in JS (the tutorial's 1 × 1: a call costs more than the arithmetic). */
const SMALL_PRODUCT = 4096;

/** Multiply-adds from which a one-thread product is timed (below, the clock's reads would be a visible share of it). */
const TIMED_PRODUCT = 1 << 16;

/** The bytes of wasm memory a float32 product of m × k by k × n needs at most: the operands, the result and packed B (rows to 4, columns to 8). */
export function wasmProductBytes(m: number, k: number, n: number): number {
  const m4 = Math.ceil(m / 4) * 4;
  const n8 = Math.ceil(n / 8) * 8;
  return HEAP_BASE + 4 * (m4 * k + k * n + m4 * n8 + k * n8);
}

/**
 * The scratch bytes gemmAt needs: B packed (k × n rounded to 8), A copied with padding rows where
 * m is not a multiple of 4, and C computed in a padded block unless it is written in place.
 */
export function gemmScratchBytes(m: number, k: number, n: number, cInPlace: boolean): number {
  const m4 = Math.ceil(m / 4) * 4;
  const n8 = Math.ceil(n / 8) * 8;
  return 4 * k * n8 + (m4 !== m ? 4 * m4 * k : 0) + (cInPlace ? 0 : 4 * m4 * n8) + 64;
}

/**
 * C (m × n, row-major at byte offset c) = op(A) · op(B) with every operand at a byte offset of the
 * module's memory and `extra` pointing at gemmScratchBytes(m, k, n, cInPlace) bytes of scratch
 * (nothing is allocated: views stay valid). `cInPlace` (n a multiple of 8, m of 4): the kernel
 * writes C directly; else it computes a padded block in scratch and copies the m × n part out.
 * Shared among worker threads where the cost model says they pay (threadCost.ts).
 */
export function gemmAt(aAt: number, bAt: number, c: number, m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, extra: number, cInPlace: boolean): void {
  const w = kernelsOrThrow();
  const m4 = Math.ceil(m / 4) * 4;
  const n8 = Math.ceil(n / 8) * 8;
  const padA = m4 !== m;
  const packBytes = 4 * k * n8;
  const aBytes = padA ? 4 * m4 * k : 0;
  const pk = Math.ceil(extra / 16) * 16;
  const aPtr = padA ? pk + packBytes : aAt;
  const cPtr = cInPlace ? c : pk + packBytes + aBytes;
  const rsA = transposeA ? 4 : k * 4;
  const csA = transposeA ? m * 4 : 4;
  const fill = (): void => {
    if (padA) f32At(aPtr, m * k).set(f32At(aAt, m * k));
    w.packB(bAt, pk, k, n, n8, transposeB ? 1 : 0);
  };
  const threads = helpers(m4, m * k * n, k * n8 + (padA ? m * k : 0));
  if (threads === null) {
    if (m * k * n < TIMED_PRODUCT) {
      fill();
      w.gemmPacked(aPtr, pk, cPtr, m4, k, n8, rsA, csA);
    } else {
      // Timed: one thread's rate and packing speed are what threads are weighed against (threadCost.ts).
      const t0 = performance.now();
      fill();
      const t1 = performance.now();
      w.gemmPacked(aPtr, pk, cPtr, m4, k, n8, rsA, csA);
      const t2 = performance.now();
      if (t2 > t1) measured.rate = blend(measured.rate, (m4 * k * n8) / (t2 - t1));
      measured.packRate = blend(measured.packRate, (k * n8) / Math.max(t1 - t0, 1e-3));
    }
  } else {
    // The workers wake while this thread packs B.
    const chunk = chunkRows(m4, threads.workers.length);
    threads.pool.run({ a: aPtr, pk, c: cPtr, m4, k, n8, rsA, csA, chunk }, threads.workers, w.gemmPacked, fill);
  }
  if (!cInPlace) {
    const dst = f32At(c, m * n);
    const src = f32At(cPtr, m4 * n8);
    if (n8 === n) dst.set(src.subarray(0, m * n));
    else for (let i = 0; i < m; i++) dst.set(src.subarray(i * n8, i * n8 + n), i * n);
  }
}

/**
 * out (m × n) = op(A) · op(B), float32, in wasm: A is m × k (k × m when `transposeA`), B is k × n
 * (n × k when `transposeB`). The kernel reads A with strides and packs B from either layout, so
 * no transposed copy is made. A is read in groups of 4 rows and C written in panels of 8
 * columns: where m or n is not a multiple, A is copied to scratch with room for the padding
 * rows, and C is computed in scratch and its m × n part copied out.
 */
const wasmMatmul = (a: TypedArray, aOff: number, b: TypedArray, bOff: number, m: number, k: number, n: number, out: TypedArray, outOff: number, transposeA: boolean, transposeB: boolean): void => {
  if (!(a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array) || m * n * k < SMALL_PRODUCT) {
    matmulImpl(a, aOff, b, bOff, m, k, n, out, outOff, transposeA, transposeB);
    return;
  }
  const A = a.subarray(aOff, aOff + m * k);
  const B = b.subarray(bOff, bOff + k * n);
  const C = out.subarray(outOff, outOff + m * n);
  if (m < 4 && !transposeA) {
    // Few rows (batch-1 inference): B read where it lies, not packed; C written in place.
    const done = withOperands([A, B], C, 0, ({ inputs, out: c }) => {
      const w = kernelsOrThrow();
      (transposeB ? w.gemvT : w.gemvN)(inputs[0]!, inputs[1]!, c, m, k, n);
    });
    if (!done) matmulImpl(a, aOff, b, bOff, m, k, n, out, outOff, transposeA, transposeB);
    return;
  }
  const cInPlace = Math.ceil(n / 8) * 8 === n && Math.ceil(m / 4) * 4 === m && inMemory(C);
  const done = withOperands([A, B], C, gemmScratchBytes(m, k, n, cInPlace), ({ inputs, out: cOut, extra }) => {
    gemmAt(inputs[0]!, inputs[1]!, cOut, m, k, n, transposeA, transposeB, extra, cInPlace);
  });
  if (!done) matmulImpl(a, aOff, b, bOff, m, k, n, out, outOff, transposeA, transposeB);
};

export function matmulKernel(args: KernelArgs<'matmul'>): void {
  const [a, b] = args.inputs;
  const [aShape, bShape] = args.shapes;
  batchedMatmulImpl(a!, aShape!, b!, bShape!, args.out, args.outShape, wasmMatmul, args.params.transposeA === true, args.params.transposeB === true);
}

/** x·Wᵀ + b: the product as matmul runs it, then the bias. */
export function linearKernel(args: KernelArgs<'linear'>): void {
  const [x, w, b] = args.inputs;
  linearImpl(x!, args.shapes[0]!, w!, b!, args.out, args.outShape, wasmMatmul);
}

/**
 * Swapping the last two axes of a float32 tensor (an explicit `x.T`) in wasm: 4 × 4 blocks
 * transposed with shuffles, about 8× faster than the JS loop; any other permutation, dtype or a
 * small tensor goes to the cpu kernel.
 */
export function permuteKernel(args: KernelArgs<'permute'>): void {
  const x = args.inputs[0]!;
  const shape = args.shapes[0]!;
  const axes = args.params.axes;
  const r = shape.length;
  const swapsLastTwo = r >= 2 && axes[r - 2] === r - 1 && axes[r - 1] === r - 2 && axes.slice(0, r - 2).every((a, i) => a === i);
  if (!swapsLastTwo || !(x instanceof Float32Array) || !(args.out instanceof Float32Array) || x.length < SMALL_PRODUCT) {
    cpuKernels.permute(args);
    return;
  }
  const rows = shape[r - 2]!;
  const cols = shape[r - 1]!;
  const block = rows * cols;
  const done = withOperands([x], args.out, 0, ({ inputs, out }) => {
    const w = kernelsOrThrow();
    for (let b = 0; b * block < x.length; b++) w.transposeF32(inputs[0]! + b * block * 4, out + b * block * 4, rows, cols);
  });
  if (!done) cpuKernels.permute(args);
}

/** Elements from which an optimizer update runs in wasm (below, a call costs more than the JS loop). */
const SMALL_UPDATE = 4096;

/**
 * y ← y + a·x in float32 SIMD (as PyTorch's `add_`: a·x rounded to float32 before the sum, where
 * the JS loop rounds once from float64), in place where y lies in the module's memory.
 */
export function axpyFloat32(y: Float32Array, a: number, x: Float32Array): void {
  const n = y.length;
  const yInPlace = inMemory(y);
  if (n < SMALL_UPDATE || x.length !== n || !withOperands([x], y, 0, ({ inputs, out }) => {
    // y is both read and written: where it is copied into scratch, it is copied in first.
    if (!yInPlace) f32At(out, n).set(y);
    kernelsOrThrow().axpyF32(out, inputs[0]!, n, a);
  })) {
    const af = Math.fround(a);
    for (let i = 0; i < n; i++) y[i] = y[i]! + Math.fround(af * x[i]!);
  }
}
