import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ACTIVATIONS,
  DATASETS,
  DEFAULT_STATE,
  EDGE_COLORS,
  FEATURES,
  OPTIMIZERS,
  REGULARIZATIONS,
  STEP_ACTIVATIONS,
  VIEWS,
  parse,
  serialize,
  type AppState,
} from '../../web/src/state.js';

const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v));

const stateArb: fc.Arbitrary<AppState> = fc.record({
  view: fc.constantFrom(...VIEWS),
  step: fc.record({
    x: finite(-100, 100),
    t: finite(-100, 100),
    w1: finite(-100, 100),
    b1: finite(-100, 100),
    w2: finite(-100, 100),
    b2: finite(-100, 100),
    lr: finite(1e-5, 10),
    activation: fc.constantFrom(...STEP_ACTIVATIONS),
    epochs: fc.integer({ min: 1, max: 10000 }),
  }),
  playground: fc.record({
    dataset: fc.constantFrom(...DATASETS.filter((d) => d !== 'csv')),
    noise: finite(0, 0.5),
    trainPercent: fc.integer({ min: 10, max: 90 }),
    points: fc.integer({ min: 50, max: 1000 }),
    classes: fc.integer({ min: 2, max: 6 }),
    hidden: fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 6 }),
    activation: fc.constantFrom(...ACTIVATIONS),
    lr: finite(1e-5, 10),
    optimizer: fc.constantFrom(...OPTIMIZERS),
    batchSize: fc.integer({ min: 1, max: 100 }),
    regularization: fc.constantFrom(...REGULARIZATIONS),
    regRate: finite(0, 1),
    features: fc.subarray([...FEATURES], { minLength: 1 }),
    edges: fc.constantFrom(...EDGE_COLORS),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  }),
});

test('parse(serialize(state)) gives the state back, for any valid state', () => {
  fc.assert(
    fc.property(stateArb, (s) => {
      const back = parse('#' + serialize(s));
      assert.deepEqual(back.notices, []);
      // (fast-check builds null-prototype records: compare as plain data)
      assert.deepEqual(back.state, JSON.parse(JSON.stringify(s)));
    }),
    { numRuns: 300 },
  );
});

test('an empty hash is the defaults: the reference tutorial values and circles', () => {
  assert.deepEqual(parse(''), { state: DEFAULT_STATE, notices: [] });
  assert.deepEqual(parse('#'), { state: DEFAULT_STATE, notices: [] });
  assert.equal(DEFAULT_STATE.step.w1, 0.4);
  assert.equal(DEFAULT_STATE.step.x, 0.5);
});

test('a malformed field falls back to its default with a notice naming it; the others are kept', () => {
  const { state, notices } = parse('#view=playground&dataset=spiral&noise=7&hidden=4,9,2&lr=abc&features=x,x&optimizer=adam&bogus=1');
  assert.equal(state.view, 'playground');
  assert.equal(state.playground.dataset, 'spiral');
  assert.equal(state.playground.optimizer, 'adam');
  assert.equal(state.playground.noise, DEFAULT_STATE.playground.noise);
  assert.deepEqual(state.playground.hidden, DEFAULT_STATE.playground.hidden);
  assert.equal(state.playground.lr, DEFAULT_STATE.playground.lr);
  assert.deepEqual(state.playground.features, DEFAULT_STATE.playground.features);
  assert.equal(notices.length, 5);
  assert.ok(notices.some((n) => /^lr="abc" is not a number from 0.00001 to 10; using 0.03\.$/.test(n)), notices.join('\n'));
  assert.ok(notices.some((n) => n.startsWith('noise="7" is not a number from 0 to 0.5')));
  assert.ok(notices.some((n) => n.startsWith('hidden="4,9,2"')));
  assert.ok(notices.some((n) => n.startsWith('features="x,x"')));
  assert.ok(notices.some((n) => n === 'Ignored unknown setting: "bogus".'));
});

test('a hostile hash never carries markup into a notice and never throws', () => {
  const evil = '#view=<img src=x onerror=alert(1)>&dataset=%3Cscript%3Ealert(1)%3C/script%3E&<b>=1&hidden=%E0%A4%A';
  const { state, notices } = parse(evil);
  assert.deepEqual(state, DEFAULT_STATE);
  assert.ok(notices.length >= 3);
  // Notices are shown as text; even so they hold the value quoted and shortened, not raw.
  for (const n of notices) assert.ok(n.length < 300, n);
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (s) => {
      const r = parse(s);
      assert.ok(VIEWS.includes(r.state.view));
      assert.ok(r.state.playground.hidden.every((h) => Number.isInteger(h) && h >= 1 && h <= 8));
    }),
    { numRuns: 500 },
  );
  assert.deepEqual(parse('#' + 'a'.repeat(5000)).state, DEFAULT_STATE);
});

test('a link naming uploaded CSV data falls back to circles with a notice (a link cannot carry the file)', () => {
  const { state, notices } = parse('#view=playground&dataset=csv');
  assert.equal(state.playground.dataset, 'circles');
  assert.match(notices[0]!, /upload the file again/);
});

test('features read back in the canonical order', () => {
  assert.deepEqual(parse('#features=sinx,x,y2').state.playground.features, ['x', 'y2', 'sinx']);
});
