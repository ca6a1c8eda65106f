/**
 * The step view's form: the sample, the parameters, η, the activation and N, each with its
 * error line. It reads the fields into an `Edit` for the state machine and shows a configuration.
 */
import { el } from '../dom.js';
import { LIMITS, STEP_ACTIVATIONS, type StepActivation, type StepState } from '../state.js';
import type { Edit } from './machine.js';
import { PARAMS, minus, type ParamName } from './trainer.js';

export type NumberKey = 'x' | 't' | ParamName | 'lr' | 'epochs';

const NUMBER_KEYS: readonly NumberKey[] = ['x', 't', ...PARAMS, 'lr', 'epochs'];

const ACTIVATION_LABELS: Record<StepActivation, string> = { sigmoid: 'sigmoid σ', tanh: 'tanh', relu: 'ReLU' };

/** A number short enough for an input box (the exact value is kept aside). */
function short(v: number): string {
  return String(Number(v.toFixed(6)));
}

const limitsOf = (key: NumberKey) => (key === 'lr' ? LIMITS.lr : key === 'epochs' ? LIMITS.epochs : LIMITS.stepValue);

export interface StepControls {
  /** The settings as typed, errors shown beside the fields; exact values are kept for fields still showing what the view wrote. */
  read(config: StepState): Edit;
  /** Writes the configuration into the fields (only `keys`, when given). */
  show(s: StepState, keys?: readonly NumberKey[]): void;
  clearErrors(): void;
}

export function createControls(form: HTMLFormElement, onEdit: () => void): StepControls {
  form.addEventListener('submit', (ev) => ev.preventDefault());
  const inputs = {} as Record<NumberKey, HTMLInputElement>;
  const errors = {} as Record<NumberKey | 'activation', HTMLElement>;
  /** What each input was last given by the view: when it still reads that, the exact value is kept. */
  const shown = {} as Record<NumberKey, string>;

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
  form.append(
    group('Sample', numberField('x', 'Input x'), numberField('t', 'Target t')),
    group('Parameters', numberField('w1', 'Weight w1'), numberField('b1', 'Bias b1'), numberField('w2', 'Weight w2'), numberField('b2', 'Bias b2')),
    group('Training', numberField('lr', 'Learning rate η'), fieldBox('step-activation', 'Hidden activation', activation, 'activation'), numberField('epochs', 'Epochs N')),
  );

  function readField(key: NumberKey, config: StepState): number | string {
    const raw = inputs[key].value.trim();
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

  return {
    read(config) {
      const values = {} as Record<NumberKey, number>;
      let ok = true;
      for (const key of NUMBER_KEYS) {
        const v = readField(key, config);
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
      const act = STEP_ACTIVATIONS.find((a) => a === activation.value);
      if (!ok || act === undefined) return null;
      // A changed value is kept as typed: the field now shows what the configuration holds.
      for (const key of NUMBER_KEYS) if (values[key] !== config[key]) shown[key] = inputs[key].value.trim();
      return { values, activation: act };
    },
    show(s, keys = NUMBER_KEYS) {
      for (const k of keys) {
        const v = s[k];
        shown[k] = k === 'epochs' ? String(v) : short(v);
        inputs[k].value = shown[k];
      }
      activation.value = s.activation;
    },
    clearErrors() {
      for (const k of Object.keys(errors) as (NumberKey | 'activation')[]) {
        errors[k].hidden = true;
        errors[k].textContent = '';
      }
      for (const input of Object.values(inputs)) input.removeAttribute('aria-invalid');
    },
  };
}
