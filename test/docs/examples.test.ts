// Runs the documentation's code so it cannot rot: every ```ts block of README.md, and every
// `@example` of the doc comments under src/. An example may throw only when it says so with a
// `// throws SomeError` comment, and then it must throw an error of that name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import * as chainrule from '../../src/index.js';

// This file runs as dist/test/docs/examples.test.js; the repository root is three levels up.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DIST_SRC = join(ROOT, 'dist', 'src');

function transpile(code: string): string {
  const out = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    reportDiagnostics: false,
  });
  return out.outputText.replace(/^export \{\};\s*$/m, '');
}

/** The error name an example announces with `// throws NameError`, or null. */
function expectedThrow(code: string): string | null {
  return /\/\/\s*throws\s+([A-Za-z]*Error)\b/.exec(code)?.[1] ?? null;
}

function errorName(e: unknown): string {
  return e instanceof Error ? e.name : typeof e;
}

/** Runs `fn`, then puts back the global state an example may switch, so it cannot break the next. */
async function isolated(fn: () => Promise<void>): Promise<void> {
  const backend = chainrule.getBackend().name;
  const anomaly = chainrule.isAnomalyEnabled();
  try {
    await fn();
  } finally {
    chainrule.setBackend(backend);
    chainrule.setDetectAnomaly(anomaly);
  }
}

// ---------------------------------------------------------------------------------------------
// Running a piece of documentation: it becomes an ES module in a fresh temporary directory (also
// its working directory, so an example that writes a file leaves nothing behind). Its own
// `import` declarations are kept, with 'chainrule' resolved to the built library; `scope` names
// modules whose exports are imported for it as well; the rest of the code runs inside a block,
// so it may declare a name that the scope also has.

interface ScopeModule {
  readonly url: string;
  readonly names: readonly string[];
}

const INDEX_URL = pathToFileURL(join(DIST_SRC, 'index.js')).href;

function isBindable(name: string): boolean {
  try {
    new Function(name, '');
    return true;
  } catch {
    return false;
  }
}

