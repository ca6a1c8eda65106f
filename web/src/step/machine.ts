/**
 * The step view as a state machine: typed state and pure transitions, no DOM and no timers.
 * Each transition returns the next state and the effects for the view to perform (a trace line
 * to write, a chart point to push…); a button pressed when it does not apply (Backward before
 * Forward, Update before Backward, Forward/Step/Run while an animation or a run plays, anything
 * but Stop while a run plays) returns the state unchanged with no effects. The animations advance one value or edge per `advance`, the
 * view choosing the pause between them; a run trains a frame of epochs per `runFrame`.
 */
import type { Explanation, TutorialParameters } from 'chainrule';
import type { StepActivation, StepState } from '../state.js';
import { PARAMS, RANGE, backwardSteps, divergence, explainForward, gradientNorm, outOfLimits, parametersOf, trainStep, Trainer, updateRows, type BackStep, type UpdateRow } from './trainer.js';

export type Phase = 'idle' | 'forwarding' | 'forwarded' | 'backwarding' | 'backwarded' | 'updated' | 'running';

/** The forward pass in play: its explanation and loss and, once Backward ran, its edges and gradient norm. */
export interface Pass {
  readonly e: Explanation;
  readonly loss: number;
  readonly steps: readonly BackStep[] | null;
  readonly norm: number | null;
}

/** A run of N epochs in flight. */
export interface Run {
  readonly total: number;
  /** The epochs trained before the run. */
  readonly first: number;
  readonly done: number;
  readonly start: TutorialParameters;
  readonly firstLoss: number | null;
  readonly lastLoss: number | null;
}

export interface StepMachine {
  readonly phase: Phase;
  readonly config: StepState;
  /** The configuration at the last edit: what Reset goes back to. */
  readonly start: StepState;
  /** A setting does not parse: everything but editing and Reset waits for it. */
  readonly invalid: boolean;
  readonly epoch: number;
  /** The latest loss and gradient norm shown (null: none yet). */
  readonly loss: number | null;
  readonly norm: number | null;
  /** Per epoch trained, for the charts. */
  readonly losses: readonly number[];
  readonly norms: readonly number[];
  readonly pass: Pass | null;
  /** How many of the pass's forward values (forwarding, forwarded) or backward edges (backwarding, backwarded) are showing. */
  readonly shown: number;
  readonly run: Run | null;
  /** Bumped whenever an animation or run in flight is cancelled: the view drops timers of an older token. */
  readonly token: number;
}

export type Effect =
  /** Nothing is marked in the derivation any more. */
  | { readonly kind: 'unmark' }
  /** A new pass: the trace and the diagram start empty. */
  | { readonly kind: 'clear' }
  | { readonly kind: 'clearDiagram' }
  | { readonly kind: 'error'; readonly text: string }
  | { readonly kind: 'forwardBlock'; readonly epoch: number }
  | { readonly kind: 'forwardValue'; readonly index: number }
  | { readonly kind: 'backwardBlock' }
  | { readonly kind: 'backwardEdge'; readonly index: number }
  | { readonly kind: 'norm'; readonly value: number }
  /** A finished epoch for the charts: x is its index from 0. */
  | { readonly kind: 'record'; readonly x: number; readonly loss: number; readonly norm: number }
  | { readonly kind: 'updateTable'; readonly lr: number; readonly before: TutorialParameters; readonly after: TutorialParameters; readonly rows: readonly UpdateRow[] }
  | { readonly kind: 'stepSummary'; readonly epoch: number; readonly loss: number; readonly norm: number; readonly before: TutorialParameters; readonly after: TutorialParameters }
  | { readonly kind: 'runStart' }
  /** A frame of the run trained: inputs, diagram and the status line follow. */
  | { readonly kind: 'runProgress' }
  | { readonly kind: 'runEnd' }
  | { readonly kind: 'runSummary'; readonly run: Run; readonly after: TutorialParameters }
  /** The parameters changed: inputs, diagram, derivation and the URL follow. */
  | { readonly kind: 'parametersChanged' }
  /** Back at epoch 0: charts, trace and diagram cleared, the configuration shown. */
  | { readonly kind: 'reset' }
  /** Every input shows the configuration again, its errors gone. */
  | { readonly kind: 'inputs' }
  /** The configuration changed: the URL follows. */
  | { readonly kind: 'changed' };

