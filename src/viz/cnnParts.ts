/** Parts of the CNN pictures: a grid of kernels as one picture, and the layer graph's DOT text. */
import { formatPictureNumber } from '../math/format.js';
import type { Tensor } from '../tensor/tensor.js';
import { colorOf, encodePng } from './pixels.js';

const SEPARATOR = [200, 200, 200, 255] as const;

/**
 * The n kernels of kh × kw in `v` (row-major) as one picture: a grid ⌈√n⌉ wide, cells parted by
 * one grey pixel; one kernel is a picture of exactly kh × kw.
 */
export function gridPng(v: ArrayLike<number>, n: number, kh: number, kw: number, scale: number): { png: Uint8Array; width: number; height: number } {
  const cols = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const width = cols * kw + cols - 1;
  const height = rows * kh + rows - 1;
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set(SEPARATOR, i * 4);
  for (let k = 0; k < n; k++) {
    const [r0, c0] = [Math.floor(k / cols) * (kh + 1), (k % cols) * (kw + 1)];
    for (let p = 0; p < kh; p++) {
      for (let q = 0; q < kw; q++) {
        const [r, g, b] = colorOf(v[(k * kh + p) * kw + q] ?? 0, scale, 'diverging');
        rgba.set([r, g, b, 255], ((r0 + p) * width + c0 + q) * 4);
      }
    }
  }
  return { png: encodePng(width, height, rgba), width, height };
}

/** One layer of the condensed graph: its description, its output and ∂L/∂output. */
export interface LayerStep {
  readonly label: string;
  readonly value: Tensor;
  readonly grad: Tensor | null;
}

function escapeRecord(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/&/g, '&amp;')
    .replace(/[{}|<>]/g, (c) => `\\${c}`);
}

function summary(t: Tensor): string {
  let [sum, min, max] = [0, Infinity, -Infinity];
  const data = t._data as ArrayLike<number>;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  if (t.size === 1) return formatPictureNumber(sum);
  return `mean ${formatPictureNumber(sum / Math.max(1, t.size))}, min ${formatPictureNumber(min)}, max ${formatPictureNumber(max)}`;
}

function record(id: string, title: string, value: Tensor, grad: Tensor | null, style: string): string {
  const fields = [`${escapeRecord(title)}\\n[${value.shape.join(',')}]`, escapeRecord(`data ${summary(value)}`), ...(grad === null ? [] : [escapeRecord(`grad ${summary(grad)}`)])];
  return `  ${id} [label="{${fields.join('|')}}", ${style}];`;
}

/** DOT text of the graph condensed to one node per layer: the input, each layer's output with its value and gradient, the loss. */
export function layerGraphDot(input: Tensor, inputGrad: Tensor | null, steps: readonly LayerStep[], loss: Tensor): string {
  const font = 'DejaVu Sans';
  const out = [
    'digraph layers {',
    `  graph [rankdir=TB, fontname="${font}", nodesep=0.25, ranksep=0.35, bgcolor=white];`,
    `  node [shape=record, fontname="${font}", fontsize=12, height=0.3, margin="0.12,0.05"];`,
    `  edge [fontname="${font}", fontsize=10, arrowsize=0.7, color="#4b5563"];`,
    record('x', 'x (input)', input, inputGrad, 'style=filled, fillcolor="#f3f4f6", color="#6b7280"'),
    ...steps.map((s, k) => record(`l${k}`, s.label, s.value, s.grad, 'style=filled, fillcolor="#ecfdf5", color="#047857"')),
    record('L', 'L (loss)', loss, null, 'style="filled,bold", fillcolor="#fde68a", color="#b45309", penwidth=2'),
    ...['x', ...steps.map((_, k) => `l${k}`), 'L'].slice(1).map((id, k, ids) => `  ${k === 0 ? 'x' : ids[k - 1]} -> ${id};`),
    '}',
    '',
  ];
  return out.join('\n');
}
