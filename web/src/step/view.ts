/**
 * "Backprop, step by step": the reference tutorial live. One input, one hidden unit, one linear
 * output, L = ½(y − t)², one sample. Forward shows z1, h, y, L one after the other; Backward
 * sends the gradient from the loss back edge by edge with each chain-rule factor and the running
 * product; Update takes one SGD step; Step and Run N epochs train without the animation while
 * two charts grow. What happens is the state machine's (`machine.ts`); this file lays the view
 * out, performs the machine's effects, paces the animations and shows the state.
 */
import { formatFactor, formatValue, type Factor } from 'chainrule';
import { liveChart } from '../chart.js';
import { el } from '../dom.js';
import type { StepState } from '../state.js';
import { createButtons, type StepAction } from './buttons.js';
import { createControls } from './controls.js';
import { createDerivation } from './derivation.js';
import { createDiagram, edgesInto, isEdgeId, type EdgeId, type GradTarget } from './diagram.js';
import { advance, backward, create, forward, reset, runEpochs, runFrame, setConfig, step, stop, update, type Effect, type Phase, type StepMachine, type Transition } from './machine.js';
import { createTrace, rate } from './trace.js';
import { PARAMS, explainForward } from './trainer.js';
import './step.css';

export type { Phase } from './machine.js';

/** Pause between the forward values (ms). */
const FORWARD_DELAY = 250;
/** Pause between the edges of the backward pass (ms). */
const BACKWARD_DELAY = 350;
/** Run N epochs: spread over about this many frames, at most this many ms of work a frame. */
const RUN_FRAMES = 60;
const FRAME_BUDGET_MS = 10;

const GRAD_TARGETS: ReadonlySet<string> = new Set<GradTarget>(['z1', 'h', 'y', 'w1', 'b1', 'w2', 'b2']);

const HINTS: Record<Phase, string> = {
  idle: 'Press Forward to compute the output y and the loss L for the sample.',
  forwarding: 'Forward pass: each value from the one before it…',
  forwarded: 'Press Backward to send ∂L/∂y back through the network, edge by edge.',
  backwarding: 'Backward pass: multiplying the local derivatives along each path…',
  backwarded: 'Press Update to move every parameter a step against its gradient.',
  updated: 'The parameters changed: press Forward for the next epoch, or Step / Run to train on.',
  running: 'Training…',
};

/** The edge a local derivative ∂of/∂wrt runs along: a weight sits on its edge, other inputs are the edge's tail. */
function edgeOf(f: Factor): EdgeId | null {
  const id = f.wrt === 'w1' ? 'x-z1' : f.wrt === 'w2' ? 'h-y' : `${f.wrt}-${f.of}`;
  return isEdgeId(id) ? id : null;
}