export interface Transition {
  readonly state: StepMachine;
  readonly effects: readonly Effect[];
}

/** The settings as the form reads them: null when one of them does not parse. */
export type Edit = { readonly values: Omit<StepState, 'activation'>; readonly activation: StepActivation } | null;

/** Every setting but N: a change to one of them makes a new network. */
const NETWORK_SETTINGS = ['x', 't', ...PARAMS, 'lr'] as const;

/** The parameters a configuration holds (after an update: the network's own values). */
const paramsOf = (c: StepState): TutorialParameters => ({ w1: c.w1, b1: c.b1, w2: c.w2, b2: c.b2 });

const same = (state: StepMachine): Transition => ({ state, effects: [] });

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** An animation or a run is playing: Forward, Step and Run wait for it. */
export function busy(s: StepMachine): boolean {
  return s.phase === 'forwarding' || s.phase === 'backwarding' || s.phase === 'running';
}

/** Which buttons apply now. */
export function availability(s: StepMachine): { forward: boolean; backward: boolean; update: boolean; step: boolean; run: boolean; stop: boolean; reset: boolean } {
  const free = !busy(s) && !s.invalid;
  return { forward: free, backward: !s.invalid && s.phase === 'forwarded', update: !s.invalid && s.phase === 'backwarded', step: free, run: free, stop: s.phase === 'running', reset: s.phase !== 'running' };
}

function cancel(s: StepMachine): Transition {
  return { state: { ...s, token: s.token + 1, run: null }, effects: [{ kind: 'unmark' }] };
}

function then(t: Transition, next: (s: StepMachine) => Transition): Transition {
  const n = next(t.state);
  return { state: n.state, effects: [...t.effects, ...n.effects] };
}

/** Back to epoch 0 with the current configuration. */
function restart(s: StepMachine): Transition {
  return then(cancel(s), (c) => ({
    state: { ...c, phase: 'idle', pass: null, shown: 0, epoch: 0, loss: null, norm: null, losses: [], norms: [] },
    effects: [{ kind: 'reset' }],
  }));
}

/** The machine for a configuration, and what the view does to show it. */
export function create(config: StepState): Transition {
  const blank: StepMachine = { phase: 'idle', config, start: config, invalid: false, epoch: 0, loss: null, norm: null, losses: [], norms: [], pass: null, shown: 0, run: null, token: 0 };
  return then({ state: blank, effects: [{ kind: 'inputs' }] }, restart);
}

/** Records a finished epoch. */
function record(s: StepMachine, loss: number, norm: number): Transition {
  return {
    state: { ...s, epoch: s.epoch + 1, loss, norm, losses: [...s.losses, loss], norms: [...s.norms, norm] },
    effects: [{ kind: 'record', x: s.epoch, loss, norm }],
  };
}

const diverged = (epoch: number, why: string) => `Stopped before epoch ${epoch + 1}: ${why}. The training diverges: lower the learning rate η.`;

/** One epoch without animation; an update that would leave the parameters unusable is not kept. */
function trainOne(s: StepMachine): Transition | { error: string } {
  const { loss, norm, after } = trainStep(s.config);
  const why = divergence(after, loss, norm);
  if (why !== null) return { error: diverged(s.epoch, why) };
  return record({ ...s, config: { ...s.config, ...after } }, loss, norm);
}

/** Shows the next forward value or backward edge; the last one ends the animation. */
export function advance(s: StepMachine): Transition {
  const p = s.pass;
  if (p === null) return same(s);
  if (s.phase === 'forwarding') {
    const n = s.shown + 1;
    const effects: Effect[] = n <= p.e.forward.length ? [{ kind: 'forwardValue', index: s.shown }] : [];
    if (n < p.e.forward.length) return { state: { ...s, shown: n }, effects };
    const last = p.e.forward.at(-1)?.value.item() ?? null;
    return { state: { ...s, shown: p.e.forward.length, phase: 'forwarded', loss: last ?? s.loss }, effects };
  }
  if (s.phase === 'backwarding' && p.steps !== null) {
    const n = s.shown + 1;
    const effects: Effect[] = n <= p.steps.length ? [{ kind: 'backwardEdge', index: s.shown }] : [];
    if (n < p.steps.length) return { state: { ...s, shown: n }, effects };
    if (p.norm !== null) effects.push({ kind: 'norm', value: p.norm });
    return { state: { ...s, shown: p.steps.length, phase: 'backwarded', norm: p.norm ?? s.norm }, effects };
  }
  return same(s);
}

