import { test } from 'node:test';
import assert from 'node:assert/strict';
import { History, ValueError, trainTutorial } from '../../src/index.js';
import type { EpochLog } from '../../src/train/history.js';
import { historyChartSpec, historyChartSvg, trainingChartSpec, trainingChartSvg } from '../../src/viz/charts.js';

// ---------------------------------------------------------------------------------------------
// Reading vega's SVG back: marks are <g class="mark-<type> role-<role> …"> groups of <path>,
// <line> or <text> items; each axis is a <g class="mark-group role-axis"> holding its labels
// and title.

function history(n: number, f: (i: number) => Partial<Omit<EpochLog, 'metrics'>> & { metrics?: Record<string, number> } = () => ({})): History {
  const h = new History();
  for (let i = 0; i < n; i++) h.push({ epoch: i, loss: 1 / (i + 1), gradNorm: 2 / (i + 1), lr: 0.1, time: 0.01, metrics: {}, ...f(i) });
  return h;
}

const tutorial = trainTutorial().history;

/**
 * The number of line <path>s of each panel, in panel order. Vega-Lite names a panel's line marks
 * `concat_<i>_marks`; a coloured panel has one such group per series, each with one path.
 */
function linePaths(svg: string): number[] {
  const counts: number[] = [];
  for (const m of svg.matchAll(/<g class="mark-line role-mark concat_(\d+)_marks"[^>]*>([\s\S]*?)<\/g>/g)) {
    const i = Number(m[1]);
    counts[i] = (counts[i] ?? 0) + ((m[2] ?? '').match(/<path\b/g)?.length ?? 0);
  }
  return [...counts].map((c) => c ?? 0);
}

/** The `d` of every line path, in document order. */
function lineData(svg: string): string[] {
  return [...svg.matchAll(/<g class="mark-line role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/g)].flatMap((m) => [...(m[1] ?? '').matchAll(/<path[^>]*\sd="([^"]*)"/g)].map((p) => p[1] ?? ''));
}

function texts(fragment: string): string[] {
  return [...fragment.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1] ?? '');
}

interface Axis {
  readonly title: string;
  readonly labels: string[];
}

/** Each axis with a title, in document order: its title and its (non-blank) tick labels. */
function axes(svg: string): Axis[] {
  const chunks = svg.split('class="mark-group role-axis"').slice(1);
  const out: Axis[] = [];
  for (const chunk of chunks) {
    const title = /class="mark-text role-axis-title"[^>]*>([\s\S]*?)<\/g>/.exec(chunk);
    if (title === null) continue; // a grid
    const labels = /class="mark-text role-axis-label"[^>]*>([\s\S]*?)<\/g>/.exec(chunk);
    out.push({ title: texts(title[1] ?? '')[0] ?? '', labels: texts(labels?.[1] ?? '').filter((l) => l !== '') });
  }
  return out;
}

function titles(svg: string): string[] {
  return [...svg.matchAll(/class="mark-text role-title-text"[^>]*>([\s\S]*?)<\/g>/g)].flatMap((m) => texts(m[1] ?? ''));
}

function svgWidth(svg: string): number {
  return Number(/<svg[^>]*\swidth="(\d+(?:\.\d+)?)"/.exec(svg)?.[1]);
}

// ---------------------------------------------------------------------------------------------
// trainingChart

test('trainingChartSvg(tutorial history) draws the reference figure: two titled panels, Epoch axes, one line each', async () => {
  const svg = await trainingChartSvg(tutorial);
  assert.ok(svg.startsWith('<svg'), 'an SVG document');
  assert.deepEqual(titles(svg), ['Loss over Epochs', 'Gradient Norm over Epochs']);
  assert.deepEqual(
    axes(svg).map((a) => a.title).sort(),
    ['Epoch', 'Epoch', 'Gradient Norm', 'Loss'],
  );
  assert.deepEqual(linePaths(svg), [1, 1]);
  assert.ok(svg.includes('font-family="KaTeX_SansSerif'), 'the text names the font svgToPng renders with');
});

test('trainingChartSvg(60 epochs) labels the epoch axis 0 to 60 with a handful of integer ticks', async () => {
  const svg = await trainingChartSvg(tutorial);
  for (const axis of axes(svg).filter((a) => a.title === 'Epoch')) {
    const values = axis.labels.map(Number);
    assert.ok(values.length >= 5 && values.length <= 16, `${values.length} epoch ticks: ${axis.labels.join(' ')}`);
    assert.ok(values.every(Number.isInteger), `integer ticks: ${axis.labels.join(' ')}`);
    assert.equal(values[0], 0);
    assert.ok((values.at(-1) ?? 0) >= 59 && (values.at(-1) ?? 0) <= 70, `last tick ${values.at(-1)}`);
  }
});

