import { AnomalyError } from '../errors.js';
import type { TypedArray } from '../tensor/dtype.js';
import { formatShape, type Shape } from '../tensor/shape.js';

// Frames from files under these directories are chainrule's own; the first other frame is the
// user's. With source maps on (node --enable-source-maps) frames name src/*.ts instead of dist/src/*.js.
// (The parent directory of this file's, by string: bundlers read `new URL('..', import.meta.url)`
// as an asset to copy and would ship the library's index.ts with a web app.)
const HERE = import.meta.url;
const LIBRARY_ROOT = HERE.slice(0, HERE.lastIndexOf('/', HERE.lastIndexOf('/') - 1) + 1);
const LIBRARY_PATH = LIBRARY_ROOT.startsWith('file://') ? decodeURIComponent(new URL(LIBRARY_ROOT).pathname) : LIBRARY_ROOT;
const INTERNAL = [LIBRARY_ROOT, LIBRARY_PATH].flatMap((p) => (p.endsWith('/dist/src/') ? [p, p.slice(0, -'dist/src/'.length) + 'src/'] : [p]));

/** The stack at the point an op is created, for anomaly reports. */
export function captureStack(): string {
  return new Error().stack ?? '';
}

/** The first stack frame outside chainrule: where user code created the op. */
export function userFrame(stack: string): string {
  const frames = stack
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('at '));
  const user = frames.find((f) => !INTERNAL.some((p) => f.includes(p)) && !f.includes('node:internal'));
  return user ?? frames[frames.length - 1] ?? '(unknown location)';
}

/** Describes the first non-finite value of `data`, or returns null if all are finite. */
export function firstNonFinite(data: TypedArray): string | null {
  if (!(data instanceof Float32Array || data instanceof Float64Array)) return null;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] ?? 0;
    if (!Number.isFinite(v)) return `${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'} at flat index ${i}`;
  }
  return null;
}

export function forwardAnomaly(op: string, inputShapes: readonly Shape[], found: string, stack: string | null, inputsBad: boolean): AnomalyError {
  return new AnomalyError(
    `anomaly: ${op} produced ${found} in its output (forward); inputs ${inputShapes.map(formatShape).join(', ')}` +
      `${inputsBad ? ' (an input already held a non-finite value)' : ''}; created ${userFrame(stack ?? captureStack())}`,
  );
}

export function backwardAnomaly(op: string, inputIndex: number, inputShapes: readonly Shape[], found: string, stack: string | null): AnomalyError {
  return new AnomalyError(
    `anomaly: the backward of ${op} produced ${found} in the gradient for input ${inputIndex}; ` +
      `inputs ${inputShapes.map(formatShape).join(', ')}; the op was created ${userFrame(stack ?? '')}`,
  );
}
