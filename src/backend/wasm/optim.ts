/**
 * The optimizers' fused updates (Backend.updateFloat32) on the wasm backend: one SIMD pass over
 * the parameter, its gradient and its float32 state (wasm/assembly/optim.ts), in place where
 * they lie in the module's memory. Where one of them does not (memory refused: it stayed a JS
 * array), the same float32 steps run in JS, each result rounded with Math.fround: the same bits.
 */
import type { FusedUpdate } from '../backend.js';
import { kernelsOrThrow } from './module.js';
import { inMemory } from './operands.js';

const f = Math.fround;

/** The byte offset of an array in the memory, 0 for an option that is off. */
const at = (a: Float32Array | null): number => (a === null ? 0 : a.byteOffset);

function resident(arrays: readonly (Float32Array | null)[]): boolean {
  return arrays.every((a) => a === null || inMemory(a));
}

export function updateFloat32(u: FusedUpdate): void {
  const n = u.param.length;
  const w = kernelsOrThrow();
  switch (u.kind) {
    case 'adam':
      if (resident([u.param, u.grad, u.expAvg, u.expAvgSq, u.maxExpAvgSq])) {
        w.adamF32(at(u.param), at(u.grad), at(u.expAvg), at(u.expAvgSq), at(u.maxExpAvgSq), n, u.beta1, u.beta2, u.l2, u.shrink, u.stepSize, u.biasCorrection2Sqrt, u.eps);
      } else adamJs(u, n);
      return;
    case 'rmsprop':
      if (resident([u.param, u.grad, u.squareAvg, u.gradAvg, u.momentumBuffer])) {
        w.rmspropF32(at(u.param), at(u.grad), at(u.squareAvg), at(u.gradAvg), at(u.momentumBuffer), n, u.alpha, u.weightDecay, u.eps, u.momentum, u.lr);
      } else rmspropJs(u, n);
      return;
    case 'sgd':
      if (resident([u.param, u.grad, u.momentumBuffer])) {
        w.sgdF32(at(u.param), at(u.grad), at(u.momentumBuffer), n, u.lr, u.weightDecay, u.momentum, u.dampening, u.nesterov ? 1 : 0, u.first ? 1 : 0);
      } else sgdJs(u, n);
      return;
  }
}

function adamJs(u: Extract<FusedUpdate, { kind: 'adam' }>, n: number): void {
  const { param: p, grad: g, expAvg: m, expAvgSq: v, maxExpAvgSq: vMax } = u;
  const [b1, b2, c1, c2, l2, shrink, ss, bc2, eps] = [u.beta1, u.beta2, 1 - u.beta1, 1 - u.beta2, u.l2, u.shrink, u.stepSize, u.biasCorrection2Sqrt, u.eps].map(f) as [number, number, number, number, number, number, number, number, number];
  for (let i = 0; i < n; i++) {
    let pi = p[i]!;
    let gi = g[i]!;
    if (l2 !== 0) gi = f(gi + f(l2 * pi));
    if (shrink !== 1) pi = f(pi * shrink);
    const mi = f(f(m[i]! * b1) + f(c1 * gi));
    let vi = f(f(v[i]! * b2) + f(c2 * f(gi * gi)));
    m[i] = mi;
    v[i] = vi;
    if (vMax !== null) {
      vi = Math.max(vMax[i]!, vi);
      vMax[i] = vi;
    }
    p[i] = pi - f(ss * f(mi / f(f(f(Math.sqrt(vi)) / bc2) + eps)));
  }
}

function rmspropJs(u: Extract<FusedUpdate, { kind: 'rmsprop' }>, n: number): void {
  const { param: p, grad: g, squareAvg: s, gradAvg, momentumBuffer: buf } = u;
  const [alpha, keep, wd, eps, mu, lr] = [u.alpha, 1 - u.alpha, u.weightDecay, u.eps, u.momentum, u.lr].map(f) as [number, number, number, number, number, number];
  for (let i = 0; i < n; i++) {
    const pi = p[i]!;
    let gi = g[i]!;
    if (wd !== 0) gi = f(gi + f(wd * pi));
    const si = f(f(s[i]! * alpha) + f(keep * f(gi * gi)));
    s[i] = si;
    let d: number;
    if (gradAvg !== null) {
      const ai = f(f(gradAvg[i]! * alpha) + f(keep * gi));
      gradAvg[i] = ai;
      d = f(f(Math.sqrt(f(si - f(ai * ai)))) + eps);
    } else d = f(f(Math.sqrt(si)) + eps);
    if (buf !== null) {
      const bi = f(f(buf[i]! * mu) + f(gi / d));
      buf[i] = bi;
      p[i] = pi - f(lr * bi);
    } else p[i] = pi - f(lr * f(gi / d));
  }
}

function sgdJs(u: Extract<FusedUpdate, { kind: 'sgd' }>, n: number): void {
  const { param: p, grad: g, momentumBuffer: buf, nesterov, first } = u;
  const [lr, wd, mu, keep] = [u.lr, u.weightDecay, u.momentum, 1 - u.dampening].map(f) as [number, number, number, number];
  for (let i = 0; i < n; i++) {
    const pi = p[i]!;
    let gi = g[i]!;
    if (wd !== 0) gi = f(gi + f(wd * pi));
    if (buf !== null) {
      const bi = first ? gi : f(f(buf[i]! * mu) + f(keep * gi));
      buf[i] = bi;
      gi = nesterov ? f(gi + f(mu * bi)) : bi;
    }
    p[i] = pi - f(lr * gi);
  }
}
