// Lets @tensorflow/tfjs-backend-wasm 4.22 run its threaded SIMD build in Node, which it does not
// do by itself: its WASM_HAS_MULTITHREAD_SUPPORT flag is false under Node (tfjs issue 3830), and
// forced on, its Emscripten glue starts pthread workers from blob: URLs, which Node's Worker
// refuses. Here the blobs it makes become files, the worker loads the main script from a file
// (with the two names the Node bundle's preamble defines), and os.cpus() is doubled for the
// moment the module starts, because the C++ side uses cores / 2 threads (it assumes two
// hyperthreads per core) and a 2-vCPU VM would get one thread. The bench uses this build where
// it is the faster; run.mjs reports which build and how many threads each figure had.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREAMBLE = "var require$$0 = require('fs'), require$$1 = require('path'), require$$3 = require('perf_hooks'), require$$4 = require('os'), commonjsGlobal = globalThis;\n";

/** Installs the shims; returns a function that undoes the cpu-count one (call it once the backend is ready). */
export function enableThreadedTfjsWasm(tf) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-tfjs-wasm-'));
  const mainScript = join(dir, 'main.cjs');
  const parts = new WeakMap();
  const RealBlob = globalThis.Blob;
  globalThis.Blob = class extends RealBlob {
    constructor(blobParts, options) {
      super(blobParts, options);
      parts.set(this, blobParts);
      const first = blobParts?.[0];
      if (typeof first === 'string' && first.startsWith('var WasmBackendModuleThreadedSimd')) writeFileSync(mainScript, PREAMBLE + blobParts.join(''));
    }
  };
  const realCreate = URL.createObjectURL;
  let n = 0;
  URL.createObjectURL = (blob) => {
    const text = parts.get(blob)?.join('');
    if (text === undefined) return realCreate(blob);
    const file = join(dir, `worker${n++}.cjs`);
    writeFileSync(file, text.replace('if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}', `if(true){importScripts(${JSON.stringify(mainScript)})}`));
    return file;
  };
  const os = createRequire(import.meta.url)('os');
  const realCpus = os.cpus;
  os.cpus = () => [...realCpus(), ...realCpus()];
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  return () => {
    os.cpus = realCpus;
  };
}
