/** The base of every layer and model: parameters, buffers, sub-modules, train/eval mode and state dicts. */
import { noGrad } from '../autograd/mode.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { isFloating } from '../tensor/dtype.js';
import type { Generator } from '../random/generator.js';
import { zeros } from '../tensor/create.js';
import { formatShape, shapeEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { RemovableHandle } from '../tensor/hooks.js';

/** A plain description of a module, enough to rebuild it (used by model files). */
export interface ModuleConfig {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** Parameter and persistent buffer tensors by dotted name, e.g. `{ '0.weight': …, '1.running_mean': … }`. */
export type StateDict = Record<string, Tensor>;

/**
 * Called after a module's forward, as PyTorch's forward hooks: it sees the module, its inputs
 * and its output, and may return a replacement output.
 */
export type ForwardHook<In extends unknown[] = [Tensor], Out = Tensor> = { bivarianceHack(module: Module<In, Out>, inputs: In, output: Out): Out | void }['bivarianceHack'];


// A method's type, so hooks compare bivariantly and a Module<[Tensor], Tensor> still passes
// where a Module<Tensor[], Tensor> is asked for (fit's models).
interface HookEntry<In extends unknown[], Out> {
  run(module: Module<In, Out>, inputs: In, output: Out): Out | void;
}

/** Any module, whatever it takes and returns: what containers and traversals hold. */
export type AnyModule = Module<unknown[], unknown>;

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
export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** True in training mode (Dropout active), false after `eval()`. */
  training = true;
  private readonly _parameters = new Map<string, Tensor>();
  private readonly _buffers = new Map<string, Tensor>();
  private readonly _nonPersistent = new Set<string>();
  private readonly _generators = new Map<string, Generator>();
  private readonly _modules = new Map<string, AnyModule>();
  // Held as objects with a method so that a Module<[Tensor], Tensor> still is an AnyModule (methods compare bivariantly).
  private readonly _forwardHooks = new Map<number, HookEntry<In, Out>>();
  private _nextHook = 0;

  /**
   * Computes the module's output. Most layers take one tensor and return one; a layer with
   * several inputs or outputs declares them, as `Module<[input: Tensor, state?: Tensor], [Tensor, Tensor]>`.
   */
  abstract forward(...inputs: In): Out;

  /**
   * Runs `forward`, then the forward hooks (as calling a PyTorch module does); containers and
   * `fit` call their modules this way, so hooks see every layer's output.
   */
  call(...inputs: In): Out {
    let out = this.forward(...inputs);
    for (const hook of [...this._forwardHooks.values()]) {
      const replaced = hook.run(this, inputs, out);
      if (replaced !== undefined) out = replaced;
    }
    return out;
  }

  /**
   * Registers `hook(module, inputs, output)` to run after each `call`, as PyTorch's
   * `register_forward_hook`: it may record activations, or return a replacement output. Hooks
   * run in registration order; the handle's `remove()` detaches this one.
   * @example
   * const layer = new Tanh();
   * const seen: number[][] = [];
   * const handle = layer.registerForwardHook((_m, _inputs, out) => { seen.push(out.shape); });
   * layer.call(zeros([2, 3]));
   * handle.remove();
   * seen; // [[2, 3]]
   */
  registerForwardHook(hook: ForwardHook<In, Out>): RemovableHandle {
    if (typeof hook !== 'function') throw new ValueError(`registerForwardHook: expected a function (module, inputs, output), got ${hook === null ? 'null' : typeof hook}`);
    const id = this._nextHook++;
    this._forwardHooks.set(id, { run: hook });
    return { remove: () => void this._forwardHooks.delete(id) };
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
    this.checkName('registerParameter', name, this._parameters);
    if (!tensor.requiresGrad) tensor.requiresGrad_(true);
    this._parameters.set(name, tensor);
    return tensor;
  }

  /**
   * Registers `tensor` as a buffer named `name`, as PyTorch's `register_buffer`: state that is
   * not trained (running statistics), never requires grad, is left out of `parameters()`, and,
   * when persistent (default), is saved by `stateDict()` and model files. Registering a name
   * again replaces its tensor; modules read their buffers by name at each call, so the new one
   * is the one used.
   * @example
   * const m = new Sequential();
   * m.registerBuffer('steps', zeros([1], { dtype: 'int32' }));
   * Object.keys(m.stateDict()); // ['steps']
   */
  registerBuffer(name: string, tensor: Tensor, options: { readonly persistent?: boolean } = {}): Tensor {
    this.checkName('registerBuffer', name, this._buffers);
    if (!(tensor instanceof Tensor)) throw new ValueError(`registerBuffer: buffer '${name}' must be a Tensor, got ${tensor === null ? 'null' : typeof tensor}`);
    if (tensor.requiresGrad) {
      throw new ValueError(`registerBuffer: buffer '${name}' requires grad, but buffers are never trained: pass tensor.detach(), or register it as a parameter`);
    }
    this._buffers.set(name, tensor);
    if (options.persistent ?? true) this._nonPersistent.delete(name);
    else this._nonPersistent.add(name);
    return tensor;
  }

  /** The buffer registered as `name` on this module (not its children), or undefined. */
  getBuffer(name: string): Tensor | undefined {
    return this._buffers.get(name);
  }

  /**
   * Registers a random generator that this module draws from while training (a Dropout's own
   * masks), so checkpoints can save and restore its state (see `randomState` in train).
   */
  protected registerGenerator(name: string, generator: Generator): void {
    this.checkName('registerGenerator', name, this._generators);
    this._generators.set(name, generator);
  }

  /** Registers a sub-module; its parameters are named `<name>.<param>`. */
  protected registerModule<M extends AnyModule>(name: string, module: M): M {
    this.checkName('registerModule', name, this._modules);
    this._modules.set(name, module);
    return module;
  }

  /** A name may be registered again under its own kind (replacing), never as two kinds: a state dict key would be ambiguous. */
  private checkName(what: string, name: string, own: ReadonlyMap<string, unknown>): void {
    if (name.includes('.')) throw new ValueError(`${what}: a name cannot contain '.', got '${name}'`);
    for (const [kind, names] of [['parameter', this._parameters], ['buffer', this._buffers], ['module', this._modules]] as const) {
      if (names !== own && names.has(name)) throw new ValueError(`${what}: '${name}' is already a ${kind} of this module`);
    }
  }

  /** Direct sub-modules, in registration order. */
  children(): [string, AnyModule][] {
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

  /** All buffers (persistent or not) with dotted names, depth first in registration order. */
  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, b] of this._buffers) out.push([prefix + name, b]);
    for (const [name, m] of this._modules) out.push(...m.namedBuffers(`${prefix}${name}.`));
    return out;
  }

  /** All buffers, in the order of `namedBuffers()`. */
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** The generators modules registered to draw from, with dotted names (e.g. `'2.generator'`). */
  namedGenerators(prefix = ''): [string, Generator][] {
    const out: [string, Generator][] = [];
    for (const [name, g] of this._generators) out.push([prefix + name, g]);
    for (const [name, m] of this._modules) out.push(...m.namedGenerators(`${prefix}${name}.`));
    return out;
  }

  /**
   * @internal The live tensors a state dict holds, in PyTorch's order: each module's parameters,
   * then its persistent buffers, then its children's.
   */
  _stateTensors(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, p] of this._parameters) out.push([prefix + name, p]);
    for (const [name, b] of this._buffers) if (!this._nonPersistent.has(name)) out.push([prefix + name, b]);
    for (const [name, m] of this._modules) out.push(...m._stateTensors(`${prefix}${name}.`));
    return out;
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

  /** Copies of the parameters and persistent buffers by dotted name (PyTorch's keys, e.g. `'1.running_mean'`). */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, p] of this._stateTensors()) out[name] = new Tensor(p.data(), p.shape, p.dtype, null, name);
    return out;
  }

  /**
   * Loads parameter and persistent buffer values by name, copying them into the module's own
   * tensors, and checking that names, shapes and dtypes match (all or nothing:
   * nothing is changed if any entry is wrong). As PyTorch's `copy_`, float32 and float64 values
   * are converted to the parameter's precision; any other dtype difference (int32 or bool into a
   * float parameter) is a DTypeError, since its values are no weights of that model.
   */
  loadStateDict(state: StateDict, options: { strict?: boolean } = {}): void {
    const strict = options.strict ?? true;
    const params = new Map(this._stateTensors());
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
   * A Keras-style table of layers, output shapes and parameter counts, for inputs of the given
   * shapes (the batch dimension included, e.g. `[1, 2]`; filled with zeros of the parameters'
   * dtype) or given tensors (int32 indices for an embedding); one argument per input.
   * @example new Sequential(new Linear(2, 3, { seed: 0 }), new Tanh()).summary([1, 2]).split('\n').length; // 6
   */
  summary(...inputs: (readonly number[] | Tensor)[]): string {
    const rows: [string, string, string][] = [];
    if (inputs.length === 0) throw new ValueError(`summary: give the input's shape (batch included, e.g. [1, 2]) or an example tensor`);
    const dtype = this.parameters()[0]?.dtype ?? 'float32';
    const xs = inputs.map((s) => (s instanceof Tensor ? s : zeros(s, { dtype })));
    // The argument list is the caller's promise that these are this module's inputs.
    noGrad(() => this.summarize(xs as In, '', rows));
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
  summarize(inputs: In, prefix: string, rows: [string, string, string][]): Out {
    const y = this.forward(...inputs);
    rows.push([`${prefix}${this.describe()}`, outputShapes(y), String(this.parameterCount())]);
    return y;
  }
}

/** The shapes of a module's output for a summary: `[2, 8]`, or `([2, 8], ([1, 2, 8], [1, 2, 8]))` for nested tuples. */
export function outputShapes(y: unknown): string {
  if (y instanceof Tensor) return formatShape(y.shape);
  if (Array.isArray(y)) return `(${y.map(outputShapes).join(', ')})`;
  return y === null || y === undefined ? '-' : typeof y;
}
