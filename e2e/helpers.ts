/** What several specs need: an error collector, the step counter, a canvas's ink. */
import { readFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';

/**
 * Collects a page's console errors and uncaught exceptions, and with `requests` its failed requests
 * too (except aborted ones: a reload aborts what the old page was still fetching, the favicon).
 * The returned array fills as the page runs; a test ends by expecting it to be empty.
 */
export function collectErrors(page: Page, { requests = false } = {}): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  if (requests) {
    page.on('requestfailed', (request) => {
      const reason = request.failure()?.errorText;
      if (reason !== 'net::ERR_ABORTED')
        errors.push(`request failed: ${request.url()} (${reason})`);
    });
  }
  return errors;
}

/** The explorer header's training-step counter. */
export const stepCount = async (page: Page) =>
  Number(await page.getByTestId('step-count').innerText());

/** The share of a canvas's pixels that are painted, and how many distinct opaque colours it has. */
export async function canvasInk(canvas: Locator) {
  return canvas.evaluate((element) => {
    const c = element as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set<number>();
    let painted = 0;
    for (let p = 0; p < data.length; p += 4) {
      if (data[p + 3] === 0) continue;
      painted++;
      colours.add((data[p] << 16) | (data[p + 1] << 8) | data[p + 2]);
    }
    return { colours: colours.size, painted: painted / (data.length / 4) };
  });
}

/** Clicks a control that starts a download; the download, its name and its bytes. */
export async function downloadOf(page: Page, control: Locator) {
  const [download] = await Promise.all([page.waitForEvent('download'), control.click()]);
  const bytes = readFileSync((await download.path())!);
  return { download, name: download.suggestedFilename(), bytes };
}

/**
 * For `page.addInitScript(recordMessages, options)`: in the page, the time each message reaches
 * a Worker or MessagePort (a listener added before the page's own, so it runs first) goes into
 * `window.messageArrivals`, and with `posts`, the time of each `postMessage` from the page into
 * `window.messagePosts`; on the page's `performance.now()` clock, or with `absolute` on
 * `performance.timeOrigin + performance.now()` (comparable with a worker's). Self-contained: it
 * runs in the page.
 */
export function recordMessages(options: { absolute?: boolean; posts?: boolean }): void {
  const w = window as unknown as { messageArrivals: number[]; messagePosts: number[] };
  const now = options.absolute
    ? () => performance.timeOrigin + performance.now()
    : () => performance.now();
  w.messageArrivals = [];
  w.messagePosts = [];
  const add = EventTarget.prototype.addEventListener;
  const timed = new WeakSet<EventTarget>();
  EventTarget.prototype.addEventListener = function (
    this: EventTarget,
    ...args: Parameters<EventTarget['addEventListener']>
  ) {
    if (
      args[0] === 'message' &&
      (this instanceof MessagePort || this instanceof Worker) &&
      !timed.has(this)
    ) {
      timed.add(this);
      add.call(this, 'message', () => w.messageArrivals.push(now()));
    }
    return add.apply(this, args);
  };
  if (!options.posts) return;
  for (const C of [Worker, MessagePort]) {
    const post = C.prototype.postMessage;
    C.prototype.postMessage = function (this: Worker, ...args: [unknown, Transferable[]]) {
      w.messagePosts.push(now());
      return post.apply(this, args);
    } as typeof post;
  }
}
