// The step view's state machine in Node, without a browser: which buttons apply in which phase,
// the phase after each, and the numbers it holds after Forward, Backward and Update against the
// reference tutorial (sections 3–4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatValue, trainTutorial } from '../../src/index.js';
import { DEFAULT_STEP, type StepState } from '../../web/src/state.js';
import {
  advance,
  availability,
  backward,
  create,
  forward,
  reset,
  runEpoch,
  runEpochs,
  runFrame,
  setConfig,
  step,
  stop,
  update,
  type Edit,
  type Effect,
  type StepMachine,
  type Transition,
} from '../../web/src/step/machine.js';

const kinds = (t: Transition) => t.effects.map((e) => e.kind);

/** Advances an animation to its end. */
function settle(t: Transition): Transition {
  let cur = t;
  const effects: Effect[] = [...t.effects];
  for (let i = 0; i < 100 && (cur.state.phase === 'forwarding' || cur.state.phase === 'backwarding'); i++) {
    cur = advance(cur.state);
    effects.push(...cur.effects);
  }
  return { state: cur.state, effects };
}

const fresh = (config: StepState = DEFAULT_STEP) => create(config).state;
const forwarded = (s = fresh()) => settle(forward(s)).state;
const backwarded = (s = fresh()) => settle(backward(forwarded(s))).state;

/** A refused press: the very same state, nothing to do. */
function assertRefused(s: StepMachine, press: (s: StepMachine) => Transition, what: string): void {
  const t = press(s);
  assert.equal(t.state, s, `${what} changes nothing in phase ${s.phase}`);
  assert.deepEqual(t.effects, [], `${what} has no effects in phase ${s.phase}`);
}

const edit = (config: StepState): Edit => {
  const { activation, ...values } = config;
  return { values, activation };
};

const params = (s: StepMachine) => ({ w1: formatValue(s.config.w1), b1: formatValue(s.config.b1), w2: formatValue(s.config.w2), b2: formatValue(s.config.b2) });

test('a new machine is idle at epoch 0 and shows its configuration', () => {
  const t = create(DEFAULT_STEP);
  assert.equal(t.state.phase, 'idle');
  assert.equal(t.state.epoch, 0);
  assert.equal(t.state.loss, null);
  assert.deepEqual(t.state.losses, []);
  assert.ok(kinds(t).includes('inputs') && kinds(t).includes('reset'));
  assert.deepEqual(availability(t.state), { forward: true, backward: false, update: false, step: true, run: true, stop: false, reset: true });
});

test('Backward before Forward and Update before Backward are refused', () => {
  const s = fresh();
  assertRefused(s, backward, 'Backward');
  assertRefused(s, update, 'Update');
  assertRefused(forwarded(), update, 'Update');
  assertRefused(backwarded(), backward, 'Backward');
});

test('Forward animates z1, h, y, L one at a time and ends with the reference values', () => {
  const t = forward(fresh());
  assert.equal(t.state.phase, 'forwarding');
  assert.equal(t.state.shown, 1, 'the first value shows at once');
  assert.deepEqual(kinds(t), ['unmark', 'clear', 'forwardBlock', 'forwardValue']);
  // While it plays, nothing but editing and Reset applies.
  for (const [name, press] of [['Forward', forward], ['Backward', backward], ['Update', update], ['Step', step], ['Run', runEpochs]] as const) assertRefused(t.state, press, name);
  const done = settle(t);
  assert.equal(done.state.phase, 'forwarded');
  const values = Object.fromEntries(done.state.pass!.e.forward.map((f) => [f.name, formatValue(f.value.item())]));
  assert.deepEqual({ z1: values['z1'], h: values['h'], y: values['y'], L: values['L'] }, { z1: '0.3000', h: '0.5744', y: '0.3723', L: '0.0259' });
  assert.equal(formatValue(done.state.loss!), '0.0259');
  assert.equal(done.effects.filter((e) => e.kind === 'forwardValue').length, done.state.pass!.e.forward.length);
  assert.equal(done.state.epoch, 0, 'a forward pass trains nothing');
});

