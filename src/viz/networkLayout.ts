/**
 * Where a network diagram's parts go: columns of neurons spaced to fit their value labels, the
 * loss node after the last column, and the legend flowed into rows under the diagram. Text is
 * measured with a generous average character width (no font is at hand to measure with).
 */
import type { LegendItem, NetworkModel, Neuron } from './networkModel.js';

export const FONT = 12;
/** A generous average advance of a sans-serif character at 12px (DejaVu Sans digits are 7.6px). */
const CHAR = 7.2;
export const LINE = 15;
/** A neuron's radius. */
export const R = 16;
export const MARGIN = 24;
export const LOSS_W = 56;
export const LOSS_H = 30;

export function textWidth(text: string, size = FONT): number {
  return [...text].length * CHAR * (size / FONT);
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface PlacedLegendItem {
  readonly item: LegendItem;
  readonly x: number;
  readonly y: number;
}

export interface NetworkLayout {
  readonly width: number;
  readonly height: number;
  readonly titleY: number;
  readonly headerY: number;
  /** The x of each column's centre line. */
  readonly columnX: readonly number[];
  /** The loss node's centre. */
  readonly lossX: number;
  readonly midY: number;
  readonly position: (n: Neuron) => Point;
  readonly legend: readonly PlacedLegendItem[];
}

export function networkLayout(model: NetworkModel, title: string): NetworkLayout {
  const { columns, neurons, edges, labels, hasLoss } = model;
  const allLines = labels ? [...neurons.flat().map((n) => n.lines), model.lossLines] : [];
  const maxLines = Math.max(0, ...allLines.map((l) => l.length));
  const labelW = Math.max(0, ...allLines.flat().map((l) => textWidth(l)));
  const edgeW = model.edgeLabels ? Math.max(0, ...edges.map((e) => textWidth(e.label, 11)), ...(model.linkLabels ? model.links.map((l) => textWidth(l.label, 11)) : [])) : 0;
  const rowGap = labels && maxLines > 0 ? 2 * R + 14 + maxLines * LINE : 2 * R + 16;
  const colGap = Math.max(150, labelW + 32, edgeW + 2 * R + 36, ...columns.map((c) => textWidth(c.header) + 24));
  const nCols = columns.length + (hasLoss ? 1 : 0);
  const side = Math.max(R, labelW / 2, hasLoss ? LOSS_W / 2 : 0, ...columns.map((c) => textWidth(c.header) / 2));
  const x0 = MARGIN + side;
  const titleY = MARGIN + 8;
  const headerY = titleY + 30;
  const topY = headerY + 20 + R;
  const slots = columns.map((c) => c.head.length + c.tail.length + (c.tail.length > 0 ? 1 : 0));
  const maxSpan = (Math.max(1, ...slots) - 1) * rowGap;
  const midY = topY + maxSpan / 2;
  const positions = new Map<Neuron, Point>();
  columns.forEach((col, c) => {
    const span = ((slots[c] ?? 1) - 1) * rowGap;
    const top = midY - span / 2;
    (neurons[c] ?? []).forEach((n, k) => {
      // The tail's units sit one slot lower, below the "⋮ n more".
      const slot = k < col.head.length ? k : k + 1;
      positions.set(n, { x: x0 + c * colGap, y: top + slot * rowGap });
    });
  });
  const lossX = x0 + columns.length * colGap;
  const diagramBottom = topY + maxSpan + R + (labels ? 8 + maxLines * LINE : 0);
  let width = Math.max(x0 + (nCols - 1) * colGap + side + MARGIN, textWidth(title, 16) + 2 * MARGIN, 440);

  // The legend widens a narrow drawing to fit on one line where that is not much wider, then wraps.
  const itemW = (item: LegendItem) => (item.kind === 'text' ? 0 : 32) + textWidth(item.text) + 22;
  const legendTotal = model.legend.reduce((s, item) => s + itemW(item), 0);
  if (legendTotal + 2 * MARGIN < width * 1.6) width = Math.max(width, Math.min(legendTotal + 2 * MARGIN, 760));
  const legend: PlacedLegendItem[] = [];
  let lx = MARGIN;
  let ly = diagramBottom + 28;
  for (const item of model.legend) {
    if (lx > MARGIN && lx + itemW(item) > width - MARGIN) {
      lx = MARGIN;
      ly += 22;
    }
    legend.push({ item, x: lx, y: ly });
    lx += itemW(item);
  }
  const height = ly + 8 + MARGIN;
  return {
    width,
    height,
    titleY,
    headerY,
    columnX: columns.map((_, c) => x0 + c * colGap),
    lossX,
    midY,
    position: (n) => positions.get(n) ?? { x: 0, y: 0 },
    legend,
  };
}
