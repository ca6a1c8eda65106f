/**
 * A cheaper way for resvg to draw clipped groups such as vega's line marks (`clip: true`).
 *
 * resvg 2.6 draws every clipped group on a layer the size of the whole picture, and its clip on
 * a mask of that size: for a 2× training chart the two clipped line groups cost several times
 * the rest of the picture. Where a clip is a rectangle whose edges fall on whole device pixels,
 * clipping only decides, pixel by pixel, whether the group is seen: inside, the pixel is the
 * picture's with the group unclipped; outside, the picture's without the group. So the picture is
 * drawn twice without layers, once with the groups unclipped and once without them, and each
 * pixel taken from the one its rectangle says. The result differs from resvg's layered drawing
 * only by the layer's 8-bit rounding (a level or so in a few thousand of a chart's pixels).
 *
 * Only a shape this module can check is planned (anything else is drawn as it is): an SVG sized
 * in pixels whose viewBox, if any, is `0 0 width height`; clipped groups holding only `<path>`s
 * of absolute M/L/Z commands with a numeric stroke-width, under `<g>`s moved by translate() only;
 * each clip one plain `<rect>`; no `<use>`, filter or style sheet; and no group's unclipped
 * drawing (its paths' box widened by the stroke) reaching into another group's rectangle.
 */

/** Pixel rectangle [x0, y0, x1, y1): x1 and y1 exclusive. */
export type PixelRect = readonly [number, number, number, number];

/** The two pictures to draw instead of `svg`, and where the first is taken. */
export interface ClipPlan {
  /** The SVG with the planned groups' clip-path removed. */
  readonly unclipped: string;
  /** The SVG without the planned groups. */
  readonly without: string;
  /** Device-pixel rectangles (clamped to the picture) where `unclipped` is taken. */
  readonly rects: readonly PixelRect[];
}

interface Tag {
  readonly name: string;
  readonly attrs: string;
  readonly start: number;
  readonly end: number;
  readonly close: boolean;
  readonly selfClosing: boolean;
}

const TAG = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
const PATH_DATA = /^\s*(?:[MLZ][\d\s.,eE+-]*)*$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attrs);
  return m === null ? undefined : (m[1] ?? m[2]);
}

function num(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = text.trim().replace(/px$/, '');
  return NUMBER.test(t) ? Number(t) : null;
}

/** Every tag of `svg`, or null where some `<` is not one this scanner reads (comments, CDATA, entities in the prolog). */
function scan(svg: string): Tag[] | null {
  const body = svg.replace(/^\s*<\?xml[^>]*\?>/, (p) => ' '.repeat(p.length));
  const tags: Tag[] = [];
  for (const m of body.matchAll(TAG)) {
    tags.push({ name: m[2]!, attrs: m[3]!, start: m.index, end: m.index + m[0].length, close: m[1] === '/', selfClosing: m[4] === '/' });
  }
  const opens = body.split('<').length - 1;
  return opens === tags.length ? tags : null;
}

function translation(attrs: string): readonly [number, number] | null {
  const t = attr(attrs, 'transform');
  if (t === undefined) return [0, 0];
  const m = /^\s*translate\(\s*([^,\s)]+)(?:[\s,]+([^,\s)]+))?\s*\)\s*$/.exec(t);
  if (m === null) return null;
  const x = num(m[1]);
  const y = m[2] === undefined ? 0 : num(m[2]);
  return x === null || y === null ? null : [x, y];
}

/** The box of absolute M/L path data, or null when it is anything else. */
function pathBox(d: string): [number, number, number, number] | null {
  if (!PATH_DATA.test(d)) return null;
  const values = d.split(/[MLZ\s,]+/).filter((s) => s !== '').map(Number);
  if (values.length < 2 || values.length % 2 !== 0 || values.some((v) => !Number.isFinite(v))) return null;
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < values.length; i += 2) {
    box[0] = Math.min(box[0], values[i]!);
    box[1] = Math.min(box[1], values[i + 1]!);
    box[2] = Math.max(box[2], values[i]!);
    box[3] = Math.max(box[3], values[i + 1]!);
  }
  return box;
}

