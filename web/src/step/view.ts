/**
 * "Backprop, step by step": the reference tutorial live. One input, one hidden unit, one linear
 * output, L = ½(y − t)², one sample. Forward shows z1, h, y, L one after the other; Backward
 * sends the gradient from the loss back edge by edge with each chain-rule factor and the running
 * product; Update takes one SGD step; Step and Run N epochs train without the animation while
 * two charts grow. Every number comes from the library: the network is `tutorialNetwork`, the
 * gradients are autograd's, the chain-rule factors and formulas are `explain`'s, the update is
 * `SGD`'s step and the gradient norm is `gradNorm`.
 */
import {
  SGD,
  explain,
  formatFactor,
  formatValue,
  gradNorm,
  halfSquaredError,
  noGrad,
  tutorialNetwork,
  tutorialParameters,
  tutorialSample,
  type Explanation,
  type Factor,
  type Tensor,
  type TutorialParameters,
} from 'chainrule';
import { liveChart } from '../chart.js';
import { el } from '../dom.js';
import { LIMITS, STEP_ACTIVATIONS, type StepActivation, type StepState } from '../state.js';
import { createDerivation } from './derivation.js';
import { createDiagram, edgesInto, isEdgeId, type EdgeId, type GradTarget } from './diagram.js';
import './step.css';

export type Phase = 'idle' | 'forwarding' | 'forwarded' | 'backwarding' | 'backwarded' | 'updated' | 'running';

/** Pause between the forward values (ms). */
const FORWARD_DELAY = 250;
/** Pause between the edges of the backward pass (ms). */
const BACKWARD_DELAY = 350;
/** Run N epochs: spread over about this many frames, at most this many ms of work a frame. */
const RUN_FRAMES = 60;
const FRAME_BUDGET_MS = 10;

const PARAMS = ['w1', 'b1', 'w2', 'b2'] as const;
type ParamName = (typeof PARAMS)[number];
type NumberKey = 'x' | 't' | ParamName | 'lr' | 'epochs';

const ACTIVATION_LABELS: Record<StepActivation, string> = { sigmoid: 'sigmoid σ', tanh: 'tanh', relu: 'ReLU' };

const GRAD_TARGETS: ReadonlySet<string> = new Set<GradTarget>(['z1', 'h', 'y', 'w1', 'b1', 'w2', 'b2']);

