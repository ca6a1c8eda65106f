/**
 * A laid-out network diagram as SVG text: edges coloured by sign and thickened by magnitude
 * (TensorFlow Playground's convention: blue positive, orange negative), neurons with their bias
 * rings, value cards, edge labels and the legend.
 */
import { FONT, LINE, LOSS_H, LOSS_W, MARGIN, R, textWidth, type NetworkLayout, type Point } from './networkLayout.js';
import { signOf, type NetworkModel, type Sign } from './networkModel.js';

const COLORS: Readonly<Record<Sign, string>> = { positive: '#0877bd', negative: '#f59322', zero: '#9e9e9e', nan: '#d62728' };
const LINK = '#666666';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for SVG content and attribute values; characters XML forbids become U+FFFD. */
function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD');
}

/** A number for an SVG attribute: two decimals at most. */
function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function maxAbs(list: Iterable<number>): number {
  let m = 0;
  for (const v of list) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return m;
}

function scaled(v: number, max: number, lo: number, hi: number): number {
  if (!(max > 0) || !Number.isFinite(v)) return lo;
  return lo + (hi - lo) * Math.min(1, Math.abs(v) / max);
}

export interface RenderSettings {
  readonly title: string;
  /** Rendered size in pixels (default: the layout's). */
  readonly width: number | undefined;
  readonly height: number | undefined;
}

