/** The app shell: reads the configuration from the URL, shows the chosen view, keeps the URL current. */
import './style.css';
import { VIEWS, parse, serialize, type AppState, type View } from './state.js';
import { mountStepView } from './step/view.js';
import { mountPlayground, type PlaygroundHandle } from './playground/view.js';

let state: AppState;
{
  const parsed = parse(location.hash);
  state = parsed.state;
  showNotices(parsed.notices);
}

function showNotices(notices: readonly string[]): void {
  const box = document.getElementById('notices')!;
  box.replaceChildren();
  if (notices.length === 0) {
    box.hidden = true;
    return;
  }
  const head = document.createElement('strong');
  head.textContent = 'Some settings in the link were not understood and use their defaults: ';
  box.append(head);
  const list = document.createElement('ul');
  for (const n of notices) {
    const li = document.createElement('li');
    li.textContent = n; // text, never markup
    list.append(li);
  }
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = 'Dismiss';
  close.addEventListener('click', () => {
    box.hidden = true;
    // The button is gone with the box: focus goes on to the view's tab rather than back to the top of the page.
    document.querySelector<HTMLElement>('.tabs [aria-selected=true]')?.focus();
  });
  box.append(list, close);
  box.hidden = false;
}

function writeUrl(): void {
  history.replaceState(null, '', `#${serialize(state)}`);
}

const mounted = new Set<View>();
let playground: PlaygroundHandle | null = null;

function show(view: View): void {
  state = { ...state, view };
  for (const b of document.querySelectorAll<HTMLButtonElement>('.tabs [role=tab]')) {
    const on = b.dataset['view'] === view;
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
  }
  for (const v of VIEWS) document.getElementById(`view-${v}`)!.hidden = v !== view;
  // Training the playground's network out of sight would only skip its charts ahead.
  if (view !== 'playground') playground?.pause();
  if (!mounted.has(view)) {
    mounted.add(view);
    if (view === 'step') {
      mountStepView(document.getElementById('view-step')!, state.step, (step) => {
        state = { ...state, step };
        writeUrl();
      });
    } else {
      playground = mountPlayground(document.getElementById('view-playground')!, state.playground, (next) => {
        state = { ...state, playground: next };
        writeUrl();
      });
    }
  }
  writeUrl();
}

const tabs = [...document.querySelectorAll<HTMLButtonElement>('.tabs [role=tab]')];
for (const b of tabs) {
  b.addEventListener('click', () => show(b.dataset['view'] as View));
  b.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(b);
    const to: Record<string, number> = { ArrowRight: (i + 1) % tabs.length, ArrowLeft: (i + tabs.length - 1) % tabs.length, Home: 0, End: tabs.length - 1 };
    const k = to[e.key];
    if (k === undefined) return;
    e.preventDefault();
    const next = tabs[k]!;
    next.focus();
    show(next.dataset['view'] as View);
  });
}
show(state.view);

// The page writes its own URL with replaceState, which fires no hashchange: one comes from a link
// pasted or followed into this tab, and that link's configuration is what the page must show.
window.addEventListener('hashchange', () => location.reload());