test('trainingChartSvg(3 epochs) has only integer epoch ticks 0, 1, 2', async () => {
  const svg = await trainingChartSvg(history(3));
  const epochAxes = axes(svg).filter((a) => a.title === 'Epoch');
  assert.equal(epochAxes.length, 2);
  for (const axis of epochAxes) assert.deepEqual(axis.labels, ['0', '1', '2']);
});

test('trainingChartSvg(log: true) uses a log y scale: decades down to 1e-9 and a different line', async () => {
  const linear = await trainingChartSvg(tutorial);
  const log = await trainingChartSvg(tutorial, { log: true });
  const lossAxis = (svg: string) => axes(svg).find((a) => a.title === 'Loss')?.labels ?? [];
  assert.ok(lossAxis(log).includes('1e-9'), `log labels: ${lossAxis(log).join(' ')}`);
  assert.ok(lossAxis(log).includes('0.01') && lossAxis(log).includes('1e-4'), `log labels: ${lossAxis(log).join(' ')}`);
  assert.ok(!lossAxis(linear).some((l) => l.includes('e')), `linear labels: ${lossAxis(linear).join(' ')}`);
  assert.notEqual(lineData(log)[0], lineData(linear)[0]);
  assert.equal(trainingChartSpec(tutorial, { log: true }).concat[0]?.encoding.y.scale.type, 'log');
  assert.equal(trainingChartSpec(tutorial).concat[0]?.encoding.y.scale.type, 'linear');
});

test('trainingChartSpec(log: true) leaves out values ≤ 0, which a log scale cannot show; the linear chart keeps them', async () => {
  const h = history(5, (i) => ({ loss: i === 4 ? 0 : 1 / (i + 1), gradNorm: i === 2 ? -1 : 1 }));
  const log = trainingChartSpec(h, { log: true });
  assert.deepEqual(log.concat[0]?.data.values.map((d) => d.epoch), [0, 1, 2, 3]);
  assert.deepEqual(log.concat[1]?.data.values.map((d) => d.epoch), [0, 1, 3, 4]);
  assert.equal(trainingChartSpec(h).concat[0]?.data.values.length, 5);
  assert.deepEqual(linePaths(await trainingChartSvg(h, { log: true })), [1, 1]);
});

test('trainingChartSpec skips NaN and infinite points instead of failing, and still round-trips through JSON', async () => {
  const h = history(6, (i) => ({ loss: i === 1 ? NaN : i === 3 ? Infinity : 0.5, gradNorm: NaN }));
  const spec = trainingChartSpec(h);
  assert.deepEqual(spec.concat[0]?.data.values.map((d) => d.epoch), [0, 2, 4, 5]);
  assert.deepEqual(spec.concat[1]?.data.values, []);
  assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);
  const svg = await trainingChartSvg(h);
  assert.deepEqual(titles(svg), ['Loss over Epochs', 'Gradient Norm over Epochs']);
});

test('trainingChartSpec round-trips through JSON and is a Vega-Lite v6 concat of two panels', () => {
  const spec = trainingChartSpec(tutorial, { log: true, title: 'Tutorial' });
  assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);
  assert.match(spec.$schema, /vega-lite\/v6/);
  assert.equal(spec.concat.length, 2);
  assert.equal(spec.concat[0]?.data.values.length, 60);
});

test('trainingChartSvg options: width and height size the panels, title is drawn above them', async () => {
  const small = await trainingChartSvg(tutorial, { width: 200, height: 150 });
  const wide = await trainingChartSvg(tutorial, { width: 400, height: 150, title: 'My run' });
  assert.ok(svgWidth(wide) - svgWidth(small) >= 300, `widths ${svgWidth(small)} → ${svgWidth(wide)}`);
  assert.ok(titles(wide).includes('My run'));
  assert.ok(!titles(small).includes('My run'));
  assert.throws(() => trainingChartSpec(tutorial, { width: 0 }), (e: unknown) => e instanceof ValueError && /width must be a positive number/.test(e.message));
});

test('trainingChartSpec(empty history) is a ValueError saying there are no epochs', async () => {
  assert.throws(() => trainingChartSpec(new History()), (e: unknown) => e instanceof ValueError && /trainingChartSpec: the history has no epochs/.test(e.message));
  await assert.rejects(trainingChartSvg({ epochs: [] }), ValueError);
});

// ---------------------------------------------------------------------------------------------
// historyChart

const classifier = history(8, (i) => ({
  lr: i < 4 ? 0.1 : 0.01,
  metrics: { accuracy: 0.5 + i / 20, valLoss: 1.2 / (i + 1), valAccuracy: 0.45 + i / 20 },
}));

