import { existsSync } from 'node:fs';
import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { embedAssets } from './scripts/embed-assets.mjs';

/** `npm run build:single` (scripts/build-single.mjs): one self-contained HTML file; see svelte.config.js. */
const single = process.env.RNN_EXPLORER_BUILD === 'single';

/**
 * In the single-file build, a module `x.ts` with a sibling `x.single.ts` is replaced by it: the
 * few places where a page opened from file:// must work differently (start-worker.ts,
 * wasm-paths.ts) keep both versions side by side, and the normal build never sees the other one.
 */
function singleFileVariants(): Plugin {
  return {
    name: 'rnn-explorer-single-file-variants',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer || source.includes('?')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (!resolved || resolved.external || !resolved.id.endsWith('.ts')) return null;
      const variant = resolved.id.replace(/\.ts$/, '.single.ts');
      return existsSync(variant) ? variant : null;
    }
  };
}

export default defineConfig({
  // embedAssets: the <rnn-explorer> script and the example deck's reveal.js, next to the app (not
  // in the single-file build, which is the explorer page alone).
  plugins: [
    ...(single ? [singleFileVariants()] : []),
    sveltekit(),
    ...(single ? [] : [embedAssets()])
  ],
  // The wasm backend fetches its .wasm binaries at run time; keep them out of dependency pre-bundling.
  optimizeDeps: { exclude: ['@tensorflow/tfjs-backend-wasm'] },
  build: single
    ? {
        // Fonts as data: URLs inside the page's style; of KaTeX's three formats only woff2, the
        // one every browser reads first (the woff and ttf URLs left beside it are never fetched).
        assetsInlineLimit: (file: string) => (/\.(?:woff|ttf)$/.test(file) ? false : true),
        chunkSizeWarningLimit: 10_000
      }
    : {},
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
});
