// The fused float32 optimizer updates (Backend.updateFloat32, wasm SIMD): the same bits as a
// float32 model of PyTorch's update written here, within a stated bound of the float64 JS loops
// (the cpu backend), and the same saved state across checkpoints and backend switches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Adam, AdamW, Generator, RMSprop, SGD, rand, withBackend, type Optimizer, type Tensor } from '../../src/index.js';

const f = Math.fround;
/** Odd, past the fused threshold (4096) and not a multiple of 4: SIMD body and tail. */
const N = 5003;
const STEPS = 6;

type Config = { readonly name: string; readonly make: (p: Tensor[]) => Optimizer; readonly model: (p: Float32Array, g: Float32Array, s: Map<string, Float32Array>, t: number) => void };

function buf(s: Map<string, Float32Array>, name: string): { b: Float32Array; fresh: boolean } {
  const b = s.get(name);
  if (b !== undefined) return { b, fresh: false };
  const made = new Float32Array(N);
  s.set(name, made);
  return { b: made, fresh: true };
}

function adamModel(lr: number, wd: number, decoupled: boolean, amsgrad: boolean) {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  return (p: Float32Array, g: Float32Array, s: Map<string, Float32Array>, t: number): void => {
    const m = buf(s, 'expAvg').b;
    const v = buf(s, 'expAvgSq').b;
    const vMax = amsgrad ? buf(s, 'maxExpAvgSq').b : null;
    const ss = f(lr / (1 - b1 ** t));
    const bc2 = f(Math.sqrt(1 - b2 ** t));
    for (let i = 0; i < N; i++) {
      let pi = p[i]!;
      let gi = g[i]!;
      if (wd !== 0 && !decoupled) gi = f(gi + f(f(wd) * pi));
      if (wd !== 0 && decoupled) pi = f(pi * f(1 - lr * wd));
      m[i] = f(f(m[i]! * f(b1)) + f(f(1 - b1) * gi));
      v[i] = f(f(v[i]! * f(b2)) + f(f(1 - b2) * f(gi * gi)));
      let vi = v[i]!;
      if (vMax !== null) vi = vMax[i] = Math.max(vMax[i]!, vi);
      p[i] = f(pi - f(ss * f(m[i]! / f(f(f(Math.sqrt(vi)) / bc2) + f(eps)))));
    }
  };
}

function rmspropModel(lr: number, wd: number, momentum: number, centered: boolean) {
  const [alpha, eps] = [0.99, 1e-8];
  return (p: Float32Array, g: Float32Array, s: Map<string, Float32Array>): void => {
    const sq = buf(s, 'squareAvg').b;
    const ga = centered ? buf(s, 'gradAvg').b : null;
    const mb = momentum > 0 ? buf(s, 'momentumBuffer').b : null;
    for (let i = 0; i < N; i++) {
      let gi = g[i]!;
      if (wd !== 0) gi = f(gi + f(f(wd) * p[i]!));
      sq[i] = f(f(sq[i]! * f(alpha)) + f(f(1 - alpha) * f(gi * gi)));
      let d: number;
      if (ga !== null) {
        ga[i] = f(f(ga[i]! * f(alpha)) + f(f(1 - alpha) * gi));
        d = f(f(Math.sqrt(f(sq[i]! - f(ga[i]! * ga[i]!)))) + f(eps));
      } else d = f(f(Math.sqrt(sq[i]!)) + f(eps));
      if (mb !== null) {
        mb[i] = f(f(mb[i]! * f(momentum)) + f(gi / d));
        p[i] = f(p[i]! - f(f(lr) * mb[i]!));
      } else p[i] = f(p[i]! - f(f(lr) * f(gi / d)));
    }
  };
}

function sgdModel(lr: number, wd: number, momentum: number, dampening: number, nesterov: boolean) {
  return (p: Float32Array, g: Float32Array, s: Map<string, Float32Array>): void => {
    const { b, fresh } = momentum > 0 ? buf(s, 'momentumBuffer') : { b: null, fresh: false };
    for (let i = 0; i < N; i++) {
      let gi = g[i]!;
      if (wd !== 0) gi = f(gi + f(f(wd) * p[i]!));
      if (b !== null) {
        b[i] = fresh ? gi : f(f(b[i]! * f(momentum)) + f(f(1 - dampening) * gi));
        gi = nesterov ? f(gi + f(f(momentum) * b[i]!)) : b[i]!;
      }
      p[i] = f(p[i]! - f(f(lr) * gi));
    }
  };
}

const CONFIGS: Config[] = [
  { name: 'Adam', make: (p) => new Adam(p, { lr: 0.01 }), model: adamModel(0.01, 0, false, false) },
  { name: 'Adam, L2 weight decay, AMSGrad', make: (p) => new Adam(p, { lr: 0.01, weightDecay: 0.1, amsgrad: true }), model: adamModel(0.01, 0.1, false, true) },
  { name: 'AdamW', make: (p) => new AdamW(p, { lr: 0.01, weightDecay: 0.05 }), model: adamModel(0.01, 0.05, true, false) },
  { name: 'RMSprop', make: (p) => new RMSprop(p, { lr: 0.01 }), model: rmspropModel(0.01, 0, 0, false) },
  { name: 'RMSprop, centered, momentum, weight decay', make: (p) => new RMSprop(p, { lr: 0.01, centered: true, momentum: 0.9, weightDecay: 0.01 }), model: rmspropModel(0.01, 0.01, 0.9, true) },
  { name: 'SGD, momentum, dampening', make: (p) => new SGD(p, { lr: 0.1, momentum: 0.9, dampening: 0.1 }), model: sgdModel(0.1, 0, 0.9, 0.1, false) },
  { name: 'SGD, Nesterov, weight decay', make: (p) => new SGD(p, { lr: 0.1, momentum: 0.8, nesterov: true, weightDecay: 0.01 }), model: sgdModel(0.1, 0.01, 0.8, 0, true) },
  { name: 'SGD, weight decay only', make: (p) => new SGD(p, { lr: 0.1, weightDecay: 0.02 }), model: sgdModel(0.1, 0.02, 0, 0, false) },
];

