/**
 * The lecture hall: the explorer works with no network after one visit (the service worker), and
 * as one HTML file opened from disk (`npm run build:single`); and while a slow backend (WebGPU on
 * SwiftShader) warms up, the first picture is already there.
 *
 * The other specs block service workers (playwright.config.ts); the first test here allows them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, stepCount } from './helpers';

const ROOT = join(import.meta.dirname, '..');
const SINGLE_FILE = join(ROOT, 'build-single', 'rnn-explorer.html');

/** The explorer is there: its title, a picture of the network, a model ready to train. */
async function expectExplorer(page: Page, backend: string) {
  await expect(page.getByRole('heading', { level: 1, name: 'RNN Explorer' })).toBeVisible();
  await expect(page.locator('#unrolled svg').first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 120_000 });
  await expect(page.getByTestId('backend')).toHaveText(backend);
}

/** Play until the step count passes `steps`, pause, and check a finite loss is shown. */
async function expectTraining(page: Page, steps: number) {
  await page.getByTestId('play').click();
  await expect.poll(() => stepCount(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(steps);
  await page.getByTestId('play').click();
  await expect(page.getByTestId('status')).toHaveText('paused');
  const loss = Number(await page.getByTestId('loss').innerText());
  expect(Number.isFinite(loss) && loss > 0, `loss ${loss}`).toBe(true);
}

test.describe('after one visit', () => {
  test.use({ serviceWorkers: 'allow' });

  test('with the network off, reloading / still shows the explorer, and it trains', async ({
    page,
    context
  }) => {
    await page.goto('/');
    // Shown once the service worker is active, which it is only once its precache succeeded.
    await expect(page.getByTestId('offline-status')).toHaveText('Available offline', {
      timeout: 120_000
    });
    await expectExplorer(page, 'wasm');

    await context.setOffline(true);
    const errors = collectErrors(page);
    const fromNetwork: string[] = [];
    page.on('response', (response) => {
      if (!response.fromServiceWorker()) fromNetwork.push(response.url());
    });
    await page.reload();
    // wasm, not cpu: the worker found its wasm binary in the cache too.
    await expectExplorer(page, 'wasm');
    await expectTraining(page, 5);
    await expect(page.getByTestId('offline-status')).toBeVisible();
    expect(fromNetwork).toEqual([]);
    expect(errors).toEqual([]);

    // The network really is off: what is not precached cannot be had.
    const probe = await page.evaluate(() =>
      fetch('./_app/version.json').then(
        (response) => `answered ${response.status}`,
        () => 'failed'
      )
    );
    expect(probe).toBe('failed');
  });
});

test.describe('the single-file build', () => {
  test.beforeAll(async () => {
    // Its own build, once for this file (about half a minute); its output is apart from the
    // normal build that `vite preview` serves to the other tests.
    test.setTimeout(300_000);
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-single.mjs')], {
      cwd: ROOT,
      stdio: 'inherit'
    });
    expect(existsSync(SINGLE_FILE)).toBe(true);
  });

  test('opened from file://, it shows the explorer and trains, asking for no other file', async ({
    page
  }) => {
    const errors = collectErrors(page);
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(SINGLE_FILE).href);
    expect(page.url()).toMatch(/^file:\/\//);
    await expectExplorer(page, 'wasm');
    await expectTraining(page, 10);
    await expect(page.getByTestId('offline-status')).toHaveText('Available offline');
    // The page itself, then only what it made itself (the worker's blob:, the data: URLs).
    const others = requests.filter((url) => !/^(?:data|blob):/.test(url));
    expect(others).toEqual([pathToFileURL(SINGLE_FILE).href]);
    expect(errors).toEqual([]);
  });

  test('opened from file://, it trains on WebGPU when asked to', async ({ page }) => {
    const errors = collectErrors(page);
    await page.goto(`${pathToFileURL(SINGLE_FILE).href}#backend=webgpu`);
    await expectExplorer(page, 'webgpu');
    await expect(page.getByTestId('backend')).toHaveAttribute('title', /swiftshader/i);
    await page.getByTestId('step').click();
    await expect.poll(() => stepCount(page), { timeout: 60_000 }).toBe(1);
    expect(errors).toEqual([]);
  });
});

test('the first picture appears before the slow backend (WebGPU on SwiftShader) is ready', async ({
  page
}) => {
  // What the page showed when the network's picture first appeared, recorded in the page itself
  // (no polling can miss the moment).
  await page.addInitScript(() => {
    const text = (id: string) =>
      document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? null;
    const seen: Record<string, unknown> = {};
    (window as unknown as { firstPicture: typeof seen }).firstPicture = seen;
    new MutationObserver((_, observer) => {
      if (!document.querySelector('#unrolled svg')) return;
      Object.assign(seen, {
        at: performance.now(),
        status: text('status'),
        play: (document.querySelector('[data-testid="play"]') as HTMLButtonElement).disabled
          ? 'disabled'
          : 'enabled',
        loss: text('loss')
      });
      observer.disconnect();
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto('/#backend=webgpu');
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 120_000 });
  const readyAt = await page.evaluate(() => performance.now());
  await expect(page.getByTestId('backend')).toHaveText('webgpu');
  const first = await page.evaluate(
    () => (window as unknown as { firstPicture: Record<string, string | number> }).firstPicture
  );
  test.info().annotations.push({
    type: 'first picture',
    description: `${Math.round(Number(first.at))} ms; ready to train at ${Math.round(readyAt)} ms`
  });
  expect(first.status).toBe('loading');
  expect(first.play).toBe('disabled');
  // The same network: the look on WebGPU shows the loss the quick look showed, to its 4 digits.
  const loss = Number(await page.getByTestId('loss').innerText());
  expect(Math.abs(loss - Number(first.loss))).toBeLessThanOrEqual(Math.abs(loss) * 2e-3);
});
