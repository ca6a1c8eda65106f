#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// `chainrule tutorial` runs its WebAssembly on V8's baseline compiler (Liftoff) only, set here
// before any module is compiled. Its report's modules (resvg, Graphviz) are large and run for
// well under a second: V8's optimising compiles of their hot functions, on background threads,
// cost about 3 s of CPU per run on a 2-core machine and finished too late to pay (resvg drew the
// chart in 0.5 s on Liftoff alone, 2 s with them competing); its training is too small to notice.
// Other commands keep the optimising tier: their training is what it is for.
if (process.argv[2] === 'tutorial') setFlagsFromString('--liftoff-only');

const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
