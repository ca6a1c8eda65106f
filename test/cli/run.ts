// Runs the built `chainrule` bin as a user would, in a child process.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The bin file named by package.json, relative to the repository root (tests run there). */
export const BIN = 'dist/src/cli/bin.js';
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN_PATH = ROOT + BIN;

export function chainrule(args: readonly string[], options: { cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [BIN_PATH, ...args], { encoding: "utf8", cwd: options.cwd ?? ROOT, timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
