// The recurrent layers are composites, so backpropagation through time and its second derivatives
// come from autograd; checked here against central differences in float64 (gradcheck's defaults)
// w.r.t. the input, h0 (and c0) and every parameter, at T=3, B=2, in=2, H=3: each kind with 2
// layers both ways, batch first from a permuted view, and unbatched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GRU, Generator, LSTM, RNN, Tensor, concat, flatten, grad, gradcheck, randn, transpose } from '../../src/index.js';

type Layer = RNN | LSTM | GRU;
const normal = (g: Generator, shape: readonly number[]) => randn(shape, { dtype: 'float64', generator: g });

/** The layer's outputs joined into one vector, as a function of (input, h0, [c0], ...parameters). */
function asFunction(m: Layer, names: readonly string[], stateCount: number, prepare: (x: Tensor) => Tensor): (...xs: Tensor[]) => Tensor {
  return (...xs: Tensor[]) => {
    const x = prepare(xs[0]!);
    const states = xs.slice(1, 1 + stateCount);
    const params = Object.fromEntries(names.map((n, i) => [n, xs[1 + stateCount + i]!]));
    return m._withParameters(params, () => {
      if (m instanceof LSTM) {
        const [out, [h, c]] = m.forward(x, stateCount === 2 ? [states[0]!, states[1]!] : undefined);
        return concat([flatten(out), flatten(h), flatten(c)]);
      }
      const [out, h] = m.forward(x, states[0]);
      return concat([flatten(out), flatten(h)]);
    });
  };
}

/** First order, then the gradient of Σ u·f (all partials joined) as the checked function. */
function checkBoth(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], g: Generator): void {
  assert.equal(gradcheck(f, inputs).ok, true);
  const u = normal(g, f(...inputs).shape);
  const argnums = inputs.map((_, i) => i);
  const second = (...xs: Tensor[]) => {
    const w = xs[xs.length - 1]!;
    const parts = grad((...ys: Tensor[]) => f(...ys).mul(w).sum(), { argnums })(...xs.slice(0, -1));
    return concat(parts.map((p) => flatten(p!)));
  };
  assert.equal(gradcheck(second, [...inputs, u]).ok, true);
}

const KINDS = [
  ['RNN tanh', (o: object) => new RNN(2, 3, { ...o, nonlinearity: 'tanh' })],
  ['RNN relu', (o: object) => new RNN(2, 3, { ...o, nonlinearity: 'relu' })],
  ['LSTM', (o: object) => new LSTM(2, 3, o)],
  ['GRU', (o: object) => new GRU(2, 3, o)],
] as const;

KINDS.forEach(([kind, make], k) => {
  test(`${kind}, 2 layers, bidirectional: first and second derivatives w.r.t. input, hx and every parameter`, () => {
    const g = new Generator(500 + k);
    const m = make({ numLayers: 2, bidirectional: true, dtype: 'float64', seed: k });
    const stateCount = m instanceof LSTM ? 2 : 1;
    const named = m.namedParameters();
    const f = asFunction(m, named.map(([n]) => n), stateCount, (x) => x);
    const states = Array.from({ length: stateCount }, () => normal(g, [4, 2, 3]));
    checkBoth(f, [normal(g, [3, 2, 2]), ...states, ...named.map(([, p]) => p)], g);
  });

  test(`${kind}, batch first from a permuted view, and unbatched: first and second derivatives w.r.t. input, hx and parameters`, () => {
    const g = new Generator(600 + k);
    const first = make({ batchFirst: true, dtype: 'float64', seed: 10 + k });
    const stateCount = first instanceof LSTM ? 2 : 1;
    const named = first.namedParameters();
    // The input arrives as [T, B, in] and is handed over as its transpose [B, T, in]: not contiguous.
    const f = asFunction(first, named.map(([n]) => n), stateCount, (x) => transpose(x, 0, 1));
    checkBoth(f, [normal(g, [3, 2, 2]), ...Array.from({ length: stateCount }, () => normal(g, [1, 2, 3])), ...named.map(([, p]) => p)], g);
    const single = make({ dtype: 'float64', seed: 20 + k });
    const names = single.namedParameters();
    const u = asFunction(single, names.map(([n]) => n), stateCount, (x) => x);
    checkBoth(u, [normal(g, [3, 2]), ...Array.from({ length: stateCount }, () => normal(g, [1, 3])), ...names.map(([, p]) => p)], g);
  });
});
