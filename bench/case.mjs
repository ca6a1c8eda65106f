// One benchmark case in its own process (so each library's peak memory and JIT state are its
// own): node bench/case.mjs <runner> <workload> [--quick]. Prints one JSON line.
//   runner:   chainrule-<backend> | tfjs-cpu | tfjs-wasm | tfjs-wasm-threaded | plain-js
//   workload: see WORKLOADS in run.mjs
// Every implementation starts from the same data and weights (common.mjs) and reports `check`:
// the losses of its first training steps, or the mean of its output, which run.mjs compares.
// `facts` say how the runner ran: backend, wasm build, SIMD, threads, wasm memory.
import { chainrule } from './chainrule.mjs';
import { CONV, firstLosses, timeBatched, quick } from './common.mjs';
import { tfjs } from './tfjs.mjs';

const [runner, workload] = process.argv.slice(2);

/** The tutorial step written out by hand in plain JS: the floor for small-tensor overhead. */
function plainJs() {
  return {
    facts: () => ({}),
    tutorial() {
      let w1 = 0.4, b1 = 0.1, w2 = 0.3, b2 = 0.2;
      const x = 0.5, t = 0.6, lr = 0.1;
      let sink = 0;
      let loss = 0;
      const step = () => {
        const z1 = w1 * x + b1;
        const h = 1 / (1 + Math.exp(-z1));
        const y = w2 * h + b2;
        const dy = y - t;
        loss = 0.5 * dy * dy;
        const dz1 = dy * w2 * h * (1 - h);
        w2 -= lr * dy * h;
        b2 -= lr * dy;
        w1 -= lr * dz1 * x;
        b1 -= lr * dz1;
        sink += dy;
      };
      const check = firstLosses(() => {
        step();
        return loss;
      });
      const ms = timeBatched(step, { warm: 10000, batches: 9, per: quick ? 1000 : 1_000_000 });
      if (Number.isNaN(sink)) throw new Error('unreachable');
      return { ms, check };
    },
  };
}

const runners = {
  'tfjs-cpu': () => tfjs('cpu'),
  'tfjs-wasm': () => tfjs('wasm'),
  'tfjs-wasm-threaded': () => tfjs('wasm-threaded'),
  'plain-js': () => plainJs(),
};
const lib = runner.startsWith('chainrule-') ? await chainrule(runner.slice('chainrule-'.length)) : await runners[runner]?.();
if (lib === undefined) throw new Error(`unknown runner ${runner}`);

/** The figure each workload reports, from ms per call. */
const FIGURES = {
  matmul1024: (ms) => ({ gflops: (2 * 1024 ** 3) / (ms * 1e6) }),
  sigmoid1e6: (ms) => ({ nsPerElement: (ms * 1e6) / 1e6 }),
  add1e6: (ms) => ({ nsPerElement: (ms * 1e6) / 1e6 }),
  sum1000: (ms) => ({ nsPerElement: (ms * 1e6) / 1e6 }),
  infer1: (ms) => ({ microseconds: ms * 1000 }),
  mlp64: (ms) => ({ samplesPerSecond: (64 * 1000) / ms }),
  mlp256: (ms) => ({ samplesPerSecond: (256 * 1000) / ms }),
  mlp1024: (ms) => ({ samplesPerSecond: (128 * 1000) / ms }),
  tiny32: (ms) => ({ microseconds: ms * 1000 }),
  tutorial: (ms) => ({ microseconds: ms * 1000 }),
  cnn64: (ms) => ({ samplesPerSecond: (64 * 1000) / ms }),
  conv16: (ms) => ({ gflops: (3 * CONV.flops) / (ms * 1e6) }),
};
if (FIGURES[workload] === undefined) throw new Error(`unknown workload ${workload}`);

const rssBefore = process.memoryUsage().rss;
let result = null;
let unsupported;
if (lib[workload] !== undefined) {
  const out = await lib[workload]();
  if (out.unsupported !== undefined) unsupported = out.unsupported;
  else result = { ms: out.ms, ...FIGURES[workload](out.ms), check: out.check };
}
// Read after the workload: the wasm memory has grown to what the workload needed.
const facts = lib.facts();
// Peak resident memory of this process (the whole run of the case), and its growth over the workload.
const peakRss = process.resourceUsage().maxRSS * 1024;
process.stdout.write(JSON.stringify({ runner, workload, result, ...(unsupported === undefined ? {} : { unsupported }), facts, peakRssBytes: peakRss, peakRssGrowthBytes: Math.max(0, peakRss - rssBefore) }) + '\n');
// The threaded tfjs build keeps worker threads alive.
process.exit(0);
