// The playground (web/): `npm run playground` serves it with Vite's dev server, `npm run build:web`
// writes the static site to web/dist (relative URLs, so any static host works). The app reaches
// the library only through its public entry point, aliased here to the sources.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: here('./web'),
  base: './',
  resolve: { alias: { chainrule: here('./src/index.ts') } },
  worker: { format: 'es' },
  build: {
    outDir: here('./web/dist'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    // The playground, and the backend self-test page (the wasm kernels against cpu in the browser).
    rollupOptions: { input: { index: here('./web/index.html'), selftest: here('./web/selftest.html') } },
  },
  // Cross-origin isolation (SharedArrayBuffer): the library's wasm kernels may then use threads
  // in the training worker. A static host without these headers gets one thread, same results.
  server: { host: 'localhost', port: 5173, headers: ISOLATION },
  preview: { host: 'localhost', port: 4173, headers: ISOLATION },
});