export function mountStepView(root: HTMLElement, initial: StepState, onChange: (s: StepState) => void): void {
  root.classList.add('step-view');
  root.replaceChildren();

  // ---- Layout ------------------------------------------------------------------------------
  const intro = el('p', { class: 'step-intro' });
  intro.textContent =
    'The reference tutorial, live: one input x, one hidden unit h = activation(w1·x + b1), a linear output y = w2·h + b2 and the loss L = ½(y − t)² on one sample. ' +
    'Press Forward, Backward and Update to watch one training step; Step and Run train without the animation.';
  const form = el('form', { class: 'step-controls', 'aria-label': 'Network and training settings' });

  const main = el('div', { class: 'step-main' });
  const left = el('div', { class: 'step-col step-col-net' });
  const right = el('div', { class: 'step-col step-col-charts' });
  main.append(left, right);

  const diagramBox = el('div', { class: 'step-diagram-box' });
  const buttonGroup = el('div', { class: 'step-buttons', role: 'group', 'aria-label': 'Training step' });
  const hint = el('p', { class: 'step-hint', id: 'step-hint' });
  const traceBox = el('div', { class: 'step-trace', id: 'step-trace', 'aria-live': 'polite' });
  left.append(diagramBox, buttonGroup, hint, traceBox);

  const stats = el('dl', { class: 'step-stats' });
  const epochOut = el('dd', { id: 'step-epoch' }, '0');
  const lossOut = el('dd', { id: 'step-loss' }, '—');
  const normOut = el('dd', { id: 'step-gradnorm' }, '—');
  stats.append(el('dt', {}, 'Epochs trained'), epochOut, el('dt', {}, 'Latest loss L'), lossOut, el('dt', {}, 'Gradient norm ‖∇L‖'), normOut);
  const charts = el('div', { class: 'step-charts', id: 'step-charts' });
  right.append(stats, charts);

  const derivationPanel = el('section', { class: 'step-derivation', id: 'step-derivation', 'aria-labelledby': 'step-derivation-title' });
  derivationPanel.append(el('h2', { id: 'step-derivation-title' }, 'Derivation'));
  root.append(intro, form, main, derivationPanel);

  // ---- Parts -------------------------------------------------------------------------------
  let state: StepMachine;
  const controls = createControls(form, () => dispatch(setConfig(state, controls.read(state.config))));
  const ACTIONS: Record<StepAction, (s: StepMachine) => Transition> = { forward, backward, update, step, run: runEpochs, stop, reset };
  const buttons = createButtons(buttonGroup, (action) => dispatch(ACTIONS[action](state)));
  const diagram = createDiagram(diagramBox);
  const derivation = createDerivation(derivationPanel);
  const trace = createTrace(traceBox);
  const lossChart = liveChart(charts, 'Loss per epoch', [{ label: 'L', color: '#0877bd' }], { yLabel: 'L' });
  const normChart = liveChart(charts, 'Gradient norm per epoch', [{ label: '‖∇L‖', color: '#c2410c' }], { yLabel: '‖∇L‖' });
  let drawQueued = false;
  const scheduleDraw = () => {
    if (drawQueued) return;
    drawQueued = true;
    requestAnimationFrame(() => {
      drawQueued = false;
      lossChart.draw();
      normChart.draw();
    });
  };

  // ---- Showing the state -------------------------------------------------------------------
  const showParams = () => {
    const c = state.config;
    diagram.setParams({ w1: formatValue(c.w1), b1: formatValue(c.b1), w2: formatValue(c.w2), b2: formatValue(c.b2) });
  };

  const showConfig = () => {
    diagram.setSample(formatFactor(state.config.x), formatFactor(state.config.t));
    diagram.setActivation(state.config.activation);
    showParams();
  };

  const showDerivation = () => {
    const { config, epoch } = state;
    try {
      const { e } = explainForward(config);
      const p = PARAMS.map((k) => `${k} = ${formatValue(config[k])}`).join(', ');
      derivation.show(e, `For the current parameters (${p}) after ${epoch} epoch${epoch === 1 ? '' : 's'}, with x = ${formatFactor(config.x)}, t = ${formatFactor(config.t)} and η = ${rate(config.lr)}.`);
    } catch (err) {
      derivation.message(`No derivation for these values: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const render = () => {
    root.dataset['phase'] = state.phase;
    hint.textContent = state.invalid ? 'Fix the highlighted setting to continue.' : HINTS[state.phase];
    epochOut.textContent = String(state.epoch);
    lossOut.textContent = state.loss === null ? '—' : formatValue(state.loss);
    normOut.textContent = state.norm === null ? '—' : formatValue(state.norm);
    buttons.render(state);
  };

  const perform = (effect: Effect) => {
    switch (effect.kind) {
      case 'unmark':
        return derivation.mark([]);
      case 'clear':
        trace.clear();
        return diagram.clear();
      case 'clearDiagram':
        return diagram.clear();
      case 'error':
        return trace.error(effect.text);
      case 'forwardBlock':
        return trace.forwardBlock(effect.epoch);
      case 'forwardValue': {
        const f = state.pass?.e.forward[effect.index];
        if (f === undefined) return;
        const value = trace.forwardLine(f);
        if (f.name === 'z1' || f.name === 'h' || f.name === 'y' || f.name === 'L') diagram.setValue(f.name, value);
        diagram.highlight(edgesInto(f.name), 'forward', [f.name as 'z1']);
        return derivation.mark([`forward:${f.name}`]);
      }
      case 'backwardBlock':
        return trace.backwardBlock();
      case 'backwardEdge': {
        const pass = state.pass;
        const s = pass?.steps?.[effect.index];
        if (pass === null || s === undefined) return;
        const value = trace.backwardLine(pass.e.loss, s);
        const edge = edgeOf(s.factor);
        diagram.highlight(edge === null ? [] : [edge], 'backward', [s.target as 'h']);
        if (GRAD_TARGETS.has(s.target)) diagram.setGrad(s.target as GradTarget, value);
        return derivation.mark([`local:${s.factor.of}/${s.factor.wrt}`, `grad:${s.target}`]);
      }
      case 'norm':
        return trace.norm(effect.value);
      case 'record':
        lossChart.push(effect.x, [effect.loss]);
        normChart.push(effect.x, [effect.norm]);
        return scheduleDraw();
      case 'updateTable':
        trace.updateTable(effect.lr, effect.before, effect.after, effect.rows);
        diagram.highlight([], 'forward');
        return diagram.setStale(true);
      case 'stepSummary':
        return trace.stepSummary(effect.epoch, effect.loss, effect.norm, effect.before, effect.after);
      case 'runStart':
        return trace.startProgress();
      case 'runProgress':
        controls.show(state.config, PARAMS);
        showParams();
        return trace.progress(`Training: epoch ${state.epoch} (${state.run?.done ?? 0} of ${state.run?.total ?? 0})…`);
      case 'runEnd':
        return trace.endProgress();
      case 'runSummary':
        return trace.runSummary(effect.run, effect.after);
      case 'parametersChanged':
        controls.show(state.config, PARAMS);
        showParams();
        showDerivation();
        return onChange(state.config);
      case 'reset':
        lossChart.reset();
        normChart.reset();
        trace.clear();
        diagram.clear();
        showConfig();
        return showDerivation();
      case 'inputs':
        controls.clearErrors();
        return controls.show(state.config);
      case 'changed':
        return onChange(state.config);
    }
  };

  // ---- Pacing: one timer for an animation, one frame callback for a run ---------------------
  let timer: ReturnType<typeof setTimeout> | null = null;
  let frame: number | null = null;
  const pace = (cancelled: boolean) => {
    if (cancelled) {
      if (timer !== null) clearTimeout(timer);
      if (frame !== null) cancelAnimationFrame(frame);
      timer = frame = null;
    }
    const animating = state.phase === 'forwarding' || state.phase === 'backwarding';
    if (animating && timer === null) {
      timer = setTimeout(() => {
        timer = null;
        dispatch(advance(state));
      }, state.phase === 'forwarding' ? FORWARD_DELAY : BACKWARD_DELAY);
    }
    if (state.phase === 'running' && frame === null) frame = requestAnimationFrame(tick);
  };
  const tick = () => {
    frame = null;
    const perFrame = Math.max(1, Math.ceil((state.run?.total ?? 1) / RUN_FRAMES));
    const t0 = performance.now();
    dispatch(runFrame(state, (n) => n < perFrame && performance.now() - t0 < FRAME_BUDGET_MS));
  };

  function dispatch(t: Transition): void {
    const cancelled = t.state.token !== state.token;
    state = t.state;
    for (const effect of t.effects) perform(effect);
    render();
    pace(cancelled);
  }

  // ---- Start -------------------------------------------------------------------------------
  const first = create(initial);
  state = first.state;
  dispatch(first);
}
