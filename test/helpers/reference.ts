// The reference tutorial (a copy of ../shared/reference/backprop-tutorial.txt, committed so the
// tests run from any clone; .ci/run checks the copy against the original).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

export const REFERENCE_PATH = 'test/fixtures/backprop-tutorial.txt';

/** The reference program's printed output, as the tutorial shows it after the code: one string per line. */
export function referenceOutput(): string[] {
  const lines = readFileSync(REFERENCE_PATH, 'utf8').split(/\r?\n/);
  const first = lines.findIndex((l) => l.startsWith('Epoch 0, Loss: '));
  const last = lines.findIndex((l, i) => i > first && l.startsWith('Final parameters:'));
  assert.ok(first >= 0 && last > first, 'the reference text holds the printed output');
  return lines.slice(first, last + 1);
}