export function renderNetworkSvg(model: NetworkModel, layout: NetworkLayout, settings: RenderSettings): string {
  const { view, columns, neurons, edges, hasLoss, lossLines } = model;
  const { lossX, midY, position: at } = layout;
  const title = settings.title;
  // Scales: the largest magnitude in the whole model (hidden units included) is the thickest.
  const edgeMax = maxAbs(model.edgeQuantity.flat());
  const ringMax = maxAbs(model.ringQuantity.flatMap((b) => b ?? []));

  const out: string[] = [];
  const w = num(layout.width);
  const h = num(layout.height);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chainrule-network view-${view}" viewBox="0 0 ${w} ${h}" width="${num(settings.width ?? layout.width)}" height="${num(settings.height ?? layout.height)}" font-family="sans-serif" font-size="${FONT}">`,
  );
  out.push(`<title>${esc(title)}</title>`);
  out.push('<defs>');
  // Smaller arrowheads where many edges meet one neuron.
  const arrowSize = edges.length > 40 ? 6 : 9;
  for (const sign of ['positive', 'negative', 'zero', 'nan'] as const) out.push(marker(`cr-arrow-${sign}`, COLORS[sign], arrowSize));
  out.push(marker('cr-arrow-link', LINK, 9));
  out.push('</defs>');
  out.push(`<rect class="background" x="0" y="0" width="${w}" height="${h}" fill="#ffffff"/>`);
  out.push(`<text class="title" x="${MARGIN}" y="${num(layout.titleY)}" font-size="16" font-weight="bold" fill="#222222">${esc(title)}</text>`);
  columns.forEach((col, c) => {
    out.push(`<text class="column-header" x="${num(layout.columnX[c] ?? 0)}" y="${num(layout.headerY)}" text-anchor="middle" fill="#555555">${esc(col.header)}</text>`);
  });
  if (hasLoss) out.push(`<text class="column-header" x="${num(lossX)}" y="${num(layout.headerY)}" text-anchor="middle" fill="#555555">loss</text>`);

  // Edges: forward ones run from the earlier neuron to the later; backward ones are drawn reversed,
  // so marker-end always sits where the arrow points.
  const arrows = view !== 'weights';
  out.push('<g class="edges" stroke-linecap="round">');
  for (const e of edges) {
    const sign = signOf(e.value);
    const [a, b] = view === 'backward' ? [at(e.to), at(e.from)] : [at(e.from), at(e.to)];
    const seg = shorten(a.x, a.y, b.x, b.y, R + 1, R + (arrows ? 2 : 1));
    const attrs = [
      `class="edge ${sign}"`,
      `x1="${num(seg.x1)}" y1="${num(seg.y1)}" x2="${num(seg.x2)}" y2="${num(seg.y2)}"`,
      `stroke="${COLORS[sign]}" stroke-width="${num(scaled(e.value, edgeMax, 0.75, 6))}" stroke-opacity="0.8"`,
      `data-from="${esc(e.from.name)}" data-to="${esc(e.to.name)}" data-value="${e.value}"`,
      arrows ? `marker-end="url(#cr-arrow-${sign})"` : '',
    ].filter((s) => s !== '');
    out.push(`<line ${attrs.join(' ')}><title>${esc(e.tooltip)}</title></line>`);
  }
  if (hasLoss) {
    for (const link of model.links) {
      const ends = linkEnds(at(link.from), lossX, midY, LOSS_W / 2, LOSS_H / 2, view === 'backward');
      out.push(
        `<line class="link loss" x1="${num(ends.x1)}" y1="${num(ends.y1)}" x2="${num(ends.x2)}" y2="${num(ends.y2)}" stroke="${LINK}" stroke-width="1.5" stroke-dasharray="5 3" marker-end="url(#cr-arrow-link)"><title>${esc(link.tooltip)}</title></line>`,
      );
    }
  }
  out.push('</g>');

  // Neurons.
  out.push('<g class="neurons">');
  for (const n of neurons.flat()) {
    const p = at(n);
    const ringSign = n.ring === null ? null : signOf(n.ring);
    const stroke = ringSign === null ? '#888888' : COLORS[ringSign];
    const strokeW = n.ring === null ? 1.5 : scaled(n.ring, ringMax, 1.5, 5);
    const cls = `neuron ${n.kind}${ringSign === null ? '' : ` bias-${ringSign}`}`;
    out.push(
      `<circle class="${cls}" cx="${num(p.x)}" cy="${num(p.y)}" r="${R}" fill="${n.kind === 'input' ? '#f2f2f2' : '#ffffff'}" stroke="${stroke}" stroke-width="${num(strokeW)}" data-name="${esc(n.name)}"><title>${esc(n.tooltip)}</title></circle>`,
    );
    const size = Math.max(6, Math.min(12, (2 * R - 6) / Math.max(1, [...n.name].length * 0.62)));
    out.push(`<text class="neuron-name" x="${num(p.x)}" y="${num(p.y)}" dy="0.35em" text-anchor="middle" font-size="${num(size)}" fill="#222222" pointer-events="none">${esc(n.name)}</text>`);
  }
  columns.forEach((col, c) => {
    if (col.tail.length === 0) return;
    const rows = neurons[c] ?? [];
    const before = rows[col.head.length - 1];
    const after = rows[col.head.length];
    if (before === undefined || after === undefined) return;
    const more = col.size - col.head.length - col.tail.length;
    out.push(
      `<text class="ellipsis" x="${num(at(before).x)}" y="${num((at(before).y + at(after).y) / 2)}" dy="0.35em" text-anchor="middle" fill="#555555" stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke">⋮ ${more} more</text>`,
    );
  });
  if (hasLoss) {
    out.push(
      `<rect class="loss-node" x="${num(lossX - LOSS_W / 2)}" y="${num(midY - LOSS_H / 2)}" width="${LOSS_W}" height="${LOSS_H}" rx="8" fill="#fff7e6" stroke="#444444" stroke-width="1.5"><title>${esc(lossLines.join('\n'))}</title></rect>`,
    );
    out.push(`<text class="neuron-name" x="${num(lossX)}" y="${num(midY)}" dy="0.35em" text-anchor="middle" fill="#222222" font-weight="bold">L</text>`);
  }
  out.push('</g>');

  // Labels, haloed in white so they stay readable over edges.
  out.push('<g class="labels" fill="#222222" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">');
  if (model.labels) {
    for (const n of neurons.flat()) {
      const p = at(n);
      if (n.lines.length > 0) {
        // A card under the values: edges converge on the neuron, and a halo alone leaves them cluttered.
        out.push(labelBox(p.x, p.y + R + 5, n.lines));
      }
      n.lines.forEach((line, k) => {
        out.push(`<text class="value" x="${num(p.x)}" y="${num(p.y + R + 6 + (k + 1) * LINE - 3)}" text-anchor="middle">${esc(line)}</text>`);
      });
    }
    if (lossLines.length > 0) out.push(labelBox(lossX, midY + LOSS_H / 2 + 5, lossLines));
    lossLines.forEach((line, k) => {
      out.push(`<text class="value" x="${num(lossX)}" y="${num(midY + LOSS_H / 2 + 6 + (k + 1) * LINE - 3)}" text-anchor="middle">${esc(line)}</text>`);
    });
  }
  if (model.edgeLabels) {
    for (const e of edges) {
      const fromCount = neurons[e.from.col]?.length ?? 0;
      const toCount = neurons[e.to.col]?.length ?? 0;
      const f = fromCount === 1 && toCount > 1 ? 0.6 : toCount === 1 && fromCount > 1 ? 0.4 : 0.5;
      const p = labelPoint(at(e.from), at(e.to), f, 10);
      out.push(`<text class="edge-label" x="${num(p.x)}" y="${num(p.y)}" dy="0.35em" text-anchor="middle" font-size="11">${esc(e.label)}</text>`);
    }
    if (model.linkLabels) {
      for (const link of model.links) {
        const p = labelPoint(at(link.from), { x: lossX, y: midY }, 0.5, 10);
        out.push(`<text class="edge-label" x="${num(p.x)}" y="${num(p.y)}" dy="0.35em" text-anchor="middle" font-size="11">${esc(link.label)}</text>`);
      }
    }
  }
  out.push('</g>');

  // Legend.
  out.push('<g class="legend" fill="#333333">');
  for (const { item, x, y } of layout.legend) {
    const color = COLORS[item.sign];
    let tx = x;
    if (item.kind === 'line') {
      out.push(`<line class="swatch" x1="${num(x)}" y1="${num(y - 4)}" x2="${num(x + 24)}" y2="${num(y - 4)}" stroke="${color}" stroke-width="4" stroke-linecap="round"/>`);
      tx += 32;
    } else if (item.kind === 'ring') {
      // A rounded square, so that every <circle> of the document is a neuron.
      out.push(`<rect class="swatch" x="${num(x + 5)}" y="${num(y - 11)}" width="14" height="14" rx="7" fill="#ffffff" stroke="${color}" stroke-width="3"/>`);
      tx += 32;
    } else if (item.kind === 'arrow') {
      const [x1, x2] = view === 'backward' ? [x + 24, x + 2] : [x, x + 22];
      out.push(`<line class="swatch" x1="${num(x1)}" y1="${num(y - 4)}" x2="${num(x2)}" y2="${num(y - 4)}" stroke="${LINK}" stroke-width="1.5" marker-end="url(#cr-arrow-link)"/>`);
      tx += 32;
    }
    out.push(`<text class="legend-text" x="${num(tx)}" y="${num(y)}">${esc(item.text)}</text>`);
  }
  out.push('</g>');
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** The card under a column of value lines, its top edge at y. */
function labelBox(cx: number, y: number, lines: readonly string[]): string {
  const boxW = Math.max(...lines.map((l) => textWidth(l))) + 10;
  return `<rect class="label-box" x="${num(cx - boxW / 2)}" y="${num(y)}" width="${num(boxW)}" height="${num(lines.length * LINE + 5)}" rx="4" fill="#ffffff" fill-opacity="0.92" stroke="#dddddd" stroke-width="1"/>`;
}

