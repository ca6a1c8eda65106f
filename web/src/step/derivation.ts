/**
 * The derivation panel: the library's Explanation of the current parameters, section by section
 * (forward pass, local derivatives, gradients by the chain rule, update), each line as display
 * KaTeX from the Explanation's own LaTeX. Each line carries a key (forward:h, local:h/z1, grad:w1,
 * update:w1) so the animations can point at the line they are playing.
 */
import katex from 'katex';
import 'katex/dist/katex.min.css';
import { explanationSections, type Explanation } from 'chainrule';
import { el } from '../dom.js';

/** The keys of the Explanation's lines, in the order `explanationLines` writes them (scalar mode). */
function lineKeys(e: Explanation): string[] {
  return [
    ...e.forward.map((f) => `forward:${f.name}`),
    ...e.locals.map((f) => `local:${f.of}/${f.wrt}`),
    ...e.gradients.map((g) => `grad:${g.name}`),
    ...e.backward.map((b) => `backward:${b.name}`),
    ...(e.lr === null ? [] : e.updates.map((u) => `update:${u.name}`)),
  ];
}

export interface Derivation {
  /** Renders the explanation (a heading says which parameters it is for). */
  show(e: Explanation, caption: string): void;
  /** Shows a message instead (when no explanation can be made). */
  message(text: string): void;
  /** Marks the lines with these keys as the ones being played. */
  mark(keys: readonly string[]): void;
}

export function createDerivation(panel: HTMLElement): Derivation {
  const caption = el('p', { class: 'step-derivation-caption' });
  const body = el('div', { class: 'step-derivation-body' });
  panel.append(caption, body);
  let lines = new Map<string, HTMLElement>();

  return {
    show(e, text) {
      caption.textContent = text;
      const keys = lineKeys(e);
      let k = 0;
      lines = new Map();
      const sections = explanationSections(e).map((s) => {
        const section = el('section', { class: 'step-derivation-section' });
        section.append(el('h3', {}, s.title));
        for (const line of s.lines) {
          const div = el('div', { class: 'step-derivation-line' });
          const key = keys[k++];
          if (key !== undefined) {
            div.dataset['key'] = key;
            lines.set(key, div);
          }
          // The plain-text form for screen readers and copying; KaTeX adds its own MathML too.
          div.title = line.text;
          div.innerHTML = katex.renderToString(line.latex, { displayMode: true, throwOnError: true, output: 'htmlAndMathml' });
          section.append(div);
        }
        return section;
      });
      body.replaceChildren(...sections);
    },
    message(text) {
      caption.textContent = text;
      body.replaceChildren();
      lines = new Map();
    },
    mark(keys) {
      for (const [key, div] of lines) div.classList.toggle('step-current', keys.includes(key));
    },
  };
}
