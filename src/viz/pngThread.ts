/**
 * `svgToPng` on a worker thread (Node only), for a caller with other work to do meanwhile: the
 * report starts one before it builds its chart, so resvg's WebAssembly is loaded while vega runs
 * here, and the PNG is drawn while the derivation, the diagrams and the graph are built here. The same function draws the same bytes on either
 * thread; where no worker can be started, `toPng` simply runs `svgToPng` here.
 */
import { ChainruleError, ValueError } from '../errors.js';
import { svgToPng, type SvgToPngOptions } from './png.js';
import { PNG_WORKER_TAG, type PngJob, type PngReply } from './pngWorker.js';

/** A PNG renderer on its own thread. */
export interface PngThread {
  /** What `svgToPng(svg, options)` returns, drawn on the thread. */
  toPng(svg: string, options?: SvgToPngOptions): Promise<Uint8Array>;
  /** Stops the thread; a `toPng` still in progress is rejected. Idempotent. */
  close(): Promise<void>;
}

type Worker = import('node:worker_threads').Worker;

interface Pending {
  readonly resolve: (png: Uint8Array) => void;
  readonly reject: (e: Error) => void;
}

function startWorker(): Worker | null {
  const get = typeof process === 'object' && process !== null ? process.getBuiltinModule : undefined;
  if (typeof get !== 'function') return null;
  try {
    const threads = get.call(process, 'node:worker_threads') as typeof import('node:worker_threads');
    return new threads.Worker(new URL('./pngWorker.js', import.meta.url), { workerData: PNG_WORKER_TAG, stdout: false, stderr: false });
  } catch {
    // A runtime without worker threads (or without the compiled worker file) draws here instead.
    return null;
  }
}

/** Starts a PNG thread; `close()` stops it (an idle one does not keep the process alive either). */
export function startPngThread(): PngThread {
  const worker = startWorker();
  if (worker === null) return { toPng: svgToPng, close: () => Promise.resolve() };
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let failure: Error | null = null;
  const failAll = (e: Error): void => {
    failure ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
    worker.unref();
  };
  // Held open only while a picture is on its way: a forgotten close() does not keep the process alive.
  worker.unref();
  const settle = (id: number): Pending | undefined => {
    const p = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) worker.unref();
    return p;
  };
  worker.on('message', (reply: PngReply) => {
    const p = settle(reply.id);
    if (p === undefined) return;
    if ('png' in reply) p.resolve(reply.png);
    else p.reject(reply.error.name === 'ValueError' ? new ValueError(reply.error.message) : new ChainruleError(reply.error.message));
  });
  worker.on('error', (e: Error) => failAll(new ChainruleError(`svgToPng: the PNG thread failed: ${e.message}`)));
  worker.on('exit', (code) => failAll(new ChainruleError(`svgToPng: the PNG thread stopped (exit code ${code}) before it drew the picture`)));
  let closed: Promise<void> | null = null;
  return {
    toPng(svg: string, options: SvgToPngOptions = {}): Promise<Uint8Array> {
      // svgToPng's own checks, here, so a wrong argument is the same ValueError on either thread.
      if (typeof svg !== 'string') return svgToPng(svg, options);
      if (failure !== null) return Promise.reject(failure);
      const id = nextId++;
      const job: PngJob = { id, svg, options };
      return new Promise<Uint8Array>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.ref();
        try {
          worker.postMessage(job);
        } catch (e) {
          settle(id);
          reject(new ValueError(`svgToPng: the options cannot be sent to the PNG thread: ${e instanceof Error ? e.message : String(e)}`));
        }
      });
    },
    close(): Promise<void> {
      if (closed === null) {
        failAll(new ChainruleError('svgToPng: the PNG thread was closed; start another with startPngThread()'));
        closed = worker.terminate().then(() => undefined);
      }
      return closed;
    },
  };
}