function marker(id: string, color: string, size: number): string {
  return `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="${size}" markerHeight="${size}" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`;
}

interface Segment {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/** The segment from (ax, ay) to (bx, by) with `da` cut at the start and `db` at the end. */
function shorten(ax: number, ay: number, bx: number, by: number, da: number, db: number): Segment {
  const len = Math.hypot(bx - ax, by - ay) || 1;
  const ux = (bx - ax) / len;
  const uy = (by - ay) / len;
  return { x1: ax + ux * da, y1: ay + uy * da, x2: bx - ux * db, y2: by - uy * db };
}

/** A link between an output neuron and the loss box, pointing to L (forward) or away from it (backward). */
function linkEnds(o: Point, cx: number, cy: number, hw: number, hh: number, backward: boolean): Segment {
  const dx = o.x - cx;
  const dy = o.y - cy;
  const t = Math.min(dx === 0 ? Infinity : hw / Math.abs(dx), dy === 0 ? Infinity : hh / Math.abs(dy));
  const bx = cx + dx * t;
  const by = cy + dy * t;
  const seg = shorten(o.x, o.y, bx, by, R + 2, 1);
  return backward ? shorten(bx, by, o.x, o.y, 1, R + 2) : seg;
}

/** The point a fraction `f` along a segment, moved `offset` pixels to the side above it. */
function labelPoint(a: Point, b: Point, f: number, offset: number): Point {
  const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  let nx = -(b.y - a.y) / len;
  let ny = (b.x - a.x) / len;
  if (ny > 0) {
    nx = -nx;
    ny = -ny;
  }
  return { x: a.x + (b.x - a.x) * f + nx * offset, y: a.y + (b.y - a.y) * f + ny * offset };
}
