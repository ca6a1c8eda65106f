// `chainrule tutorial` against the reference program: its printed lines, character for
// character, and other hyper-parameters against a plain-arithmetic implementation written here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainrule } from './run.js';
import { referenceOutput } from '../helpers/reference.js';

test('chainrule tutorial prints the reference program output, character for character', () => {
  const expected = referenceOutput();
  assert.equal(expected.length, 15); // twelve epoch lines, a blank line, final output, final parameters
  assert.equal(expected[12], '');
  assert.equal(expected[14], 'Final parameters: w1 = 0.4072, b1 = 0.1143, w2 = 0.3978, b2 = 0.3697');
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-tutorial-'));
  const r = chainrule(['tutorial'], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, 'wrote the report to chainrule-report/index.html\n');
  assert.equal(r.stdout, expected.join('\n') + '\n');
});

// ------------------------------------------------------------------------------------------
// The reference program in plain arithmetic (its Python, line for line), with the activation
// and its derivative as parameters.

/**
 * Python's f'{v:.4f}': the exact binary value rounded to 4 decimals, ties to even. toFixed
 * rounds ties away from zero, so exact ties (such as 2.53125, met by the relu set below) are
 * found from the exact decimal expansion and rounded to even here.
 */
function pyFixed4(v: number): string {
  const exact = Math.abs(v).toFixed(20);
  const dot = exact.indexOf('.');
  const rest = exact.slice(dot + 5);
  if (/^50*$/.test(rest)) {
    const truncated = exact.slice(0, dot + 5);
    const lastDigit = Number(truncated[truncated.length - 1]);
    if (lastDigit % 2 === 0) return (v < 0 ? '-' : '') + truncated;
  }
  return v.toFixed(4);
}

type Act = { f: (z: number) => number; df: (z: number) => number };
const ACTS: Record<string, Act> = {
  sigmoid: { f: (z) => 1 / (1 + Math.exp(-z)), df: (z) => (1 / (1 + Math.exp(-z))) * (1 - 1 / (1 + Math.exp(-z))) },
  tanh: { f: Math.tanh, df: (z) => 1 - Math.tanh(z) ** 2 },
  relu: { f: (z) => Math.max(z, 0), df: (z) => (z > 0 ? 1 : 0) },
};

function referenceProgram(p: { x: number; target: number; w1: number; b1: number; w2: number; b2: number; lr: number; epochs: number; printEvery: number; act: Act }): string[] {
  let { w1, b1, w2, b2 } = p;
  const { x, target, act } = p;
  const out: string[] = [];
  const f = pyFixed4;
  for (let epoch = 0; epoch < p.epochs; epoch++) {
    const z1 = w1 * x + b1;
    const h = act.f(z1);
    const y = w2 * h + b2;
    const loss = 0.5 * (y - target) ** 2;
    const dLdy = y - target;
    const dLdw2 = dLdy * h;
    const dLdb2 = dLdy;
    const dLdh = dLdy * w2;
    const dLdz1 = dLdh * act.df(z1);
    const dLdw1 = dLdz1 * x;
    const dLdb1 = dLdz1;
    w1 -= p.lr * dLdw1;
    b1 -= p.lr * dLdb1;
    w2 -= p.lr * dLdw2;
    b2 -= p.lr * dLdb2;
    if (epoch % p.printEvery === 0) out.push(`Epoch ${epoch}, Loss: ${f(loss)}, Output: ${f(y)}`);
  }
  const y = w2 * act.f(w1 * x + b1) + b2;
  out.push('', `Final output: ${f(y)}`, `Final parameters: w1 = ${f(w1)}, b1 = ${f(b1)}, w2 = ${f(w2)}, b2 = ${f(b2)}`);
  return out;
}

test('the test formats as Python does: ties to even on the exact binary value', () => {
  assert.equal(pyFixed4(2.53125), '2.5312'); // Python: f'{2.53125:.4f}' == '2.5312'
  assert.equal(pyFixed4(2.53135), '2.5314'); // Python gives '2.5314': 2.53135 is stored just above the tie
  assert.equal(pyFixed4(-0.00001), '-0.0000');
  assert.equal(pyFixed4(0.59995), '0.5999'); // stored just below the tie: both round down
});

test('the plain-arithmetic reference implementation reproduces the reference output (a check on the check)', () => {
  const lines = referenceProgram({ x: 0.5, target: 0.6, w1: 0.4, b1: 0.1, w2: 0.3, b2: 0.2, lr: 0.1, epochs: 60, printEvery: 5, act: ACTS['sigmoid']! });
  assert.deepEqual(lines, referenceOutput());
});

