/**
 * The training session runs in a Web Worker: the page stays smooth while it trains, a diverging run
 * pauses with a message and reset recovers, two sessions run side by side, the worker works on
 * WebGPU, and a lost backend hands over to the next one. Driven through the session lab
 * (`/lab/session`).
 */
import { expect, test, type Locator } from '@playwright/test';
import { collectErrors } from './helpers';

/** A model big enough to keep the worker busy: an LSTM, hidden 32, T=30, batch 16, on wasm. */
const BUSY = 'cell=lstm&hidden=32&T=30&batch=16&seed=2&backend=wasm';
/**
 * ReLU, g² = 4, no clipping, plain SGD: the first update is finite (loss ~1e14), the second
 * overflows the forward pass (h_t non-finite).
 */
const DIVERGING =
  'cell=rnn&act=relu&init=normal&initIH=normal&g2=4&clip=off&T=40&opt=sgd&lr=0.001&backend=wasm';

/** The numbers a session panel shows. */
async function read(panel: Locator) {
  return {
    status: await panel.getByTestId('status').innerText(),
    step: Number(await panel.getByTestId('steps').innerText()),
    loss: Number(await panel.getByTestId('loss').innerText()),
    backend: await panel.getByTestId('backend').innerText()
  };
}

/** Waits until the panel's session has built its model and is paused, ready to play. */
async function ready(panel: Locator) {
  await expect(panel.getByTestId('status')).toHaveText('paused', { timeout: 120_000 });
}

async function stepAtLeast(panel: Locator, steps: number, timeout = 60_000) {
  await expect
    .poll(async () => Number(await panel.getByTestId('steps').innerText()), { timeout })
    .toBeGreaterThanOrEqual(steps);
}

