/** Drawing the playground: heatmaps, points and the network, on canvases (pure functions of a snapshot). */
import type { DataMessage, Points, Snapshot } from './protocol.js';

export const BLUE: readonly [number, number, number] = [8, 119, 189];
export const ORANGE: readonly [number, number, number] = [245, 147, 34];
const WHITE: readonly [number, number, number] = [232, 234, 235];
/** Class colours beyond two (blobs and uploaded data). */
export const CLASS_COLORS: readonly (readonly [number, number, number])[] = [ORANGE, BLUE, [46, 160, 67], [163, 113, 247], [219, 61, 89], [110, 118, 129]];

function mix(a: readonly number[], b: readonly number[], t: number): [number, number, number] {
  return [a[0]! + (b[0]! - a[0]!) * t, a[1]! + (b[1]! - a[1]!) * t, a[2]! + (b[2]! - a[2]!) * t];
}

/** −1 → orange, 0 → white, 1 → blue. */
export function diverging(v: number): [number, number, number] {
  const t = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  return t < 0 ? mix(WHITE, ORANGE, -t) : mix(WHITE, BLUE, t);
}

/** The output's colour at a grid cell: binary, P(class 1) through the diverging scale; multiclass, the class's colour by confidence. */
function outputColor(v: number, classes: number): [number, number, number] {
  if (classes === 2) return diverging(2 * v - 1);
  // A diverged network's output has no class to colour.
  if (!Number.isFinite(v)) return [...WHITE];
  const k = Math.floor(v);
  const p = v - k;
  const floor = 1 / classes;
  return mix(WHITE, CLASS_COLORS[k % CLASS_COLORS.length]!, Math.max(0, (p - floor) / (1 - floor)) * 0.9 + 0.1);
}

