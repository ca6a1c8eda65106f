// Reading PNGs back: the chunks, the IHDR size, and the pixels of an 8-bit RGBA image (what
// resvg writes), undoing the five scanline filters of the PNG specification.
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';

export const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export interface Decoded {
  readonly width: number;
  readonly height: number;
  /** RGBA, row by row. */
  readonly pixels: Uint8Array;
}

export function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The chunks after the signature, each one's CRC checked. */
export function chunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  const out: { type: string; data: Uint8Array }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = u32(png, at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    assert.ok(at + 12 + length <= png.length, `chunk ${type} runs past the end of the file`);
    assert.equal(u32(png, at + 8 + length), crc32(png.subarray(at + 4, at + 8 + length)), `chunk ${type}: CRC`);
    out.push({ type, data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return out;
}

export function size(png: Uint8Array): { width: number; height: number } {
  const ihdr = chunks(png)[0];
  assert.equal(ihdr?.type, 'IHDR', 'the first chunk is IHDR');
  return { width: u32(ihdr.data, 0), height: u32(ihdr.data, 4) };
}

export function decode(png: Uint8Array): Decoded {
  const all = chunks(png);
  const ihdr = all[0]!.data;
  const { width, height } = size(png);
  assert.deepEqual([ihdr[8], ihdr[9], ihdr[12]], [8, 6, 0], '8-bit RGBA, not interlaced');
  const raw = inflateSync(Buffer.concat(all.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const stride = width * 4;
  assert.equal(raw.length, height * (stride + 1), 'the image data holds every row, each with its filter byte');
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    assert.ok(filter <= 4, `row ${y}: filter type ${filter}`);
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= 4 ? pixels[y * stride + x - 4]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= 4 && y > 0 ? pixels[(y - 1) * stride + x - 4]! : 0;
      let p: number;
      if (filter === 0) p = 0;
      else if (filter === 1) p = a;
      else if (filter === 2) p = b;
      else if (filter === 3) p = (a + b) >> 1;
      else {
        const e = a + b - c;
        const [da, db, dc] = [Math.abs(e - a), Math.abs(e - b), Math.abs(e - c)];
        p = da <= db && da <= dc ? a : db <= dc ? b : c;
      }
      pixels[y * stride + x] = (v + p) & 0xff;
    }
  }
  return { width, height, pixels };
}
