// The backend self-test page (web/selftest.html): the wasm backend against cpu in this browser.
// Results go to <pre id="result"> as JSON and to window.__selftest (read by test/web/wasm.e2e.test.ts).
import { crossEntropy, Generator, getBackend, listBackends, matmul, mlp, rand, randint, SGD, withBackend } from 'chainrule';
import type { WorkerSelfTest } from './selftest-worker.js';

interface ProductCheck {
  readonly shape: string;
  /** Largest |wasm − cpu| over the product. */
  readonly maxDiff: number;
  /** γₖ·max(|A|·|B|): the float32 summation-order bound the difference must stay under. */
  readonly bound: number;
}

export interface SelfTest {
  readonly defaultBackend: string;
  readonly backends: readonly string[];
  readonly products: readonly ProductCheck[];
  readonly losses: { readonly cpu: readonly number[]; readonly wasm: readonly number[] };
  /** Median ms of a 256 × 256 float32 product on each backend. */
  readonly ms: { readonly cpu: number; readonly wasm: number };
  readonly error?: string;
  /** The same backend in a Web Worker (threads there where the page is cross-origin isolated). */
  readonly worker?: WorkerSelfTest;
}

declare global {
  interface Window {
    __selftest?: SelfTest;
  }
}

function products(): ProductCheck[] {
  const cases: [number[], number[], boolean, boolean][] = [
    [[64, 784], [784, 256], false, false],
    [[64, 784], [256, 784], false, true],
    [[130, 33], [130, 29], true, false],
    [[3, 37, 20], [20, 19], false, false],
    [[1, 1], [1, 1], false, false],
  ];
  return cases.map(([sa, sb, ta, tb], i) => {
    const g = new Generator(i + 1);
    const a = rand(sa, { generator: g }).sub(0.5);
    const b = rand(sb, { generator: g }).sub(0.5);
    const options = { transposeA: ta, transposeB: tb };
    const cpu = withBackend('cpu', () => matmul(a, b, options)).data();
    const wasm = withBackend('wasm', () => matmul(a, b, options)).data();
    let maxDiff = 0;
    for (let j = 0; j < cpu.length; j++) maxDiff = Math.max(maxDiff, Math.abs(Number(cpu[j]) - Number(wasm[j])));
    const k = sa[ta ? sa.length - 2 : sa.length - 1]!;
    const gamma = (k * 2 ** -24) / (1 - k * 2 ** -24);
    // Entries in [−0.5, 0.5): |A|·|B| ≤ k/4.
    return { shape: `${JSON.stringify(sa)}${ta ? 'ᵀ' : ''}·${JSON.stringify(sb)}${tb ? 'ᵀ' : ''}`, maxDiff, bound: gamma * (k / 4) };
  });
}

function losses(backend: string): number[] {
  return withBackend(backend, () => {
    const model = mlp([20, 64, 32, 4], { activation: 'relu', seed: 3 });
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    const g = new Generator(9);
    const x = rand([64, 20], { generator: g });
    const y = randint(0, 4, [64], { generator: g });
    const out: number[] = [];
    for (let i = 0; i < 10; i++) {
      opt.zeroGrad();
      const loss = crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      out.push(loss.item());
    }
    return out;
  });
}

function time(backend: string): number {
  const g = new Generator(5);
  const a = rand([256, 256], { generator: g });
  const b = rand([256, 256], { generator: g });
  return withBackend(backend, () => {
    matmul(a, b);
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      const t = performance.now();
      matmul(a, b);
      times.push(performance.now() - t);
    }
    return times.sort((x, y) => x - y)[4]!;
  });
}

let result: SelfTest;
const defaultBackend = getBackend().name;
try {
  result = { defaultBackend, backends: listBackends(), products: products(), losses: { cpu: losses('cpu'), wasm: losses('wasm') }, ms: { cpu: time('cpu'), wasm: time('wasm') } };
} catch (e) {
  result = { defaultBackend, backends: listBackends(), products: [], losses: { cpu: [], wasm: [] }, ms: { cpu: NaN, wasm: NaN }, error: e instanceof Error ? e.message : String(e) };
}
/** The page's results with the worker's: the self-test is done. */
function publish(worker: WorkerSelfTest): void {
  result = { ...result, worker };
  window.__selftest = result;
  document.querySelector('#result')!.textContent = JSON.stringify(result, null, 2);
}
const worker = new Worker(new URL('./selftest-worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (event: MessageEvent<WorkerSelfTest>) => publish(event.data);
worker.onerror = (event) => publish({ crossOriginIsolated: false, threads: 0, maxDiff: NaN, bound: NaN, error: event.message });
