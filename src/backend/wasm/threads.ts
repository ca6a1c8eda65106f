/**
 * Worker threads for the wasm backend's matrix product (Node only): the threaded build of the
 * kernels shares one WebAssembly memory with workers. A product is cut into chunks of rows of A;
 * the calling thread posts the job through a shared control block, copies the operands in and
 * packs B once (while the workers wake), and then it and every worker that is awake claim chunks
 * from a shared counter (Atomics.add) until none is left. Claiming, not a fixed share, is what makes threads pay on a 2-core
 * virtual machine: a worker can take tens or hundreds of microseconds to wake, and a late worker
 * simply finds fewer chunks (or none: the caller then withdraws the job instead of waiting).
 * Every chunk is a whole number of 4-row groups, so the result is the same, bit for bit, whoever
 * computes which rows. Workers are unref()'d: they never keep a process alive.
 *
 * In a browser the workers are Web Workers (a script made from a Blob), started when the page
 * is cross-origin isolated (COOP/COEP headers, so SharedArrayBuffer exists) and the library itself
 * runs in a Web Worker, since the main thread may not block in Atomics.wait (index.ts decides).
 */

/** Per worker: [state, a, pk, c, m4, k, n8, rsA, csA, chunk] in the control block; the shared chunk counter and a go flag follow the slots. */
const SLOT = 16;
const IDLE = 3;
const JOB = 1;
const DONE = 2;
const RUNNING = 4;

/** What a worker runs: instantiate the threaded module on the shared memory, then serve jobs. */
const workerSource = (counter: number, browser: boolean): string => `
${browser ? 'self.onmessage = (event) => {\n  self.onmessage = null;\n  serve(event.data);\n};' : "serve(require('node:worker_threads').workerData);"}
function serve({ bytes, memory, ctrl, index }) {
const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory, abort() { throw new Error('chainrule wasm kernel aborted'); } } });
const gemm = instance.exports.gemmPacked;
const base = index * ${SLOT};
Atomics.store(ctrl, base, ${IDLE});
Atomics.notify(ctrl, base);
for (;;) {
  let s;
  while ((s = Atomics.load(ctrl, base)) !== ${JOB}) Atomics.wait(ctrl, base, s);
  // The caller may have withdrawn the job (it finished every chunk itself) since we woke.
  if (Atomics.compareExchange(ctrl, base, ${JOB}, ${RUNNING}) !== ${JOB}) continue;
  // Woken while the caller copies the operands in and packs B: wait (briefly, spinning) until they are there.
  while (Atomics.load(ctrl, ${counter} + 1) === 0) {}
  const a = ctrl[base + 1], pk = ctrl[base + 2], c = ctrl[base + 3], m4 = ctrl[base + 4];
  const k = ctrl[base + 5], n8 = ctrl[base + 6], rsA = ctrl[base + 7], csA = ctrl[base + 8], chunk = ctrl[base + 9];
  for (;;) {
    const r0 = Atomics.add(ctrl, ${counter}, 1) * chunk;
    if (r0 >= m4) break;
    gemm(a + r0 * rsA, pk, c + r0 * n8 * 4, Math.min(chunk, m4 - r0), k, n8, rsA, csA);
  }
  Atomics.store(ctrl, base, ${DONE});
  Atomics.notify(ctrl, base);
}
}
`;

/** One product: C (m4 × n8, at c) = A · packed B as gemmPacked takes them, cut into chunks of `chunk` rows (a multiple of 4). */
export interface ThreadedProduct {
  readonly a: number;
  readonly pk: number;
  readonly c: number;
  readonly m4: number;
  readonly k: number;
  readonly n8: number;
  readonly rsA: number;
  readonly csA: number;
  readonly chunk: number;
}

export type GemmExport = (a: number, pk: number, c: number, m4: number, k: number, n8: number, rsA: number, csA: number) => void;

export interface ThreadPool {
  /** The workers ready to take a job now. */
  readonly ready: () => number[];
  /**
   * Runs the product on this thread and on `workers`: wakes the workers, calls `fill` (which
   * copies the operands in and packs B) while they wake, then computes; returns when every chunk
   * is done.
   */
  run(job: ThreadedProduct, workers: readonly number[], gemm: GemmExport, fill: () => void): void;
}

interface WorkerLike {
  unref(): void;
  on(event: 'error', listener: (e: unknown) => void): void;
}
interface WorkerThreads {
  Worker: new (source: string, options: { eval: true; workerData: unknown }) => WorkerLike;
}

