import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  kit: {
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
