import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/**
 * `RNN_EXPLORER_BUILD=single` (set by `npm run build:single`, scripts/build-single.mjs): the explorer
 * alone (routes from src/single/), every script and style inlined into its one page, no service
 * worker, built apart from the normal build (its own `.svelte-kit-single` and `build-single`).
 */
const single = process.env.RNN_EXPLORER_BUILD === 'single';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  kit: single
    ? {
        adapter: adapter({ pages: 'build-single/site', assets: 'build-single/site', strict: true }),
        paths: { relative: true },
        outDir: '.svelte-kit-single',
        output: { bundleStrategy: 'inline' },
        files: { routes: 'src/single', serviceWorker: 'src/single/no-service-worker' },
        serviceWorker: { register: false }
      }
    : {
        adapter: adapter({ fallback: undefined, strict: true }),
        paths: { relative: true },
        prerender: {
          // A fragment with `=` is a config (`/compare#a=…&b=…`, `/#cell=lstm`), not an element id.
          handleMissingId: ({ id, message }) => {
            if (!id.includes('=')) throw new Error(message);
          }
        }
      }
};

export default config;
