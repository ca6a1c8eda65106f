import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { trainTutorial } from '../../src/index.js';
import { trainingChartSvg } from '../../src/viz/charts.js';
import { svgToPng } from '../../src/viz/png.js';
import { planClips } from '../../src/viz/pngClip.js';
import { decode, type Decoded } from '../helpers/png.js';

const require = createRequire(import.meta.url);
const FONTS = ['KaTeX_SansSerif-Regular.ttf', 'KaTeX_SansSerif-Bold.ttf', 'KaTeX_SansSerif-Italic.ttf', 'KaTeX_Main-Regular.ttf', 'KaTeX_Main-Bold.ttf'].map(
  (f) => new Uint8Array(readFileSync(require.resolve(`katex/dist/fonts/${f}`))),
);

/** resvg's own drawing of `svg` (clips on layers), decoded. */
async function resvgOwn(svg: string, scale: number): Promise<Decoded> {
  await svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'); // initialises resvg's WebAssembly once
  const { Resvg } = await import('@resvg/resvg-wasm');
  const resvg = new Resvg(svg, { font: { fontBuffers: FONTS, defaultFontFamily: 'KaTeX_SansSerif', sansSerifFamily: 'KaTeX_SansSerif', serifFamily: 'KaTeX_Main' }, fitTo: { mode: 'zoom', value: scale } });
  const image = resvg.render();
  try {
    return decode(image.asPng());
  } finally {
    image.free();
    resvg.free();
  }
}

/** Pixels that differ, and the largest difference of a channel. */
function difference(a: Decoded, b: Decoded): { pixels: number; over1: number; max: number } {
  assert.deepEqual([a.width, a.height], [b.width, b.height]);
  let pixels = 0;
  let over1 = 0;
  let max = 0;
  for (let i = 0; i < a.pixels.length; i += 4) {
    let d = 0;
    for (let c = 0; c < 4; c++) d = Math.max(d, Math.abs(a.pixels[i + c]! - b.pixels[i + c]!));
    if (d > 0) pixels++;
    if (d > 1) over1++;
    max = Math.max(max, d);
  }
  return { pixels, over1, max };
}

/** A thick line running past its clip rectangle on every side, and a second panel beside it. */
function overflowing(clipX: number, second = 70): string {
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" viewBox="0 0 120 60"><rect width="120" height="60" fill="white"/>' +
    '<g transform="translate(5,5)"><path d="M0,0L50,0" stroke="#888" stroke-width="1"/>' +
    `<g clip-path="url(#a)"><path d="M-3,2L20,48L48,-2" stroke="#1f77b4" stroke-width="4" fill="none"/></g>` +
    `<g transform="translate(${second},0)" clip-path="url(#b)"><path d="M0,49L40,49" stroke="#ff7f0e" stroke-width="3"/></g></g>` +
    `<defs><clipPath id="a"><rect x="${clipX}" y="0" width="45" height="50"/></clipPath><clipPath id="b"><rect x="0" y="0" width="40" height="50"/></clipPath></defs></svg>`
  );
}

test('planClips: vega’s training chart at 2x has its two line groups planned, on whole-pixel rectangles', async () => {
  const chart = await trainingChartSvg(trainTutorial().history);
  const plan = planClips(chart, 2);
  assert.ok(plan !== null);
  assert.equal(plan.rects.length, 2);
  for (const [x0, y0, x1, y1] of plan.rects) assert.deepEqual([x1 - x0, y1 - y0], [960, 640]); // the 480×320 plotting areas
  assert.ok(!plan.unclipped.includes('clip-path='));
  assert.ok(!plan.without.includes('mark-line'), 'the line groups are left out');
  assert.equal(plan.without.split('<text').length, chart.split('<text').length, 'everything else is kept');
});

test('svgToPng of a clipped chart: resvg’s own layered drawing but for rounding (a level, one pixel of 1.8 million more)', async () => {
  const chart = await trainingChartSvg(trainTutorial().history);
  const d = difference(decode(await svgToPng(chart, { scale: 2 })), await resvgOwn(chart, 2));
  assert.ok(d.pixels < 5000, `${d.pixels} pixels differ`);
  assert.ok(d.over1 <= 4 && d.max <= 16, `${d.over1} pixels by more than one level, at most ${d.max}`);
});

test('svgToPng of a line past its clip rectangle: cut at the rectangle as resvg cuts it, the panel beside it untouched', async () => {
  const svg = overflowing(0);
  assert.ok(planClips(svg, 1) !== null && planClips(svg, 2) !== null);
  for (const scale of [1, 2]) {
    const d = difference(decode(await svgToPng(svg, { scale })), await resvgOwn(svg, scale));
    assert.ok(d.max <= 1, `scale ${scale}: at most ${d.max} levels apart`);
  }
  // Drawn unclipped, the line would show outside the rectangle: the picture is not that one.
  const unclipped = difference(decode(await svgToPng(svg.replace(/ clip-path="[^"]*"/g, ''))), await resvgOwn(svg, 1));
  assert.ok(unclipped.max > 100, 'the clip matters in this picture');
});

test('planClips leaves alone what it cannot prove the same: half-pixel edges, a rotated parent, a line reaching another panel', () => {
  assert.equal(planClips(overflowing(0.5), 1), null, 'a rectangle edge on half a pixel');
  assert.ok(planClips(overflowing(0.5), 2) !== null, 'the same edge is whole at 2x');
  assert.equal(planClips(overflowing(0, 44), 1), null, 'the first line reaches into the second rectangle');
  assert.equal(planClips(overflowing(0).replace('translate(5,5)', 'rotate(3)'), 1), null);
  assert.equal(planClips(overflowing(0).replace('M-3,2L20,48', 'M-3,2C20,48'), 1), null, 'a curve: its box is not its points’');
  assert.equal(planClips(overflowing(0).replace('<rect x="0"', '<rect rx="2" x="0"'), 1), null, 'a rounded rectangle');
  assert.equal(planClips('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', 1), null, 'nothing clipped');
});
