/**
 * Where the ρ slider's input → worker's message time goes, per event, on absolute clocks
 * (`performance.timeOrigin + performance.now()` on the page and in the worker), run on demand:
 * `E2E_BREAKDOWN=1 E2E_PORT=… node scripts/e2e.mjs e2e/latency-breakdown.spec.ts` (add
 * `E2E_SOFTWARE_COMPOSITING=1`). Same page and events as e2e/latency.spec.ts. The page's
 * `postMessage` calls and message events are recorded from an init script; in the worker,
 * `postMessage` (before and after: the structured clone) and its message events, through
 * `page.workers()[0].evaluate`. Prints the median and p95 of each share; asserts nothing but
 * that the events were timed.
 */
import { expect, test } from '@playwright/test';
import { findChromium, PLAYWRIGHT_CHROMIUM_ARGS } from '../scripts/chromium.mjs';
import { recordMessages } from './helpers';

if (process.env.E2E_SOFTWARE_COMPOSITING)
  test.use({
    launchOptions: {
      executablePath: findChromium(),
      args: [
        ...PLAYWRIGHT_CHROMIUM_ARGS.filter((a: string) => !/vulkan|webgpu|angle/i.test(a)),
        '--disable-gpu'
      ]
    }
  });
test.skip(!process.env.E2E_BREAKDOWN, 'a measurement: set E2E_BREAKDOWN=1 to run it');

const HASH = 'cell=rnn&hidden=64&T=100&rho=1&backend=wasm';
const EVENTS = Number(process.env.EVENTS ?? 60);
const SKEW_MS = 2;
const q = (v: number[], p: number) => {
  const s = [...v].filter(Number.isFinite).sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};

test('ρ slider: input → worker → page, share by share (H = 64, T = 100)', async ({ page }) => {
  await page.addInitScript(recordMessages, { absolute: true, posts: true });
  await page.goto(`/#${HASH}`);
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
  const curve = page.locator('#gradient-flow path[data-series="grad-h"]');
  await expect(curve).toHaveAttribute('data-values', /\d/, { timeout: 30_000 });
  const worker = page.workers()[0];
  await worker.evaluate(() => {
    const g = self as unknown as Record<string, number[]>;
    const abs = () => performance.timeOrigin + performance.now();
    g.recv = [];
    g.postStart = [];
    g.postEnd = [];
    self.addEventListener('message', (e) => g.recv.push(performance.timeOrigin + e.timeStamp));
    for (const target of [MessagePort.prototype, self]) {
      const post = target.postMessage;
      (target as { postMessage: unknown }).postMessage = function (
        this: unknown,
        ...args: unknown[]
      ) {
        g.postStart.push(abs());
        const r = (post as (...a: unknown[]) => void).apply(this, args);
        g.postEnd.push(abs());
        return r;
      };
    }
  });
  const slider = page.getByLabel('Spectral radius ρ', { exact: true });
  const samples = await slider.evaluate(async (input: HTMLInputElement, events: number) => {
    const chart = document.querySelector('#gradient-flow')!;
    const values = () =>
      chart.querySelector('path[data-series="grad-h"]')?.getAttribute('data-values') ?? '';
    const out: { input: number; dispatched: number; mutation: number }[] = [];
    for (let i = 0; i < events; i++) {
      const value = (0.8 + 0.01 * (i % 40)).toFixed(2);
      const before = values();
      const painted = new Promise<number>((resolve) => {
        const observer = new MutationObserver(() => {
          if (values() === before) return;
          observer.disconnect();
          resolve(performance.timeOrigin + performance.now());
        });
        observer.observe(chart, { subtree: true, attributes: true, childList: true });
      });
      const event = new Event('input', { bubbles: true });
      input.value = value;
      input.dispatchEvent(event);
      const dispatched = performance.timeOrigin + performance.now();
      const mutation = await painted;
      out.push({ input: performance.timeOrigin + event.timeStamp, dispatched, mutation });
      await new Promise((r) => setTimeout(r, 80));
    }
    return out;
  }, EVENTS);
  const pageT = await page.evaluate(() => {
    const w = window as unknown as { messageArrivals: number[]; messagePosts: number[] };
    return { arrivals: w.messageArrivals, posts: w.messagePosts };
  });
  const wt = await worker.evaluate(() => {
    const g = self as unknown as Record<string, number[]>;
    return { recv: g.recv, postStart: g.postStart, postEnd: g.postEnd };
  });
  const after = (xs: number[], t: number) => xs.find((x) => x >= t) ?? NaN;
  const last = (xs: number[], t: number) => xs.findLast((x) => x <= t) ?? NaN;
  const rows = samples.slice(1).map((s) => {
    const post = after(pageT.posts, s.input);
    // The page's and the worker's clocks may differ by a fraction of a millisecond: a message is
    // matched across threads with SKEW_MS to spare (events are ~100 ms apart).
    const recv = after(wt.recv, post - SKEW_MS);
    // The first message reaching the page after the input, and the worker's post that sent it.
    const arrival = after(pageT.arrivals, s.input);
    const wPostEnd = last(wt.postEnd, arrival + SKEW_MS);
    const wPost = last(wt.postStart, wPostEnd);
    return {
      inputToPost: post - s.input,
      handler: s.dispatched - s.input,
      postToWorker: recv - post,
      worker: wPost - recv,
      serialize: wPostEnd - wPost,
      toPage: arrival - wPostEnd,
      toMessage: arrival - s.input,
      messageToDom: s.mutation - arrival,
      toDom: s.mutation - s.input
    };
  });
  const keys = Object.keys(rows[0]) as (keyof (typeof rows)[0])[];
  expect(rows.length).toBe(EVENTS - 1);
  console.log(
    keys
      .map(
        (k) =>
          `${k}: median ${q(
            rows.map((r) => r[k]),
            0.5
          ).toFixed(2)} p95 ${q(
            rows.map((r) => r[k]),
            0.95
          ).toFixed(2)}`
      )
      .join('\n')
  );
});
