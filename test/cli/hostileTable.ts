// The harness of the table-driven hostile-input test: each case runs the built CLI in a fresh
// directory of fixtures and is judged on what a user sees and what is left on disk.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { BIN_PATH } from './run.js';

export interface HostileCase {
  readonly name: string;
  /** The chainrule arguments, or a shell line in which `$CHAINRULE` is the command (pipes, redirections). */
  readonly args: readonly string[] | { readonly shell: string };
  /** Extra fixtures for this case, made in its directory before the run. */
  readonly setup?: (dir: string) => void;
  /** 2 usage, 1 data or file, 141 a closed pipe. */
  readonly status: number;
  /** What the single `chainrule:` line says; null: stderr must be empty (a closed pipe ends quietly). */
  readonly message: RegExp | null;
  /** Paths (relative to the case directory) the command may create or change; every other file must be left as it was. */
  readonly outputs?: readonly string[];
  /** Checks on the case directory after the run (e.g. a rescued model loads). */
  readonly after?: (dir: string) => void;
}

export interface CaseResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Every file under `dir` with a hash of its content (directories and symlinks as entries too; links are not followed). */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const st = lstatSync(path);
      const key = relative(dir, path);
      if (st.isSymbolicLink()) {
        out.set(key, `link → ${readlinkSync(path)}`);
      } else if (st.isDirectory()) {
        out.set(key + '/', 'dir');
        walk(path);
      } else {
        out.set(key, createHash('sha256').update(readFileSync(path)).digest('hex'));
      }
    }
  };
  walk(dir);
  return out;
}

function run(c: HostileCase, dir: string): CaseResult {
  // Rescued work goes to the temporary directory: keep it inside the case's directory.
  const env = { ...process.env, TMPDIR: join(dir, 'rescue') };
  const command = `'${process.execPath}' '${BIN_PATH}'`;
  const r = Array.isArray(c.args)
    ? spawnSync(process.execPath, [BIN_PATH, ...(c.args as readonly string[])], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 })
    : spawnSync('bash', ['-c', `set -o pipefail; ${(c.args as { shell: string }).shell.replaceAll('$CHAINRULE', command)}`], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs one case in a copy of `fixtures` and asserts every rule of the table; returns what it printed. */
export function runCase(c: HostileCase, fixtures: string): CaseResult {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-hostile-'));
  cpSync(fixtures, dir, { recursive: true });
  mkdirSync(join(dir, 'rescue'), { recursive: true });
  c.setup?.(dir);
  const before = snapshot(dir);
  const r = run(c, dir);
  const label = `${c.name}: ${Array.isArray(c.args) ? (c.args as string[]).join(' ') : (c.args as { shell: string }).shell}`;
  assert.equal(r.status, c.status, `${label}: exit status ${r.status}, stderr: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at |Error: |node:internal/m, `${label}: a stack trace or raw error on stderr: ${r.stderr}`);
  if (c.message === null) {
    assert.equal(r.stderr, '', `${label}: a closed pipe ends quietly`);
  } else {
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 1, `${label}: exactly one line on stderr, got: ${r.stderr}`);
    assert.match(lines[0]!, /^chainrule: /, label);
    assert.match(lines[0]!, c.message, `${label}: ${lines[0]}`);
  }
  const after = snapshot(dir);
  const allowed = (path: string) => (c.outputs ?? []).some((o) => path === o || path.startsWith(o.replace(/\/?$/, '/'))) || path.startsWith('rescue/');
  for (const [path, hash] of before) {
    if (!allowed(path)) assert.equal(after.get(path), hash, `${label}: ${path} was changed or removed, and it is not an output`);
  }
  for (const path of after.keys()) {
    assert.ok(before.has(path) || allowed(path), `${label}: ${path} was created, and it is not an output`);
    assert.doesNotMatch(path, /\.(tmp|old)\/?$/, `${label}: a temporary was left behind: ${path}`);
  }
  c.after?.(dir);
  return r;
}
