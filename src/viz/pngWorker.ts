/**
 * The worker side of `startPngThread` (pngThread.ts): `svgToPng` on its own thread. Loaded on
 * its own (not as that worker) it does nothing.
 *
 * (A warm-up render while waiting for the first picture was tried: resvg's WebAssembly runs in
 * V8's baseline tier until its hot functions are optimised, so a fresh process's first picture
 * takes about four times as long as later ones. On this project's shared two-core machines the
 * warm-up cost more CPU time than it saved wall time, so the thread only loads resvg before its
 * first picture.)
 */
import { ChainruleError, ValueError } from '../errors.js';
import { svgToPng, type SvgToPngOptions } from './png.js';

/** A request: render `svg`. */
export interface PngJob {
  readonly id: number;
  readonly svg: string;
  readonly options: SvgToPngOptions;
}

/** A reply: the PNG, or the error svgToPng threw (its class name and message). */
export type PngReply = { readonly id: number; readonly png: Uint8Array } | { readonly id: number; readonly error: { readonly name: string; readonly message: string } };

/** What `workerData` holds when this module runs as the PNG thread. */
export const PNG_WORKER_TAG = 'chainrule:svgToPng';

function errorOf(e: unknown): { name: string; message: string } {
  if (e instanceof ValueError) return { name: 'ValueError', message: e.message };
  if (e instanceof ChainruleError) return { name: 'ChainruleError', message: e.message };
  return { name: 'Error', message: e instanceof Error ? e.message : String(e) };
}

function serve(port: import('node:worker_threads').MessagePort): void {
  const queue: PngJob[] = [];
  // One render at a time, in the order asked; first resvg is loaded (its WebAssembly compiled,
  // the fonts read) by drawing a 1×1 picture, while the caller is still building its chart.
  let chain: Promise<void> = svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>').then(
    () => undefined,
    () => undefined,
  );
  port.on('message', (job: PngJob) => {
    queue.push(job);
    chain = chain.then(async () => {
      const next = queue.shift();
      if (next === undefined) return;
      let reply: PngReply;
      try {
        reply = { id: next.id, png: await svgToPng(next.svg, next.options) };
      } catch (e) {
        reply = { id: next.id, error: errorOf(e) };
      }
      if ('png' in reply) {
        // Handed over, not copied: a PNG of a 2x chart is about 100 kB.
        const own = reply.png.byteOffset === 0 && reply.png.byteLength === reply.png.buffer.byteLength && reply.png.buffer instanceof ArrayBuffer ? reply.png : reply.png.slice();
        port.postMessage({ id: reply.id, png: own }, [own.buffer as ArrayBuffer]);
      } else {
        port.postMessage(reply);
      }
    });
  });
}

const threads = typeof process === 'object' && typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('node:worker_threads') : undefined;
if (threads !== undefined && threads.parentPort !== null && threads.workerData === PNG_WORKER_TAG) serve(threads.parentPort);