/** Splits transpiled JavaScript into its import declarations (with 'chainrule' rewritten), the names they bind, and the rest. */
function splitImports(js: string): { imports: string[]; bound: Set<string>; body: string } {
  const file = ts.createSourceFile('example.mjs', js, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const imports: string[] = [];
  const bound = new Set<string>();
  const body: string[] = [];
  for (const statement of file.statements) {
    const text = statement.getText(file);
    if (!ts.isImportDeclaration(statement)) {
      body.push(text);
      continue;
    }
    // 'chainrule' is the built index; 'chainrule/<entry>' (e.g. chainrule/viz) the entry's index.
    imports.push(
      text.replace(/(['"])chainrule(?:\/([a-z]+))?\1/, (_m, _q: string, entry: string | undefined) =>
        `'${entry === undefined ? INDEX_URL : pathToFileURL(join(DIST_SRC, entry, 'index.js')).href}'`,
      ),
    );
    const clause = statement.importClause;
    if (clause?.name !== undefined) bound.add(clause.name.text);
    const named = clause?.namedBindings;
    if (named !== undefined && ts.isNamespaceImport(named)) bound.add(named.name.text);
    if (named !== undefined && ts.isNamedImports(named)) for (const el of named.elements) bound.add(el.name.text);
  }
  return { imports, bound, body: body.join('\n') };
}

/** Runs `code` (TypeScript) as described above; returns what it printed with console.log. */
async function runModule(code: string, scope: readonly ScopeModule[] = []): Promise<string[]> {
  const { imports, bound, body } = splitImports(transpile(code));
  const header: string[] = [];
  for (const mod of scope) {
    const names = mod.names.filter((n) => isBindable(n) && !bound.has(n));
    names.forEach((n) => bound.add(n));
    if (names.length > 0) header.push(`import { ${names.join(', ')} } from '${mod.url}';`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-docs-'));
  const file = join(dir, 'example.mjs');
  writeFileSync(file, [...imports, ...header, '{', body, '}', ''].join('\n'));
  const lines: string[] = [];
  const log = console.log;
  const cwd = process.cwd();
  console.log = (...args: unknown[]) => {
    lines.push(args.map((a) => (typeof a === 'string' ? a : String(a))).join(' '));
  };
  try {
    process.chdir(dir);
    await import(pathToFileURL(file).href);
  } finally {
    console.log = log;
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

/** Runs `code`; if it announces `// throws NameError`, asserts it throws an error of that name instead. */
async function runChecked(code: string, scope: readonly ScopeModule[] = []): Promise<string[]> {
  const expected = expectedThrow(code);
  if (expected === null) return runModule(code, scope);
  await assert.rejects(runModule(code, scope), (e: unknown) => errorName(e) === expected, `expected the code to throw ${expected}`);
  return [];
}

// ---------------------------------------------------------------------------------------------
// README.md: each ```ts block is a module importing from 'chainrule'.

interface ReadmeBlock {
  readonly line: number;
  readonly code: string;
}

function readmeBlocks(): ReadmeBlock[] {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks: ReadmeBlock[] = [];
  const fence = /^```ts\s*\n([\s\S]*?)^```\s*$/gm;
  for (let m = fence.exec(text); m !== null; m = fence.exec(text)) {
    blocks.push({ line: text.slice(0, m.index).split('\n').length, code: m[1] ?? '' });
  }
  return blocks;
}

const TUTORIAL_GRADIENTS = ['∂L/∂w1 = -0.0083', '∂L/∂b1 = -0.0167', '∂L/∂w2 = -0.1308', '∂L/∂b2 = -0.2277'];
const readmeOutputs = new Map<number, string[]>();

for (const block of readmeBlocks()) {
  test(`README.md block at line ${block.line} runs`, () =>
    isolated(async () => {
      readmeOutputs.set(block.line, await runChecked(block.code));
    }));
}

test('README.md tutorial example prints the four gradients of the tutorial', () => {
  const printing = [...readmeOutputs.values()].filter((lines) => lines.some((l) => l.startsWith('∂L/∂w1')));
  assert.equal(printing.length, 1, 'exactly one README block prints ∂L/∂w1');
  const lines = printing[0] ?? [];
  for (const expected of TUTORIAL_GRADIENTS) assert.ok(lines.includes(expected), `README prints "${expected}"; it printed:\n${lines.join('\n')}`);
});

// ---------------------------------------------------------------------------------------------
// @example blocks of doc comments in src/**/*.ts.

interface DocExample {
  /** Path relative to the repository root, with forward slashes (`src/ops/reduce.ts`). */
  readonly file: string;
  /** The symbol the comment documents: `sum`, `Tensor.backward`, … */
  readonly symbol: string;
  readonly code: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The name declared right after a doc comment; methods are prefixed with their class. */
function documentedSymbol(source: string, commentEnd: number): string {
  const rest = source.slice(commentEnd);
  const line = /^\s*(.*)$/m.exec(rest.replace(/^\s*\n/, ''))?.[1] ?? '';
  const decl = /^(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|const|let|var|interface|type|enum)\s+([A-Za-z_$][\w$]*)/.exec(line);
  if (decl?.[1] !== undefined) return decl[1];
  const member = /^(?:(?:public|private|protected|static|readonly|override|async|get|set)\s+)*([A-Za-z_$][\w$]*)\s*[(<:=?!]/.exec(line);
  if (member?.[1] !== undefined) {
    const classes = [...source.slice(0, commentEnd).matchAll(/^(?:export\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/gm)];
    const owner = classes[classes.length - 1]?.[1];
    return owner === undefined ? member[1] : `${owner}.${member[1]}`;
  }
  return '(unknown symbol)';
}

/** The `@example` sections of one doc comment's body, with the ` * ` margins removed. */
function examplesOf(body: string): string[] {
  const lines = body.split('\n').map((l) => l.replace(/^\s*\*\s?/, ''));
  const out: string[] = [];
  let current: string[] | null = null;
  for (const line of lines) {
    const at = line.indexOf('@example');
    if (at >= 0) {
      if (current !== null) out.push(current.join('\n'));
      current = [line.slice(at + '@example'.length)];
      continue;
    }
    if (current !== null && /^\s*@[a-z]/.test(line)) {
      out.push(current.join('\n'));
      current = null;
      continue;
    }
    current?.push(line);
  }
  if (current !== null) out.push(current.join('\n'));
  return out.map((c) => c.trim()).filter((c) => c.length > 0);
}

function docExamples(): DocExample[] {
  const out: DocExample[] = [];
  for (const path of sourceFiles(join(ROOT, 'src'))) {
    const source = readFileSync(path, 'utf8');
    const file = relative(ROOT, path).split(sep).join('/');
    const comment = /\/\*\*([\s\S]*?)\*\//g;
    for (let m = comment.exec(source); m !== null; m = comment.exec(source)) {
      const body = m[1] ?? '';
      if (!body.includes('@example')) continue;
      const symbol = documentedSymbol(source, m.index + m[0].length);
      for (const code of examplesOf(body)) out.push({ file, symbol, code });
    }
  }
  return out;
}

/**
 * The names an example sees without importing them: every export of the public entry point,
 * then the other exports of the module it documents (so examples of internal helpers run too).
 */
async function scopeFor(file: string): Promise<ScopeModule[]> {
  const publicNames = Object.keys(chainrule);
  const ownUrl = pathToFileURL(join(ROOT, 'dist', file.replace(/\.ts$/, '.js'))).href;
  const own: Record<string, unknown> = await import(ownUrl);
  const ownNames = Object.keys(own).filter((n) => !publicNames.includes(n));
  return [
    { url: INDEX_URL, names: publicNames },
    { url: ownUrl, names: ownNames },
  ];
}

const seen = new Map<string, number>();
for (const example of docExamples()) {
  const base = `${example.file} ${example.symbol} @example`;
  const n = (seen.get(base) ?? 0) + 1;
  seen.set(base, n);
  test(n === 1 ? base : `${base} #${n}`, () =>
    isolated(async () => {
      await runChecked(example.code, await scopeFor(example.file));
    }));
}

// ---------------------------------------------------------------------------------------------
// The harness itself.

test('the harness finds the README blocks and the @examples of src', () => {
  assert.ok(readmeBlocks().length >= 2, 'README.md has ts blocks');
  const examples = docExamples();
  assert.ok(examples.length >= 40, `found ${examples.length} @examples`);
  assert.ok(examples.some((e) => e.file === 'src/tensor/tensor.ts' && e.symbol === 'Tensor.backward'), 'methods are named Class.method');
});

test('examplesOf reads multi-line and inline @examples and stops at the next tag', () => {
  const body = '\n * Doubles.\n * @example\n * const y = double(2);\n * y; // 4\n * @param x a number\n ';
  assert.deepEqual(examplesOf(body), ['const y = double(2);\ny; // 4']);
  assert.deepEqual(examplesOf(' Fills a formula. @example fillFormula(\'{0}\', [\'z\']) // \'z\' '), ["fillFormula('{0}', ['z']) // 'z'"]);
});

test('a `// throws` example passes only when it throws an error of that name', async () => {
  await runChecked("tensor([1, 2]).backward(); // throws AutogradError", [{ url: INDEX_URL, names: ['tensor'] }]);
  await assert.rejects(runChecked("tensor(1); // throws AutogradError", [{ url: INDEX_URL, names: ['tensor'] }]));
  await assert.rejects(runChecked("tensor([1, 2]).reshape([3]); // throws AutogradError", [{ url: INDEX_URL, names: ['tensor'] }]));
});

test('an example may import what it needs and shadow a name of its scope', async () => {
  const lines = await runChecked(
    "import { join } from 'node:path';\nimport { ones } from 'chainrule';\nconst tensor = ones([2]);\nconsole.log(join('a', 'b'), tensor.sum().item());",
    [{ url: INDEX_URL, names: ['tensor', 'ones'] }],
  );
  assert.deepEqual(lines, ['a/b 2']);
});
