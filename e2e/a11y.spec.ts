/**
 * Accessibility (docs/accessibility.md): axe-core finds no serious or critical WCAG 2.1 A/AA
 * violation on `/`, on `/embed`, with the shortcuts dialog open and in presentation mode, in the
 * light and the dark theme; every control is reached by Tab; presentation mode is on and off by
 * key, button and address, and works where full screen is refused (a frame without permission).
 * Every URL asks for the wasm backend, which starts fastest.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, stepCount } from './helpers';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
/** Impacts that fail the test; moderate and minor ones are printed only. */
const BLOCKING = ['serious', 'critical'];
const THEMES = ['light', 'dark'] as const;

/** Opens a page of the app and waits until its session has built the model and taken 2 steps. */
async function open(page: Page, path: string) {
  // From a blank page: going to a new hash on the same path would only change the config.
  await page.goto('about:blank');
  await page.goto(path);
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
  await expect(page.getByTestId('backend')).toHaveText('wasm');
  await page.getByTestId('step').click();
  await page.getByTestId('step').click();
  await expect.poll(() => stepCount(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
}

/**
 * Runs axe on the page as it is and expects no serious or critical violation. Every violation,
 * whatever its impact, is printed with its rule, its help and the elements it found.
 */
async function audit(page: Page, what: string) {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const report = violations
    .map(
      (v) =>
        `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
        v.nodes
          .map((n) => `    ${n.target.join(' » ')}\n      ${n.failureSummary?.replace(/\n/g, ' ')}`)
          .join('\n')
    )
    .join('\n');
  if (violations.length > 0) console.log(`axe on ${what}:\n${report}`);
  const blocking = violations.filter((v) => BLOCKING.includes(v.impact ?? ''));
  expect
    .soft(
      blocking.map((v) => v.id),
      `serious or critical axe violations on ${what}:\n${report}`
    )
    .toEqual([]);
}

for (const theme of THEMES) {
  test.describe(`${theme} theme`, () => {
    test.use({ colorScheme: theme });

    test(`axe: the explorer, its shortcuts dialog and presentation mode (${theme})`, async ({
      page
    }) => {
      const errors = collectErrors(page);
      await open(page, '/#backend=wasm');
      await audit(page, `/ (${theme})`);

      await page.keyboard.press('?');
      await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
      await audit(page, `the shortcuts dialog (${theme})`);
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toBeHidden();

      await page.keyboard.press('p');
      await expect(page.locator('.app')).toHaveClass(/\bpresent\b/);
      await audit(page, `presentation mode (${theme})`);
      await page.getByTestId('present-settings').click();
      await expect(page.getByRole('complementary', { name: 'Settings' })).toBeVisible();
      await audit(page, `presentation mode with the settings unfolded (${theme})`);
      expect(errors).toEqual([]);
    });

    test(`axe: the views of other tasks, clipping shown (${theme})`, async ({ page }) => {
      const errors = collectErrors(page);
      for (const hash of ['task=reverse&clipAt=0.001', 'task=chars', 'task=first-symbol']) {
        await open(page, `/#${hash}&backend=wasm`);
        await audit(page, `/#${hash} (${theme})`);
      }
      expect(errors).toEqual([]);
    });

    test(`axe: /embed (${theme})`, async ({ page }) => {
      const errors = collectErrors(page);
      await open(page, '/embed#backend=wasm');
      await audit(page, `/embed (${theme})`);
      // Its shortcuts leave out P: an embed has no presentation mode.
      await page.keyboard.press('?');
      const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await expect(dialog.getByRole('row', { name: /^R\b/ })).toBeVisible();
      await expect(dialog.getByRole('row', { name: /^P\b/ })).toHaveCount(0);
      await audit(page, `/embed with its shortcuts dialog (${theme})`);
      expect(errors).toEqual([]);
    });
  });
}