/** Paints grid × grid values into an ImageData-backed canvas of that size (scaled up by CSS or drawImage). */
export function paintGrid(canvas: HTMLCanvasElement | OffscreenCanvas, values: Float32Array, grid: number, color: (v: number) => [number, number, number]): void {
  if (canvas.width !== grid || canvas.height !== grid) {
    canvas.width = grid;
    canvas.height = grid;
  }
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
  const image = ctx.createImageData(grid, grid);
  for (let i = 0; i < grid * grid; i++) {
    const [r, g, b] = color(values[i] ?? 0);
    image.data[4 * i] = r;
    image.data[4 * i + 1] = g;
    image.data[4 * i + 2] = b;
    image.data[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

/** The decision boundary, with the points (drawn once into `points` by drawPoints) over it. */
export function drawOutput(canvas: HTMLCanvasElement, snap: Snapshot, data: DataMessage, points: HTMLCanvasElement, scratch: HTMLCanvasElement): void {
  const size = canvas.width;
  const ctx = canvas.getContext('2d')!;
  paintGrid(scratch, snap.output, snap.grid, (v) => outputColor(v, data.classes));
  ctx.imageSmoothingEnabled = true;
  ctx.globalAlpha = 1;
  ctx.drawImage(scratch, 0, 0, size, size);
  ctx.drawImage(points, 0, 0, size, size);
}

/**
 * The points, into a transparent layer of `size` pixels: they change only with the data, while
 * the boundary under them changes with every snapshot, so each frame copies this layer once
 * instead of drawing every point again.
 */
export function drawPoints(layer: HTMLCanvasElement, data: DataMessage, showTest: boolean, size: number): void {
  layer.width = size;
  layer.height = size;
  const ctx = layer.getContext('2d')!;
  ctx.clearRect(0, 0, size, size);
  const toPx = (v: number) => ((v + data.extent) / (2 * data.extent)) * size;
  const r = Math.max(2.5, size / 110);
  const dots = (p: Points, stroke: string) => {
    ctx.lineWidth = 1;
    ctx.strokeStyle = stroke;
    for (let i = 0; i < p.labels.length; i++) {
      const c = CLASS_COLORS[p.labels[i]! % CLASS_COLORS.length]!;
      ctx.beginPath();
      ctx.arc(toPx(p.xy[2 * i]!), size - toPx(p.xy[2 * i + 1]!), r, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
      ctx.fill();
      ctx.stroke();
    }
  };
  dots(data.train, '#ffffff');
  if (showTest) dots(data.test, '#1f2328');
}

export interface NetworkLayout {
  readonly width: number;
  readonly height: number;
  /** Per layer, per node: the centre of its square. */
  readonly nodes: readonly (readonly { x: number; y: number }[])[];
  readonly box: number;
}

export function layoutNetwork(sizes: readonly number[], width: number): NetworkLayout {
  const maxNodes = Math.max(...sizes);
  const box = Math.max(20, Math.min(36, Math.floor(width / (sizes.length * 3))));
  const gap = box + 12;
  const height = Math.max(140, maxNodes * gap + 30);
  const left = box / 2 + 34;
  const right = width - box / 2 - 8;
  const nodes = sizes.map((n, l) => {
    const x = sizes.length === 1 ? left : left + ((right - left) * l) / (sizes.length - 1);
    const top = (height - n * gap) / 2 + gap / 2;
    return Array.from({ length: n }, (_, j) => ({ x, y: top + j * gap }));
  });
  return { width, height, nodes, box };
}

/** The network: edges coloured by weight (or gradient) sign, thickened by magnitude; each neuron's output as a small heatmap. */
export function drawNetwork(canvas: HTMLCanvasElement, layout: NetworkLayout, snap: Snapshot, data: DataMessage, by: 'weight' | 'gradient', scratch: HTMLCanvasElement): void {
  const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
  if (canvas.width !== Math.round(layout.width * dpr) || canvas.height !== Math.round(layout.height * dpr)) {
    canvas.width = Math.round(layout.width * dpr);
    canvas.height = Math.round(layout.height * dpr);
    canvas.style.width = `${layout.width}px`;
    canvas.style.height = `${layout.height}px`;
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, layout.width, layout.height);
  const source = by === 'weight' ? snap.weights : snap.weightGrads;
  for (let l = 0; l + 1 < layout.nodes.length; l++) {
    const w = source[l];
    if (w === undefined) continue;
    let max = 1e-12;
    for (const v of w) max = Math.max(max, Math.abs(v));
    const scale = by === 'weight' ? Math.max(1, max) : max;
    const from = layout.nodes[l]!;
    const to = layout.nodes[l + 1]!;
    for (let j = 0; j < to.length; j++) {
      for (let i = 0; i < from.length; i++) {
        const v = w[j * from.length + i] ?? 0;
        const c = v >= 0 ? BLUE : ORANGE;
        ctx.strokeStyle = `rgba(${c[0]},${c[1]},${c[2]},${0.25 + 0.75 * Math.min(1, Math.abs(v) / scale)})`;
        ctx.lineWidth = 0.5 + 4 * Math.min(1, Math.abs(v) / scale);
        ctx.beginPath();
        ctx.moveTo(from[i]!.x + layout.box / 2, from[i]!.y);
        ctx.lineTo(to[j]!.x - layout.box / 2, to[j]!.y);
        ctx.stroke();
      }
    }
  }
  ctx.imageSmoothingEnabled = true;
  let k = 0;
  layout.nodes.forEach((layer, l) => {
    const last = l === layout.nodes.length - 1;
    layer.forEach((p, j) => {
      const values = last ? snap.output : snap.neurons[k++];
      if (values === undefined) return;
      const b = layout.box;
      if (last && data.classes > 2) {
        // One unit per class (its logit): drawn in the class's colour.
        const c = CLASS_COLORS[j % CLASS_COLORS.length]!;
        ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
        ctx.fillRect(p.x - b / 2, p.y - b / 2, b, b);
      } else {
        paintGrid(scratch, values, snap.grid, last ? (v) => outputColor(v, data.classes) : diverging);
        ctx.drawImage(scratch, p.x - b / 2, p.y - b / 2, b, b);
      }
      ctx.strokeStyle = '#57606a';
      ctx.lineWidth = 1;
      ctx.strokeRect(p.x - b / 2, p.y - b / 2, b, b);
      if (l === 0) {
        ctx.fillStyle = '#1f2328';
        ctx.font = '12px system-ui, sans-serif';
        ctx.textAlign = 'right';
        ctx.textBaseline = 'middle';
        ctx.fillText(data.featureLabels[j] ?? '', p.x - b / 2 - 4, p.y);
      }
    });
  });
}
