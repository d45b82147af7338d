/**
 * A Vite plugin that adds the files a course page needs next to the app, outside the page bundle:
 *
 * - `rnn-explorer.js`: the `<rnn-explorer>` custom element (src/element/rnn-explorer.ts), built by
 *   a small separate Vite library build into one IIFE script that defines nothing global but the
 *   element;
 * - `examples/vendor/reveal.js/…`: reveal.js's script, style sheet and white theme, copied from
 *   the `reveal.js` dev dependency for the example deck (static/examples/reveal-deck.html), so
 *   that it runs without a CDN (and the tests without a network).
 *
 * `vite build` emits them into the client output (so `build/` and `vite preview` have them);
 * `vite dev` serves them from memory.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'vite';

/** Where the element's script is served, relative to the app's root. */
export const ELEMENT_FILE = 'rnn-explorer.js';
/** Where reveal.js's files are served, relative to the app's root. */
export const REVEAL_DIR = 'examples/vendor/reveal.js';
/** The files of reveal.js's `dist/` that the example deck uses. */
const REVEAL_FILES = ['reveal.js', 'reveal.css', 'theme/white.css'];

/**
 * Builds the custom element into one minified IIFE script.
 * @param {string} root the project's root
 * @returns {Promise<string>}
 */
export async function buildElement(root) {
  const result = await build({
    configFile: false,
    root,
    logLevel: 'warn',
    build: {
      write: false,
      minify: true,
      sourcemap: false,
      lib: {
        entry: path.join(root, 'src/element/rnn-explorer.ts'),
        formats: ['iife'],
        // Required by Vite for an IIFE; the entry exports nothing, so no global is created.
        name: 'RnnExplorerElement',
        fileName: () => ELEMENT_FILE
      }
    }
  });
  const outputs = Array.isArray(result) ? result : [result];
  for (const output of outputs) {
    if (!('output' in output)) continue;
    const chunk = output.output.find((file) => file.type === 'chunk');
    if (chunk && chunk.type === 'chunk') return chunk.code;
  }
  throw new Error('The <rnn-explorer> build produced no script.');
}

/**
 * reveal.js's files by their path under {@link REVEAL_DIR}, or none if it is not installed.
 * @param {string} root
 * @returns {Promise<Map<string, Buffer>>}
 */
async function revealFiles(root) {
  const dist = path.join(root, 'node_modules/reveal.js/dist');
  /** @type {Map<string, Buffer>} */
  const files = new Map();
  if (!existsSync(dist)) return files;
  for (const file of REVEAL_FILES) files.set(file, await readFile(path.join(dist, file)));
  return files;
}

/** @type {Record<string, string>} */
const CONTENT_TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8'
};

/** @returns {import('vite').Plugin} */
export function embedAssets() {
  let root = process.cwd();
  return {
    name: 'rnn-explorer-embed-assets',
    configResolved(config) {
      root = config.root;
    },
    configureServer(server) {
      const base = server.config.base.replace(/\/?$/, '/');
      server.middlewares.use(async (request, response, next) => {
        const url = (request.url ?? '').split(/[?#]/)[0];
        if (!url.startsWith(base)) return next();
        const file = url.slice(base.length);
        try {
          /** @type {string | Buffer | undefined} */
          let body;
          if (file === ELEMENT_FILE) body = await buildElement(root);
          else if (file.startsWith(`${REVEAL_DIR}/`)) {
            body = (await revealFiles(root)).get(file.slice(REVEAL_DIR.length + 1));
          }
          if (body === undefined) return next();
          response.setHeader('Content-Type', CONTENT_TYPES[path.extname(file)] ?? 'text/plain');
          response.end(body);
        } catch (error) {
          next(error);
        }
      });
    },
    async generateBundle() {
      // Once, into the browser's files (not the server build's).
      if (this.environment.config.consumer !== 'client') return;
      this.emitFile({ type: 'asset', fileName: ELEMENT_FILE, source: await buildElement(root) });
      const reveal = await revealFiles(root);
      if (reveal.size === 0) {
        this.warn('reveal.js is not installed: the example deck will have no reveal.js.');
      }
      for (const [file, source] of reveal) {
        this.emitFile({ type: 'asset', fileName: `${REVEAL_DIR}/${file}`, source });
      }
    }
  };
}
