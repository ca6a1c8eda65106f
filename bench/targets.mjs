// How a case's figure reads in the table, and issue 15's Bench targets computed from one run.

/** A case's figure in words. */
export function describe(r) {
  if (r.result === null) return r.unsupported === undefined ? '—' : `cannot run (${r.unsupported.slice(0, 60)})`;
  const x = r.result;
  if (x.gflops !== undefined) return `${x.gflops.toFixed(2)} GFLOP/s`;
  if (x.nsPerElement !== undefined) return `${x.ms.toFixed(2)} ms (${x.nsPerElement.toFixed(2)} ns/el)`;
  if (x.samplesPerSecond !== undefined) return `${Math.round(x.samplesPerSecond)} samples/s, ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB`;
  return `${x.microseconds < 1 ? x.microseconds.toFixed(3) : x.microseconds.toFixed(1)} µs`;
}

/** Every target for one chainrule runner: { name, ratio, met, note }; ratio > 1 means chainrule is ahead (memory: ≤ 1 is the goal). */
export function targetsFor(me, results, peak) {
  const row = (runner, workload) => results.find((r) => r.runner === runner && r.workload === workload) ?? null;
  const ms = (runner, workload) => row(runner, workload)?.result?.ms ?? NaN;
  const speedup = (workload, peer = 'tfjs-wasm') => ms(peer, workload) / ms(me, workload);
  const at = (ratio, min) => ({ ratio: Number.isFinite(ratio) ? ratio : null, met: Number.isFinite(ratio) ? ratio >= min : null });
  const threads = row(me, 'mlp64')?.facts?.wasmThreads;
  const build = row(me, 'matmul1024')?.facts?.wasmBuild ?? null;
  const versus = (workload) => {
    const r = row('tfjs-wasm', workload);
    return r === null ? '' : r.build === 'tfjs-wasm' ? 'tfjs wasm 1 thread' : `tfjs wasm threaded ×${r.facts.threads}`;
  };
  const targets = [
    { name: 'matmul 1024 ≥ 2× tfjs wasm', ...at(speedup('matmul1024'), 2), note: versus('matmul1024') },
    { name: 'sigmoid 1e6 ≥ 2× tfjs wasm', ...at(speedup('sigmoid1e6'), 2), note: versus('sigmoid1e6') },
    { name: 'add 1e6 ≥ 2× tfjs wasm', ...at(speedup('add1e6'), 2), note: versus('add1e6') },
    { name: 'sum axis 1 of [1000,1000] ≥ 2× tfjs wasm', ...at(speedup('sum1000'), 2), note: versus('sum1000') },
    { name: 'batch-1 inference ≥ 2× tfjs wasm', ...at(speedup('infer1'), 2), note: versus('infer1') },
    { name: 'MLP batch 64 ≥ 6× tfjs wasm (default threads)', ...at(speedup('mlp64'), 6), note: `${threads === undefined ? '' : `chainrule ${threads} thread${threads === 1 ? '' : 's'}; `}${versus('mlp64')}` },
    { name: 'MLP batch 256 ≥ 8× tfjs wasm', ...at(speedup('mlp256'), 8), note: versus('mlp256') },
  ];
  const gflops = row(me, 'matmul1024')?.result?.gflops;
  if (peak.error !== undefined || gflops === undefined) targets.push({ name: 'matmul 1024 ≥ 0.5× single-thread FMA peak', ratio: null, met: null, note: 'peak not measured' });
  else {
    // The target is set for the relaxed-SIMD build; with plain SIMD the ratio is shown for information.
    const note = build === 'relaxed-simd' ? `build relaxed-simd; peak ${peak.fma256.toFixed(1)} GFLOP/s` : `build ${build ?? 'none'}: the target is for relaxed SIMD; peak ${peak.fma256.toFixed(1)} GFLOP/s`;
    targets.push({ name: 'matmul 1024 ≥ 0.5× single-thread FMA peak', ...at(gflops / peak.fma256, 0.5), note });
  }
  const fasterTfjs = ms('tfjs-cpu', 'tiny32') <= ms('tfjs-wasm', 'tiny32') ? 'tfjs-cpu' : 'tfjs-wasm';
  targets.push({ name: '2-16-16-1 step, batch 32, ≥ 3× the faster tfjs backend', ...at(speedup('tiny32', fasterTfjs), 3), note: `against ${fasterTfjs === 'tfjs-cpu' ? 'tfjs cpu' : versus('tiny32')}` });
  // Memory: against the leaner of tfjs wasm's two builds.
  const tfjsWasm = row('tfjs-wasm', 'mlp64');
  const mine = row(me, 'mlp64')?.peakRssBytes;
  if (tfjsWasm === null || mine === undefined) targets.push({ name: 'peak memory, MLP batch 64, ≤ 1× tfjs wasm', ratio: null, met: null, note: '' });
  else {
    const leanest = tfjsWasm.builds.reduce((a, b) => (b.peakRssBytes < a.peakRssBytes ? b : a));
    const ratio = mine / leanest.peakRssBytes;
    targets.push({ name: 'peak memory, MLP batch 64, ≤ 1× tfjs wasm', ratio, met: ratio <= 1, note: `${(mine / 2 ** 20).toFixed(0)} vs ${(leanest.peakRssBytes / 2 ** 20).toFixed(0)} MiB peak RSS (${leanest.runner === 'tfjs-wasm' ? '1 thread' : 'threaded'})` });
  }
  // Issue 16: the CNN step against the fastest tfjs backend that runs it; the conv's rate beside the matmul's.
  const cnnPeers = ['tfjs-cpu', 'tfjs-wasm'].filter((p) => Number.isFinite(ms(p, 'cnn64')));
  const fastest = cnnPeers.reduce((a, b) => (ms(b, 'cnn64') < ms(a, 'cnn64') ? b : a), cnnPeers[0]);
  targets.push(
    fastest === undefined
      ? { name: 'CNN step ≥ 5× the fastest tfjs backend', ratio: null, met: null, note: 'no tfjs backend ran it' }
      : { name: 'CNN step ≥ 5× the fastest tfjs backend', ...at(speedup('cnn64', fastest), 5), note: `against ${fastest === 'tfjs-cpu' ? 'tfjs cpu' : versus('cnn64')}` },
  );
  const conv = row(me, 'conv16')?.result?.gflops;
  if (conv !== undefined) targets.push({ name: 'conv2d forward + backward, GFLOP/s against the matmul 1024\'s (for information)', ratio: gflops === undefined ? null : conv / gflops, met: null, info: true, note: `${conv.toFixed(1)} vs ${gflops?.toFixed(1) ?? '—'} GFLOP/s` });
  return targets;
}
