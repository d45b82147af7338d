/**
 * The single-file build's start-worker.ts (see vite.config.ts, `singleFileVariants`): the worker's
 * code is bundled into the page and started from a blob: URL, the one kind of worker script a page
 * opened from file:// may start (a file:// script is refused as cross-origin).
 */
import SessionWorker from './worker.ts?worker&inline';

export function startSessionWorker(): Worker {
  return new SessionWorker();
}
