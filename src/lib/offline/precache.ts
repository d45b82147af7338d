/**
 * What the service worker (src/service-worker.ts) keeps for offline use, and under which name:
 * pure functions of SvelteKit's `$service-worker` lists, tested in Node.
 *
 * One cache per build version (`rnn-explorer-<version>`): a new deployment installs its own cache
 * next to the old one, the old service worker goes on serving the old one to the pages it controls,
 * and the new one deletes every other cache of this app once it takes over. So a page is always
 * served from one consistent build, never half old and half new.
 */

/** The prefix of this app's caches; caches of other apps on the same origin are left alone. */
export const CACHE_PREFIX = 'rnn-explorer-';

/** The cache of one build. */
export function cacheName(version: string): string {
  return `${CACHE_PREFIX}${version}`;
}

/**
 * Font formats left out: KaTeX lists each font as woff2, woff and ttf, and a browser takes the
 * first it reads. Every browser with service workers reads woff2, so the others are never fetched.
 */
const NEVER_FETCHED = /\.(?:woff|ttf)$/;

/**
 * Everything precached, as paths (with the site's base): the built scripts, styles, wasm
 * binaries and fonts (`build`), the static files such as the corpus (`files`), and the prerendered
 * pages (`prerendered`, e.g. `/` and `/lab`). Sorted, each once.
 */
export function precacheList(
  build: readonly string[],
  files: readonly string[],
  prerendered: readonly string[]
): string[] {
  const all = new Set([...build.filter((path) => !NEVER_FETCHED.test(path)), ...files]);
  for (const page of prerendered) all.add(page);
  return [...all].sort();
}

/** The caches of this app other than `current`: the ones to delete when `current` takes over. */
export function staleCaches(names: readonly string[], current: string): string[] {
  return names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== current);
}

/**
 * The precached path that answers a GET of `url`, or null when the network should: same origin,
 * and the path (without query or fragment) precached. A page's query (`/embed?panels=…`) and hash
 * (the config) are read by the page's own script, so the one prerendered file serves them all.
 */
export function precachedPath(
  url: URL,
  origin: string,
  precached: ReadonlySet<string>
): string | null {
  if (url.origin !== origin) return null;
  return precached.has(url.pathname) ? url.pathname : null;
}
