/**
 * vega and vega-lite for the chart functions, loaded once. In Node they are read from the single
 * files their packages ship (vega/build/vega.js, vega-lite/build/vega-lite.min.js: the same
 * versions, built from the same sources, checked against the packages' own version numbers):
 * one file each compiles in about a third of the CPU time of the hundreds of ES modules that
 * `import('vega')` resolves, reads and links, and draws the same bytes. Elsewhere (a browser
 * bundle), or when those files are missing or another version, they are imported as modules.
 */

type Vega = typeof import('vega');
type VegaLite = typeof import('vega-lite');

/** What the chart functions use of the two packages. */
export interface VegaModules {
  readonly vega: Pick<Vega, 'View' | 'parse'>;
  readonly vegaLite: Pick<VegaLite, 'compile'>;
}

let modules: Promise<VegaModules> | null = null;

function isVega(m: unknown): m is Pick<Vega, 'View' | 'parse'> {
  return typeof m === 'object' && m !== null && 'View' in m && typeof m.View === 'function' && 'parse' in m && typeof m.parse === 'function';
}

function isVegaLite(m: unknown): m is Pick<VegaLite, 'compile'> {
  return typeof m === 'object' && m !== null && 'compile' in m && typeof m.compile === 'function';
}

/** A UMD file run as CommonJS, its exports when its `version` is its package's; else null. */
function runUmd(file: string, packageJson: string, require: (name: string) => unknown): Record<string, unknown> | null {
  const get = process.getBuiltinModule.bind(process);
  const fs = get('node:fs');
  const vm = get('node:vm');
  const pkg: unknown = JSON.parse(fs.readFileSync(packageJson, 'utf8'));
  const exported: Record<string, unknown> = {};
  const module = { exports: exported };
  vm.compileFunction(fs.readFileSync(file, 'utf8'), ['exports', 'module', 'require'], { filename: file })(exported, module, require);
  const version = typeof pkg === 'object' && pkg !== null && 'version' in pkg ? pkg.version : undefined;
  return module.exports === exported && exported.version === version ? exported : null;
}

function fromFiles(): VegaModules | null {
  if (typeof process !== 'object' || process === null || typeof process.getBuiltinModule !== 'function' || typeof import.meta.resolve !== 'function') return null;
  try {
    const { fileURLToPath } = process.getBuiltinModule('node:url');
    const { dirname, join } = process.getBuiltinModule('node:path');
    const vegaDir = dirname(fileURLToPath(import.meta.resolve('vega')));
    const vegaLiteDir = dirname(fileURLToPath(import.meta.resolve('vega-lite')));
    const vega = runUmd(join(vegaDir, 'vega.js'), join(vegaDir, '..', 'package.json'), (name) => {
      throw new Error(`vega.js asked for ${name}`);
    });
    if (!isVega(vega)) return null;
    const vegaLite = runUmd(join(vegaLiteDir, 'vega-lite.min.js'), join(vegaLiteDir, '..', 'package.json'), (name) => {
      if (name === 'vega') return vega;
      throw new Error(`vega-lite.min.js asked for ${name}`);
    });
    return isVegaLite(vegaLite) ? { vega, vegaLite } : null;
  } catch {
    // Not laid out as their packages ship them (a bundler's copy, a newer layout): the modules then.
    return null;
  }
}

/** vega and vega-lite, loaded on first use. */
export function loadVega(): Promise<VegaModules> {
  modules ??= Promise.resolve()
    .then(async () => fromFiles() ?? (await Promise.all([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => ({ vega, vegaLite }))))
    .catch((e: unknown) => {
      modules = null;
      throw e;
    });
  return modules;
}