test('historyChartSvg draws loss and accuracy with train and validation lines and a legend, then learning rate and gradient norm', async () => {
  const svg = await historyChartSvg(classifier);
  assert.deepEqual(titles(svg), ['Loss over Epochs', 'Accuracy over Epochs', 'Learning Rate over Epochs', 'Gradient Norm over Epochs']);
  assert.deepEqual(linePaths(svg), [2, 2, 1, 1]);
  assert.ok(/class="mark-[a-z]+ role-legend/.test(svg), 'a legend');
  assert.ok(texts(svg).includes('validation') && texts(svg).includes('train'));
  assert.deepEqual(
    axes(svg).filter((a) => a.title !== 'Epoch').map((a) => a.title),
    ['Loss', 'Accuracy', 'Learning Rate', 'Gradient Norm'],
  );
});

test('historyChartSvg without valLoss draws one loss line, no validation series and no legend; a constant lr gets no panel', async () => {
  const svg = await historyChartSvg(history(5));
  assert.deepEqual(titles(svg), ['Loss over Epochs', 'Gradient Norm over Epochs']);
  assert.deepEqual(linePaths(svg), [1, 1]);
  assert.ok(!texts(svg).includes('validation'));
  assert.ok(!/role-legend/.test(svg));
});

test('historyChartSpec columns chooses the panels and their order; a validation column listed on its own gets its own panel', () => {
  const spec = historyChartSpec(classifier, { columns: ['accuracy', 'loss', 'valLoss'] });
  assert.deepEqual(spec.concat.map((p) => p.title), ['Accuracy over Epochs', 'Loss over Epochs', 'valLoss over Epochs']);
  assert.deepEqual(spec.concat.map((p) => [...new Set(p.data.values.map((d) => d.series))]), [['train', 'validation'], ['train'], ['train']]);
  assert.equal(historyChartSpec(classifier, { columns: ['time'] }).concat[0]?.encoding.y.title, 'Time (s)');
});

test('historyChartSpec(log: true) makes every panel but accuracy logarithmic; a list names the log panels', () => {
  const all = historyChartSpec(classifier, { log: true });
  assert.deepEqual(all.concat.map((p) => p.encoding.y.scale.type), ['log', 'linear', 'log', 'log']);
  const some = historyChartSpec(classifier, { log: ['gradNorm'] });
  assert.deepEqual(some.concat.map((p) => p.encoding.y.scale.type), ['linear', 'linear', 'linear', 'log']);
  assert.throws(() => historyChartSpec(classifier, { columns: ['loss'], log: ['gradNorm'] }), (e: unknown) => e instanceof ValueError && /log names 'gradNorm'/.test(e.message));
});

test('historyChartSpec accepts a saved history (toJSON, through JSON text, NaN become null) and draws the same chart', () => {
  const h = history(4, (i) => ({ gradNorm: i === 2 ? NaN : 1, metrics: { valLoss: 0.5 } }));
  const saved = JSON.parse(JSON.stringify(h.toJSON())) as { epochs: EpochLog[] };
  assert.equal(saved.epochs[2]?.gradNorm, null);
  assert.deepEqual(historyChartSpec(saved), historyChartSpec(h));
  assert.equal(historyChartSpec(saved).concat[1]?.data.values.length, 3);
});

test('historyChartSpec of a column the history lacks is a ValueError naming it and the columns there are', () => {
  assert.throws(
    () => historyChartSpec(history(3), { columns: ['loss', 'accuracy'] }),
    (e: unknown) => e instanceof ValueError && e.message === "historyChartSpec: the history has no column 'accuracy'; it has loss, gradNorm, lr, time",
  );
  assert.throws(() => historyChartSpec(history(3), { columns: [] }), ValueError);
  assert.throws(() => historyChartSpec({ epochs: [] }), (e: unknown) => e instanceof ValueError && /no epochs/.test(e.message));
});

test('historyChartSpec wraps after panelsPerRow panels', () => {
  assert.equal(historyChartSpec(classifier).columns, 2);
  assert.equal(historyChartSpec(classifier, { panelsPerRow: 4 }).columns, 4);
  assert.equal(historyChartSpec(history(2), { columns: ['loss'] }).columns, 1);
  assert.throws(() => historyChartSpec(classifier, { panelsPerRow: 0 }), ValueError);
});

test('trainingChartSvg(one epoch) marks the single point, which a line alone would not show', async () => {
  const one = await trainingChartSvg(history(1));
  const two = await trainingChartSvg(history(2));
  assert.equal(one.match(/<g class="mark-symbol role-mark/g)?.length, 2);
  assert.ok(!/<g class="mark-symbol role-mark/.test(two));
});
