/**
 * The step view's trace panel: the lines of the forward and backward passes, the update table and
 * the summaries of Step and Run, in the words and number formats of the reference tutorial.
 */
import { formatFactor, formatValue, type Explanation, type TutorialParameters } from 'chainrule';
import { el } from '../dom.js';
import type { Run } from './machine.js';
import { PARAMS, minus, type BackStep, type UpdateRow } from './trainer.js';

type ForwardEntry = Explanation['forward'][number];

const d = (of: string, wrt: string) => `∂${of}/∂${wrt}`;

/** A learning rate as written in a formula (0.1, 0.00001). */
export function rate(v: number): string {
  return String(Number(v.toPrecision(6)));
}

/** A step: to 4 decimals, as every value, unless that would round a real step to 0 (a small η): then 3 significant digits. */
function stepText(v: number): string {
  return v !== 0 && Math.abs(v) < 0.00005 ? minus(String(Number(v.toPrecision(3)))) : formatValue(v);
}

export interface Trace {
  clear(): void;
  message(text: string, cls?: string): void;
  error(text: string): void;
  forwardBlock(epoch: number): void;
  /** Writes a forward value; returns it as shown. */
  forwardLine(f: ForwardEntry): string;
  backwardBlock(): void;
  /** Writes a backward edge; returns ∂L/∂target as shown. */
  backwardLine(loss: string, s: BackStep): string;
  norm(value: number): void;
  updateTable(lr: number, before: TutorialParameters, after: TutorialParameters, rows: readonly UpdateRow[]): void;
  stepSummary(epoch: number, loss: number, norm: number, before: TutorialParameters, after: TutorialParameters): void;
  /** The status line of a run in flight: a new one, then its text. */
  startProgress(): void;
  progress(text: string): void;
  endProgress(): void;
  runSummary(run: Run, after: TutorialParameters): void;
}

export function createTrace(trace: HTMLElement): Trace {
  /** The list of the block last opened. */
  let list = el('ol');
  let progress: HTMLElement | null = null;

  const block = (title: string) => {
    const section = el('section', { class: 'step-trace-block' });
    section.append(el('h3', {}, title));
    list = el('ol', { class: 'step-lines' });
    section.append(list);
    trace.append(section);
    return list;
  };
  const line = (text: string) => list.append(el('li', { class: 'step-line' }, text));
  const paramLines = (before: TutorialParameters, after: TutorialParameters) => {
    for (const k of PARAMS) line(`${k}: ${formatValue(before[k])} → ${formatValue(after[k])}`);
  };
  const message = (text: string, cls = 'step-message') => {
    trace.append(el('p', { class: cls }, text));
  };

  return {
    clear: () => trace.replaceChildren(),
    message,
    error: (text) => message(text, 'step-error-box'),
    forwardBlock: (epoch) => void block(`Forward pass (epoch ${epoch})`),
    forwardLine(f) {
      const value = formatValue(f.value.item());
      const sub = f.substituted;
      const li = el('li', { class: 'step-line' });
      li.append(`${f.name} = ${f.formula.text}${sub === null || sub.text === f.formula.text ? '' : ` = ${sub.text}`} = `, el('span', { class: 'step-num', 'data-value': f.name }, value));
      list.append(li);
      return value;
    },
    backwardBlock: () => void block('Backward pass (chain rule, from the loss back)'),
    backwardLine(loss, s) {
      const value = formatValue(s.value);
      const li = el('li', { class: 'step-line' });
      const lhs = d(loss, s.target);
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
      return value;
    },
    norm: (value) => message(`Gradient norm ‖∇L‖ = √(∂L/∂w1² + ∂L/∂b1² + ∂L/∂w2² + ∂L/∂b2²) = ${formatValue(value)}`, 'step-message step-norm'),
    updateTable(lr, before, after, rows) {
      const lines = block(`Update: p ← p − η·∂L/∂p with η = ${rate(lr)}`);
      const table = el('table', { class: 'step-update-table' });
      const head = el('tr');
      for (const h of ['p', 'old', 'step −η·∂L/∂p', 'new']) head.append(el('th', { scope: 'col' }, h));
      const thead = el('thead');
      const tbody = el('tbody');
      thead.append(head);
      table.append(thead, tbody);
      for (const { name, grad, step } of rows) {
        const tr = el('tr');
        tr.append(
          el('th', { scope: 'row' }, name),
          el('td', { 'data-old': name }, formatValue(before[name])),
          el('td', { class: 'step-calc' }, `−${rate(lr)}·(${formatFactor(grad)}) = ${step > 0 ? '+' : ''}${stepText(step)}`),
          el('td', { 'data-new': name, class: 'step-new' }, formatValue(after[name])),
        );
        tbody.append(tr);
      }
      lines.replaceWith(table);
    },
    stepSummary(epoch, loss, norm, before, after) {
      block(`Step: epoch ${epoch} (forward, backward and update at once)`);
      line(`L = ${formatValue(loss)}, ‖∇L‖ = ${formatValue(norm)}`);
      paramLines(before, after);
    },
    startProgress() {
      progress = el('p', { class: 'step-message', role: 'status' });
      trace.append(progress);
    },
    progress(text) {
      if (progress !== null) progress.textContent = text;
    },
    endProgress() {
      progress?.remove();
      progress = null;
    },
    runSummary(run, after) {
      const { done, first } = run;
      block(`Trained ${done} epoch${done === 1 ? '' : 's'} (epochs ${first + 1}–${first + done})`);
      line(`L: ${formatValue(run.firstLoss ?? NaN)} → ${formatValue(run.lastLoss ?? NaN)} (the loss of each epoch's forward pass, before its update)`);
      paramLines(run.start, after);
    },
  };
}