test('Backward sends the reference gradients back edge by edge, then the gradient norm', () => {
  const t = backward(forwarded());
  assert.equal(t.state.phase, 'backwarding');
  const done = settle(t);
  assert.equal(done.state.phase, 'backwarded');
  const steps = done.state.pass!.steps!;
  const grad = Object.fromEntries(steps.map((s) => [s.target, formatValue(s.value)]));
  assert.deepEqual({ y: grad['y'], w2: grad['w2'], b2: grad['b2'], w1: grad['w1'], b1: grad['b1'] }, { y: '−0.2277', w2: '−0.1308', b2: '−0.2277', w1: '−0.0083', b1: '−0.0167' });
  const w1 = steps.find((s) => s.target === 'w1')!;
  assert.deepEqual(w1.chain.map((f) => Number(f.value.toFixed(4))), [-0.2277, 0.3, 0.2445, 0.5], 'the chain-rule factors of ∂L/∂w1');
  const norm = Math.hypot(...['w1', 'b1', 'w2', 'b2'].map((k) => steps.find((s) => s.target === k)!.value));
  assert.ok(Math.abs(done.state.norm! - norm) < 1e-6, `‖∇L‖ ${done.state.norm} vs ${norm}`);
  assert.deepEqual(done.effects.at(-1), { kind: 'norm', value: done.state.norm });
});

test('Update takes the SGD step of the reference and records the epoch', () => {
  const b = backwarded();
  const t = update(b);
  assert.equal(t.state.phase, 'updated');
  assert.deepEqual(params(t.state), { w1: '0.4008', b1: '0.1017', w2: '0.3131', b2: '0.2228' });
  assert.equal(t.state.epoch, 1);
  assert.deepEqual(t.state.losses, [b.pass!.loss]);
  assert.deepEqual(t.state.norms, [b.norm]);
  assert.equal(t.state.pass, null);
  const table = t.effects.find((e) => e.kind === 'updateTable');
  assert.ok(table !== undefined && table.kind === 'updateTable');
  assert.deepEqual(table.rows.map((r) => r.name), ['w1', 'b1', 'w2', 'b2']);
  assert.equal(formatValue(table.before.w1), '0.4000');
  assert.ok(Math.abs(table.rows[0]!.step - 0.1 * 0.0083) < 1e-4, 'the step is −η·∂L/∂w1');
  assert.deepEqual(kinds(t).slice(-3), ['record', 'updateTable', 'parametersChanged']);
  // The next epoch starts with Forward; Backward and Update wait for it.
  assert.deepEqual(availability(t.state), { forward: true, backward: false, update: false, step: true, run: true, stop: false, reset: true });
});

test('Step trains the same epoch as Forward, Backward and Update, without the animation', () => {
  const stepped = step(fresh());
  const byHand = update(backwarded());
  assert.equal(stepped.state.phase, 'idle');
  assert.equal(stepped.state.epoch, 1);
  assert.deepEqual(stepped.state.config, byHand.state.config);
  assert.deepEqual(stepped.state.losses, byHand.state.losses);
  assert.ok(kinds(stepped).includes('stepSummary'));
});

test('Run N epochs trains as the tutorial does, a frame at a time, and Stop ends it', () => {
  const started = runEpochs(fresh());
  assert.equal(started.state.phase, 'running');
  assert.deepEqual(availability(started.state), { forward: false, backward: false, update: false, step: false, run: false, stop: true, reset: false });
  assertRefused(started.state, reset, 'Reset');
  const half = runFrame(started.state, (n) => n < 30);
  assert.equal(half.state.epoch, 30);
  assert.equal(half.state.phase, 'running');
  assert.equal(kinds(half).at(-1), 'runProgress');
  const end = runFrame(half.state, () => true);
  assert.equal(end.state.phase, 'idle');
  assert.equal(end.state.epoch, 60);
  assert.equal(end.state.losses.length, 60);
  assert.equal(end.state.run, null);
  const last = trainTutorial().history.epochs.at(-1)!;
  assert.ok(Math.abs(end.state.loss! - last.loss) < 5e-5, `loss ${end.state.loss} vs ${last.loss}`);
  assert.deepEqual(kinds(end).slice(-3), ['runEnd', 'runSummary', 'parametersChanged']);

  let s = runEpochs(fresh()).state;
  for (let i = 0; i < 3; i++) s = runEpoch(s).state;
  const stopped = stop(s);
  assert.equal(stopped.state.phase, 'idle');
  assert.equal(stopped.state.epoch, 3);
  assert.ok(stopped.effects.some((e) => e.kind === 'error' && e.text === 'Stopped after 3 of 60 epochs.'));
  assertRefused(stopped.state, stop, 'Stop');
});

