import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainTutorial } from '../../src/index.js';
import { chartSvg, historyChartSpec, trainingChartSpec } from '../../src/viz/charts.js';
import { loadVega } from '../../src/viz/vegaLoad.js';

test('loadVega in Node: the packages’ single files, not their ES modules, at the installed versions', async () => {
  const { vega, vegaLite } = await loadVega();
  const [esVega, esVegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  assert.notEqual(vega.View, esVega.View, 'vega.js was run, not the module graph');
  assert.notEqual(vegaLite.compile, esVegaLite.compile);
  assert.equal('version' in vega ? vega.version : undefined, esVega.version);
  assert.equal('version' in vegaLite ? vegaLite.version : undefined, esVegaLite.version);
  assert.equal(await loadVega().then((m) => m.vega), vega, 'loaded once');
});

test('charts drawn with the single files are byte for byte those of the ES modules', async () => {
  const history = trainTutorial({ epochs: 30 }).history;
  const [esVega, esVegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  for (const spec of [trainingChartSpec(history), trainingChartSpec(history, { log: true, title: 'log axes' }), historyChartSpec(history)]) {
    const view = new esVega.View(esVega.parse(esVegaLite.compile(spec).spec), { renderer: 'none' });
    const expected = await view.toSVG();
    view.finalize();
    assert.equal(await chartSvg(spec), expected);
  }
});
