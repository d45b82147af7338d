/**
 * Measurements on the explorer page (`/`), printed (and attached as JSON), with sanity checks only:
 * - the ρ slider's input-to-paint latency: an input event, the worker's rescale and look, the
 *   snapshot back, the gradient-flow chart redrawn, and the next animation frame after that;
 * - the frame rate while training with the unrolled view's animation playing, and the long tasks.
 * Vanilla RNN, 64 hidden, T = 100, batch 16 (the size), wasm backend as in every spec.
 * Timed inside the page (event.timeStamp, MutationObserver, requestAnimationFrame,
 * PerformanceObserver), so Playwright's polling is not part of the numbers.
 *
 * With E2E_SOFTWARE_COMPOSITING=1 Chromium runs with --disable-gpu and without the SwiftShader
 * flags: on a machine without a GPU, SwiftShader's emulated GPU process otherwise dominates the
 * time from a DOM change to the next frame, which a real GPU would not.
 */
import { expect, test } from '@playwright/test';
import { findChromium, PLAYWRIGHT_CHROMIUM_ARGS } from '../scripts/chromium.mjs';
import { recordMessages } from './helpers';

const SOFTWARE = !!process.env.E2E_SOFTWARE_COMPOSITING;
if (SOFTWARE)
  test.use({
    launchOptions: {
      executablePath: findChromium(),
      args: [
        ...PLAYWRIGHT_CHROMIUM_ARGS.filter((a: string) => !/vulkan|webgpu|angle/i.test(a)),
        '--disable-gpu'
      ]
    }
  });
const RENDERING = SOFTWARE ? 'software compositing' : 'SwiftShader';

const HASH = 'cell=rnn&hidden=64&T=100&rho=1&backend=wasm';
const EVENTS = 60;
/**
 * The page of the slider test (default `/`); e.g. `E2E_LATENCY_PAGE='/embed?panels=gradient-flow'`
 * to time the page's update with fewer panels.
 */
const PAGE = process.env.E2E_LATENCY_PAGE ?? '/';
/**
 * `E2E_LATENCY_VIEWPORT=1280x3200`: a window tall enough for every panel of `/` to be on screen
 * (the page then draws each of them in the snapshot's task); default Playwright's 1280 × 720.
 */
const VIEWPORT = /^(\d+)x(\d+)$/.exec(process.env.E2E_LATENCY_VIEWPORT ?? '');
if (VIEWPORT) test.use({ viewport: { width: Number(VIEWPORT[1]), height: Number(VIEWPORT[2]) } });

/** The q-quantile of values (nearest rank). */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const fmt = (ms: number) => ms.toFixed(1);

