/**
 * The wasm backend: tensors on blocks of a WebAssembly memory (heap.ts), the cpu backend's
 * kernels for what has no wasm kernel yet, and WebAssembly SIMD kernels (wasm/assembly/) that
 * read and write the blocks in place: the matrix products, transposes and SGD's axpy (matmul.ts),
 * the float32 elementwise ops (elementwise.ts), reductions, log softmax, gather and scatterAdd
 * (reduce.ts), the optimizers' fused updates (optim.ts) and the convolutions (conv.ts: im2row and
 * the packed product). Large products are shared among
 * worker threads (threads.ts).
 *
 * Tensors below SMALL_BYTES (16 KiB) stay JS typed arrays (the tutorial's scalars, a batch-1
 * activation: a block and its finalizer cost more than their arithmetic); kernels copy them in
 * when a wasm kernel needs them (operands.ts).
 *
 * The module is compiled synchronously from bytes embedded in the library (binary.ts). Where
 * WebAssembly SIMD is missing, `wasmSupported()` is false and the backend is not registered.
 */
import type { Backend } from '../backend.js';
import type { TensorStorage } from '../storage.js';
import { allocArray, dtypeOfArray, type DType, type TypedArray } from '../../tensor/dtype.js';
import { cpuKernels } from '../cpu/kernels.js';
import { allocateBlock, BYTES_PER_ELEMENT, nextEpoch } from './heap.js';
import { elementwiseKernels } from './elementwise.js';
import { axpyFloat32, linearKernel, matmulKernel, permuteKernel } from './matmul.js';
import { updateFloat32 } from './optim.js';
import { conv2dInputGradKernel, conv2dKernel, conv2dWeightGradKernel } from './conv.js';
import { argmaxKernel, argminKernel, gatherKernel, logSoftmaxKernel, maxKernel, scatterAddKernel, sumKernel } from './reduce.js';

export { wasmSupported, wasmThreads, wasmBuild, type WasmBuild, wasmMemoryLimit, setWasmMemoryLimitForTesting, wasmMemoryGrowths } from './module.js';
export { wasmProductBytes } from './matmul.js';
export { setWasmHeapBudget, wasmHeapStats, type WasmHeapStats } from './heap.js';

/**
 * Bytes below which a tensor stays a JS typed array: a block costs a few microseconds (its
 * finalizer registration, a view, its share of the heap until collected), which below 16 KiB is
 * more than copying the elements into scratch when a wasm kernel needs them (batch-1 inference:
 * 107–171 µs with this threshold, against 221–308 µs with blocks from 256 bytes, same load).
 */
const SMALL_BYTES = 16384;


function allocate(dtype: DType, size: number): TensorStorage {
  if (size * BYTES_PER_ELEMENT[dtype] < SMALL_BYTES) return allocArray(dtype, size);
  return allocateBlock(dtype, size) ?? allocArray(dtype, size);
}

/** A tensor made from user data (tensor(), randn(), a loaded model) moves onto a block: parameters stay resident. */
function adopt(data: TypedArray): TensorStorage {
  if (data.byteLength < SMALL_BYTES) return data;
  const block = allocateBlock(dtypeOfArray(data), data.length);
  if (block === null) return data;
  block.array().set(data);
  return block;
}


/** The wasm backend (register it with registerBackend; the library does when wasmSupported()). */
export const wasmBackend: Backend = {
  name: 'wasm',
  kernels: {
    ...cpuKernels,
    ...elementwiseKernels,
    matmul: matmulKernel,
    linear: linearKernel,
    permute: permuteKernel,
    sum: sumKernel,
    max: maxKernel,
    argmax: argmaxKernel,
    argmin: argminKernel,
    logSoftmax: logSoftmaxKernel,
    gather: gatherKernel,
    scatterAdd: scatterAddKernel,
    conv2d: conv2dKernel,
    conv2dInputGrad: conv2dInputGradKernel,
    conv2dWeightGrad: conv2dWeightGradKernel,
  },
  allocate,
  adopt,
  beginOp: nextEpoch,
  axpyFloat32,
  updateFloat32,
};
