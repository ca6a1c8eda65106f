/** A chain of modules, each fed the previous one's output. */
import { ValueError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { Module, outputShapes, type ModuleConfig } from './module.js';

/**
 * Modules applied in order, as PyTorch's nn.Sequential. Children are named '0', '1', …, so
 * parameters get names like '0.weight'; parameter tensors still carrying their default name
 * (e.g. 'weight') are renamed to that dotted name, so graphs and explanations show it.
 * @example
 * const model = new Sequential(new Linear(2, 8, { seed: 0 }), new ReLU(), new Linear(8, 1, { seed: 1 }));
 * model.namedParameters().map(([name]) => name); // ['0.weight', '0.bias', '2.weight', '2.bias']
 * model.forward(zeros([4, 2])).shape; // [4, 1]
 */
export class Sequential extends Module {
  private readonly layers: Module[] = [];

  constructor(...modules: Module[]) {
    super();
    for (const m of modules) this.append(m);
  }

  /**
   * Adds a module at the end and returns this.
   * @example new Sequential().append(new Tanh()).length; // 1
   */
  append(module: Module): this {
    if (!(module instanceof Module)) throw new ValueError(`Sequential: layer ${this.layers.length} is not a Module (got ${typeof module})`);
    const name = String(this.layers.length);
    this.registerModule(name, module);
    this.layers.push(module);
    for (const [local, p] of module.namedParameters()) {
      if (p.name === undefined || p.name === local) p.name = `${name}.${local}`;
    }
    return this;
  }

  /** Number of layers. */
  get length(): number {
    return this.layers.length;
  }

  /** The layer at `index` (negative counts from the end), or undefined. */
  at(index: number): Module | undefined {
    return this.layers.at(index);
  }

  /** The layers, in order. */
  [Symbol.iterator](): IterableIterator<Module> {
    return this.layers[Symbol.iterator]();
  }

  forward(x: Tensor): Tensor {
    let y = x;
    this.layers.forEach((m, i) => {
      y = m.call(y);
      // Only a JavaScript caller (or a cast) can put a multi-output layer here; say which one.
      if (!(y instanceof Tensor)) throw notOneTensor(m, i, y);
    });
    return y;
  }

  override describe(): string {
    return 'Sequential';
  }

  override config(): ModuleConfig {
    return { type: 'Sequential', layers: this.layers.map((m) => m.config()) };
  }

  /** @internal Lists each layer as its own summary row ('0: Linear(2 → 8)'; nested ones as '1.0: …'). */
  override summarize([x]: [Tensor], prefix: string, rows: [string, string, string][]): Tensor {
    let y = x;
    this.layers.forEach((m, i) => {
      y = m instanceof Sequential ? m.summarize([y], `${prefix}${i}.`, rows) : m.summarize([y], `${prefix}${i}: `, rows);
      if (!(y instanceof Tensor)) throw notOneTensor(m, i, y);
    });
    return y;
  }
}

function notOneTensor(m: Module, i: number, y: unknown): ValueError {
  const got = Array.isArray(y) ? `${outputShapes(y)} (${y.length} outputs)` : outputShapes(y);
  return new ValueError(`Sequential: layer ${i} (${m.describe()}) returned ${got}, but each layer of a Sequential must return one tensor for the next; write a Module whose forward picks the output it needs`);
}
