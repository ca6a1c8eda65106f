import type { Tensor } from './tensor.js';

const MAX_ELEMENTS = 1000;
const EDGE = 3;

function formatNumber(v: number, dtype: string): string {
  if (dtype === 'bool') return v !== 0 ? 'true' : 'false';
  if (dtype === 'int32') return String(v);
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e8 || a < 1e-4)) return v.toExponential(4);
  return v.toFixed(4);
}

/**
 * PyTorch-like text: values (summarized past 1000 elements), then shape, dtype, the op that
 * made the tensor, its name and whether it requires grad.
 */
export function formatTensor(t: Tensor): string {
  const data = t._data;
  const shape = t.shape;
  const summarize = t.size > MAX_ELEMENTS;
  const strides: number[] = [];
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d] ?? 1;
  }
  // Only the elements shown are formatted (a summarized million-element tensor formats a few
  // dozen), and the width is their longest, found by a loop: spreading every string into
  // Math.max overflowed the stack at about 10^5 elements.
  const shown = new Map<number, string>();
  let width = 0;
  const text = (i: number): string => {
    let str = shown.get(i);
    if (str === undefined) {
      str = formatNumber(data[i] ?? 0, t.dtype);
      shown.set(i, str);
      if (str.length > width) width = str.length;
    }
    return str;
  };
  let pad = (str: string): string => str;
  const render = (dim: number, offset: number, indent: string): string => {
    if (dim === shape.length) return pad(text(offset));
    const n = shape[dim] ?? 0;
    const stride = strides[dim] ?? 1;
    const idx: (number | null)[] = [];
    if (summarize && n > 2 * EDGE) {
      for (let i = 0; i < EDGE; i++) idx.push(i);
      idx.push(null);
      for (let i = n - EDGE; i < n; i++) idx.push(i);
    } else {
      for (let i = 0; i < n; i++) idx.push(i);
    }
    const parts = idx.map((i) => (i === null ? '...' : render(dim + 1, offset + i * stride, indent + ' ')));
    const sep = dim === shape.length - 1 ? ', ' : ',' + '\n'.repeat(shape.length - dim - 1) + indent + ' ';
    return '[' + parts.join(sep) + ']';
  };
  // The first walk formats the shown elements and measures them; the second pads to the width.
  render(0, 0, '');
  pad = (str) => str.padStart(width);
  const body = render(0, 0, ' '.repeat('tensor('.length));
  const extras = [`shape=[${shape.join(',')}]`, `dtype=${t.dtype}`];
  if (t.op !== null) extras.push(`op=${t.op}`);
  if (t.name !== undefined) extras.push(`name=${t.name}`);
  if (t.requiresGrad && t.isLeaf) extras.push('requiresGrad=true');
  return `tensor(${body}, ${extras.join(', ')})`;
}