const OTHER_SETS = [
  { args: ['--x', '1.5', '--target', '-0.25', '--w1', '-0.7', '--b1', '0.3', '--w2', '1.2', '--b2', '-0.1', '--lr', '0.05', '--epochs', '200', '--print-every', '20'], activation: 'sigmoid' },
  { args: ['--x', '-2', '--target', '1.3', '--w1', '0.25', '--b1', '-0.5', '--w2', '0.8', '--b2', '0.05', '--lr', '0.3', '--epochs', '37', '--print-every', '3', '--activation', 'tanh'], activation: 'tanh' },
  { args: ['--x', '2', '--target', '3', '--w1', '0.5', '--b1', '0.5', '--w2', '0.5', '--b2', '0', '--lr', '0.02', '--epochs', '50', '--print-every', '10', '--activation', 'relu'], activation: 'relu' },
] as const;

for (const set of OTHER_SETS) {
  test(`chainrule tutorial ${set.args.join(' ')} gives the reference program's numbers`, () => {
    const v = (flag: string) => Number(set.args[set.args.indexOf(flag as never) + 1]);
    const expected = referenceProgram({
      x: v('--x'), target: v('--target'), w1: v('--w1'), b1: v('--b1'), w2: v('--w2'), b2: v('--b2'),
      lr: v('--lr'), epochs: v('--epochs'), printEvery: v('--print-every'), act: ACTS[set.activation]!,
    });
    const r = chainrule(['tutorial', ...set.args, '--no-report']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, expected.join('\n') + '\n');
    // Not the default run's numbers: the flags took effect.
    assert.notEqual(r.stdout, referenceOutput().join('\n') + '\n');
  });
}

test('chainrule tutorial --dtype float32 trains in float32 and agrees with float64 to the printed digits', () => {
  const r32 = chainrule(['tutorial', '--dtype', 'float32', '--json', '--no-report']);
  assert.equal(r32.status, 0, r32.stderr);
  const run = JSON.parse(r32.stdout) as { options: { dtype: string }; lines: string[]; finalParameters: Record<string, number> };
  assert.equal(run.options.dtype, 'float32');
  // float32 parameters are not the float64 ones bit for bit (so the dtype is real)…
  assert.notEqual(run.finalParameters['w1'], 0.40720397488499586);
  // …but they print the same 4 decimals.
  assert.deepEqual(run.lines, referenceOutput());
});

test('chainrule tutorial --json gives the lines, the final values and the per-epoch history', () => {
  const r = chainrule(['tutorial', '--json', '--no-report']);
  assert.equal(r.status, 0, r.stderr);
  const run = JSON.parse(r.stdout) as { lines: string[]; finalOutput: number; finalParameters: Record<string, number>; history: { epochs: { loss: number; gradNorm: number }[] } };
  assert.deepEqual(run.lines, referenceOutput());
  assert.equal(run.finalOutput.toFixed(4), '0.6000');
  assert.equal(run.history.epochs.length, 60);
  // The reference's gradient norm at epoch 0, in plain arithmetic.
  const h = 1 / (1 + Math.exp(-(0.4 * 0.5 + 0.1)));
  const dy = 0.3 * h + 0.2 - 0.6;
  const dz = dy * 0.3 * h * (1 - h);
  const g0 = Math.sqrt((dz * 0.5) ** 2 + dz ** 2 + (dy * h) ** 2 + dy ** 2);
  assert.ok(Math.abs(run.history.epochs[0]!.gradNorm - g0) < 1e-12, `gradNorm ${run.history.epochs[0]!.gradNorm} vs ${g0}`);
  assert.equal(run.history.epochs[0]!.loss.toFixed(4), '0.0259');
});

test('chainrule tutorial rejects bad values with a one-line error naming the flag', () => {
  const cases: [string[], RegExp][] = [
    [['--lr', 'abc'], /^chainrule: option '--lr <number>' argument 'abc' is invalid\. 'abc' is not a number\n$/],
    [['--epochs', '2.5'], /^chainrule: option '--epochs <n>' argument '2\.5' is invalid\. '2\.5' is not an integer\n$/],
    [['--print-every', '0'], /^chainrule: option '--print-every <n>' argument '0' is invalid\. '0' is not a positive integer\n$/],
    [['--activation', 'swish'], /^chainrule: option '--activation <name>' argument 'swish' is invalid\. 'swish' is not one of sigmoid, tanh, relu, leakyRelu, gelu, linear\n$/],
    [['--dtype', 'int32'], /^chainrule: option '--dtype <dtype>' argument 'int32' is invalid\. 'int32' is not one of float32, float64\n$/],
    [['--x'], /^chainrule: option '--x <number>' argument missing\n$/],
  ];
  for (const [args, message] of cases) {
    const r = chainrule(['tutorial', ...args]);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, message);
  }
});
