// RNN (tanh, relu), LSTM and GRU against PyTorch 1.13 in float64 (scripts/oracles/rnn.py →
// test/fixtures/rnn.json): torch's initial weights loaded by name, then outputs, final states and
// the gradients of one scalar loss w.r.t. input, hx and every parameter, on every backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GRU, LSTM, RNN, Tensor, tensor, withBackend } from '../../src/index.js';

interface Values {
  shape: number[];
  values: number[];
}
interface Case {
  kind: 'RNN' | 'LSTM' | 'GRU';
  nonlinearity: 'tanh' | 'relu';
  numLayers: number;
  bidirectional: boolean;
  batchFirst: boolean;
  batched: boolean;
  givenHx: boolean;
  bias: boolean;
  inputShape: number[];
  hxShape: number[];
  state: Record<string, Values>;
  output: Values;
  states: Values[];
  loss: number;
  inputGrad: number[];
  hxGrads: number[][];
  paramGrads: Record<string, number[]>;
}

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/rnn.json', import.meta.url), 'utf8')) as { cases: Case[] };

const f64 = { dtype: 'float64' } as const;
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
/** The oracle's inputs: ((37 i + 11 k + 5) mod 101) / 50 − 1, exact in both languages. */
const seq = (shape: readonly number[], k: number, requiresGrad = false) =>
  tensor(Float64Array.from({ length: size(shape) }, (_, i) => ((37 * i + 11 * k + 5) % 101) / 50 - 1), { shape, ...f64, requiresGrad });

/** Within 1e-10 relative (1e-12 absolute where PyTorch's value is near 0). */
function close(actual: Tensor | null | undefined, expected: readonly number[] | undefined, what: string): void {
  assert.ok(actual, `${what}: missing`);
  assert.ok(expected, `${what}: not in the fixture`);
  const a = actual.data();
  assert.equal(a.length, expected.length, `${what}: length`);
  expected.forEach((e, i) => {
    const d = Math.abs(a[i]! - e);
    assert.ok(d <= 1e-12 + 1e-10 * Math.abs(e), `${what}[${i}]: ${a[i]} vs PyTorch's ${e} (difference ${d})`);
  });
}


/** Runs one fixture case: [output, final states, loss, hx tensors, input]. */
function run(c: Case) {
  const options = { numLayers: c.numLayers, bidirectional: c.bidirectional, batchFirst: c.batchFirst, bias: c.bias, dtype: 'float64' as const, seed: 7 };
  const x = seq(c.inputShape, 1, true);
  const hxs = c.givenHx ? (c.kind === 'LSTM' ? [seq(c.hxShape, 2, true), seq(c.hxShape, 3, true)] : [seq(c.hxShape, 2, true)]) : [];
  let output: Tensor;
  let states: Tensor[];
  let module: RNN | LSTM | GRU;
  if (c.kind === 'LSTM') {
    const m = new LSTM(2, 3, options);
    module = m;
    m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, tensor(v.values, { shape: v.shape, ...f64 })])));
    const [out, [h, cc]] = m.forward(x, c.givenHx ? [hxs[0]!, hxs[1]!] : undefined);
    output = out;
    states = [h, cc];
  } else {
    const m = c.kind === 'RNN' ? new RNN(2, 3, { ...options, nonlinearity: c.nonlinearity }) : new GRU(2, 3, options);
    module = m;
    m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, tensor(v.values, { shape: v.shape, ...f64 })])));
    const [out, h] = m.forward(x, c.givenHx ? hxs[0]! : undefined);
    output = out;
    states = [h];
  }
  let loss = output.mul(seq(output.shape, 4)).sum();
  states.forEach((s, k) => (loss = loss.add(s.mul(seq(s.shape, 5 + k)).sum())));
  loss.backward();
  return { module, x, hxs, output, states, loss };
}

for (const c of fixture.cases) {
  const label = `${c.kind}${c.kind === 'RNN' ? ` (${c.nonlinearity})` : ''}, ${c.numLayers} layer${c.numLayers > 1 ? 's' : ''}${c.bidirectional ? ', bidirectional' : ''}${c.batchFirst ? ', batchFirst' : ''}${c.batched ? '' : ', unbatched'}${c.givenHx ? ', given hx' : ', zero hx'}${c.bias ? '' : ', no bias'} on [${c.inputShape.join(', ')}]`;
  for (const backend of ['reference', 'cpu', 'wasm']) {
    test(`${label} on ${backend}: output, final states and every gradient match PyTorch`, () => {
      withBackend(backend, () => {
        const { module, x, hxs, output, states, loss } = run(c);
        assert.deepEqual(output.shape, c.output.shape);
        close(output, c.output.values, 'output');
        states.forEach((s, k) => {
          assert.deepEqual(s.shape, c.states[k]!.shape);
          close(s, c.states[k]!.values, `state ${k}`);
        });
        close(loss, [c.loss], 'loss');
        close(x.grad, c.inputGrad, 'input grad');
        hxs.forEach((h, k) => close(h.grad, c.hxGrads[k], `hx[${k}] grad`));
        const names = module.namedParameters().map(([n]) => n);
        assert.deepEqual(names, Object.keys(c.paramGrads), 'parameter names and order as PyTorch');
        for (const [name, p] of module.namedParameters()) close(p.grad, c.paramGrads[name], `${name} grad`);
      });
    });
  }
}

