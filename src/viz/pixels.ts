/**
 * Small pictures of tensors: a plane of numbers as an 8-bit RGBA PNG, one pixel per element, with
 * a diverging map (weights, gradients: blue below 0, white at 0, red above) or a sequential one
 * (activations that are never negative: white at 0 to black at the largest). The report scales
 * them up in the page with `image-rendering: pixelated`, so each element stays a sharp square.
 */
import { ValueError } from '../errors.js';
import { crc32Bytes as crc32 } from '../io/crc32.js';

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const v of bytes) {
    a = (a + v) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** A zlib stream of stored (uncompressed) blocks: the pictures are tiny, and no zlib is needed (a browser can build them too). */
function zlibStored(raw: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(raw.length / 65535));
  const out = new Uint8Array(2 + raw.length + 5 * blocks + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let at = 2;
  for (let k = 0; k < blocks; k++) {
    const part = raw.subarray(k * 65535, Math.min(raw.length, (k + 1) * 65535));
    out[at] = k === blocks - 1 ? 1 : 0;
    out[at + 1] = part.length & 0xff;
    out[at + 2] = part.length >>> 8;
    out[at + 3] = ~part.length & 0xff;
    out[at + 4] = (~part.length >>> 8) & 0xff;
    out.set(part, at + 5);
    at += 5 + part.length;
  }
  new DataView(out.buffer).setUint32(at, adler32(raw));
  return out;
}

/** An 8-bit RGBA PNG of `rgba` (width × height × 4 bytes, row by row). */
export function encodePng(width: number, height: number, rgba: Uint8Array): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || rgba.length !== width * height * 4) {
    throw new ValueError(`encodePng: expected ${width}×${height}×4 bytes of RGBA for a picture of at least 1×1, got ${rgba.length}`);
  }
  const raw = new Uint8Array(height * (1 + width * 4));
  for (let y = 0; y < height; y++) raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (1 + width * 4) + 1);
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const parts: [string, Uint8Array][] = [
    ['IHDR', ihdr],
    ['IDAT', zlibStored(raw)],
    ['IEND', new Uint8Array(0)],
  ];
  const size = 8 + parts.reduce((s, [, d]) => s + 12 + d.length, 0);
  const png = new Uint8Array(size);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const out = new DataView(png.buffer);
  let at = 8;
  for (const [type, data] of parts) {
    out.setUint32(at, data.length);
    for (let i = 0; i < 4; i++) png[at + 4 + i] = type.charCodeAt(i);
    png.set(data, at + 8);
    out.setUint32(at + 8 + data.length, crc32(png, at + 4, at + 8 + data.length));
    at += 12 + data.length;
  }
  return png;
}

export type ColorMap = 'diverging' | 'sequential';

/** The colour of v on a scale of ±scale (diverging) or 0…scale (sequential). */
export function colorOf(v: number, scale: number, map: ColorMap): [number, number, number] {
  if (!Number.isFinite(v)) return [255, 0, 255];
  const t = scale > 0 ? Math.max(-1, Math.min(1, v / scale)) : 0;
  if (map === 'sequential') {
    const g = Math.round(255 * (1 - Math.max(0, t)));
    return [g, g, g];
  }
  const fade = Math.round(255 * (1 - Math.abs(t)));
  return t >= 0 ? [255, fade, fade] : [fade, fade, 255];
}

/** A picture of a plane of values (row-major, height × width), one pixel per value, on a shared scale. */
export function planePng(values: ArrayLike<number>, height: number, width: number, scale: number, map: ColorMap): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = colorOf(values[i] ?? 0, scale, map);
    rgba.set([r, g, b, 255], i * 4);
  }
  return encodePng(width, height, rgba);
}

/** The largest |v| (0 for none, NaN ignored): the scale a picture's colours span. */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (a > m) m = a;
  }
  return m;
}

/** Bytes as base64 without Buffer (which a browser lacks). */
export function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
