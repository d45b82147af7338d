/**
 * Starts the session's Web Worker (worker.ts) from its own file, next to the page's scripts. The
 * single-file build (`npm run build:single`) swaps this module for start-worker.single.ts, which
 * carries the worker inside the page instead, since a page opened from file:// may not load one.
 */
export function startSessionWorker(): Worker {
  // Vite finds and bundles the worker by this exact `new Worker(new URL(…))` form.
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
}
