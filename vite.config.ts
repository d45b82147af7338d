import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { embedAssets } from './scripts/embed-assets.mjs';

export default defineConfig({
  // embedAssets: the <rnn-explorer> script and the example deck's reveal.js, next to the app.
  plugins: [sveltekit(), embedAssets()],
  // The wasm backend fetches its .wasm binaries at run time; keep them out of dependency pre-bundling.
  optimizeDeps: { exclude: ['@tensorflow/tfjs-backend-wasm'] },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
});
