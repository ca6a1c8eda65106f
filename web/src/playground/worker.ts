/**
 * The playground's training worker: builds a session (data and model) from a configuration,
 * trains it with the library in chunks of a few milliseconds (so pause and reconfigure are heard
 * at once), and posts throttled snapshots for the page to draw on its animation frames.
 */
import type { PlaygroundState } from '../state.js';
import type { CsvUpload, FromWorker, ToWorker } from './protocol.js';
import { exportRun } from './exportRun.js';
import { createSession, trainStep, type Session } from './session.js';
import { snapshot } from './snapshot.js';

/** How long one chunk of training may hold the worker, and how often snapshots go out. */
const CHUNK_MS = 12;
const SNAPSHOT_MS = 50;

let session: Session | null = null;
/** The id of the latest configuration (sent with every message about it). */
let sessionId = 0;
let running = false;
let timer: ReturnType<typeof setTimeout> | null = null;
let lastPost = 0;
/** How long the last snapshot took: on a large dataset its losses over every point cost more than the training between them. */
let snapshotMs = 0;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(message, { transfer });
}

function configure(id: number, state: PlaygroundState, csv: CsvUpload | null): void {
  stop();
  // Whatever happens next, the previous configuration is gone: a failed one leaves nothing to train.
  session = null;
  sessionId = id;
  const built = createSession(id, state, csv);
  session = built.session;
  post(built.data);
  postSnapshot();
}

function postSnapshot(): void {
  if (session === null) return;
  const start = performance.now();
  const snap = snapshot(session, running);
  lastPost = performance.now();
  snapshotMs = lastPost - start;
  post({ type: 'snapshot', id: sessionId, snapshot: snap }, [snap.output.buffer, ...snap.neurons.map((n) => n.buffer)]);
}

function loop(): void {
  timer = null;
  const s = session;
  if (!running || s === null) return;
  const start = performance.now();
  try {
    do trainStep(s);
    while (performance.now() - start < CHUNK_MS);
  } catch (e) {
    running = false;
    post({ type: 'error', id: sessionId, during: 'train', message: e instanceof Error ? e.message : String(e) });
  }
  // Snapshots take at most a fifth of the worker's time, so training goes on at a useful pace.
  if (performance.now() - lastPost >= Math.max(SNAPSHOT_MS, 4 * snapshotMs) || !running) postSnapshot();
  if (running) timer = setTimeout(loop, 0);
}

function stop(): void {
  running = false;
  if (timer !== null) clearTimeout(timer);
  timer = null;
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const m = event.data;
  try {
    switch (m.type) {
      case 'configure':
        configure(m.id, m.state, m.csv);
        break;
      case 'play':
        if (session !== null && !running) {
          running = true;
          loop();
        }
        break;
      case 'pause':
        stop();
        postSnapshot();
        break;
      case 'step':
        stop();
        if (session !== null) {
          // One epoch, as the TensorFlow Playground's step button.
          const e = session.epoch;
          do trainStep(session);
          while (session.epoch === e);
          postSnapshot();
        }
        break;
      case 'export':
        if (session !== null) post({ type: 'exported', id: sessionId, ...exportRun(session) });
        break;
    }
  } catch (e) {
    stop();
    post({ type: 'error', id: sessionId, during: m.type === 'configure' ? 'configure' : 'train', message: e instanceof Error ? e.message : String(e) });
    // What the failed step left (a configuration that failed left nothing).
    if (m.type !== 'configure') postSnapshot();
  }
};
