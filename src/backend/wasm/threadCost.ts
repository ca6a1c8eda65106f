/**
 * Whether a product pays for worker threads, decided from measured costs (threads.ts measures
 * them; matmul.ts asks). On a 2-core virtual machine a worker can take from tens of microseconds
 * to milliseconds to wake, so a fixed size threshold made mid-size products (the MLP's 64-row
 * layers) slower threaded than on one thread. `productWorkers` is a pure function of the
 * product's shape and the measured rates and latencies, so the decision is tested without timing.
 */

/** What threading a product costs and gains here, as measured (running averages). */
export interface ThreadCosts {
  /** Multiply-adds per millisecond one thread computes alone. */
  rate: number;
  /** Multiply-adds per millisecond each thread computes while workers compute too (less than `rate` where the cores are shared or busy). */
  sharedRate: number;
  /** Milliseconds from posting a job to a worker starting on it. */
  wakeMs: number;
  /** Milliseconds the caller waits at the end per worker, beyond the chunk it is finishing (the hand-back). */
  syncMs: number;
}

/**
 * The running averages for this process: priors until products measure them (a fast rate and a
 * slow wake, so that the first products, before the pool's calibration, stay on one thread).
 */
export const measured: ThreadCosts & { /** Floats of B packed per millisecond (the caller's work while workers wake). */ packRate: number } = {
  rate: 12e6,
  sharedRate: 12e6,
  wakeMs: 0.2,
  syncMs: 0.05,
  packRate: 1e6,
};

/** Threads must save at least this fraction of the one-thread time: estimates are noisy, and a product must never get slower. */
const MARGIN = 0.85;

/** Rows per chunk for `workers` workers and the caller: whole 4-row groups, about four chunks per thread, at least 8 rows. */
export function chunkRows(m4: number, workers: number): number {
  return Math.max(8, Math.ceil(m4 / (4 * (workers + 1)) / 4) * 4);
}

/**
 * Milliseconds a product of `work` multiply-adds over `m4` rows is expected to take on the caller
 * and `workers` workers, the caller first spending `fillMs` packing the operands while the
 * workers wake: each worker joins `wakeMs − fillMs` late, the chunks are shared among whoever is
 * running (each at `sharedRate`), the last chunk is half wasted on average, and each worker's
 * hand-back costs `syncMs`.
 */
export function threadedMs(work: number, m4: number, fillMs: number, costs: ThreadCosts, workers: number): number {
  const single = work / costs.rate;
  if (workers === 0) return single;
  const late = Math.max(0, costs.wakeMs - fillMs);
  // A worker that wakes after the caller alone would have finished brings nothing (the caller withdraws its job).
  if (late >= single) return single;
  const shared = work / costs.sharedRate;
  const chunkMs = (shared * chunkRows(m4, workers)) / m4;
  // The caller collects each worker in turn: a hand-back per worker.
  return (shared + workers * late) / (workers + 1) + chunkMs / 2 + workers * costs.syncMs;
}

/**
 * How many of the `available` workers a product should use: the count with the least expected
 * time, if it beats one thread by the margin; else 0. A product needs two 4-row groups per
 * thread at least (chunks of 8 rows).
 */
export function productWorkers(work: number, m4: number, fillMs: number, costs: ThreadCosts, available: number): number {
  const single = work / costs.rate;
  let best = 0;
  let bestMs = single * MARGIN;
  const most = Math.min(available, Math.floor(m4 / 8) - 1);
  for (let w = 1; w <= most; w++) {
    const ms = threadedMs(work, m4, fillMs, costs, w);
    if (ms < bestMs) {
      best = w;
      bestMs = ms;
    }
  }
  return best;
}

/** Weight of a new observation in the running averages (the last few products dominate: the machine's load changes). */
const ALPHA = 0.25;

/** Folds one observation into a running average. */
export function blend(average: number, sample: number): number {
  return average + ALPHA * (sample - average);
}
