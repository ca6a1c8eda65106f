import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ChainruleError, History, ValueError, trainTutorial } from '../../src/index.js';
import { trainingChartSvg } from '../../src/viz/charts.js';
import { svgToPng } from '../../src/viz/png.js';
import { startPngThread } from '../../src/viz/pngThread.js';
import { chunks, decode, size, SIGNATURE, type Decoded } from '../helpers/png.js';

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

test('startPngThread draws on a worker thread exactly the bytes svgToPng draws here, and passes its errors on as ValueError', async () => {
  const chart = await trainingChartSvg(tutorial);
  const here = await svgToPng(chart, { scale: 2 });
  const thread = startPngThread();
  try {
    // Two pictures asked for at once come back each to its own caller.
    const [there, text] = await Promise.all([thread.toPng(chart, { scale: 2 }), thread.toPng(textSvg('Loss over Epochs'), { background: 'white' })]);
    assert.deepEqual(there, here);
    assert.deepEqual(text, await svgToPng(textSvg('Loss over Epochs'), { background: 'white' }));
    assert.ok(darkPixels(decode(text)) > 200);
    await assert.rejects(thread.toPng(chart, { scale: 0 }), (e: unknown) => e instanceof ValueError && /scale must be a positive number, got 0/.test(e.message));
    await assert.rejects(thread.toPng('hello'), (e: unknown) => e instanceof ValueError && /expected an SVG document/.test(e.message));
    await assert.rejects(thread.toPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><g></svg>'), (e: unknown) => e instanceof ValueError && /resvg could not read the SVG/.test(e.message));
    // Still serving after its errors.
    assert.deepEqual(size(await thread.toPng(chart)), size(await svgToPng(chart)));
  } finally {
    await thread.close();
  }
  // Closed, it refuses new work with a typed error instead of hanging.
  await assert.rejects(thread.toPng(chart), (e: unknown) => e instanceof ChainruleError && /PNG thread was closed/.test(e.message));
  await thread.close();
});

test('svgToPng decodes to exactly the pixels of resvg’s own encoder (asPng), semi-transparent ones included', async () => {
  const chart = await trainingChartSvg(tutorial);
  await svgToPng(chart); // resvg is initialised by svgToPng; the test then draws with the same module
  const { Resvg } = await import('@resvg/resvg-wasm');
  const require = createRequire(import.meta.url);
  const fonts = ['KaTeX_SansSerif-Regular.ttf', 'KaTeX_SansSerif-Bold.ttf', 'KaTeX_SansSerif-Italic.ttf', 'KaTeX_Main-Regular.ttf', 'KaTeX_Main-Bold.ttf'].map(
    (f) => new Uint8Array(readFileSync(require.resolve(`katex/dist/fonts/${f}`))),
  );
  const translucent = Array.from(
    { length: 6 },
    (_, k) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48"><circle cx="24" cy="24" r="${8 + 3 * k}" fill="rgb(${40 * k},${250 - 30 * k},${(97 * k) % 256})" fill-opacity="${(k + 1) / 7}"/>` +
      `<path d="M0,${k}L48,${44 - k}" stroke="#ff7f0e" stroke-width="3" stroke-opacity="0.${k + 2}"/><text x="2" y="40" font-size="14" fill="#1f77b4" opacity="0.5">Ag ${k}</text></svg>`,
  );
  let semi = 0;
  // The chart unclipped: a clipped one is drawn in two parts (pngClip.test.ts), this compares the encoder alone.
  const unclipped = chart.replace(/ clip-path="[^"]*"/g, '');
  for (const [svg, scale] of [[unclipped, 2], ...translucent.map((s) => [s, 1] as const)] as const) {
    const resvg = new Resvg(svg, { font: { fontBuffers: fonts, defaultFontFamily: 'KaTeX_SansSerif', sansSerifFamily: 'KaTeX_SansSerif', serifFamily: 'KaTeX_Main' }, fitTo: { mode: 'zoom', value: scale } });
    const image = resvg.render();
    const theirs = decode(image.asPng());
    image.free();
    resvg.free();
    const ours = decode(await svgToPng(svg, { scale }));
    assert.deepEqual({ width: ours.width, height: ours.height }, { width: theirs.width, height: theirs.height });
    assert.ok(Buffer.from(ours.pixels).equals(Buffer.from(theirs.pixels)), `the same pixels (${svg.slice(0, 60)}…)`);
    for (let i = 3; i < ours.pixels.length; i += 4) if (ours.pixels[i]! > 0 && ours.pixels[i]! < 255) semi++;
  }
  assert.ok(semi > 2000, `${semi} semi-transparent pixels compared`);
});

test('a PNG thread left open does not keep the process alive', () => {
  const url = new URL('../../src/viz/pngThread.js', import.meta.url).href;
  const code = `const { startPngThread } = await import(${JSON.stringify(url)}); startPngThread(); console.log('started');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.error, undefined, 'the process ended by itself');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'started\n');
});
