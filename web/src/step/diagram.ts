/**
 * The step view's network diagram, an SVG drawn by hand: x → z1 → h → y → L, with the weights
 * w1, w2 on the edges, the biases b1, b2 and the target t as boxes feeding their neurons. Two
 * layouts: a row (wide screens) and a column (phones); the same elements are moved between them.
 * The diagram only shows what it is given: every number comes from the view (the library).
 */

const SVG = 'http://www.w3.org/2000/svg';

export type NodeId = 'x' | 'z1' | 'h' | 'y' | 'L';
export type BoxId = 'b1' | 'b2' | 't';
/** The edges, named by their ends. */
export type EdgeId = 'x-z1' | 'b1-z1' | 'z1-h' | 'h-y' | 'b2-y' | 'y-L' | 't-L';
/** What can carry a gradient in the picture: the neurons and the four parameters. */
export type GradTarget = 'z1' | 'h' | 'y' | 'w1' | 'b1' | 'w2' | 'b2';

type Point = { x: number; y: number };
type Anchor = Point & { anchor: 'start' | 'middle' | 'end' };

interface Layout {
  readonly w: number;
  readonly h: number;
  readonly nodes: Record<NodeId, Point>;
  readonly boxes: Record<BoxId, Point>;
  /** Where a neuron's value and its gradient are written. */
  readonly value: (p: Point) => Anchor;
  readonly grad: (p: Point) => Anchor;
  /** Labels of the edges that have one, and the weights' gradients. */
  readonly labels: Record<'w1' | 'act' | 'w2' | 'loss', Anchor>;
  readonly weightGrads: Record<'w1' | 'w2', Anchor>;
  readonly boxGrads: Record<'b1' | 'b2', Anchor>;
  readonly hidden: { x: number; y: number; w: number; h: number; label: Anchor };
}

const R = 24;
const BOX = { w: 100, h: 30 };

const WIDE: Layout = {
  w: 840,
  h: 258,
  nodes: { x: { x: 45, y: 150 }, z1: { x: 275, y: 150 }, h: { x: 425, y: 150 }, y: { x: 645, y: 150 }, L: { x: 785, y: 150 } },
  boxes: { b1: { x: 275, y: 58 }, b2: { x: 645, y: 58 }, t: { x: 785, y: 58 } },
  value: (p) => ({ x: p.x, y: p.y + 44, anchor: 'middle' }),
  grad: (p) => ({ x: p.x, y: p.y + 64, anchor: 'middle' }),
  labels: {
    w1: { x: 150, y: 140, anchor: 'middle' },
    act: { x: 350, y: 140, anchor: 'middle' },
    w2: { x: 560, y: 140, anchor: 'middle' },
    loss: { x: 715, y: 140, anchor: 'middle' },
  },
  weightGrads: { w1: { x: 150, y: 120, anchor: 'middle' }, w2: { x: 560, y: 120, anchor: 'middle' } },
  boxGrads: { b1: { x: 275, y: 31, anchor: 'middle' }, b2: { x: 645, y: 31, anchor: 'middle' } },
  hidden: { x: 212, y: 112, w: 276, h: 120, label: { x: 350, y: 250, anchor: 'middle' } },
};

const TALL: Layout = {
  w: 360,
  h: 530,
  nodes: { x: { x: 175, y: 36 }, z1: { x: 175, y: 160 }, h: { x: 175, y: 268 }, y: { x: 175, y: 385 }, L: { x: 175, y: 490 } },
  boxes: { b1: { x: 62, y: 160 }, b2: { x: 62, y: 385 }, t: { x: 62, y: 490 } },
  value: (p) => ({ x: p.x + 34, y: p.y - 3, anchor: 'start' }),
  grad: (p) => ({ x: p.x + 34, y: p.y + 16, anchor: 'start' }),
  labels: {
    w1: { x: 186, y: 92, anchor: 'start' },
    act: { x: 186, y: 219, anchor: 'start' },
    w2: { x: 186, y: 322, anchor: 'start' },
    loss: { x: 186, y: 442, anchor: 'start' },
  },
  weightGrads: { w1: { x: 186, y: 110, anchor: 'start' }, w2: { x: 186, y: 340, anchor: 'start' } },
  boxGrads: { b1: { x: 62, y: 194, anchor: 'middle' }, b2: { x: 62, y: 419, anchor: 'middle' } },
  hidden: { x: 6, y: 124, w: 348, h: 180, label: { x: 346, y: 140, anchor: 'end' } },
};

