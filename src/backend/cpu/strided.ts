/**
 * Walking an n-d iteration space one row (the innermost axis) at a time, with one offset per
 * operand kept up to date by incremental counters: no div/mod and no allocation per element.
 * The kernels call a row function once per row, so per-row overhead is all that is shared.
 */
import type { Shape } from '../../tensor/shape.js';

/** An iteration space after dropping size-1 axes and merging axes contiguous in every operand. */
export interface Collapsed {
  /** At least one axis; a size-1 space (0-d) is [1]. */
  readonly shape: number[];
  /** strides[k][d]: operand k's element stride along axis d (0 on broadcast axes, negative to walk back). */
  readonly strides: number[][];
}

/**
 * Simplifies `shape` walked with per-operand `strides`: size-1 axes are dropped, and axis d
 * merges into axis d−1 when every operand's stride satisfies s[d−1] = s[d]·shape[d] (so a
 * same-shape or scalar operand becomes one long row).
 */
export function collapse(shape: Shape, strides: readonly (readonly number[])[]): Collapsed {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    let merge = last >= 0;
    for (let k = 0; merge && k < strides.length; k++) {
      if (outStrides[k]![last] !== strides[k]![d]! * size) merge = false;
    }
    if (merge) {
      outShape[last] = outShape[last]! * size;
      for (let k = 0; k < strides.length; k++) outStrides[k]![last] = strides[k]![d]!;
    } else {
      outShape.push(size);
      for (let k = 0; k < strides.length; k++) outStrides[k]!.push(strides[k]![d]!);
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (const s of outStrides) s.push(0);
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Visits the rows of a collapsed space: `offsets[k]` is operand k's offset of the current row,
 * `rowStrides[k]` its stride along the row. Call `next()` after each row.
 */
export class RowWalker {
  /** Elements per row (the innermost axis). */
  readonly rowLength: number;
  /** Number of rows (the product of the outer axes). */
  readonly rows: number;
  readonly rowStrides: number[];
  readonly offsets: number[];
  private readonly outer: number[];
  private readonly outerStrides: number[][];
  private readonly counter: number[];

  constructor(space: Collapsed, bases: readonly number[]) {
    const r = space.shape.length;
    this.rowLength = space.shape[r - 1]!;
    this.outer = space.shape.slice(0, r - 1);
    this.rows = this.outer.reduce((p, d) => p * d, 1);
    this.rowStrides = space.strides.map((s) => s[r - 1]!);
    this.outerStrides = space.strides.map((s) => s.slice(0, r - 1));
    this.offsets = space.strides.map((_, k) => bases[k] ?? 0);
    this.counter = this.outer.map(() => 0);
  }

  next(): void {
    const offsets = this.offsets;
    for (let d = this.outer.length - 1; d >= 0; d--) {
      const size = this.outer[d]!;
      const c = this.counter[d]! + 1;
      if (c < size) {
        this.counter[d] = c;
        for (let k = 0; k < offsets.length; k++) offsets[k] = offsets[k]! + this.outerStrides[k]![d]!;
        return;
      }
      this.counter[d] = 0;
      for (let k = 0; k < offsets.length; k++) offsets[k] = offsets[k]! - this.outerStrides[k]![d]! * (size - 1);
    }
  }
}

/** Row-major strides of `shape` as a fresh array (the last axis has stride 1). */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** Strides to read an operand of `shape` as if broadcast to `outShape` (0 on broadcast axes). */
export function broadcastStridesOf(shape: Shape, outShape: Shape): number[] {
  const strides = contiguousStrides(shape);
  const offset = outShape.length - shape.length;
  const out = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) out[i + offset] = shape[i] === 1 ? 0 : strides[i]!;
  return out;
}
