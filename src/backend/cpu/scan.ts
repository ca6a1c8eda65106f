/**
 * Sorting and scans along the middle axis of x seen as [outer, len, inner]: argsort, running sums,
 * and the linear recurrence behind cumprod. Accumulators are float64 whatever the dtype (a float32
 * running sum would round at every step); each output is rounded once, when stored.
 */
import type { TypedArray } from '../../tensor/dtype.js';

/** Running sums; from the end when `reverse`. All `inner` columns advance together, row by row. */
export function cumsumImpl(x: TypedArray, outer: number, len: number, inner: number, reverse: boolean, out: TypedArray): void {
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    const base = o * len * inner;
    for (let s = 0; s < len; s++) {
      const row = base + (reverse ? len - 1 - s : s) * inner;
      for (let i = 0; i < inner; i++) {
        const v = acc[i]! + x[row + i]!;
        acc[i] = v;
        out[row + i] = v;
      }
    }
  }
}

/** h = b at the first step, then h ← a·h + b (a's first element is never read, so an ∞ there gives no ∞·0). */
export function linearScanImpl(a: TypedArray, b: TypedArray, outer: number, len: number, inner: number, reverse: boolean, out: TypedArray): void {
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * len * inner;
    for (let s = 0; s < len; s++) {
      const row = base + (reverse ? len - 1 - s : s) * inner;
      for (let i = 0; i < inner; i++) {
        const v = s === 0 ? b[row + i]! : a[row + i]! * acc[i]! + b[row + i]!;
        acc[i] = v;
        out[row + i] = v;
      }
    }
  }
}

/**
 * The stable sorting permutation of each slice, NaN as the largest value: the sort compares by
 * value, then by index, so the order is total and any sort algorithm gives the same indices.
 */
export function argsortImpl(x: TypedArray, outer: number, len: number, inner: number, descending: boolean, out: TypedArray): void {
  const values = new Float64Array(len);
  const order = new Int32Array(len);
  const sign = descending ? -1 : 1;
  const compare = (p: number, q: number): number => {
    const u = values[p]!;
    const v = values[q]!;
    if (u < v) return -sign;
    if (u > v) return sign;
    const uNaN = Number.isNaN(u);
    if (uNaN !== Number.isNaN(v)) return uNaN ? sign : -sign;
    return p - q;
  };
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = o * len * inner + i;
      for (let t = 0; t < len; t++) {
        values[t] = x[start + t * inner]!;
        order[t] = t;
      }
      order.sort(compare);
      for (let t = 0; t < len; t++) out[start + t * inner] = order[t]!;
    }
  }
}
