import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { History, ValueError, trainTutorial } from '../../src/index.js';
import { trainingChartSvg } from '../../src/viz/charts.js';
import { svgToPng } from '../../src/viz/png.js';

// ---------------------------------------------------------------------------------------------
// Reading PNGs back: the chunks, the IHDR size, and the pixels of an 8-bit RGBA image (what
// resvg writes), undoing the five scanline filters of the PNG specification.

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

interface Decoded {
  readonly width: number;
  readonly height: number;
  /** RGBA, row by row. */
  readonly pixels: Uint8Array;
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

function chunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  const out: { type: string; data: Uint8Array }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = u32(png, at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    out.push({ type, data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return out;
}

function size(png: Uint8Array): { width: number; height: number } {
  const ihdr = chunks(png)[0];
  assert.equal(ihdr?.type, 'IHDR', 'the first chunk is IHDR');
  return { width: u32(ihdr.data, 0), height: u32(ihdr.data, 4) };
}

function decode(png: Uint8Array): Decoded {
  const all = chunks(png);
  const ihdr = all[0]!.data;
  const { width, height } = size(png);
  assert.deepEqual([ihdr[8], ihdr[9], ihdr[12]], [8, 6, 0], '8-bit RGBA, not interlaced');
  const raw = inflateSync(Buffer.concat(all.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const stride = width * 4;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
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

/** Pixels that are opaque and dark (what black text on white leaves). */
function darkPixels(d: Decoded): number {
  let n = 0;
  for (let i = 0; i < d.pixels.length; i += 4) if (d.pixels[i + 3]! > 128 && d.pixels[i]! + d.pixels[i + 1]! + d.pixels[i + 2]! < 3 * 128) n++;
  return n;
}

function textSvg(text: string, family = 'KaTeX_SansSerif'): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><rect width="200" height="40" fill="white"/><text x="10" y="28" font-family="${family}" font-size="20" fill="black">${text}</text></svg>`;
}

const tutorial = trainTutorial().history;

test('svgToPng(chart) writes a PNG of the SVG size, twice as large at scale 2', async () => {
  const svg = await trainingChartSvg(tutorial);
  const width = Number(/<svg[^>]*\swidth="(\d+)"/.exec(svg)?.[1]);
  const height = Number(/<svg[^>]*\sheight="(\d+)"/.exec(svg)?.[1]);
  assert.ok(width > 500 && height > 200, `svg ${width}×${height}`);
  const png = await svgToPng(svg);
  assert.deepEqual([...png.subarray(0, 8)], SIGNATURE);
  assert.deepEqual(size(png), { width, height });
  assert.equal(chunks(png).at(-1)?.type, 'IEND');
  const png2 = await svgToPng(svg, { scale: 2 });
  assert.deepEqual([...png2.subarray(0, 8)], SIGNATURE);
  assert.deepEqual(size(png2), { width: 2 * width, height: 2 * height });
});

test('svgToPng renders text with the bundled fonts: a word leaves dark pixels, an empty text none', async () => {
  const word = decode(await svgToPng(textSvg('Loss over Epochs')));
  const empty = decode(await svgToPng(textSvg('')));
  assert.equal(darkPixels(empty), 0);
  assert.ok(darkPixels(word) > 200, `${darkPixels(word)} dark pixels`);
  // Families resvg does not have (the chart's fallbacks, a serif) still get a font.
  for (const family of ['Helvetica, Arial, sans-serif', 'Times', 'NoSuchFont']) {
    assert.ok(darkPixels(decode(await svgToPng(textSvg('Epoch 1e-4', family)))) > 100, family);
  }
});

test('svgToPng(chart) draws the chart text: removing every <text> leaves fewer dark pixels', async () => {
  const svg = await trainingChartSvg(tutorial);
  const withText = decode(await svgToPng(svg));
  const withoutText = decode(await svgToPng(svg.replace(/<text\b[^>]*>[^<]*<\/text>/g, '')));
  assert.ok(svg.includes('>Gradient Norm over Epochs</text>'));
  assert.ok(darkPixels(withText) > darkPixels(withoutText) + 1000, `${darkPixels(withText)} vs ${darkPixels(withoutText)} dark pixels`);
});

test('svgToPng background: transparent by default, painted when given', async () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle cx="5" cy="5" r="2" fill="red"/></svg>';
  const bare = decode(await svgToPng(svg));
  const white = decode(await svgToPng(svg, { background: 'white' }));
  assert.deepEqual([...bare.pixels.subarray(0, 4)], [0, 0, 0, 0]);
  assert.deepEqual([...white.pixels.subarray(0, 4)], [255, 255, 255, 255]);
  const centre = (5 * 10 + 5) * 4;
  assert.deepEqual([...white.pixels.subarray(centre, centre + 4)], [255, 0, 0, 255]);
});

test('svgToPng of a bad scale or of text that is not SVG is a ValueError', async () => {
  const svg = await trainingChartSvg((() => {
    const h = new History();
    h.push({ epoch: 0, loss: 1, gradNorm: 1, lr: 0.1, time: 0, metrics: {} });
    return h;
  })());
  await assert.rejects(svgToPng(svg, { scale: 0 }), (e: unknown) => e instanceof ValueError && /scale must be a positive number, got 0/.test(e.message));
  await assert.rejects(svgToPng('hello'), (e: unknown) => e instanceof ValueError && /expected an SVG document/.test(e.message));
  await assert.rejects(svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><g></svg>'), (e: unknown) => e instanceof ValueError && /resvg could not read the SVG/.test(e.message));
});
