import { ValueError } from '../errors.js';
import type { Backend } from './backend.js';
import { cpuBackend } from './cpu/index.js';
import { referenceBackend } from './reference/index.js';
import { wasmBackend, wasmSupported } from './wasm/index.js';

const backends = new Map<string, Backend>([
  ['cpu', cpuBackend],
  ['reference', referenceBackend],
  // WebAssembly SIMD kernels where the runtime has them (Node 16.4+, every current browser).
  ...(wasmSupported() ? ([['wasm', wasmBackend]] as const) : []),
]);

/**
 * The default is the fastest backend this runtime has: wasm (WebAssembly SIMD kernels, worker
 * threads in Node) where it runs, else cpu. `setBackend` overrides it, as does the environment
 * variable CHAINRULE_BACKEND in Node (e.g. CHAINRULE_BACKEND=cpu).
 */
function defaultBackend(): Backend {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.['CHAINRULE_BACKEND'];
  if (env !== undefined && env !== '') {
    const chosen = backends.get(env);
    if (chosen === undefined) throw new ValueError(`CHAINRULE_BACKEND=${env}: unknown backend; registered: ${[...backends.keys()].join(', ')}`);
    return chosen;
  }
  return backends.get('wasm') ?? cpuBackend;
}

let current: Backend = defaultBackend();

/** The backend new tensors are computed on. */
export function getBackend(): Backend {
  return current;
}

/** Names of the registered backends, e.g. `['cpu', 'reference']`. */
export function listBackends(): string[] {
  return [...backends.keys()];
}

/** Registers a backend under its name. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}

/**
 * Selects the backend by name for all following operations.
 * @example
 * setBackend('reference'); // plain float64 loops, the definition of each primitive
 */
export function setBackend(name: string): void {
  const backend = backends.get(name);
  if (backend === undefined) {
    throw new ValueError(`setBackend: unknown backend ${JSON.stringify(name)}; registered: ${listBackends().join(', ')}`);
  }
  current = backend;
}

/** Runs `fn` with `name` as the backend, then restores the previous one. */
export function withBackend<T>(name: string, fn: () => T): T {
  const previous = current;
  setBackend(name);
  try {
    return fn();
  } finally {
    current = previous;
  }
}