export function forward(s: StepMachine): Transition {
  if (s.invalid || busy(s)) return same(s);
  return then(cancel(s), (c) => {
    let pass: Pass;
    try {
      const { e, loss } = explainForward(c.config);
      pass = { e, loss, steps: null, norm: null };
    } catch (err) {
      return { state: { ...c, phase: 'idle', pass: null }, effects: [{ kind: 'clear' }, { kind: 'error', text: `The forward pass failed: ${message(err)}` }] };
    }
    const started: Transition = { state: { ...c, phase: 'forwarding', pass, shown: 0 }, effects: [{ kind: 'clear' }, { kind: 'forwardBlock', epoch: c.epoch + 1 }] };
    return then(started, advance);
  });
}

export function backward(s: StepMachine): Transition {
  const p = s.pass;
  if (p === null || s.invalid || s.phase !== 'forwarded') return same(s);
  return then(cancel(s), (c) => {
    let norm: number;
    try {
      norm = gradientNorm(c.config);
    } catch (err) {
      return { state: { ...c, phase: 'idle', pass: null }, effects: [{ kind: 'error', text: `The backward pass failed: ${message(err)}` }] };
    }
    const pass: Pass = { ...p, steps: backwardSteps(p.e), norm };
    return then({ state: { ...c, phase: 'backwarding', pass, shown: 0 }, effects: [{ kind: 'backwardBlock' }] }, advance);
  });
}

export function update(s: StepMachine): Transition {
  const p = s.pass;
  if (p === null || p.norm === null || s.invalid || s.phase !== 'backwarded') return same(s);
  const norm = p.norm;
  return then(cancel(s), (c) => {
    const before = parametersOf(c.config);
    const { after } = trainStep(c.config);
    const bad = outOfLimits(after);
    if (bad !== undefined) {
      return { state: { ...c, phase: 'idle', pass: null }, effects: [{ kind: 'error', text: `Update refused: ${bad} would leave ${RANGE}. Lower the learning rate η.` }] };
    }
    const recorded = record({ ...c, config: { ...c.config, ...after } }, p.loss, norm);
    return {
      state: { ...recorded.state, phase: 'updated', pass: null },
      effects: [...recorded.effects, { kind: 'updateTable', lr: c.config.lr, before, after, rows: updateRows(p.e, c.config.lr) }, { kind: 'parametersChanged' }],
    };
  });
}

/** One epoch at once: forward, backward and update. */
export function step(s: StepMachine): Transition {
  if (s.invalid || busy(s)) return same(s);
  return then(cancel(s), (c) => {
    const cleared: StepMachine = { ...c, pass: null, phase: 'idle' };
    const before = parametersOf(c.config);
    const r = trainOne(cleared);
    if ('error' in r) return { state: cleared, effects: [{ kind: 'clear' }, { kind: 'error', text: r.error }] };
    const { state } = r;
    return {
      state,
      effects: [{ kind: 'clear' }, ...r.effects, { kind: 'stepSummary', epoch: state.epoch, loss: state.loss ?? NaN, norm: state.norm ?? NaN, before, after: paramsOf(state.config) }, { kind: 'parametersChanged' }],
    };
  });
}

/** Starts Run N epochs; `runFrame` trains them a frame at a time. */
export function runEpochs(s: StepMachine): Transition {
  if (s.invalid || busy(s)) return same(s);
  return then(cancel(s), (c) => {
    const run: Run = { total: c.config.epochs, first: c.epoch, done: 0, start: parametersOf(c.config), firstLoss: null, lastLoss: null };
    return { state: { ...c, pass: null, run, phase: 'running' }, effects: [{ kind: 'clear' }, { kind: 'runStart' }] };
  });
}

