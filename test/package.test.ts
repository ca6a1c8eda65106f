import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

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
