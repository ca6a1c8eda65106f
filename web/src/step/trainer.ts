/**
 * The step view's arithmetic, all from the library: the network is `tutorialNetwork`, the
 * gradients are autograd's, the chain-rule factors are `explain`'s, the update is `SGD`'s step and
 * the gradient norm is `gradNorm`. Plain SGD keeps no state between steps, so a network built from
 * the configuration's parameters computes exactly what a long-lived one would: each pass here is a
 * function of the configuration alone, which is what lets the state machine stay pure.
 */
import {
  SGD,
  explain,
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
import { LIMITS, type StepState } from '../state.js';

export const PARAMS = ['w1', 'b1', 'w2', 'b2'] as const;
export type ParamName = (typeof PARAMS)[number];

/** Text with U+2212 for each minus sign, as the library writes numbers. */
export function minus(text: string): string {
  return text.replace(/-/g, '−');
}

/** The limits of the parameters, as text. */
export const RANGE = minus(`${LIMITS.stepValue.min}…${LIMITS.stepValue.max}`);

function finite(p: TutorialParameters): boolean {
  return PARAMS.every((k) => Number.isFinite(p[k]));
}

/** The first parameter that is not a finite number within the limits of the inputs (and of links). */
export function outOfLimits(p: TutorialParameters): ParamName | undefined {
  return PARAMS.find((k) => !(Number.isFinite(p[k]) && p[k] >= LIMITS.stepValue.min && p[k] <= LIMITS.stepValue.max));
}

/** The network, the sample and the optimizer of a configuration; `step()` trains it on from there. */
export class Trainer {
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

  /** One training step (forward, backward, update): the loss before it, the gradient norm and the parameters after. */
  step(): { loss: number; norm: number; after: TutorialParameters } {
    const loss = this.forward();
    const norm = this.backward(loss);
    this.update();
    return { loss: loss.item(), norm, after: this.params() };
  }
}

/** The forward pass of a configuration, explained (its values, factors, gradients and updates), and its loss. */
export function explainForward(config: StepState): { e: Explanation; loss: number } {
  const loss = new Trainer(config).forward();
  return { e: explain(loss, { lr: config.lr }), loss: loss.item() };
}

/** The parameters of a configuration as the network holds them. */
export function parametersOf(config: StepState): TutorialParameters {
  return new Trainer(config).params();
}

/** The gradient norm ‖∇L‖ of a configuration's loss. */
export function gradientNorm(config: StepState): number {
  const t = new Trainer(config);
  return t.backward(t.forward());
}

/** One training step from a configuration, on a network built for it. */
export function trainStep(config: StepState): { loss: number; norm: number; after: TutorialParameters } {
  return new Trainer(config).step();
}

/** Why a step that led to `after` (its loss and norm as given) cannot be kept, or null when it can. */
export function divergence(after: TutorialParameters, loss: number, norm: number): string | null {
  if (Number.isFinite(loss) && Number.isFinite(norm) && outOfLimits(after) === undefined) return null;
  const bad = outOfLimits(after);
  return !finite(after) || bad === undefined ? 'the values stopped being finite numbers' : `${bad} would become ${minus(after[bad].toPrecision(4))}, outside ${RANGE}`;
}

/** One edge of the backward animation: the factor multiplied in, the chain so far, and ∂L/∂target. */
export interface BackStep {
  readonly factor: Factor;
  readonly chain: readonly Factor[];
  readonly target: string;
  readonly value: number;
}

/** The backward pass edge by edge from the loss: each node or parameter the first time a path reaches it. */
export function backwardSteps(e: Explanation): BackStep[] {
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

/** One row of the update table: p, ∂L/∂p and the step −η·∂L/∂p, as the explanation has them. */
export interface UpdateRow {
  readonly name: ParamName;
  readonly grad: number;
  readonly step: number;
}

export function updateRows(e: Explanation, lr: number): UpdateRow[] {
  const byName = new Map(e.updates.map((u) => [u.name, u]));
  const rows: UpdateRow[] = [];
  for (const name of PARAMS) {
    const u = byName.get(name);
    if (u === undefined) continue;
    rows.push({ name, grad: u.grad.item(), step: noGrad(() => u.grad.mul(-lr)).item() });
  }
  return rows;
}