function finishRun(s: StepMachine, error: string | null): Transition {
  const run = s.run;
  if (run === null) return same(s);
  const effects: Effect[] = [{ kind: 'runEnd' }];
  if (error !== null) effects.push({ kind: 'error', text: error });
  if (run.done > 0) effects.push({ kind: 'runSummary', run, after: paramsOf(s.config) }, { kind: 'parametersChanged' });
  // No more epochs of this run.
  return { state: { ...s, token: s.token + 1, run: null, phase: 'idle' }, effects };
}

/**
 * Epochs of the run in flight, one at least, then as long as `more(trained so far)` says (the view
 * spreads a run over frames); the last epoch, or one that diverges, ends the run.
 */
export function runFrame(s: StepMachine, more: (trained: number) => boolean): Transition {
  let run = s.run;
  if (s.phase !== 'running' || run === null) return same(s);
  let cur = s;
  const effects: Effect[] = [];
  const losses: number[] = [];
  const norms: number[] = [];
  // The history is appended once a frame: a run of many epochs must not copy it once an epoch.
  const withHistory = (m: StepMachine, r: Run | null): StepMachine => ({ ...m, run: r, losses: [...s.losses, ...losses], norms: [...s.norms, ...norms] });
  // One network for the frame's epochs (building one an epoch halved the epochs a frame); plain
  // SGD keeps no state, so it computes what a network built from each epoch's config would.
  const trainer = new Trainer(cur.config);
  for (let n = 0; run.done < run.total && (n === 0 || more(n)); n++) {
    const { loss, norm, after } = trainer.step();
    const why = divergence(after, loss, norm);
    if (why !== null) {
      const ended = finishRun(withHistory(cur, run), diverged(cur.epoch, why));
      return { state: ended.state, effects: [...effects, ...ended.effects] };
    }
    effects.push({ kind: 'record', x: cur.epoch, loss, norm });
    losses.push(loss);
    norms.push(norm);
    cur = { ...cur, config: { ...cur.config, ...after }, epoch: cur.epoch + 1, loss, norm };
    run = { ...run, done: run.done + 1, firstLoss: run.firstLoss ?? loss, lastLoss: loss };
  }
  const next = withHistory(cur, run);
  if (run.done < run.total) return { state: next, effects: [...effects, { kind: 'runProgress' }] };
  const ended = finishRun(next, null);
  return { state: ended.state, effects: [...effects, ...ended.effects] };
}

/** One epoch of the run in flight. */
export function runEpoch(s: StepMachine): Transition {
  return runFrame(s, () => false);
}

export function stop(s: StepMachine): Transition {
  if (s.phase !== 'running' || s.run === null) return same(s);
  return finishRun(s, `Stopped after ${s.run.done} of ${s.run.total} epochs.`);
}

/**
 * The form changed. A new N only says how many epochs Run trains: it keeps the network, its
 * epochs, charts and the step in flight. Any other change starts again at epoch 0 with the new
 * settings; a setting that does not parse stops the step in flight and waits for a fix.
 */
export function setConfig(s: StepMachine, edit: Edit): Transition {
  const c0 = s.config;
  if (edit !== null && edit.activation === c0.activation && NETWORK_SETTINGS.every((k) => edit.values[k] === c0[k])) {
    const epochs = edit.values.epochs;
    return { state: { ...s, invalid: false, config: { ...c0, epochs }, start: { ...s.start, epochs } }, effects: [{ kind: 'changed' }] };
  }
  if (edit === null) return then(cancel(s), (c) => ({ state: { ...c, invalid: true, pass: null, phase: 'idle' }, effects: [{ kind: 'clearDiagram' }] }));
  const config: StepState = { ...edit.values, activation: edit.activation };
  return then(restart({ ...s, invalid: false, config, start: config }), (c) => ({ state: c, effects: [{ kind: 'changed' }] }));
}

/** Back to the configuration of the last edit, at epoch 0. */
export function reset(s: StepMachine): Transition {
  if (s.phase === 'running') return same(s);
  const inputs: Transition = { state: { ...s, config: s.start, invalid: false }, effects: [{ kind: 'inputs' }] };
  return then(then(inputs, restart), (c) => ({ state: c, effects: [{ kind: 'changed' }] }));
}