test('Tab reaches every control of the header and of the settings, in page order', async ({
  page
}) => {
  await open(page, '/#backend=wasm');
  // Number every element that should take focus: the header's and the settings' enabled controls.
  const wanted = await page.evaluate(() => {
    const selector = 'button, input, select, textarea, a[href], summary, [tabindex]';
    const names: Record<string, string> = {};
    let n = 0;
    for (const region of document.querySelectorAll('header, aside')) {
      for (const element of region.querySelectorAll<HTMLElement>(selector)) {
        if ((element as HTMLButtonElement).disabled || element.tabIndex < 0) continue;
        if (element.closest('dialog') || element.getClientRects().length === 0) continue;
        const id = `c${n++}`;
        element.dataset.probe = id;
        names[id] =
          element.dataset.testid ||
          element.getAttribute('aria-label') ||
          element.id ||
          element.textContent?.trim() ||
          element.tagName;
      }
    }
    return names;
  });
  const named = Object.values(wanted);
  for (const testid of [
    'play',
    'step',
    'reset',
    'steps-per-frame',
    'share',
    'theme',
    'shortcuts',
    'present'
  ])
    expect(named, testid).toContain(testid);
  // Every parameter's control, at least (a slider also has its number box).
  expect(await page.locator('aside [data-probe]').count()).toBeGreaterThanOrEqual(
    await page.locator('aside [data-parameter]').count()
  );

  const reached: string[] = [];
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (let i = 0; i < 400 && reached.length < named.length; i++) {
    await page.keyboard.press('Tab');
    const probe = await page.evaluate(() => (document.activeElement as HTMLElement)?.dataset.probe);
    if (probe && !reached.includes(probe)) reached.push(probe);
  }
  const missed = Object.keys(wanted)
    .filter((id) => !reached.includes(id))
    .map((id) => wanted[id]);
  expect(missed, 'controls Tab never reached').toEqual([]);
  // The header comes first, then the settings.
  const probeOf = async (selector: string) =>
    (await page.locator(selector).first().getAttribute('data-probe'))!;
  expect(reached.indexOf(await probeOf('aside [data-probe]'))).toBeGreaterThan(
    reached.indexOf(await probeOf('[data-testid="present"]'))
  );
});

test('presentation mode: P, the header button and ?present turn it on; large type, settings folded', async ({
  page
}) => {
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await open(page, '/#backend=wasm');
  const app = page.locator('.app');
  const toggle = page.getByTestId('present');
  const settings = page.getByRole('complementary', { name: 'Settings' });
  const tick = page.locator('#loss svg .tick text').first();
  const tickHeight = async () => (await tick.boundingBox())!.height;
  const normalTick = await tickHeight();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(settings).toBeVisible();

  await page.keyboard.press('p');
  await expect(app).toHaveClass(/\bpresent\b/);
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(settings).toBeHidden();
  // Chart text is drawn larger, and the page is white on black.
  expect(await tickHeight()).toBeGreaterThan(normalTick * 1.2);
  expect(await app.evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(0, 0, 0)');
  expect(await app.evaluate((e) => getComputedStyle(e).color)).toBe('rgb(255, 255, 255)');

  // The settings unfold and fold again, by keyboard.
  const unfold = page.getByTestId('present-settings');
  await expect(unfold).toHaveAttribute('aria-expanded', 'false');
  await unfold.focus();
  await page.keyboard.press('Enter');
  await expect(unfold).toHaveAttribute('aria-expanded', 'true');
  await expect(settings).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(settings).toBeHidden();

  // Training still runs from the keyboard; P leaves the mode (the focus may sit on a button).
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => stepCount(page)).toBeGreaterThanOrEqual(3);
  await page.keyboard.press('p');
  await expect(app).not.toHaveClass(/\bpresent\b/);
  await expect(settings).toBeVisible();
  await expect.poll(() => page.evaluate(() => document.fullscreenElement === null)).toBe(true);

  // The header button, by keyboard.
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(app).toHaveClass(/\bpresent\b/);
  await page.keyboard.press('Enter');
  await expect(app).not.toHaveClass(/\bpresent\b/);

  // The shortcuts dialog lists P.
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog').getByRole('row', { name: /^P\b/ })).toContainText(
    'Presentation mode'
  );
  await page.keyboard.press('Escape');

  // From the address.
  await open(page, '/?present#backend=wasm');
  await expect(app).toHaveClass(/\bpresent\b/);
  await open(page, '/?present=0#backend=wasm');
  await expect(app).not.toHaveClass(/\bpresent\b/);
  expect(errors).toEqual([]);
});

test('presentation mode works in a frame that may not go full screen', async ({
  page,
  baseURL
}) => {
  const errors = collectErrors(page);
  await page.setContent(
    `<title>Lecture</title><iframe title="RNN Explorer" src="${baseURL}/#backend=wasm" width="1200" height="700"></iframe>`
  );
  const frame = page.frameLocator('iframe');
  await expect(frame.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
  expect(await frame.locator('html').evaluate(() => document.fullscreenEnabled)).toBe(false);
  await frame.getByTestId('present').click();
  await expect(frame.locator('.app')).toHaveClass(/\bpresent\b/);
  await expect(frame.getByTestId('present')).toHaveAttribute('aria-pressed', 'true');
  await expect(frame.getByRole('complementary', { name: 'Settings' })).toBeHidden();
  await frame.getByTestId('step').click();
  await expect(frame.getByTestId('step-count')).not.toHaveText('0');
  expect(errors).toEqual([]);
});
