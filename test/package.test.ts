import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';

test('package.json declares an ESM package with typed exports', async () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
    type: string;
    exports: Record<string, { types: string; import: string }>;
  };
  assert.equal(pkg.type, 'module');
  const main = pkg.exports['.'];
  assert.ok(main !== undefined);
  assert.match(readFileSync(main.types, 'utf8'), /export \{ Tensor \}/);
  // Importing by package name resolves through the exports map (self-reference).
  const lib = (await import('chainrule')) as { tensor: (x: number) => { item(): number } };
  assert.equal(lib.tensor(2).item(), 2);
});

test('the built chainrule command is executable, so `npx chainrule` runs it (regression: tsc wrote it without the x bit)', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { bin: Record<string, string> };
  const bin = pkg.bin['chainrule']!;
  assert.equal(readFileSync(bin, 'utf8').split('\n')[0], '#!/usr/bin/env node');
  assert.ok((statSync(bin).mode & 0o111) !== 0, `${bin} has mode ${(statSync(bin).mode & 0o777).toString(8)}`);
});
