// Builds the page of `npm run bench` (scripts/bench/index.html + entry.ts) into .bench/, a plain
// static folder that scripts/bench.mjs serves; the app's own Vite config (SvelteKit) is not used.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../.bench', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // tfjs with four backends and tf.layers is one large bundle, and that is fine here.
    chunkSizeWarningLimit: 8192
  }
});