/** Waits (up to `ms`) for every worker to say it is ready. */
function waitStarted(ctrl: Int32Array, count: number, failed: ReadonlySet<number>, ms: number): void {
  const end = Date.now() + ms;
  for (let w = 0; w < count; w++) {
    while (Atomics.load(ctrl, w * SLOT) !== IDLE && !failed.has(w)) {
      const left = end - Date.now();
      if (left <= 0) return;
      Atomics.wait(ctrl, w * SLOT, Atomics.load(ctrl, w * SLOT), Math.min(left, 50));
    }
  }
}

interface WebWorkerLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'error', listener: () => void): void;
}

/** Starts `count` workers on `memory` (shared) with the threaded module's bytes; null where threads are unavailable. */
export function startPool(bytes: Uint8Array, memory: WebAssembly.Memory, count: number): ThreadPool | null {
  if (count < 1 || typeof SharedArrayBuffer === 'undefined') return null;
  const g = globalThis as {
    process?: { getBuiltinModule?: (id: string) => unknown };
    Worker?: new (url: string) => WebWorkerLike;
    Blob?: new (parts: string[], options: { type: string }) => unknown;
    URL?: { createObjectURL(blob: unknown): string };
  };
  const get = g.process?.getBuiltinModule;
  const threads = typeof get === 'function' ? (get.call(g.process, 'node:worker_threads') as WorkerThreads | undefined) : undefined;
  const counter = count * SLOT;
  const go = counter + 1;
  const ctrl = new Int32Array(new SharedArrayBuffer((count * SLOT + 2) * 4));
  const failed = new Set<number>();
  if (threads !== undefined) {
    const source = workerSource(counter, false);
    for (let index = 0; index < count; index++) {
      const worker = new threads.Worker(source, { eval: true, workerData: { bytes, memory, ctrl, index } });
      worker.unref();
      // A worker that fails to start is never used (its slot never says IDLE, or it is marked failed).
      worker.on('error', () => failed.add(index));
    }
    // Node workers start in tens of milliseconds on their own threads: wait (up to a second), so
    // the first large product is shared too. A browser starts nested Web Workers only once this
    // thread returns to its event loop: there they join the products that come after.
    waitStarted(ctrl, count, failed, 1000);
  } else if (typeof g.Worker === 'function' && g.Blob !== undefined && g.URL !== undefined) {
    const url = g.URL.createObjectURL(new g.Blob([workerSource(counter, true)], { type: 'text/javascript' }));
    for (let index = 0; index < count; index++) {
      const worker = new g.Worker(url);
      worker.addEventListener('error', () => failed.add(index));
      worker.postMessage({ bytes, memory, ctrl, index });
    }
  } else return null;
  return {
    ready: () => {
      const out: number[] = [];
      for (let w = 0; w < count; w++) if (Atomics.load(ctrl, w * SLOT) === IDLE && !failed.has(w)) out.push(w);
      return out;
    },
    run(job, workers, gemm, fill) {
      Atomics.store(ctrl, counter, 0);
      Atomics.store(ctrl, go, 0);
      workers.forEach((w) => {
        const base = w * SLOT;
        const args = [job.a, job.pk, job.c, job.m4, job.k, job.n8, job.rsA, job.csA, job.chunk];
        for (let j = 0; j < args.length; j++) ctrl[base + 1 + j] = args[j]!;
        Atomics.store(ctrl, base, JOB);
        Atomics.notify(ctrl, base);
      });
      fill();
      Atomics.store(ctrl, go, 1);
      for (;;) {
        const r0 = Atomics.add(ctrl, counter, 1) * job.chunk;
        if (r0 >= job.m4) break;
        gemm(job.a + r0 * job.rsA, job.pk, job.c + r0 * job.n8 * 4, Math.min(job.chunk, job.m4 - r0), job.k, job.n8, job.rsA, job.csA);
      }
      for (const w of workers) {
        const base = w * SLOT;
        // Not started yet: withdraw the job (every chunk is done) rather than wait for it to wake.
        if (Atomics.compareExchange(ctrl, base, JOB, IDLE) === JOB) continue;
        let s;
        while ((s = Atomics.load(ctrl, base)) !== DONE) Atomics.wait(ctrl, base, s);
        Atomics.store(ctrl, base, IDLE);
      }
    },
  };
}