const EDGES: Record<EdgeId, { from: NodeId | BoxId; to: NodeId }> = {
  'x-z1': { from: 'x', to: 'z1' },
  'b1-z1': { from: 'b1', to: 'z1' },
  'z1-h': { from: 'z1', to: 'h' },
  'h-y': { from: 'h', to: 'y' },
  'b2-y': { from: 'b2', to: 'y' },
  'y-L': { from: 'y', to: 'L' },
  't-L': { from: 't', to: 'L' },
};
const EDGE_IDS = Object.keys(EDGES) as EdgeId[];

export function isEdgeId(id: string): id is EdgeId {
  return Object.hasOwn(EDGES, id);
}

/** The edges a node's value is computed along (none for a name the picture does not have). */
export function edgesInto(node: string): EdgeId[] {
  return EDGE_IDS.filter((id) => EDGES[id].to === node);
}

const ACTIVATION_LABEL: Record<string, string> = { sigmoid: 'σ', tanh: 'tanh', relu: 'ReLU' };

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function place(t: SVGTextElement, a: Anchor): void {
  t.setAttribute('x', String(a.x));
  t.setAttribute('y', String(a.y));
  t.setAttribute('text-anchor', a.anchor);
}

export interface Diagram {
  readonly element: SVGSVGElement;
  /** The four parameters' values, shown on their edges and boxes (already formatted). */
  setParams(p: Readonly<Record<'w1' | 'b1' | 'w2' | 'b2', string>>): void;
  setSample(x: string, t: string): void;
  setActivation(name: string): void;
  /** A neuron's forward value (null clears it). */
  setValue(node: 'z1' | 'h' | 'y' | 'L', text: string | null): void;
  /** ∂L/∂target (null clears it). */
  setGrad(target: GradTarget, text: string | null): void;
  /** Highlights edges (and the nodes they reach) for the forward or the backward pass; [] clears. */
  highlight(edges: readonly EdgeId[], mode: 'forward' | 'backward', targets?: readonly (NodeId | BoxId | 'w1' | 'w2')[]): void;
  /** Dims the forward values and gradients (they belong to parameters that have since changed). */
  setStale(stale: boolean): void;
  clear(): void;
}