interface Planned {
  readonly open: Tag;
  readonly closeEnd: number;
  readonly rect: PixelRect;
  /** Device box of the group's unclipped drawing. */
  readonly reach: readonly [number, number, number, number];
}

function isWhole(v: number): boolean {
  return Math.abs(v - Math.round(v)) < 1e-6;
}

/** What to draw instead of `svg` at `scale`, or null when it has no clipped group this module can plan. */
export function planClips(svg: string, scale: number): ClipPlan | null {
  if (!svg.includes('clip-path') || /<use[\s>]|filter\s*[=:]|<style[\s>]|style\s*=/.test(svg)) return null;
  const tags = scan(svg);
  const root = tags?.[0];
  if (tags === null || root === undefined || root.name !== 'svg' || root.close) return null;
  const width = num(attr(root.attrs, 'width'));
  const height = num(attr(root.attrs, 'height'));
  if (width === null || height === null || width <= 0 || height <= 0) return null;
  const viewBox = attr(root.attrs, 'viewBox');
  if (viewBox !== undefined && viewBox.trim().split(/[\s,]+/).map(Number).join(' ') !== `0 0 ${width} ${height}`) return null;
  const device = [Math.ceil(width * scale), Math.ceil(height * scale)] as const;

  // Each clipPath's one rectangle, by id (vega writes its defs after the marks that use them).
  const clips = new Map<string, readonly [number, number, number, number] | null>();
  for (let i = 0; i < tags.length; i++) {
    const t = tags[i]!;
    if (t.close || t.name !== 'clipPath') continue;
    const id = attr(t.attrs, 'id');
    const rect = tags[i + 1];
    const ok = rect?.name === 'rect' && rect.selfClosing && tags[i + 2]?.name === 'clipPath' && tags[i + 2]?.close === true;
    const values = ok ? ['x', 'y', 'width', 'height'].map((n) => num(attr(rect.attrs, n) ?? '0')) : [];
    const plain = ok && attr(t.attrs, 'clipPathUnits') === undefined && attr(t.attrs, 'transform') === undefined && attr(rect.attrs, 'transform') === undefined;
    const simple = plain && attr(rect.attrs, 'rx') === undefined && attr(rect.attrs, 'ry') === undefined && values.every((v) => v !== null);
    if (id !== undefined) clips.set(id, simple ? [values[0]!, values[1]!, values[2]!, values[3]!] : null);
  }

  const planned: Planned[] = [];
  const stack: { name: string; dx: number; dy: number; miter: number }[] = [];
  for (let i = 0; i < tags.length; i++) {
    const t = tags[i]!;
    if (t.close) {
      if (stack.pop()?.name !== t.name) return null;
      continue;
    }
    if (t.selfClosing) continue;
    const outer = stack[stack.length - 1] ?? { dx: 0, dy: 0, miter: 4 };
    // Moved otherwise than by translate (a rotated axis title), an element's box is unknown: NaN,
    // so a clipped group inside it fails the whole-pixel check.
    const move = (t.name === 'g' ? translation(t.attrs) : attr(t.attrs, 'transform') === undefined ? [0, 0] : null) ?? [NaN, NaN];
    const miter = num(attr(t.attrs, 'stroke-miterlimit')) ?? outer.miter;
    const frame = { name: t.name, dx: outer.dx + move[0], dy: outer.dy + move[1], miter };
    stack.push(frame);
    const ref = attr(t.attrs, 'clip-path');
    if (ref === undefined) continue;
    if (t.name !== 'g' || stack.slice(1, -1).some((s) => s.name !== 'g')) return null;
    const id = /^\s*url\(#([^)]+)\)\s*$/.exec(ref)?.[1];
    const clip = id === undefined ? null : (clips.get(id) ?? null);
    if (clip === null) return null;
    // Its children: paths only, each with data this module can bound.
    const reach = [Infinity, Infinity, -Infinity, -Infinity];
    let j = i + 1;
    for (; j < tags.length && tags[j]!.name === 'path' && tags[j]!.selfClosing; j++) {
      const p = tags[j]!.attrs;
      const d = attr(p, 'd') ?? '';
      const box = d.trim() === '' ? null : pathBox(d);
      const stroke = attr(p, 'stroke');
      const sw = stroke === undefined || stroke === 'none' ? 0 : num(attr(p, 'stroke-width'));
      if ((box === null && d.trim() !== '') || sw === null || attr(p, 'transform') !== undefined || /marker/.test(p)) return null;
      if (box === null) continue;
      const limit = Math.max(num(attr(p, 'stroke-miterlimit')) ?? miter, Math.SQRT2);
      const margin = (sw / 2) * limit * scale + 1;
      reach[0] = Math.min(reach[0]!, (frame.dx + box[0]) * scale - margin);
      reach[1] = Math.min(reach[1]!, (frame.dy + box[1]) * scale - margin);
      reach[2] = Math.max(reach[2]!, (frame.dx + box[2]) * scale + margin);
      reach[3] = Math.max(reach[3]!, (frame.dy + box[3]) * scale + margin);
    }
    const close = tags[j];
    if (close === undefined || close.name !== 'g' || !close.close) return null;
    const edges = [(frame.dx + clip[0]) * scale, (frame.dy + clip[1]) * scale, (frame.dx + clip[0] + clip[2]) * scale, (frame.dy + clip[1] + clip[3]) * scale];
    if (!edges.every(isWhole)) return null;
    const [x0, y0, x1, y1] = edges.map(Math.round) as [number, number, number, number];
    const rect: PixelRect = [Math.max(0, x0), Math.max(0, y0), Math.min(device[0], x1), Math.min(device[1], y1)];
    planned.push({ open: t, closeEnd: close.end, rect, reach: reach as [number, number, number, number] });
    stack.pop();
    i = j;
  }
  if (planned.length === 0 || stack.length !== 0) return null;
  // A group drawn unclipped must not show inside another group's rectangle.
  for (const a of planned) {
    for (const b of planned) {
      if (a === b) continue;
      const [x0, y0, x1, y1] = b.rect;
      if (a.reach[0] < x1 && a.reach[2] > x0 && a.reach[1] < y1 && a.reach[3] > y0) return null;
    }
  }
  let unclipped = '';
  let without = '';
  let at = 0;
  for (const g of planned) {
    const open = svg.slice(g.open.start, g.open.end).replace(/\s+clip-path\s*=\s*(?:"[^"]*"|'[^']*')/, '');
    unclipped += svg.slice(at, g.open.start) + open + svg.slice(g.open.end, g.closeEnd);
    without += svg.slice(at, g.open.start);
    at = g.closeEnd;
  }
  return { unclipped: unclipped + svg.slice(at), without: without + svg.slice(at), rects: planned.map((g) => g.rect) };
}

/** `without`'s pixels, with `unclipped`'s inside each rectangle (RGBA rows of `width` pixels); `without` is overwritten. */
export function composeClips(unclipped: Uint8Array, without: Uint8Array, width: number, rects: readonly PixelRect[]): Uint8Array {
  const height = Math.floor(without.length / (4 * width));
  for (const [x0, y0, x1, y1] of rects) {
    const left = Math.max(0, x0);
    const right = Math.min(width, x1);
    for (let y = Math.max(0, y0); y < Math.min(height, y1) && left < right; y++) {
      without.set(unclipped.subarray((y * width + left) * 4, (y * width + right) * 4), (y * width + left) * 4);
    }
  }
  return without;
}