function gradients(seed: number): Tensor[] {
  const g = new Generator(seed);
  return Array.from({ length: STEPS }, () => rand([N], { generator: g }).sub(0.5));
}

/** `steps` updates of a fresh parameter (seeded) on `backend`; returns the parameter and optimizer. */
function train(backend: string, config: Config, steps = STEPS): { p: Tensor; opt: Optimizer; path: Float64Array } {
  return withBackend(backend, () => {
    const p = rand([N], { generator: new Generator(77) }).sub(0.5).requiresGrad_();
    const o = config.make([p]);
    const grads = gradients(5);
    // Σ over steps of |Δp|, per element: how far the parameter travelled.
    const path = new Float64Array(N);
    for (let t = 0; t < steps; t++) {
      const before = Float32Array.from(p._data);
      p.grad = grads[t]!;
      o.step();
      const after = p._data;
      for (let i = 0; i < N; i++) path[i] = path[i]! + Math.abs(after[i]! - before[i]!);
    }
    return { p, opt: o, path };
  });
}

test('fused wasm updates give the bits of a float32 model of PyTorch update (every step rounded to float32), for every option', () => {
  for (const config of CONFIGS) {
    const { p } = train('wasm', config);
    const want = Float32Array.from(rand([N], { generator: new Generator(77) }).sub(0.5)._data);
    const state = new Map<string, Float32Array>();
    const grads = gradients(5);
    for (let t = 1; t <= STEPS; t++) config.model(want, grads[t - 1]!._data as Float32Array, state, t);
    const got = p._data;
    let differ = 0;
    for (let i = 0; i < N; i++) if (!Object.is(got[i], want[i])) differ++;
    assert.equal(differ, 0, `${config.name}: ${differ} of ${N} elements differ from the float32 model`);
  }
});

test('fused float32 updates stay within a few float32 ulps per step of the float64 JS loops (the cpu backend)', () => {
  for (const config of CONFIGS) {
    const wasm = train('wasm', config).p._data;
    const { p, path } = train('cpu', config);
    const cpu = p._data;
    let worst = 0;
    for (let i = 0; i < N; i++) {
      // Per step, two roundings of the parameter (AdamW's decay, the update: 2⁻²⁴ of |p| each),
      // and the update's own float32 roundings (up to 16 of 2⁻²⁴ each: centered RMSprop with
      // momentum has that many) on the distance travelled.
      const bound = STEPS * 2 ** -23 * Math.abs(cpu[i]!) + 16 * 2 ** -24 * path[i]! + 1e-9;
      worst = Math.max(worst, Math.abs(wasm[i]! - cpu[i]!) / bound);
    }
    assert.ok(worst <= 1, `${config.name}: the difference reaches ${worst.toFixed(2)} of the bound`);
  }
});

test('fused state saves and resumes exactly: a checkpoint after 3 steps, loaded into a new optimizer, continues with the same bits', () => {
  for (const config of CONFIGS) {
    const full = train('wasm', config).p._data;
    const half = train('wasm', config, 3);
    const saved = JSON.parse(JSON.stringify(half.opt.stateDict()));
    const p = half.p.detach().requiresGrad_();
    const fresh = config.make([p]);
    fresh.loadStateDict(saved);
    withBackend('wasm', () => {
      const grads = gradients(5);
      for (let t = 3; t < STEPS; t++) {
        p.grad = grads[t]!;
        fresh.step();
      }
    });
    assert.deepEqual(Array.from(p._data), Array.from(full), config.name);
  }
});

test('switching to a backend without fused updates moves the float32 state into the JS loop’s buffers, values unchanged', () => {
  const config = CONFIGS[0]!;
  const { p, opt } = train('wasm', config, 3);
  const before = opt.stateDict();
  assert.deepEqual(Object.keys(before.buffers['0']!).sort(), ['expAvg', 'expAvgSq']);
  const grads = gradients(5);
  p.grad = grads[3]!;
  withBackend('cpu', () => opt.step());
  // The same step from the saved state on cpu, by an optimizer that never saw wasm.
  const q = rand([N], { generator: new Generator(77) }).sub(0.5).requiresGrad_();
  withBackend('wasm', () => {
    const o = config.make([q]);
    for (let t = 0; t < 3; t++) {
      q.grad = grads[t]!;
      o.step();
    }
  });
  const other = config.make([q]);
  other.loadStateDict(JSON.parse(JSON.stringify(before)));
  q.grad = grads[3]!;
  withBackend('cpu', () => other.step());
  assert.deepEqual(Array.from(p._data), Array.from(q._data));
  assert.deepEqual(opt.stateDict().buffers, other.stateDict().buffers);
});
