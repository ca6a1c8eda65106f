/**
 * The worker side of `startPngThread` (pngThread.ts): `svgToPng` on its own thread. Loaded on
 * its own (not as that worker) it does nothing.
 *
 * While it waits for its first picture it renders a small chart-like SVG (a clipped line, grid
 * lines, regular and bold text) a few times: V8 runs resvg's WebAssembly first in its baseline
 * tier and compiles the functions that get hot in the background, so the first real picture of a
 * fresh process took about four times as long as later ones. The warm-up pays most of that on a
 * thread that is otherwise idle while the caller builds the chart (on a machine with a free core;
 * where the cores are all busy it costs CPU time rather than saving wall time). Its output is thrown away; it
 * changes no later picture (rendering is deterministic whatever tier runs it).
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

/**
 * Warm-up renders at most, stopping early when a job arrives. None on a single core, where the
 * warm-up could only take time from the caller's own work.
 */
function warmRounds(): number {
  const os = process.getBuiltinModule('node:os');
  return os.availableParallelism() > 1 ? 3 : 0;
}

function warmSvg(): string {
  const points = Array.from({ length: 40 }, (_, i) => `${i * 10},${(150 * Math.exp(-i / 8)).toFixed(3)}`).join('L');
  const text = (x: number, y: number, s: string, bold = false): string =>
    `<text x="${x}" y="${y}" font-family="KaTeX_SansSerif, sans-serif" font-size="11"${bold ? ' font-weight="bold"' : ''} fill="#000">${s}</text>`;
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="440" height="200" viewBox="0 0 440 200">',
    '<rect width="440" height="200" fill="white"/>',
    '<defs><clipPath id="c"><rect x="0" y="0" width="400" height="160"/></clipPath></defs>',
    '<g transform="translate(30,20)">',
    '<path d="M0.5,0.5h400v160h-400Z" stroke="#ddd" fill="none"/>',
    ...[40, 80, 120].map((y) => `<line transform="translate(0,${y + 0.5})" x2="400" stroke="#ddd" opacity="1"/>`),
    `<g clip-path="url(#c)"><path d="M${points}" stroke="#1f77b4" stroke-width="2" fill="none"/></g>`,
    text(150, -6, 'Loss over Epochs', true),
    text(-28, 84, '0.012'),
    text(180, 176, 'Epoch 0 10 20 30 40 50 60'),
    '</g></svg>',
  ].join('');
}

function errorOf(e: unknown): { name: string; message: string } {
  if (e instanceof ValueError) return { name: 'ValueError', message: e.message };
  if (e instanceof ChainruleError) return { name: 'ChainruleError', message: e.message };
  return { name: 'Error', message: e instanceof Error ? e.message : String(e) };
}

function serve(port: import('node:worker_threads').MessagePort): void {
  const queue: PngJob[] = [];
  // One render at a time: a job waits for the warm-up round in progress, then runs.
  let chain: Promise<void> = (async () => {
    const svg = warmSvg();
    const rounds = warmRounds();
    for (let i = 0; i < rounds && queue.length === 0; i++) {
      await svgToPng(svg, { scale: 2 }).catch(() => undefined);
      // Let a job that arrived during the round into the queue before deciding on another.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  })();
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
