/** The base of every layer and model: parameters, sub-modules, train/eval mode and state dicts. */
import { noGrad } from '../autograd/mode.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { isFloating } from '../tensor/dtype.js';
import { zeros } from '../tensor/create.js';
import { formatShape, shapeEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** A plain description of a module, enough to rebuild it (used by model files). */
export interface ModuleConfig {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** Parameter tensors by dotted name, e.g. `{ '0.weight': …, '0.bias': … }`. */
export type StateDict = Record<string, Tensor>;

/**
 * Base class of layers and models, as PyTorch's `nn.Module`. Subclasses register parameters
 * and sub-modules in their constructor and implement `forward`.
 * @example
 * class Affine extends Module {
 *   w = this.registerParameter('w', tensor([2], { requiresGrad: true }));
 *   forward(x: Tensor) { return x.mul(this.w); }
 * }
 * new Affine().namedParameters().map(([name]) => name); // ['w']
 */
export abstract class Module {
  /** True in training mode (Dropout active), false after `eval()`. */
  training = true;
  private readonly _parameters = new Map<string, Tensor>();
  private readonly _modules = new Map<string, Module>();

  /** Computes the module's output. */
  abstract forward(x: Tensor): Tensor;

  /** Same as `forward`; reads like calling the module. */
  call(x: Tensor): Tensor {
    return this.forward(x);
  }

  /** A short description for summaries, e.g. `Linear(2 → 8)`. */
  describe(): string {
    return this.constructor.name;
  }

  /** The data needed to rebuild this module without its weights; modules that can be saved override it. */
  config(): ModuleConfig {
    throw new ValueError(`${this.constructor.name}.config(): this module cannot describe itself, so it cannot be saved to a model file`);
  }

  /** Registers `tensor` as a parameter named `name` (it is made to require grad) and returns it. */
  protected registerParameter(name: string, tensor: Tensor): Tensor {
    if (name.includes('.')) throw new ValueError(`registerParameter: a name cannot contain '.', got '${name}'`);
    if (!tensor.requiresGrad) tensor.requiresGrad_(true);
    this._parameters.set(name, tensor);
    return tensor;
  }

  /** Registers a sub-module; its parameters are named `<name>.<param>`. */
  protected registerModule<M extends Module>(name: string, module: M): M {
    if (name.includes('.')) throw new ValueError(`registerModule: a name cannot contain '.', got '${name}'`);
    this._modules.set(name, module);
    return module;
  }

  /** Direct sub-modules, in registration order. */
  children(): [string, Module][] {
    return [...this._modules.entries()];
  }

  /** All parameters with stable dotted names, depth first in registration order. */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, p] of this._parameters) out.push([prefix + name, p]);
    for (const [name, m] of this._modules) out.push(...m.namedParameters(`${prefix}${name}.`));
    return out;
  }

  /** All parameters, in the order of `namedParameters()`. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Clears every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Sets training mode (default) or evaluation mode, recursively; returns this. */
  train(mode = true): this {
    this.training = mode;
    for (const [, m] of this._modules) m.train(mode);
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Copies of the parameters by dotted name. */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, p] of this.namedParameters()) out[name] = new Tensor(p.data(), p.shape, p.dtype, null, name);
    return out;
  }

  /**
   * Loads parameter values by name, checking that names, shapes and dtypes match (all or nothing:
   * nothing is changed if any entry is wrong). As PyTorch's `copy_`, float32 and float64 values
   * are converted to the parameter's precision; any other dtype difference (int32 or bool into a
   * float parameter) is a DTypeError, since its values are no weights of that model.
   */
  loadStateDict(state: StateDict, options: { strict?: boolean } = {}): void {
    const strict = options.strict ?? true;
    const params = new Map(this.namedParameters());
    const problems: string[] = [];
    const dtypeProblems: string[] = [];
    for (const [name, p] of params) {
      const v = state[name];
      if (v === undefined) {
        if (strict) problems.push(`missing '${name}'`);
      } else if (!(v instanceof Tensor)) {
        problems.push(`'${name}' is ${v === null ? 'null' : typeof v}, not a tensor`);
      } else if (!shapeEqual(v.shape, p.shape)) {
        problems.push(`'${name}' has shape ${formatShape(v.shape)} in the state but ${formatShape(p.shape)} in the model`);
      } else if (v.dtype !== p.dtype && !(isFloating(v.dtype) && isFloating(p.dtype))) {
        dtypeProblems.push(`'${name}' is ${v.dtype} in the state but ${p.dtype} in the model`);
      }
    }
    if (strict) for (const name of Object.keys(state)) if (!params.has(name)) problems.push(`unexpected '${name}'`);
    if (problems.length > 0) throw new ShapeError(`loadStateDict: ${problems.join('; ')}`);
    if (dtypeProblems.length > 0) {
      throw new DTypeError(`loadStateDict: ${dtypeProblems.join('; ')} (only float32 and float64 are converted into each other; cast the tensor if that is meant)`);
    }
    noGrad(() => {
      for (const [name, p] of params) {
        const v = state[name];
        if (v !== undefined) {
          // The source first: casting runs an op, after which an array of p read before may not be p's (Tensor._data).
          const source = v.dtype === p.dtype ? v : v.cast(p.dtype);
          p._data.set(source._data);
        }
      }
    });
  }

  /** Number of parameter elements. */
  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /**
   * A Keras-style table of layers, output shapes and parameter counts, for an input of
   * `inputShape` (the batch dimension included, e.g. `[1, 2]`).
   */
  summary(inputShape: readonly number[]): string {
    const rows: [string, string, string][] = [];
    const x = zeros(inputShape, { dtype: this.parameters()[0]?.dtype ?? 'float32' });
    noGrad(() => this.summarize(x, '', rows));
    const total = this.parameterCount();
    const header: [string, string, string] = ['Layer', 'Output shape', 'Params'];
    const widths = [0, 1, 2].map((i) => Math.max(...[header, ...rows].map((r) => r[i as 0 | 1 | 2].length)));
    const line = (r: [string, string, string]) => `${r[0].padEnd(widths[0]!)}  ${r[1].padEnd(widths[1]!)}  ${r[2].padStart(widths[2]!)}`;
    const rule = '─'.repeat(widths[0]! + widths[1]! + widths[2]! + 4);
    return [line(header), rule, ...rows.map(line), rule, `Total params: ${total}`].join('\n');
  }

  /**
   * @internal Appends this module's rows to a summary and returns its output. A module is one
   * row; containers (Sequential) override this to list their children instead.
   */
  summarize(x: Tensor, prefix: string, rows: [string, string, string][]): Tensor {
    const y = this.forward(x);
    rows.push([`${prefix}${this.describe()}`, formatShape(y.shape), String(this.parameterCount())]);
    return y;
  }
}
