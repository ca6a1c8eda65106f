import { AxisError, ShapeError } from '../errors.js';
import { checkedShape } from './limits.js';

export type Shape = readonly number[];

export function shapeSize(shape: Shape): number {
  let n = 1;
  // An indexed loop: for…of allocates an iterator on every call, and this runs for every op.
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

export function shapeEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** Row-major (C-order) strides. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i] ?? 1;
  }
  return strides;
}

/** NumPy broadcasting of any number of shapes; throws a ShapeError naming `op`. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  if (shapes.length === 2) {
    const two = broadcastTwo(shapes[0]!, shapes[1]!);
    if (two !== null) return two;
  }
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (let i = 0; i < rank; i++) {
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? 1;
      const cur = out[i] ?? 1;
      if (d === cur || d === 1) continue;
      if (cur === 1) {
        out[i] = d;
        continue;
      }
      throw new ShapeError(
        `${op}: cannot broadcast shapes ${shapes.map(formatShape).join(' and ')}: ` +
          `dimension ${i - rank} is ${cur} in one and ${d} in another (sizes must match or be 1)`,
      );
    }
  }
  return out;
}

/** The broadcast of two shapes, or null where they do not broadcast (the general path then names the problem). */
function broadcastTwo(a: Shape, b: Shape): number[] | null {
  const ra = a.length;
  const rb = b.length;
  const r = ra > rb ? ra : rb;
  const out = new Array<number>(r);
  for (let i = 0; i < r; i++) {
    const da = i < r - ra ? 1 : a[i - r + ra]!;
    const db = i < r - rb ? 1 : b[i - r + rb]!;
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else return null;
  }
  return out;
}

/** Strides to read an array of `shape` as if broadcast to `outShape` (0 where broadcast). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = stridesOf(shape);
  const offset = outShape.length - shape.length;
  const out = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) {
    out[i + offset] = shape[i] === 1 && outShape[i + offset] !== 1 ? 0 : (strides[i] ?? 0);
  }
  return out;
}

/** Normalizes a possibly negative axis against `rank`, naming `op` on failure. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis)) throw new AxisError(`${op}: axis must be an integer, got ${typeof axis === 'string' ? JSON.stringify(axis) : String(axis)}`);
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) {
    throw new AxisError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank} (valid: ${-rank}..${rank - 1})`);
  }
  return a;
}

/** Normalizes `axis` (undefined = all axes) to a sorted list of distinct axes. */
export function normalizeAxes(op: string, axis: unknown, rank: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  if (typeof axis !== 'number' && !Array.isArray(axis)) {
    const got = typeof axis === 'string' ? JSON.stringify(axis) : typeof axis === 'object' ? `a ${(axis.constructor as { name?: string } | undefined)?.name ?? 'object'}` : String(axis);
    throw new AxisError(`${op}: axis must be an integer, a list of integers or null, got ${got}`);
  }
  const list: readonly number[] = typeof axis === 'number' ? [axis] : axis;
  const out = list.map((a) => normalizeAxis(op, a, rank));
  const seen = new Set<number>();
  for (const a of out) {
    if (seen.has(a)) throw new AxisError(`${op}: axis ${a} appears more than once in [${list.join(',')}]`);
    seen.add(a);
  }
  return out.sort((x, y) => x - y);
}

/** `shape` as a list of non-negative integers within the size limit (tensor/limits.ts), or a ShapeError/ValueError naming `op`. */
export function assertShape(op: string, shape: readonly unknown[]): number[] {
  return checkedShape(op, shape);
}

const EMPTY_SHAPE: Shape = Object.freeze([]);
const RANK1: Shape[] = [];
const RANK2 = new Map<number, Shape>();
const SMALL = 1024;

/**
 * A frozen shape equal to `shape`: the same array if it is frozen already, a shared one for
 * small shapes of rank ≤ 2 (so a training step on small tensors allocates and freezes no
 * shape arrays), else a frozen copy.
 */
export function frozenShape(shape: Shape): Shape {
  if (Object.isFrozen(shape)) return shape;
  const r = shape.length;
  if (r === 0) return EMPTY_SHAPE;
  const d0 = shape[0]!;
  if (r === 1 && Number.isInteger(d0) && d0 >= 0 && d0 < SMALL) return (RANK1[d0] ??= Object.freeze([d0]));
  if (r === 2) {
    const d1 = shape[1]!;
    if (Number.isInteger(d0) && Number.isInteger(d1) && d0 >= 0 && d1 >= 0 && d0 < SMALL && d1 < SMALL) {
      const key = d0 * SMALL + d1;
      let cached = RANK2.get(key);
      if (cached === undefined) {
        cached = Object.freeze([d0, d1]);
        if (RANK2.size < 4096) RANK2.set(key, cached);
      }
      return cached;
    }
  }
  return Object.freeze([...shape]);
}
