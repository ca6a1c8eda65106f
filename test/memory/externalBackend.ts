// A test backend that hands out views into one WebAssembly.Memory (memory outside the JS heap)
// and releases them with a FinalizationRegistry when their tensors are garbage-collected: the
// seam (Backend.allocate) that the WASM backend will use. Kernels are the cpu backend's.
import { allocArray, type DType, type TypedArray } from '../../src/tensor/dtype.js';
import type { Backend } from '../../src/backend/backend.js';
import { cpuBackend } from '../../src/backend/cpu/index.js';

export * from '../../src/index.js';

export interface SeamBackend extends Backend {
  readonly stats: { allocated: number; freed: number; live(): number };
}

export function allocatorSeamBackend(): SeamBackend {
  const memory = new WebAssembly.Memory({ initial: 16 });
  let top = 0;
  const stats = { allocated: 0, freed: 0, live: () => stats.allocated - stats.freed };
  const registry = new FinalizationRegistry<number>(() => {
    stats.freed++;
  });
  const bytes: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };
  return {
    name: 'external-memory-test',
    kernels: cpuBackend.kernels,
    stats,
    allocate(dtype: DType, size: number): TypedArray {
      const width = bytes[dtype];
      top = Math.ceil(top / 8) * 8;
      // A bump allocator is enough for this test; a real WASM backend needs a free list, and must
      // not grow a non-shared Memory while views exist (growing detaches their buffer).
      if (top + size * width > memory.buffer.byteLength) throw new RangeError('external-memory-test: out of memory');
      const view =
        dtype === 'float32'
          ? new Float32Array(memory.buffer, top, size)
          : dtype === 'float64'
            ? new Float64Array(memory.buffer, top, size)
            : dtype === 'int32'
              ? new Int32Array(memory.buffer, top, size)
              : new Uint8Array(memory.buffer, top, size);
      view.set(allocArray(dtype, size));
      top += size * width;
      stats.allocated++;
      registry.register(view, top);
      return view;
    },
  };
}
