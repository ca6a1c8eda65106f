// `npm run playground` starts Vite's dev server on localhost and prints the URL, which serves the app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  await new Promise((ok) => server.close(ok));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

test('npm run playground serves the app on localhost and prints its URL', async () => {
  const port = await freePort();
  const child = spawn('npm', ['run', 'playground', '--', '--port', String(port), '--strictPort'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed within 30 s:\n${output}`)), 30_000);
      const read = (chunk: Buffer) => {
        // Vite colours its banner; the URL is printed plainly enough to find without the escapes.
        output += chunk.toString().replace(/\x1b\[[0-9;]*m/g, '');
        const m = /(http:\/\/localhost:\d+\/)/.exec(output);
        if (m !== null) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.on('exit', (code) => reject(new Error(`the dev server exited (${code}):\n${output}`)));
    });
    assert.equal(url, `http://localhost:${port}/`);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    // Cross-origin isolated, so the wasm kernels may use threads in the training worker.
    assert.equal(page.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(page.headers.get('cross-origin-embedder-policy'), 'require-corp');
    assert.match(await page.text(), /<title>chainrule playground/);
    const state = await fetch(`${url}src/state.ts`);
    assert.equal(state.status, 200);
    assert.match(await state.text(), /export function parse/);
  } finally {
    // npm starts vite as a child: end the whole group.
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
  }
});
