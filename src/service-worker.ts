/**
 * The service worker: after one visit the explorer works with no network (a lecture hall's Wi-Fi).
 * On install it precaches the whole build — the pages, their scripts and styles, the session
 * worker, the wasm binaries, the fonts and the corpus (src/lib/offline/precache.ts says which) —
 * in a cache of its own version; it answers those paths from that cache first, and leaves any
 * other request to the network. Once it takes over it deletes the caches of older versions.
 *
 * SvelteKit builds and registers it (`kit.serviceWorker`); the single-file build has none (a page
 * opened from file:// cannot register one, and needs none). In `vite dev` it caches nothing.
 */
import { build, files, prerendered, version } from '$service-worker';
import { cacheName, precachedPath, precacheList, staleCaches } from '$lib/offline/precache';

// The service worker's own event types (lib "webworker"), declared here so that the rest of the
// project keeps the DOM typings.
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface ServiceWorkerScope {
  readonly location: { readonly origin: string };
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
}

/**
 * A cached response as if it had come straight: a host that redirected a page when it was
 * precached (`/lab` → `/lab/`) left it marked `redirected`, and a browser refuses such a response
 * to a navigation.
 */
function unredirected(response: Response): Response {
  if (!response.redirected) return response;
  const { status, statusText, headers } = response;
  return new Response(response.body, { status, statusText, headers });
}

const worker = globalThis as unknown as ServiceWorkerScope;
const CACHE = cacheName(version);
const PRECACHED = new Set(precacheList(build, files, prerendered));

if (!import.meta.env.DEV) {
  worker.addEventListener('install', (event) => {
    // All or nothing: if one file fails, the install fails and the old version stays in charge.
    event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([...PRECACHED])));
  });

  worker.addEventListener('activate', (event) => {
    event.waitUntil(
      caches
        .keys()
        .then((names) => Promise.all(staleCaches(names, CACHE).map((name) => caches.delete(name))))
    );
  });

  worker.addEventListener('fetch', (event) => {
    if (event.request.method !== 'GET') return;
    const path = precachedPath(new URL(event.request.url), worker.location.origin, PRECACHED);
    if (path === null) return;
    event.respondWith(
      caches
        .open(CACHE)
        .then((cache) => cache.match(path))
        .then((cached) => (cached ? unredirected(cached) : fetch(event.request)))
    );
  });
}