test('a new N keeps the epochs trained; any other edit starts again at epoch 0; an invalid one waits', () => {
  const trained = runFrame(runEpochs(fresh()).state, () => true).state;
  const n5 = setConfig(trained, edit({ ...trained.config, epochs: 5 }));
  assert.equal(n5.state.epoch, 60);
  assert.equal(n5.state.config.epochs, 5);
  assert.equal(n5.state.start.epochs, 5);
  assert.equal(n5.state.losses, trained.losses);
  assert.deepEqual(kinds(n5), ['changed']);
  // A new N during Forward's animation keeps it playing.
  const playing = forward(fresh()).state;
  const kept = setConfig(playing, edit({ ...DEFAULT_STEP, epochs: 7 }));
  assert.equal(kept.state.phase, 'forwarding');
  assert.equal(kept.state.token, playing.token);

  const w1 = setConfig(trained, edit({ ...trained.config, w1: 0.7 }));
  assert.equal(w1.state.epoch, 0);
  assert.equal(w1.state.phase, 'idle');
  assert.equal(w1.state.config.w1, 0.7);
  assert.equal(w1.state.start.w1, 0.7);
  assert.deepEqual(w1.state.losses, []);
  assert.ok(kinds(w1).includes('reset') && kinds(w1).at(-1) === 'changed');

  const bad = setConfig(forwarded(), null);
  assert.equal(bad.state.invalid, true);
  assert.equal(bad.state.phase, 'idle');
  assert.deepEqual(availability(bad.state), { forward: false, backward: false, update: false, step: false, run: false, stop: false, reset: true });
  assertRefused(bad.state, forward, 'Forward');
  const fixed = setConfig(bad.state, edit(DEFAULT_STEP));
  assert.equal(fixed.state.invalid, false);
  assert.equal(availability(fixed.state).forward, true);
});

test('Reset goes back to the configuration of the last edit, at epoch 0', () => {
  const edited = setConfig(fresh(), edit({ ...DEFAULT_STEP, w1: 0.7 })).state;
  const trained = update(backwarded(edited)).state;
  assert.notEqual(trained.config.w1, 0.7);
  const r = reset(trained);
  assert.equal(r.state.config.w1, 0.7);
  assert.equal(r.state.epoch, 0);
  assert.equal(r.state.phase, 'idle');
  assert.deepEqual(r.state.losses, []);
  assert.deepEqual(kinds(r), ['inputs', 'unmark', 'reset', 'changed']);
});

test('a step that would leave the parameters unusable is refused, and the parameters stay', () => {
  const wild: StepState = { ...DEFAULT_STEP, t: 100, w2: 99, lr: 10 };
  const s = fresh(wild);
  const stepped = step(s);
  assert.equal(stepped.state.epoch, 0);
  assert.deepEqual(stepped.state.config, wild);
  const error = stepped.effects.find((e) => e.kind === 'error');
  assert.ok(error !== undefined && error.kind === 'error');
  assert.match(error.text, /^Stopped before epoch 1: w1 would become .+, outside −100…100\. The training diverges: lower the learning rate η\.$/);

  const refused = update(backwarded(s));
  assert.equal(refused.state.phase, 'idle');
  assert.equal(refused.state.epoch, 0);
  assert.deepEqual(refused.state.config, wild);
  assert.ok(refused.effects.some((e) => e.kind === 'error' && e.text === 'Update refused: w1 would leave −100…100. Lower the learning rate η.'));

  const ran = runFrame(runEpochs(s).state, () => true);
  assert.equal(ran.state.phase, 'idle');
  assert.equal(ran.state.epoch, 0);
  assert.ok(ran.effects.some((e) => e.kind === 'error' && e.text.startsWith('Stopped before epoch 1:')));
  assert.ok(!kinds(ran).includes('runSummary'), 'no summary of a run that trained nothing');
});

test('Run gives the same numbers however its epochs are trained: from a reused network or a new one each epoch', () => {
  const start = runEpochs(fresh()).state;
  const a = runFrame(start, () => true).state;
  // The same start again: nothing is carried over from the first run.
  const b = runFrame(start, () => true).state;
  assert.deepEqual(b.config, a.config);
  assert.deepEqual(b.losses, a.losses);
  // Step by step, with another configuration trained in between (so each epoch builds its network anew).
  const other = fresh({ ...DEFAULT_STEP, w1: -0.3 });
  let s = fresh();
  for (let i = 0; i < 60; i++) {
    s = step(s).state;
    step(other);
  }
  assert.deepEqual(s.config, a.config);
  assert.deepEqual(s.losses, a.losses);
  assert.deepEqual(s.norms, a.norms);
});
