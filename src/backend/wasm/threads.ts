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
 * Whether a product is shared at all is decided from measured costs (threadCost.ts): the pool
 * measures how long workers take to wake and to hand back, at start-up (pings: jobs of no rows)
 * and on every threaded product; the caller measures its own compute rate.
 *
 * In a browser the workers are Web Workers (a script made from a Blob), started when the page
 * is cross-origin isolated (COOP/COEP headers, so SharedArrayBuffer exists) and the library itself
 * runs in a Web Worker, since the main thread may not block in Atomics.wait (index.ts decides).
 */

import { blend, measured } from './threadCost.js';

/**
 * Per worker: [state, a, pk, c, m4, k, n8, rsA, csA, chunk] in the control block; the shared
 * chunk counter and a go flag follow the slots. A job of no rows (m4 = 0) is a ping: the worker
 * stamps its wake time and reports done, touching neither the counter nor the go flag.
 */
const SLOT = 16;
const IDLE = 3;
const JOB = 1;
const DONE = 2;
const RUNNING = 4;

/** What a worker runs: instantiate the threaded module on the shared memory, then serve jobs. */
const workerSource = (counter: number, browser: boolean): string => `
${browser ? 'self.onmessage = (event) => {\n  self.onmessage = null;\n  serve(event.data);\n};' : "serve(require('node:worker_threads').workerData);"}
function serve({ bytes, memory, ctrl, times, index }) {
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
  // When this worker woke, on the clock every thread shares (the caller measures the wake latency from it).
  times[index] = performance.timeOrigin + performance.now();
  if (ctrl[base + 4] === 0) {
    Atomics.store(ctrl, base, ${DONE});
    Atomics.notify(ctrl, base);
    continue;
  }
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

/** Milliseconds on the clock that every thread of the process shares. */
const now = (): number => performance.timeOrigin + performance.now();

/** The median of a few samples (calibration: one descheduled ping must not decide). */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
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
  const times = new Float64Array(new SharedArrayBuffer(count * 8));
  const failed = new Set<number>();
  if (threads !== undefined) {
    const source = workerSource(counter, false);
    for (let index = 0; index < count; index++) {
      const worker = new threads.Worker(source, { eval: true, workerData: { bytes, memory, ctrl, times, index } });
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
      worker.postMessage({ bytes, memory, ctrl, times, index });
    }
  } else return null;
  /** Posts a job to worker w (args: a, pk, c, m4, k, n8, rsA, csA, chunk). */
  const post = (w: number, args: readonly number[]): void => {
    const base = w * SLOT;
    for (let j = 0; j < args.length; j++) ctrl[base + 1 + j] = args[j]!;
    Atomics.store(ctrl, base, JOB);
    Atomics.notify(ctrl, base);
  };
  const ready = (): number[] => {
    const out: number[] = [];
    for (let w = 0; w < count; w++) if (Atomics.load(ctrl, w * SLOT) === IDLE && !failed.has(w)) out.push(w);
    return out;
  };
  if (threads !== undefined) {
    // Calibration (Node, where the workers are up by now): a few pings per worker, waited on,
    // give the wake latency and the hand-back (the worker's notify to this thread waking).
    const wakes: number[] = [];
    const backs: number[] = [];
    for (const w of ready()) {
      for (let i = 0; i < 5; i++) {
        const t0 = now();
        post(w, [0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let s;
        while ((s = Atomics.load(ctrl, w * SLOT)) !== DONE) Atomics.wait(ctrl, w * SLOT, s, 100);
        wakes.push(times[w]! - t0);
        backs.push(now() - times[w]!);
        Atomics.store(ctrl, w * SLOT, IDLE);
      }
    }
    if (wakes.length > 0) {
      measured.wakeMs = median(wakes);
      measured.syncMs = median(backs);
    }
  }
  return {
    ready,
    run(job, workers, gemm, fill) {
      Atomics.store(ctrl, counter, 0);
      Atomics.store(ctrl, go, 0);
      const t0 = now();
      const args = [job.a, job.pk, job.c, job.m4, job.k, job.n8, job.rsA, job.csA, job.chunk];
      for (const w of workers) post(w, args);
      const f0 = now();
      fill();
      const c0 = now();
      Atomics.store(ctrl, go, 1);
      let rows = 0;
      for (;;) {
        const r0 = Atomics.add(ctrl, counter, 1) * job.chunk;
        if (r0 >= job.m4) break;
        const n = Math.min(job.chunk, job.m4 - r0);
        gemm(job.a + r0 * job.rsA, job.pk, job.c + r0 * job.n8 * 4, n, job.k, job.n8, job.rsA, job.csA);
        rows += n;
      }
      const c1 = now();
      let joined = 0;
      for (const w of workers) {
        const base = w * SLOT;
        // Not started yet: withdraw the job (every chunk is done) rather than wait for it to wake.
        if (Atomics.compareExchange(ctrl, base, JOB, IDLE) === JOB) {
          measured.wakeMs = blend(measured.wakeMs, c1 - t0);
          continue;
        }
        joined++;
        let s;
        while ((s = Atomics.load(ctrl, base)) !== DONE) Atomics.wait(ctrl, base, s);
        measured.wakeMs = blend(measured.wakeMs, times[w]! - t0);
        Atomics.store(ctrl, base, IDLE);
      }
      // What this thread computed gives the rate; the wait past the chunk a worker was finishing (half of one, on average) is the hand-back.
      const madds = job.k * job.n8;
      if (rows > 0 && c1 > c0) measured.sharedRate = blend(measured.sharedRate, (rows * madds) / (c1 - c0));
      measured.packRate = blend(measured.packRate, job.k * job.n8 / Math.max(c0 - f0, 1e-3));
      if (joined > 0) measured.syncMs = blend(measured.syncMs, Math.max(0, now() - c1 - (job.chunk * madds) / measured.sharedRate / 2) / joined);
    },
  };
}