/** The edge a local derivative ∂of/∂wrt runs along: a weight sits on its edge, other inputs are the edge's tail. */
function edgeOf(f: Factor): EdgeId | null {
  const id = f.wrt === 'w1' ? 'x-z1' : f.wrt === 'w2' ? 'h-y' : `${f.wrt}-${f.of}`;
  return isEdgeId(id) ? id : null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A number short enough for an input box (the exact value is kept aside). */
function short(v: number): string {
  return String(Number(v.toFixed(6)));
}

/** Text with U+2212 for each minus sign, as the library writes numbers. */
function minus(text: string): string {
  return text.replace(/-/g, '−');
}

/** The limits of the parameters, as text. */
const RANGE = minus(`${LIMITS.stepValue.min}…${LIMITS.stepValue.max}`);

/** A step: to 4 decimals, as every value, unless that would round a real step to 0 (a small η): then 3 significant digits. */
function stepText(v: number): string {
  return v !== 0 && Math.abs(v) < 0.00005 ? minus(String(Number(v.toPrecision(3)))) : formatValue(v);
}

/** A learning rate as written in a formula (0.1, 0.00001). */
function rate(v: number): string {
  return String(Number(v.toPrecision(6)));
}

function finite(p: TutorialParameters): boolean {
  return PARAMS.every((k) => Number.isFinite(p[k]));
}

/** The first parameter that is not a finite number within the limits of the inputs (and of links). */
function outOfLimits(p: TutorialParameters): ParamName | undefined {
  return PARAMS.find((k) => !(Number.isFinite(p[k]) && p[k] >= LIMITS.stepValue.min && p[k] <= LIMITS.stepValue.max));
}

function inLimits(p: TutorialParameters): boolean {
  return outOfLimits(p) === undefined;
}

/** The network, the sample and the optimizer of the current configuration, all from the library. */
class Trainer {
  private readonly model: ReturnType<typeof tutorialNetwork>;
  private readonly sample: { x: Tensor; y: Tensor };
  private readonly optimizer: SGD;

  constructor(config: StepState) {
    const options = { x: config.x, target: config.t, w1: config.w1, b1: config.b1, w2: config.w2, b2: config.b2, lr: config.lr, activation: config.activation };
    this.model = tutorialNetwork(options);
    this.sample = tutorialSample(options);
    this.optimizer = new SGD(this.model.parameters(), { lr: config.lr });
  }

  params(): TutorialParameters {
    return tutorialParameters(this.model);
  }

  /** The loss of one forward pass, its graph recorded. */
  forward(): Tensor {
    this.optimizer.zeroGrad();
    return halfSquaredError(this.model.forward(this.sample.x), this.sample.y);
  }

  /** Backpropagates into the parameters' .grad; returns the gradient norm √(Σ grad²). */
  backward(loss: Tensor): number {
    this.optimizer.zeroGrad();
    loss.backward();
    return gradNorm(this.model.parameters());
  }

  update(): void {
    this.optimizer.step();
  }

  /** One training step: forward, backward, update. */
  epoch(): { loss: number; norm: number } {
    const loss = this.forward();
    const norm = this.backward(loss);
    this.update();
    return { loss: loss.item(), norm };
  }
}

/** One edge of the backward animation: the factor multiplied in, the chain so far, and ∂L/∂target. */
interface BackStep {
  readonly factor: Factor;
  readonly chain: readonly Factor[];
  readonly target: string;
  readonly value: number;
}

/** The backward pass edge by edge from the loss: each node or parameter the first time a path reaches it. */
function backwardSteps(e: Explanation): BackStep[] {
  const seen = new Set<string>();
  const steps: BackStep[] = [];
  const nodeGrad = (name: string) => e.nodes.find((n) => n.name === name)?.grad?.item() ?? NaN;
  for (const g of e.gradients) {
    const path = g.paths[0];
    if (path === undefined) continue;
    path.factors.forEach((f, i) => {
      if (seen.has(f.wrt)) return;
      seen.add(f.wrt);
      const last = i === path.factors.length - 1;
      steps.push({ factor: f, chain: path.factors.slice(0, i + 1), target: f.wrt, value: last ? g.value : nodeGrad(f.wrt) });
    });
  }
  return steps;
}

const d = (of: string, wrt: string) => `∂${of}/∂${wrt}`;

export function mountStepView(root: HTMLElement, initial: StepState, onChange: (s: StepState) => void): void {
  root.classList.add('step-view');
  root.replaceChildren();

  let config: StepState = initial;
  /** The configuration at the last edit: what Reset goes back to. */
  let start: StepState = initial;
  let trainer = new Trainer(config);
  let phase: Phase = 'idle';
  /** An animation or a run is playing: Forward, Step and Run wait for it. */
  const busy = () => phase === 'forwarding' || phase === 'backwarding' || phase === 'running';
  /** Bumped to cancel an animation or a run in flight. */
  let token = 0;
  let epoch = 0;
  let invalid = false;
  /** The forward pass being played: its loss (graph recorded), the explanation and, after Backward, the gradient norm. */
  let pending: { loss: Tensor; e: Explanation; norm: number | null } | null = null;
  /** Ends the run in flight (Stop). */
  let stopRun: (() => void) | null = null;

  // ---- Layout ------------------------------------------------------------------------------
  const intro = el('p', { class: 'step-intro' });
  intro.textContent =
    'The reference tutorial, live: one input x, one hidden unit h = activation(w1·x + b1), a linear output y = w2·h + b2 and the loss L = ½(y − t)² on one sample. ' +
    'Press Forward, Backward and Update to watch one training step; Step and Run train without the animation.';
  const controls = el('form', { class: 'step-controls', 'aria-label': 'Network and training settings' });
  controls.addEventListener('submit', (ev) => ev.preventDefault());

  const main = el('div', { class: 'step-main' });
  const left = el('div', { class: 'step-col step-col-net' });
  const right = el('div', { class: 'step-col step-col-charts' });
  main.append(left, right);

  const diagramBox = el('div', { class: 'step-diagram-box' });
  const buttons = el('div', { class: 'step-buttons', role: 'group', 'aria-label': 'Training step' });
  const hint = el('p', { class: 'step-hint', id: 'step-hint' });
  const trace = el('div', { class: 'step-trace', id: 'step-trace', 'aria-live': 'polite' });
  left.append(diagramBox, buttons, hint, trace);

  const stats = el('dl', { class: 'step-stats' });
  const epochOut = el('dd', { id: 'step-epoch' }, '0');
  const lossOut = el('dd', { id: 'step-loss' }, '—');
  const normOut = el('dd', { id: 'step-gradnorm' }, '—');
  stats.append(el('dt', {}, 'Epochs trained'), epochOut, el('dt', {}, 'Latest loss L'), lossOut, el('dt', {}, 'Gradient norm ‖∇L‖'), normOut);
  const charts = el('div', { class: 'step-charts', id: 'step-charts' });
  right.append(stats, charts);

  const derivationPanel = el('section', { class: 'step-derivation', id: 'step-derivation', 'aria-labelledby': 'step-derivation-title' });
  derivationPanel.append(el('h2', { id: 'step-derivation-title' }, 'Derivation'));
  root.append(intro, controls, main, derivationPanel);

  // ---- Controls ----------------------------------------------------------------------------
  const inputs = {} as Record<NumberKey, HTMLInputElement>;
  const errors = {} as Record<NumberKey | 'activation', HTMLElement>;
  /** What each input was last given by the view: when it still reads that, the exact value is kept. */
  const shown = {} as Record<NumberKey, string>;

  const limitsOf = (key: NumberKey) => (key === 'lr' ? LIMITS.lr : key === 'epochs' ? LIMITS.epochs : LIMITS.stepValue);
  const fieldBox = (id: string, label: string, control: HTMLElement, errorKey: NumberKey | 'activation', note?: string) => {
    const wrap = el('div', { class: 'step-field' });
    const lab = el('label', { for: id }, label);
    if (note !== undefined) lab.append(' ', el('span', { class: 'step-note' }, note));
    const err = el('span', { class: 'step-error', id: `${id}-error` });
    err.hidden = true;
    errors[errorKey] = err;
    control.setAttribute('aria-describedby', err.id);
    wrap.append(lab, control, err);
    return wrap;
  };
  const numberField = (key: NumberKey, label: string, note?: string) => {
    const id = `step-${key}`;
    const lim = limitsOf(key);
    const input = el('input', { type: 'number', id, name: key, step: key === 'epochs' ? '1' : 'any', min: String(lim.min), max: String(lim.max), inputmode: key === 'epochs' ? 'numeric' : 'decimal', autocomplete: 'off' });
    inputs[key] = input;
    input.addEventListener('input', onEdit);
    return fieldBox(id, label, input, key, note);
  };
  const group = (legend: string, ...fields: HTMLElement[]) => {
    const fs = el('fieldset', { class: 'step-group' });
    fs.append(el('legend', {}, legend), ...fields);
    return fs;
  };
  const activation = el('select', { id: 'step-activation', name: 'activation' });
  for (const a of STEP_ACTIVATIONS) activation.append(el('option', { value: a }, ACTIVATION_LABELS[a]));
  activation.addEventListener('change', onEdit);
  controls.append(
    group('Sample', numberField('x', 'Input x'), numberField('t', 'Target t')),
    group('Parameters', numberField('w1', 'Weight w1'), numberField('b1', 'Bias b1'), numberField('w2', 'Weight w2'), numberField('b2', 'Bias b2')),
    group('Training', numberField('lr', 'Learning rate η'), fieldBox('step-activation', 'Hidden activation', activation, 'activation'), numberField('epochs', 'Epochs N')),
  );

  /** The button last pressed, and whether focus is among the buttons (where keyboard users work through a step). */
  let lastPressed: HTMLButtonElement | null = null;
  let focusInButtons = false;
  // Focus can wait on the group while its buttons are busy (a disabled button loses focus).
  buttons.tabIndex = -1;
  buttons.addEventListener('focusin', () => (focusInButtons = true));
  document.addEventListener('focusin', (ev) => {
    if (!(ev.target instanceof Node && buttons.contains(ev.target))) focusInButtons = false;
  });
  const button = (id: string, label: string, onClick: () => void, cls = '') => {
    const b = el('button', { type: 'button', id, class: cls }, label);
    b.addEventListener('click', () => {
      lastPressed = b;
      onClick();
    });
    buttons.append(b);
    return b;
  };
  const forwardBtn = button('step-forward', 'Forward', () => void doForward(), 'primary');
  const backwardBtn = button('step-backward', 'Backward', () => void doBackward(), 'primary');
  const updateBtn = button('step-update', 'Update', doUpdate, 'primary');
  buttons.append(el('span', { class: 'step-sep', 'aria-hidden': 'true' }));
  const stepBtn = button('step-step', 'Step', doStep);
  const runBtn = button('step-run', 'Run N epochs', doRun);
  const stopBtn = button('step-stop', 'Stop', () => stopRun?.());
  const resetBtn = button('step-reset', 'Reset', doReset);
  resetBtn.title = 'Back to the parameters of the last edit, epoch 0';

  const diagram = createDiagram(diagramBox);
  const derivation = createDerivation(derivationPanel);
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

  // ---- State display -----------------------------------------------------------------------
  const setInputs = (s: StepState, keys: readonly NumberKey[] = ['x', 't', ...PARAMS, 'lr', 'epochs']) => {
    for (const k of keys) {
      const v = s[k];
      shown[k] = k === 'epochs' ? String(v) : short(v);
      inputs[k].value = shown[k];
    }
    activation.value = s.activation;
  };

  const runLabel = (n: number) => `Run ${n} epoch${n === 1 ? '' : 's'}`;

  const showParams = () => {
    const p = { w1: formatValue(config.w1), b1: formatValue(config.b1), w2: formatValue(config.w2), b2: formatValue(config.b2) };
    diagram.setParams(p);
  };

  const showConfig = () => {
    diagram.setSample(formatFactor(config.x), formatFactor(config.t));
    diagram.setActivation(config.activation);
    showParams();
    runBtn.textContent = runLabel(config.epochs);
  };

  const showDerivation = () => {
    try {
      const t = new Trainer(config);
      const e = explain(t.forward(), { lr: config.lr });
      const p = PARAMS.map((k) => `${k} = ${formatValue(config[k])}`).join(', ');
      derivation.show(e, `For the current parameters (${p}) after ${epoch} epoch${epoch === 1 ? '' : 's'}, with x = ${formatFactor(config.x)}, t = ${formatFactor(config.t)} and η = ${rate(config.lr)}.`);
    } catch (err) {
      derivation.message(`No derivation for these values: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const HINTS: Record<Phase, string> = {
    idle: 'Press Forward to compute the output y and the loss L for the sample.',
    forwarding: 'Forward pass: each value from the one before it…',
    forwarded: 'Press Backward to send ∂L/∂y back through the network, edge by edge.',
    backwarding: 'Backward pass: multiplying the local derivatives along each path…',
    backwarded: 'Press Update to move every parameter a step against its gradient.',
    updated: 'The parameters changed: press Forward for the next epoch, or Step / Run to train on.',
    running: 'Training…',
  };

  const setButtons = () => {
    const blocked = busy() || invalid;
    forwardBtn.disabled = blocked;
    backwardBtn.disabled = invalid || phase !== 'forwarded';
    updateBtn.disabled = invalid || phase !== 'backwarded';
    stepBtn.disabled = blocked;
    runBtn.disabled = blocked;
    stopBtn.hidden = phase !== 'running';
    resetBtn.disabled = phase === 'running';
    keepFocus();
  };

  /**
   * When the focused button was just disabled or hidden, focus moves on to the button for what
   * comes next (Forward → Backward → Update → Forward; Run → Stop → Run), or waits on the group
   * while everything is busy, so keyboard users never drop back to the top of the page.
   */
  const keepFocus = () => {
    if (!focusInButtons) return;
    const active = document.activeElement;
    const stranded = active === null || active === document.body || active === buttons || (active instanceof HTMLButtonElement && buttons.contains(active) && (active.disabled || active.hidden));
    if (!stranded) return;
    const usable = (b: HTMLButtonElement | null): b is HTMLButtonElement => b !== null && !b.disabled && !b.hidden;
    const animating = phase === 'forwarding' || phase === 'backwarding';
    const next =
      phase === 'forwarded' ? backwardBtn
      : phase === 'backwarded' ? updateBtn
      : phase === 'running' ? stopBtn
      : phase === 'updated' ? forwardBtn
      : lastPressed === stopBtn ? runBtn
      : lastPressed;
    const target = animating ? null : [next, forwardBtn, stepBtn, runBtn, resetBtn].find(usable);
    // Without scrolling: a mouse user may be reading the derivation meanwhile.
    (target ?? buttons).focus({ preventScroll: true });
  };

  const setPhase = (p: Phase) => {
    phase = p;
    root.dataset['phase'] = p;
    hint.textContent = invalid ? 'Fix the highlighted setting to continue.' : HINTS[p];
    setButtons();
  };

  const showStats = (loss: number | null, norm: number | null) => {
    epochOut.textContent = String(epoch);
    if (loss !== null) lossOut.textContent = formatValue(loss);
    if (norm !== null) normOut.textContent = formatValue(norm);
  };

  /** A titled block of lines in the trace panel. */
  const traceBlock = (title: string) => {
    const block = el('section', { class: 'step-trace-block' });
    block.append(el('h3', {}, title));
    const list = el('ol', { class: 'step-lines' });
    block.append(list);
    trace.append(block);
    return list;
  };
  const traceMessage = (text: string, cls = 'step-message') => {
    trace.append(el('p', { class: cls }, text));
  };

  const cancel = () => {
    token++;
    stopRun = null;
    derivation.mark([]);
  };

  /** Back to epoch 0 with the current configuration: a new network, charts and trace cleared. */
  const reset = () => {
    cancel();
    trainer = new Trainer(config);
    pending = null;
    epoch = 0;
    lossChart.reset();
    normChart.reset();
    lossOut.textContent = '—';
    normOut.textContent = '—';
    showStats(null, null);
    trace.replaceChildren();
    diagram.clear();
    showConfig();
    showDerivation();
    setPhase('idle');
  };

  /** Records a finished epoch: charts, counter. */
  const record = (loss: number, norm: number) => {
    lossChart.push(epoch, [loss]);
    normChart.push(epoch, [norm]);
    epoch++;
    showStats(loss, norm);
    scheduleDraw();
  };

  /** After the parameters changed: inputs, diagram, derivation and the URL follow. */
  const parametersChanged = () => {
    setInputs(config, PARAMS);
    showParams();
    showDerivation();
    onChange(config);
  };

  /** One epoch without animation; an update that would leave the parameters unusable is undone. */
  const trainOne = (): { loss: number; norm: number; before: TutorialParameters } | { error: string } => {
    const before = trainer.params();
    const { loss, norm } = trainer.epoch();
    const after = trainer.params();
    if (!Number.isFinite(loss) || !Number.isFinite(norm) || !inLimits(after)) {
      trainer = new Trainer(config);
      const bad = outOfLimits(after);
      const why = !finite(after) || bad === undefined ? 'the values stopped being finite numbers' : `${bad} would become ${minus(after[bad].toPrecision(4))}, outside ${RANGE}`;
      return { error: `Stopped before epoch ${epoch + 1}: ${why}. The training diverges: lower the learning rate η.` };
    }
    config = { ...config, ...after };
    record(loss, norm);
    return { loss, norm, before };
  };

  // ---- Editing -----------------------------------------------------------------------------
  function readField(key: NumberKey): number | string {
    const input = inputs[key];
    const raw = input.value.trim();
    if (raw === shown[key] && key !== 'epochs') return config[key];
    const lim = limitsOf(key);
    const n = raw === '' ? NaN : Number(raw);
    const range = `from ${minus(String(lim.min))} to ${lim.max}`;
    if (key === 'epochs') {
      if (!Number.isInteger(n) || n < lim.min || n > lim.max) return `Enter a whole number ${range}.`;
      return n;
    }
    if (!Number.isFinite(n) || n < lim.min || n > lim.max) return `Enter a number ${range}.`;
    return n;
  }

  function onEdit(): void {
    const values = {} as Record<NumberKey, number>;
    let ok = true;
    for (const key of Object.keys(inputs) as NumberKey[]) {
      const v = readField(key);
      const err = errors[key];
      const input = inputs[key];
      if (typeof v === 'string') {
        ok = false;
        err.textContent = v;
        err.hidden = false;
        input.setAttribute('aria-invalid', 'true');
      } else {
        values[key] = v;
        err.textContent = '';
        err.hidden = true;
        input.removeAttribute('aria-invalid');
      }
    }
    const act = activation.value as StepActivation;
    if (!(STEP_ACTIVATIONS as readonly string[]).includes(act)) ok = false;
    // N only says how many epochs Run trains: a new N keeps the network, its epochs, charts and the step in flight.
    if (ok && act === config.activation && (Object.keys(values) as NumberKey[]).every((k) => k === 'epochs' || values[k] === config[k])) {
      config = { ...config, epochs: values.epochs };
      start = { ...start, epochs: values.epochs };
      runBtn.textContent = runLabel(config.epochs);
      if (invalid) {
        invalid = false;
        setPhase(phase);
      }
      onChange(config);
      return;
    }
    // The step in flight belonged to the old settings.
    cancel();
    if (!ok) {
      invalid = true;
      pending = null;
      diagram.clear();
      setPhase('idle');
      return;
    }
    invalid = false;
    for (const key of Object.keys(values) as NumberKey[]) if (values[key] !== config[key]) shown[key] = inputs[key].value.trim();
    config = { ...values, activation: act };
    start = config;
    reset();
    onChange(config);
  }

  function doReset(): void {
    config = start;
    invalid = false;
    for (const k of Object.keys(errors) as (NumberKey | 'activation')[]) {
      errors[k].hidden = true;
      errors[k].textContent = '';
    }
    for (const input of Object.values(inputs)) input.removeAttribute('aria-invalid');
    setInputs(config);
    reset();
    onChange(config);
  }

  // ---- Forward / Backward / Update ---------------------------------------------------------
  async function doForward(): Promise<void> {
    if (invalid || busy()) return;
    cancel();
    const my = token;
    diagram.clear();
    trace.replaceChildren();
    let loss: Tensor;
    let e: Explanation;
    try {
      loss = trainer.forward();
      e = explain(loss, { lr: config.lr });
    } catch (err) {
      traceMessage(`The forward pass failed: ${err instanceof Error ? err.message : String(err)}`, 'step-error-box');
      setPhase('idle');
      return;
    }
    pending = { loss, e, norm: null };
    setPhase('forwarding');
    const list = traceBlock(`Forward pass (epoch ${epoch + 1})`);
    for (const [i, f] of e.forward.entries()) {
      if (i > 0) {
        await sleep(FORWARD_DELAY);
        if (my !== token) return;
      }
      const value = formatValue(f.value.item());
      const sub = f.substituted;
      const li = el('li', { class: 'step-line' });
      li.append(`${f.name} = ${f.formula.text}${sub === null || sub.text === f.formula.text ? '' : ` = ${sub.text}`} = `, el('span', { class: 'step-num', 'data-value': f.name }, value));
      list.append(li);
      if (f.name === 'z1' || f.name === 'h' || f.name === 'y' || f.name === 'L') diagram.setValue(f.name, value);
      diagram.highlight(edgesInto(f.name), 'forward', [f.name as 'z1']);
      derivation.mark([`forward:${f.name}`]);
    }
    showStats(e.forward.at(-1)?.value.item() ?? null, null);
    setPhase('forwarded');
  }

  async function doBackward(): Promise<void> {
    const p = pending;
    if (p === null || invalid || phase !== 'forwarded') return;
    cancel();
    const my = token;
    setPhase('backwarding');
    try {
      p.norm = trainer.backward(p.loss);
    } catch (err) {
      traceMessage(`The backward pass failed: ${err instanceof Error ? err.message : String(err)}`, 'step-error-box');
      pending = null;
      setPhase('idle');
      return;
    }
    const list = traceBlock('Backward pass (chain rule, from the loss back)');
    const steps = backwardSteps(p.e);
    for (const [i, s] of steps.entries()) {
      if (i > 0) {
        await sleep(BACKWARD_DELAY);
        if (my !== token) return;
      }
      const value = formatValue(s.value);
      const li = el('li', { class: 'step-line' });
      const lhs = d(p.e.loss, s.target);
      if (s.chain.length === 1) {
        li.append(`${lhs} = ${s.factor.formula.text} = `);
      } else {
        const symbolic = s.chain.map((f) => d(f.of, f.wrt)).join(' · ');
        const numeric = s.chain.map((f) => `(${formatFactor(f.value)})`).join('');
        li.append(`${lhs} = ${symbolic} = ${numeric} = `);
      }
      li.append(el('span', { class: 'step-num grad', 'data-grad': s.target }, value));
      if (s.chain.length > 1) {
        const local = s.factor;
        const v = formatFactor(local.value);
        const same = local.formula.text === v || local.formula.text === v.replace('−', '-');
        li.append(el('span', { class: 'step-local' }, `new factor ${d(local.of, local.wrt)} = ${same ? v : `${local.formula.text} = ${v}`}`));
      }
      list.append(li);
      const edge = edgeOf(s.factor);
      const target = s.target;
      diagram.highlight(edge === null ? [] : [edge], 'backward', [target as 'h']);
      if (GRAD_TARGETS.has(target)) diagram.setGrad(target as GradTarget, value);
      derivation.mark([`local:${s.factor.of}/${s.factor.wrt}`, `grad:${target}`]);
    }
    if (p.norm !== null) {
      normOut.textContent = formatValue(p.norm);
      traceMessage(`Gradient norm ‖∇L‖ = √(∂L/∂w1² + ∂L/∂b1² + ∂L/∂w2² + ∂L/∂b2²) = ${formatValue(p.norm)}`, 'step-message step-norm');
    }
    setPhase('backwarded');
  }

  function doUpdate(): void {
    const p = pending;
    if (p === null || p.norm === null || invalid || phase !== 'backwarded') return;
    cancel();
    const before = trainer.params();
    trainer.update();
    const after = trainer.params();
    if (!inLimits(after)) {
      trainer = new Trainer(config);
      const bad = outOfLimits(after) ?? 'a parameter';
      traceMessage(`Update refused: ${bad} would leave ${RANGE}. Lower the learning rate η.`, 'step-error-box');
      pending = null;
      setPhase('idle');
      return;
    }
    config = { ...config, ...after };
    record(p.loss.item(), p.norm);
    const block = traceBlock(`Update: p ← p − η·∂L/∂p with η = ${rate(config.lr)}`);
    const table = el('table', { class: 'step-update-table' });
    const head = el('tr');
    for (const h of ['p', 'old', 'step −η·∂L/∂p', 'new']) head.append(el('th', { scope: 'col' }, h));
    table.append(el('thead'), el('tbody'));
    table.tHead!.append(head);
    const byName = new Map(p.e.updates.map((u) => [u.name, u]));
    for (const name of PARAMS) {
      const u = byName.get(name);
      if (u === undefined) continue;
      const stepValue = noGrad(() => u.grad.mul(-config.lr)).item();
      const tr = el('tr');
      tr.append(
        el('th', { scope: 'row' }, name),
        el('td', { 'data-old': name }, formatValue(before[name])),
        el('td', { class: 'step-calc' }, `−${rate(config.lr)}·(${formatFactor(u.grad.item())}) = ${stepValue > 0 ? '+' : ''}${stepText(stepValue)}`),
        el('td', { 'data-new': name, class: 'step-new' }, formatValue(after[name])),
      );
      table.tBodies[0]!.append(tr);
    }
    block.replaceWith(table);
    diagram.highlight([], 'forward');
    diagram.setStale(true);
    parametersChanged();
    pending = null;
    setPhase('updated');
  }

  // ---- Step / Run --------------------------------------------------------------------------
  function doStep(): void {
    if (invalid || busy()) return;
    cancel();
    pending = null;
    diagram.clear();
    trace.replaceChildren();
    const r = trainOne();
    if ('error' in r) {
      traceMessage(r.error, 'step-error-box');
    } else {
      const list = traceBlock(`Step: epoch ${epoch} (forward, backward and update at once)`);
      list.append(el('li', { class: 'step-line' }, `L = ${formatValue(r.loss)}, ‖∇L‖ = ${formatValue(r.norm)}`));
      for (const k of PARAMS) list.append(el('li', { class: 'step-line' }, `${k}: ${formatValue(r.before[k])} → ${formatValue(config[k])}`));
      parametersChanged();
    }
    setPhase('idle');
  }

  function doRun(): void {
    if (invalid || busy()) return;
    cancel();
    const my = token;
    pending = null;
    diagram.clear();
    trace.replaceChildren();
    const total = config.epochs;
    const first = epoch;
    const perFrame = Math.max(1, Math.ceil(total / RUN_FRAMES));
    let done = 0;
    const startParams = trainer.params();
    let firstLoss: number | null = null;
    let lastLoss: number | null = null;
    const progress = el('p', { class: 'step-message', role: 'status' });
    trace.append(progress);
    const finish = (error: string | null) => {
      if (my !== token) return;
      // No more ticks of this run.
      token++;
      stopRun = null;
      progress.remove();
      if (error !== null) traceMessage(error, 'step-error-box');
      if (done > 0) {
        const list = traceBlock(`Trained ${done} epoch${done === 1 ? '' : 's'} (epochs ${first + 1}–${first + done})`);
        list.append(el('li', { class: 'step-line' }, `L: ${formatValue(firstLoss ?? NaN)} → ${formatValue(lastLoss ?? NaN)} (the loss of each epoch's forward pass, before its update)`));
        for (const k of PARAMS) list.append(el('li', { class: 'step-line' }, `${k}: ${formatValue(startParams[k])} → ${formatValue(config[k])}`));
        parametersChanged();
      }
      setPhase('idle');
    };
    stopRun = () => finish(`Stopped after ${done} of ${total} epochs.`);
    setPhase('running');
    const tick = () => {
      if (my !== token) return;
      const t0 = performance.now();
      let n = 0;
      while (done < total && n < perFrame && (n === 0 || performance.now() - t0 < FRAME_BUDGET_MS)) {
        const r = trainOne();
        if ('error' in r) {
          finish(r.error);
          return;
        }
        firstLoss ??= r.loss;
        lastLoss = r.loss;
        done++;
        n++;
      }
      setInputs(config, PARAMS);
      showParams();
      progress.textContent = `Training: epoch ${epoch} (${done} of ${total})…`;
      if (done < total) requestAnimationFrame(tick);
      else finish(null);
    };
    requestAnimationFrame(tick);
  }

  // ---- Start -------------------------------------------------------------------------------
  setInputs(config);
  reset();
}