export function createDiagram(parent: HTMLElement): Diagram {
  const root = svg('svg', { class: 'step-diagram', role: 'img', 'aria-labelledby': 'step-diagram-title' });
  const title = svg('title', { id: 'step-diagram-title' }, 'The network: input x, hidden unit z1 = w1·x + b1 and h = activation(z1), output y = w2·h + b2, loss L = ½(y − t)².');
  const defs = svg('defs');
  for (const [id, cls] of [
    ['step-arrow', 'step-arrowhead'],
    ['step-arrow-fwd', 'step-arrowhead fwd'],
    ['step-arrow-back', 'step-arrowhead back'],
  ] as const) {
    const m = svg('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
    m.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', class: cls }));
    defs.append(m);
  }
  const hiddenRect = svg('rect', { class: 'step-hidden', rx: 10 });
  const hiddenLabel = svg('text', { class: 'step-hidden-label' }, 'hidden unit');
  root.append(title, defs, hiddenRect, hiddenLabel);

  const edgeEls = {} as Record<EdgeId, SVGLineElement>;
  for (const id of EDGE_IDS) {
    const line = svg('line', { class: `step-edge${id.startsWith('b') || id.startsWith('t') ? ' minor' : ''}`, 'marker-end': 'url(#step-arrow)' });
    edgeEls[id] = line;
    root.append(line);
  }

  const nodeEls = {} as Record<NodeId, { g: SVGGElement; value: SVGTextElement; grad: SVGTextElement }>;
  for (const id of ['x', 'z1', 'h', 'y', 'L'] as NodeId[]) {
    const g = svg('g', { class: `step-node node-${id}` });
    g.append(svg('circle', { r: R }), svg('text', { class: 'step-node-name', 'text-anchor': 'middle', dy: '0.35em' }, id));
    const value = svg('text', { class: 'step-node-value' });
    const grad = svg('text', { class: 'step-node-grad' });
    nodeEls[id] = { g, value, grad };
    root.append(g, value, grad);
  }

  const boxEls = {} as Record<BoxId, { g: SVGGElement; rect: SVGRectElement; text: SVGTextElement }>;
  for (const id of ['b1', 'b2', 't'] as BoxId[]) {
    const g = svg('g', { class: `step-box box-${id}` });
    const rect = svg('rect', { width: BOX.w, height: BOX.h, rx: 6 });
    const text = svg('text', { 'text-anchor': 'middle', dy: '0.35em' }, id);
    g.append(rect, text);
    boxEls[id] = { g, rect, text };
    root.append(g);
  }

  const labelEls = {
    w1: svg('text', { class: 'step-edge-label param' }),
    act: svg('text', { class: 'step-edge-label' }),
    w2: svg('text', { class: 'step-edge-label param' }),
    loss: svg('text', { class: 'step-edge-label' }, '½(y − t)²'),
  };
  const weightGradEls = { w1: svg('text', { class: 'step-param-grad' }), w2: svg('text', { class: 'step-param-grad' }) };
  const boxGradEls = { b1: svg('text', { class: 'step-param-grad' }), b2: svg('text', { class: 'step-param-grad' }) };
  root.append(...Object.values(labelEls), ...Object.values(weightGradEls), ...Object.values(boxGradEls));
  parent.append(root);

  const center = (id: NodeId | BoxId, l: Layout): Point => (id in l.nodes ? l.nodes[id as NodeId] : l.boxes[id as BoxId]);

  /** The point where the segment from `p` towards `q` leaves the shape around `p`. */
  const exit = (id: NodeId | BoxId, p: Point, q: Point): Point => {
    const dx = q.x - p.x;
    const dy = q.y - p.y;
    const len = Math.hypot(dx, dy) || 1;
    if (id in nodeEls) return { x: p.x + (dx / len) * R, y: p.y + (dy / len) * R };
    const s = Math.min(dx === 0 ? Infinity : BOX.w / 2 / Math.abs(dx), dy === 0 ? Infinity : BOX.h / 2 / Math.abs(dy));
    return { x: p.x + dx * s, y: p.y + dy * s };
  };

  const layout = (l: Layout) => {
    root.setAttribute('viewBox', `0 0 ${l.w} ${l.h}`);
    root.dataset['layout'] = l === WIDE ? 'wide' : 'tall';
    const hr = l.hidden;
    hiddenRect.setAttribute('x', String(hr.x));
    hiddenRect.setAttribute('y', String(hr.y));
    hiddenRect.setAttribute('width', String(hr.w));
    hiddenRect.setAttribute('height', String(hr.h));
    place(hiddenLabel, hr.label);
    for (const [id, e] of Object.entries(EDGES) as [EdgeId, (typeof EDGES)[EdgeId]][]) {
      const p = center(e.from, l);
      const q = center(e.to, l);
      const a = exit(e.from, p, q);
      const b = exit(e.to, q, p);
      const line = edgeEls[id];
      line.setAttribute('x1', String(a.x));
      line.setAttribute('y1', String(a.y));
      line.setAttribute('x2', String(b.x));
      line.setAttribute('y2', String(b.y));
    }
    for (const id of Object.keys(nodeEls) as NodeId[]) {
      const p = l.nodes[id];
      nodeEls[id].g.setAttribute('transform', `translate(${p.x},${p.y})`);
      place(nodeEls[id].value, l.value(p));
      place(nodeEls[id].grad, l.grad(p));
    }
    for (const id of Object.keys(boxEls) as BoxId[]) {
      const p = l.boxes[id];
      const b = boxEls[id];
      b.rect.setAttribute('x', String(p.x - BOX.w / 2));
      b.rect.setAttribute('y', String(p.y - BOX.h / 2));
      b.text.setAttribute('x', String(p.x));
      b.text.setAttribute('y', String(p.y));
    }
    for (const k of Object.keys(labelEls) as (keyof typeof labelEls)[]) place(labelEls[k], l.labels[k]);
    for (const k of ['w1', 'w2'] as const) place(weightGradEls[k], l.weightGrads[k]);
    for (const k of ['b1', 'b2'] as const) place(boxGradEls[k], l.boxGrads[k]);
  };

  const narrow = window.matchMedia('(max-width: 640px)');
  const relayout = () => layout(narrow.matches ? TALL : WIDE);
  narrow.addEventListener('change', relayout);
  relayout();

  const gradText = (name: string, v: string) => `∂L/∂${name} = ${v}`;

  const highlight: Diagram['highlight'] = (edges, mode, targets = []) => {
    for (const [id, line] of Object.entries(edgeEls) as [EdgeId, SVGLineElement][]) {
      const on = edges.includes(id);
      line.classList.toggle('fwd', on && mode === 'forward');
      line.classList.toggle('back', on && mode === 'backward');
      // The gradient flows against the edge: its arrowhead then points back at the edge's tail.
      const back = on && mode === 'backward';
      line.setAttribute('marker-end', back ? 'none' : on ? 'url(#step-arrow-fwd)' : 'url(#step-arrow)');
      if (back) line.setAttribute('marker-start', 'url(#step-arrow-back)');
      else line.removeAttribute('marker-start');
    }
    for (const [id, n] of Object.entries(nodeEls) as [NodeId, (typeof nodeEls)[NodeId]][]) {
      n.g.classList.toggle('fwd', mode === 'forward' && targets.includes(id));
      n.g.classList.toggle('back', mode === 'backward' && targets.includes(id));
    }
    for (const [id, b] of Object.entries(boxEls) as [BoxId, (typeof boxEls)[BoxId]][]) {
      b.g.classList.toggle('back', mode === 'backward' && targets.includes(id));
    }
    labelEls.w1.classList.toggle('back', mode === 'backward' && targets.includes('w1'));
    labelEls.w2.classList.toggle('back', mode === 'backward' && targets.includes('w2'));
  };

  return {
    element: root,
    setParams(p) {
      labelEls.w1.textContent = `w1 = ${p.w1}`;
      labelEls.w2.textContent = `w2 = ${p.w2}`;
      boxEls.b1.text.textContent = `b1 = ${p.b1}`;
      boxEls.b2.text.textContent = `b2 = ${p.b2}`;
    },
    setSample(x, t) {
      nodeEls.x.value.textContent = x;
      boxEls.t.text.textContent = `t = ${t}`;
    },
    setActivation(name) {
      labelEls.act.textContent = ACTIVATION_LABEL[name] ?? name;
    },
    setValue(node, text) {
      nodeEls[node].value.textContent = text ?? '';
    },
    setGrad(target, text) {
      const t = text === null ? '' : gradText(target, text);
      if (target === 'w1' || target === 'w2') weightGradEls[target].textContent = t;
      else if (target === 'b1' || target === 'b2') boxGradEls[target].textContent = t;
      else nodeEls[target].grad.textContent = t;
    },
    highlight,
    setStale(stale) {
      root.classList.toggle('stale', stale);
    },
    clear() {
      for (const id of ['z1', 'h', 'y', 'L'] as const) nodeEls[id].value.textContent = '';
      for (const n of Object.values(nodeEls)) n.grad.textContent = '';
      for (const t of [...Object.values(weightGradEls), ...Object.values(boxGradEls)]) t.textContent = '';
      highlight([], 'forward');
      root.classList.remove('stale');
    },
  };
}