test('while a session trains, the main thread has no long task', async ({ page }, testInfo) => {
  const errors = collectErrors(page, { requests: true });
  await page.addInitScript(() => {
    const tasks: { start: number; duration: number }[] = [];
    (window as unknown as { longTasks: typeof tasks }).longTasks = tasks;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        tasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`/lab/session?spf=1000#${BUSY}`);
  const panel = page.getByTestId('session-0');
  await ready(panel);

  const started = await page.evaluate(() => performance.now());
  await page.getByTestId('play').click();
  await expect(panel.getByTestId('status')).toHaveText('running');
  await page.waitForTimeout(5000);
  const during = await read(panel);
  const sps = await panel.getByTestId('steps-per-second').innerText();
  const ended = await page.evaluate(() => performance.now());
  await page.getByTestId('pause').click();
  await expect(panel.getByTestId('status')).toHaveText('paused');

  const longTasks = await page.evaluate(
    ([from, to]) =>
      (window as unknown as { longTasks: { start: number; duration: number }[] }).longTasks.filter(
        (t) => t.start >= from && t.start <= to
      ),
    [started, ended]
  );
  const before = await page.evaluate(
    (from) =>
      (window as unknown as { longTasks: { start: number; duration: number }[] }).longTasks.filter(
        (t) => t.start < from
      ).length,
    started
  );
  const max = Math.max(0, ...longTasks.map((t) => t.duration));
  const summary =
    `${during.step} steps in ${((ended - started) / 1000).toFixed(1)} s on ${during.backend} ` +
    `(${sps} steps/s near the end); main-thread long tasks while training: ${longTasks.length}, ` +
    `longest ${max.toFixed(0)} ms (${before} during page load)`;
  testInfo.annotations.push({ type: 'long tasks', description: summary });
  console.log(summary);

  expect(during.backend).toBe('wasm');
  expect(during.step).toBeGreaterThan(20);
  expect(Number.isFinite(during.loss)).toBe(true);
  expect(longTasks).toEqual([]);
  expect(errors).toEqual([]);
});

test('a diverging run pauses with a message naming the step and the quantity; reset recovers', async ({
  page
}, testInfo) => {
  const errors = collectErrors(page, { requests: true });
  await page.goto(`/lab/session#${DIVERGING}`);
  const panel = page.getByTestId('session-0');
  await ready(panel);
  const untrained = await read(panel);

  await page.getByTestId('play').click();
  await expect(panel.getByTestId('status')).toHaveText('diverged');
  const message = await panel.getByTestId('divergence').innerText();
  testInfo.annotations.push({ type: 'divergence', description: message });
  console.log(`divergence: ${message}`);
  expect(message).toMatch(/^Training diverged at step 2: h_t became non-finite at step t=\d+/);
  // The last finite state stays on screen: one update made, a finite loss.
  const diverged = await read(panel);
  expect(diverged.step).toBe(1);
  expect(Number.isFinite(diverged.loss)).toBe(true);
  expect(diverged.loss).toBeGreaterThan(1e10);
  // Play does nothing until reset.
  await page.getByTestId('play').click();
  await page.waitForTimeout(300);
  expect((await read(panel)).status).toBe('diverged');

  await page.getByTestId('reset').click();
  await expect(panel.getByTestId('status')).toHaveText('paused');
  await expect(panel.getByTestId('divergence')).toHaveCount(0);
  const reset = await read(panel);
  expect(reset.step).toBe(0);
  expect(reset.loss).toBe(untrained.loss);
  await page.getByTestId('step').click();
  await stepAtLeast(panel, 1);
  const stepped = await read(panel);
  expect(stepped.status).toBe('paused');
  expect(Number.isFinite(stepped.loss)).toBe(true);
  expect(errors).toEqual([]);
});

test('comparison mode runs two sessions on the same data and seed: RNN vs LSTM', async ({
  page
}, testInfo) => {
  const errors = collectErrors(page, { requests: true });
  const rnn = 'cell=rnn&hidden=16&T=20&batch=8&seed=4&backend=wasm';
  const lstm = 'cell=lstm&hidden=16&T=20&batch=8&seed=5&backend=wasm';
  await page.goto(`/lab/session?compare=${encodeURIComponent(lstm)}#${rnn}`);
  const [first, second] = [page.getByTestId('session-0'), page.getByTestId('session-1')];
  await ready(first);
  await ready(second);
  // The second run takes the first one's seed.
  await expect(page.getByTestId('page-notice')).toHaveText(/seed=4 \(not 5\)/);

  await page.getByTestId('play').click();
  await stepAtLeast(first, 30);
  await stepAtLeast(second, 30);
  await page.getByTestId('pause').click();
  await expect(first.getByTestId('status')).toHaveText('paused');
  await expect(second.getByTestId('status')).toHaveText('paused');
  const [a, b] = [await read(first), await read(second)];
  const summary = `rnn: ${a.step} steps, loss ${a.loss}; lstm: ${b.step} steps, loss ${b.loss}`;
  testInfo.annotations.push({ type: 'comparison', description: summary });
  console.log(summary);
  for (const run of [a, b]) {
    expect(run.backend).toBe('wasm');
    expect(Number.isFinite(run.loss)).toBe(true);
    expect(run.loss).toBeGreaterThan(0);
  }
  expect(a.loss).not.toBe(b.loss);
  // Shared controls: reset both.
  await page.getByTestId('reset').click();
  await expect(first.getByTestId('steps')).toHaveText('0');
  await expect(second.getByTestId('steps')).toHaveText('0');
  expect(errors).toEqual([]);
});

test('the session worker trains on WebGPU (SwiftShader)', async ({ page }, testInfo) => {
  const errors = collectErrors(page, { requests: true });
  await page.goto('/lab/session#cell=lstm&hidden=8&T=8&batch=4&seed=1&backend=webgpu');
  const panel = page.getByTestId('session-0');
  await ready(panel);
  await page.getByTestId('play').click();
  await stepAtLeast(panel, 3, 150_000);
  await page.getByTestId('pause').click();
  await expect(panel.getByTestId('status')).toHaveText('paused');
  const run = await read(panel);
  const summary = `webgpu: ${run.step} steps, loss ${run.loss}`;
  testInfo.annotations.push({ type: 'webgpu', description: summary });
  console.log(summary);
  expect(run.backend).toBe('webgpu');
  expect(Number.isFinite(run.loss)).toBe(true);
  await expect(panel.getByTestId('notices')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('a lost backend hands over to the next one and training goes on', async ({
  page
}, testInfo) => {
  const errors = collectErrors(page, { requests: true });
  await page.goto('/lab/session?lossAt=4#cell=gru&hidden=8&T=10&batch=4&seed=6&backend=wasm');
  const panel = page.getByTestId('session-0');
  await ready(panel);
  expect((await read(panel)).backend).toBe('wasm');
  await page.getByTestId('play').click();
  await expect(panel.getByTestId('backend')).toHaveText('cpu');
  await stepAtLeast(panel, 10);
  await page.getByTestId('pause').click();
  await expect(panel.getByTestId('status')).toHaveText('paused');
  const notice = panel.getByTestId('notice').filter({ hasText: 'backend failed' });
  await expect(notice).toHaveText(
    /The wasm backend failed at step 4 \(GPU device lost \(simulated at step 4\)\); training goes on on cpu from the parameters after step [0-3] /
  );
  testInfo.annotations.push({ type: 'fallback', description: await notice.innerText() });
  const run = await read(panel);
  expect(run.status).toBe('paused');
  expect(Number.isFinite(run.loss)).toBe(true);
  expect(errors).toEqual([]);
});

test('the echo state network is fitted in the worker: NRMSE below 0.1, and the echo state property', async ({
  page
}) => {
  const errors = collectErrors(page, { requests: true });
  await page.goto('/lab/session#task=esn&hidden=50&rho=0.9&backend=wasm');
  const panel = page.getByTestId('session-0');
  await ready(panel);
  expect(Number(await panel.getByTestId('nrmse').innerText())).toBeLessThan(0.1);
  expect(Number(await panel.getByTestId('esp-distance').innerText())).toBeLessThan(1e-6);

  // Above 1 with a weak input, two initial states never meet.
  await page.goto('/lab/session#task=esn&hidden=100&rho=1.5&inScale=0.1&backend=wasm');
  await page.reload();
  const wild = page.getByTestId('session-0');
  await ready(wild);
  expect(Number(await wild.getByTestId('esp-distance').innerText())).toBeGreaterThan(0.1);
  expect(errors).toEqual([]);
});

test('the character model writes a sample, and a pasted text over 200 KB is refused with a message', async ({
  page
}) => {
  const errors = collectErrors(page, { requests: true });
  await page.goto('/lab/session#task=chars&cell=gru&hidden=16&T=16&batch=8&temp=0.8&backend=wasm');
  const panel = page.getByTestId('session-0');
  await ready(panel);
  await page.getByTestId('step').click();
  await stepAtLeast(panel, 1);
  await expect(panel.getByTestId('sample')).toContainText('the dogs that the cat sees');

  await page.getByText('Your own text for the character model').click();
  await page.getByTestId('text-input').fill('x'.repeat(210 * 1024));
  await page.getByTestId('use-text').click();
  await expect(panel.getByTestId('notice').first()).toContainText('the limit is 200 KB');
  expect((await read(panel)).step).toBe(1);

  await page
    .getByTestId('text-input')
    .fill('to be or not to be, that is the question. '.repeat(30));
  await page.getByTestId('use-text').click();
  await expect(panel.getByTestId('steps')).toHaveText('0');
  await expect(panel.getByTestId('notices')).not.toContainText('limit');
  await page.getByTestId('step').click();
  await stepAtLeast(panel, 1);
  await expect(panel.getByTestId('sample')).toContainText('to be or not');
  expect(errors).toEqual([]);
});
