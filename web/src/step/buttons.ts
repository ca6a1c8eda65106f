/**
 * The step view's buttons: Forward, Backward, Update, Step, Run N epochs, Stop and Reset, enabled
 * as the state machine allows, and the focus that follows a keyboard user through a step.
 */
import { el } from '../dom.js';
import { availability, type StepMachine } from './machine.js';

export type StepAction = 'forward' | 'backward' | 'update' | 'step' | 'run' | 'stop' | 'reset';

export interface StepButtons {
  render(s: StepMachine): void;
}

const runLabel = (n: number) => `Run ${n} epoch${n === 1 ? '' : 's'}`;

export function createButtons(group: HTMLElement, onPress: (action: StepAction) => void): StepButtons {
  /** The button last pressed, and whether focus is among the buttons (where keyboard users work through a step). */
  let lastPressed: HTMLButtonElement | null = null;
  let focusInButtons = false;
  // Focus can wait on the group while its buttons are busy (a disabled button loses focus).
  group.tabIndex = -1;
  group.addEventListener('focusin', () => (focusInButtons = true));
  document.addEventListener('focusin', (ev) => {
    if (!(ev.target instanceof Node && group.contains(ev.target))) focusInButtons = false;
  });
  const button = (action: StepAction, label: string, cls = '') => {
    const b = el('button', { type: 'button', id: `step-${action}`, class: cls }, label);
    b.addEventListener('click', () => {
      lastPressed = b;
      onPress(action);
    });
    group.append(b);
    return b;
  };
  const forwardBtn = button('forward', 'Forward', 'primary');
  const backwardBtn = button('backward', 'Backward', 'primary');
  const updateBtn = button('update', 'Update', 'primary');
  group.append(el('span', { class: 'step-sep', 'aria-hidden': 'true' }));
  const stepBtn = button('step', 'Step');
  const runBtn = button('run', 'Run N epochs');
  const stopBtn = button('stop', 'Stop');
  const resetBtn = button('reset', 'Reset');
  resetBtn.title = 'Back to the parameters of the last edit, epoch 0';

  /**
   * When the focused button was just disabled or hidden, focus moves on to the button for what
   * comes next (Forward → Backward → Update → Forward; Run → Stop → Run), or waits on the group
   * while everything is busy, so keyboard users never drop back to the top of the page.
   */
  const keepFocus = (s: StepMachine) => {
    if (!focusInButtons) return;
    const active = document.activeElement;
    const stranded = active === null || active === document.body || active === group || (active instanceof HTMLButtonElement && group.contains(active) && (active.disabled || active.hidden));
    if (!stranded) return;
    const usable = (b: HTMLButtonElement | null): b is HTMLButtonElement => b !== null && !b.disabled && !b.hidden;
    const phase = s.phase;
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
    (target ?? group).focus({ preventScroll: true });
  };

  return {
    render(s) {
      const a = availability(s);
      forwardBtn.disabled = !a.forward;
      backwardBtn.disabled = !a.backward;
      updateBtn.disabled = !a.update;
      stepBtn.disabled = !a.step;
      runBtn.disabled = !a.run;
      stopBtn.hidden = !a.stop;
      resetBtn.disabled = !a.reset;
      runBtn.textContent = runLabel(s.config.epochs);
      keepFocus(s);
    },
  };
}
