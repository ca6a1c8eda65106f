/**
 * Worker threads for the wasm backend's matrix product (Node only): the threaded build of the
 * kernels shares one WebAssembly memory with workers, each of which runs the same kernel on its
 * share of the rows of A (and its own packing scratch). The calling thread posts the jobs through
 * a shared control block, does its own share, and waits with Atomics.wait; workers wait the same
 * way for the next job. Workers start in the background at the first large product; until they
 * say they are ready, products run on the calling thread alone. They are unref()'d: they never
 * keep a process alive.
 *
 * In a browser (no node:worker_threads, and Atomics.wait is refused on the main thread) the
 * backend runs on one thread.
 */

/** Per worker: [state, a, b, c, pack, m4, k, n, n8, rsA, csA, tB] in the control block. */
const SLOT = 16;
const IDLE = 3;
const JOB = 1;
const DONE = 2;

/** What a worker runs: instantiate the threaded module on the shared memory, then serve jobs. */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { bytes, memory, ctrl, index } = workerData;
const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory, abort() { throw new Error('chainrule wasm kernel aborted'); } } });
const matmul = instance.exports.matmulF32;
const base = index * ${SLOT};
Atomics.store(ctrl, base, ${IDLE});
Atomics.notify(ctrl, base);
for (;;) {
  let s;
  while ((s = Atomics.load(ctrl, base)) !== ${JOB}) Atomics.wait(ctrl, base, s);
  matmul(ctrl[base + 1], ctrl[base + 2], ctrl[base + 3], ctrl[base + 4], ctrl[base + 5], ctrl[base + 6], ctrl[base + 7], ctrl[base + 8], ctrl[base + 9], ctrl[base + 10], ctrl[base + 11]);
  Atomics.store(ctrl, base, ${DONE});
  Atomics.notify(ctrl, base);
}
`;

export interface ThreadPool {
  /** The workers ready to take a job now. */
  readonly ready: () => number[];
  /** Posts a job to worker `w` (it must be ready). */
  post(w: number, args: readonly number[]): void;
  /** Waits until worker `w` has finished its job, and marks it ready again. */
  wait(w: number): void;
  /** Waits (up to `ms`) for every worker to have started. */
  waitStarted(ms: number): void;
}

interface WorkerLike {
  unref(): void;
  on(event: 'error', listener: (e: unknown) => void): void;
}
interface WorkerThreads {
  Worker: new (source: string, options: { eval: true; workerData: unknown }) => WorkerLike;
}

/** Starts `count` workers on `memory` (shared) with the threaded module's bytes; null where threads are unavailable. */
export function startPool(bytes: Uint8Array, memory: WebAssembly.Memory, count: number): ThreadPool | null {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof get !== 'function' || count < 1 || typeof SharedArrayBuffer === 'undefined') return null;
  const threads = get.call((globalThis as { process?: unknown }).process, 'node:worker_threads') as WorkerThreads | undefined;
  if (threads === undefined) return null;
  const ctrl = new Int32Array(new SharedArrayBuffer(count * SLOT * 4));
  const failed = new Set<number>();
  for (let index = 0; index < count; index++) {
    const worker = new threads.Worker(WORKER_SOURCE, { eval: true, workerData: { bytes, memory, ctrl, index } });
    worker.unref();
    // A worker that fails to start is never used (its slot never says IDLE, or it is marked failed).
    worker.on('error', () => failed.add(index));
  }
  return {
    ready: () => {
      const out: number[] = [];
      for (let w = 0; w < count; w++) if (Atomics.load(ctrl, w * SLOT) === IDLE && !failed.has(w)) out.push(w);
      return out;
    },
    post(w, args) {
      const base = w * SLOT;
      for (let i = 0; i < args.length; i++) ctrl[base + 1 + i] = args[i]!;
      Atomics.store(ctrl, base, JOB);
      Atomics.notify(ctrl, base);
    },
    waitStarted(ms) {
      const end = Date.now() + ms;
      for (let w = 0; w < count; w++) {
        while (Atomics.load(ctrl, w * SLOT) !== IDLE && !failed.has(w)) {
          const left = end - Date.now();
          if (left <= 0) return;
          Atomics.wait(ctrl, w * SLOT, Atomics.load(ctrl, w * SLOT), Math.min(left, 50));
        }
      }
    },
    wait(w) {
      const base = w * SLOT;
      let s;
      while ((s = Atomics.load(ctrl, base)) !== DONE) Atomics.wait(ctrl, base, s);
      Atomics.store(ctrl, base, IDLE);
    },
  };
}