test('ρ slider: input event to the repainted gradient curve (H = 64, T = 100)', async ({
  page
}, testInfo) => {
  // The time each message from the worker reaches the page (before the page's own handler runs):
  // it splits input → DOM into the worker's share (and the trip) and the page's update.
  await page.addInitScript(recordMessages, {});
  await page.goto(`${PAGE}#${HASH}`);
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
  await expect(page.getByTestId('backend')).toHaveText('wasm');
  const curve = page.locator('#gradient-flow path[data-series="grad-h"]');
  await expect(curve).toHaveAttribute('data-values', /\d/, { timeout: 30_000 });
  const slider = page.getByLabel('Spectral radius ρ', { exact: true });

  const samples = await slider.evaluate(async (input: HTMLInputElement, events: number) => {
    const chart = document.querySelector('#gradient-flow')!;
    const values = () =>
      chart.querySelector('path[data-series="grad-h"]')?.getAttribute('data-values') ?? '';
    const arrivals = (window as unknown as { messageArrivals: number[] }).messageArrivals;
    const out: {
      value: string;
      toMessage: number;
      toMutation: number;
      toFrame: number;
      toNextFrame: number;
    }[] = [];
    for (let i = 0; i < events; i++) {
      // Values on the slider's 0.01 grid, each different from the one before.
      const value = (0.8 + 0.01 * (i % 40)).toFixed(2);
      const before = values();
      const painted = new Promise<{ mutation: number; frame: number; nextFrame: number }>(
        (resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no repaint for ρ = ${value}`)), 20_000);
          const observer = new MutationObserver(() => {
            // The chart's own theory line follows the slider at once: wait for the measured curve.
            if (values() === before) return;
            observer.disconnect();
            clearTimeout(timer);
            const mutation = performance.now();
            requestAnimationFrame(() => {
              const frame = performance.now();
              requestAnimationFrame(() =>
                resolve({ mutation, frame, nextFrame: performance.now() })
              );
            });
          });
          observer.observe(chart, { subtree: true, attributes: true, childList: true });
        }
      );
      const event = new Event('input', { bubbles: true });
      input.value = value;
      input.dispatchEvent(event);
      const t = await painted;
      // The first message from the worker after the input (the snapshot it published).
      const message = arrivals.find((at) => at > event.timeStamp) ?? NaN;
      out.push({
        value,
        toMessage: message - event.timeStamp,
        toMutation: t.mutation - event.timeStamp,
        toFrame: t.frame - event.timeStamp,
        toNextFrame: t.nextFrame - event.timeStamp
      });
      // Let the page settle between events (isolated events, not a backlog).
      await new Promise((resolve) => setTimeout(resolve, 80));
    }
    return out;
  }, EVENTS);

  expect(samples).toHaveLength(EVENTS);
  const first = samples[0];
  const rest = samples.slice(1);
  const summary = {
    page: PAGE,
    viewport: page.viewportSize(),
    hash: HASH,
    rendering: RENDERING,
    events: EVENTS,
    firstEvent: first,
    toMessageMs: {
      median: quantile(
        rest.map((s) => s.toMessage),
        0.5
      ),
      p95: quantile(
        rest.map((s) => s.toMessage),
        0.95
      )
    },
    // Per event, the worker's message to the curve in the DOM: the page's update.
    messageToDomMs: {
      median: quantile(
        rest.map((s) => s.toMutation - s.toMessage),
        0.5
      ),
      p95: quantile(
        rest.map((s) => s.toMutation - s.toMessage),
        0.95
      )
    },
    toDomMs: {
      median: quantile(
        rest.map((s) => s.toMutation),
        0.5
      ),
      p95: quantile(
        rest.map((s) => s.toMutation),
        0.95
      )
    },
    toFrameMs: {
      median: quantile(
        rest.map((s) => s.toFrame),
        0.5
      ),
      p95: quantile(
        rest.map((s) => s.toFrame),
        0.95
      )
    },
    toNextFrameMs: {
      median: quantile(
        rest.map((s) => s.toNextFrame),
        0.5
      ),
      p95: quantile(
        rest.map((s) => s.toNextFrame),
        0.95
      )
    }
  };
  console.log(
    `ρ slider (${RENDERING}), ${PAGE}#${HASH}, ${page.viewportSize()?.width}×${page.viewportSize()?.height}, ${EVENTS - 1} events after the first (first: ${fmt(first.toFrame)} ms): ` +
      `input → worker's message median ${fmt(summary.toMessageMs.median)} / p95 ${fmt(summary.toMessageMs.p95)} ms; ` +
      `message → chart DOM median ${fmt(summary.messageToDomMs.median)} / p95 ${fmt(summary.messageToDomMs.p95)} ms; ` +
      `input → chart DOM median ${fmt(summary.toDomMs.median)} / p95 ${fmt(summary.toDomMs.p95)} ms; ` +
      `→ next frame median ${fmt(summary.toFrameMs.median)} / p95 ${fmt(summary.toFrameMs.p95)} ms; ` +
      `→ the frame after median ${fmt(summary.toNextFrameMs.median)} / p95 ${fmt(summary.toNextFrameMs.p95)} ms`
  );
  await testInfo.attach('slider-latency.json', {
    body: JSON.stringify({ summary, samples }, null, 2),
    contentType: 'application/json'
  });
  // The last value shown is the last one asked for; training never started.
  await expect(page.getByTestId('step-count')).toHaveText('0');
  expect(samples.every((s) => s.toFrame > 0 && s.toFrame >= s.toMutation)).toBe(true);
  // The curve changes after the worker's message has arrived, never before.
  expect(samples.every((s) => s.toMessage > 0 && s.toMessage <= s.toMutation)).toBe(true);
});

test('frame rate on / while training with the unrolled animation playing (H = 64, T = 100)', async ({
  page
}, testInfo) => {
  await page.goto(`/#${HASH}`);
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
  await page.getByTestId('anim-play').click();
  await expect(page.getByTestId('anim-play')).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('play').click();
  await expect(page.getByTestId('status')).toHaveText('running');

  const seconds = 10;
  const result = await page.evaluate(async (duration: number) => {
    const longTasks: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push(entry.duration);
    });
    observer.observe({ type: 'longtask', buffered: false });
    const intervals: number[] = [];
    const start = performance.now();
    let last = start;
    let frames = 0;
    await new Promise<void>((resolve) => {
      requestAnimationFrame(function tick(now) {
        frames += 1;
        intervals.push(now - last);
        last = now;
        if (now - start < duration * 1000) requestAnimationFrame(tick);
        else resolve();
      });
    });
    observer.disconnect();
    return { frames, elapsed: performance.now() - start, intervals, longTasks };
  }, seconds);
  const steps = Number(await page.getByTestId('step-count').innerText());
  const animating = await page.getByTestId('anim-play').getAttribute('aria-pressed');
  await page.getByTestId('play').click();

  const fps = (result.frames * 1000) / result.elapsed;
  const summary = {
    hash: HASH,
    rendering: RENDERING,
    seconds: result.elapsed / 1000,
    framesPerSecond: fps,
    frameIntervalMs: {
      median: quantile(result.intervals, 0.5),
      p95: quantile(result.intervals, 0.95),
      max: Math.max(...result.intervals)
    },
    framesOver50ms: result.intervals.filter((i) => i > 50).length,
    longTasks: result.longTasks.length,
    longTaskMs: {
      total: result.longTasks.reduce((a, b) => a + b, 0),
      max: result.longTasks.length ? Math.max(...result.longTasks) : 0
    },
    trainingSteps: steps,
    animationStillPlaying: animating === 'true'
  };
  console.log(
    `training + unrolled animation (${RENDERING}), ${HASH}, ${fmt(summary.seconds)} s: ${fmt(fps)} frames/s, ` +
      `frame interval median ${fmt(summary.frameIntervalMs.median)} / p95 ${fmt(summary.frameIntervalMs.p95)} / max ${fmt(summary.frameIntervalMs.max)} ms, ` +
      `${summary.framesOver50ms} frames over 50 ms; ${summary.longTasks} long tasks (total ${fmt(summary.longTaskMs.total)} ms, max ${fmt(summary.longTaskMs.max)} ms); ` +
      `${steps} training steps; animation still playing: ${summary.animationStillPlaying}`
  );
  await testInfo.attach('frame-rate.json', {
    body: JSON.stringify(summary, null, 2),
    contentType: 'application/json'
  });
  expect(result.frames).toBeGreaterThan(0);
  expect(steps).toBeGreaterThan(0);
});
