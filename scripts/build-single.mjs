// `npm run build:single`: the explorer as one self-contained HTML file,
// build-single/rnn-explorer.html, to download and open from disk (file://) with no server and no
// network. SvelteKit builds the explorer page alone with every script and style inlined
// (`RNN_EXPLORER_BUILD=single`, see svelte.config.js and vite.config.ts): the session worker is
// inside it and starts from a blob: URL, the wasm binaries and fonts are data: URLs, the corpus is
// generated in the page as it always is. This script then inlines the favicon, checks that the
// page asks for no other file, and says how big it is.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'build-single');
const SITE = join(OUT, 'site');
const FILE = join(OUT, 'rnn-explorer.html');

rmSync(OUT, { recursive: true, force: true });
console.log('build:single: building the explorer into one page (half a minute)…');
const vite = join(
  dirname(createRequire(import.meta.url).resolve('vite/package.json')),
  'bin',
  'vite.js'
);
// Its output is shown only if it fails: the rest is the normal build's, and noise here.
const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
  cwd: ROOT,
  encoding: 'utf8',
  maxBuffer: 64 * 2 ** 20,
  env: { ...process.env, RNN_EXPLORER_BUILD: 'single' }
});
if (result.error) throw result.error;
if (result.status !== 0) {
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exit(result.status ?? 1);
}

let html = readFileSync(join(SITE, 'index.html'), 'utf8');
const favicon = readFileSync(join(SITE, 'favicon.svg'));
html = html.replace(
  'href="./favicon.svg"',
  `href="data:image/svg+xml;base64,${favicon.toString('base64')}"`
);

// Anything the page would fetch from beside it: a script, a stylesheet or a preload by address,
// or a url() in its style other than KaTeX's woff and ttf fallbacks (never fetched: the woff2
// before them is inlined, and every browser reads woff2). Scripts' own text is not markup.
const markup = html.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/g, '$1$2');
const styles = [...markup.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
const outside = [
  ...[...markup.matchAll(/<\w+\b[^>]*\b(?:src|href)="(?!data:|#)([^"]*)"/g)].map((m) => m[1]),
  ...styles.flatMap((style) =>
    [...style.matchAll(/url\(\s*["']?(?!data:|#)([^)"']*)/g)].map((m) => m[1])
  )
].filter((address) => !/KaTeX_[\w-]+\.[\w-]+\.(?:woff|ttf)$/.test(address));
if (outside.length > 0) {
  console.error(`build:single: the page still asks for other files: ${outside.join(', ')}`);
  process.exit(1);
}

writeFileSync(FILE, html);
rmSync(SITE, { recursive: true, force: true });
const mb = (Buffer.byteLength(html) / 2 ** 20).toFixed(1);
console.log(`build:single: wrote ${FILE} (${mb} MiB); open it from disk in a browser.`);
