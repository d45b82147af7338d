/**
 * Accessibility (docs/accessibility.md): axe-core finds no serious or critical WCAG 2.1 A/AA
 * violation on `/`, on `/embed`, with the shortcuts dialog open, in presentation mode and on
 * `/compare` (its settings and data tables open), in the light and the dark theme; every control
 * is reached by Tab (and on `/compare` has a name); presentation mode is on and off by key, button
 * and address, and works where full screen is refused (a frame without permission); a `/compare`
 * data table, opened from the keyboard, shows its side's numbers, those its chart draws.
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

/** `/compare`: a vanilla RNN (A) against an LSTM (B), small enough to build fast. */
const COMPARE = `/compare#a=${encodeURIComponent('hidden=8&T=12&backend=wasm')}&b=${encodeURIComponent(
  'cell=lstm&hidden=8&T=12&backend=wasm'
)}`;
const SIDES = ['a', 'b'] as const;

/** Opens `/compare` and waits until both sessions have built their models and taken 2 steps. */
async function openCompare(page: Page, path = COMPARE) {
  await page.goto('about:blank');
  await page.goto(path);
  const sideOf = (name: string) => page.getByTestId(`side-${name}`);
  for (const name of SIDES)
    await expect(sideOf(name).getByTestId('status')).toHaveText('paused', { timeout: 120_000 });
  for (const name of SIDES) await expect(sideOf(name).getByTestId('backend')).toHaveText('wasm');
  await page.getByTestId('step').click();
  await page.getByTestId('step').click();
  for (const name of SIDES)
    await expect
      .poll(async () => Number(await sideOf(name).getByTestId('step-count').innerText()), {
        timeout: 30_000
      })
      .toBe(2);
  for (const name of SIDES)
    await expect(sideOf(name).getByTestId('status')).toHaveText('paused', { timeout: 30_000 });
}

/** A view of one side of `/compare`. */
const compareView = (page: Page, side: 'a' | 'b', id: string) =>
  page.locator(`section[data-side="${side}"][data-view="${id}"]`);

/** A shown table cell back as a number (the table writes − for minus, ∞, —). */
function cellNumber(text: string): number {
  const plain = text.replaceAll('−', '-').replace('∞', 'Infinity');
  return plain === '—' ? NaN : Number(plain);
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
      // While training (the status reads "running" in its own colour).
      await page.getByTestId('play').click();
      await expect(page.getByTestId('status')).toHaveText('running');
      await audit(page, `/ while training (${theme})`);
      await page.getByTestId('play').click();
      await expect(page.getByTestId('status')).toHaveText('paused');

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

    test(`axe: /compare, its settings and its data tables (${theme})`, async ({ page }) => {
      const errors = collectErrors(page);
      await openCompare(page);
      await audit(page, `/compare (${theme})`);
      // While both train (the status reads "running" in its own colour).
      await page.getByTestId('play').click();
      await expect(page.getByTestId('side-a').getByTestId('status')).toHaveText('running');
      await audit(page, `/compare while training (${theme})`);
      await page.getByTestId('play').click();
      for (const side of SIDES)
        await expect(page.getByTestId(`side-${side}`).getByTestId('status')).toHaveText('paused');
      // Every setting of both sides, and a data table of every view of both sides.
      for (const side of SIDES) {
        const settings = page.getByTestId(`side-${side}`);
        await settings.locator('summary').click();
        await expect(settings.locator('details [data-parameter]').first()).toBeVisible();
        for (const id of ['gradient-flow', 'loss', 'grad-norm', 'spectrum', 'prediction']) {
          const view = compareView(page, side, id);
          await view.getByTestId('toggle-table').click();
          await expect(view.getByTestId('data-table')).toBeVisible();
        }
      }
      await audit(page, `/compare with all settings and tables open (${theme})`);
      // With the notices of an address it could not read in full.
      await openCompare(page, `${COMPARE}&zoom=2`);
      await expect(page.getByTestId('notices')).toContainText('zoom=2');
      await audit(page, `/compare with notices (${theme})`);
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

test('/compare: every control has a name, and Tab reaches each, in page order', async ({
  page
}) => {
  await openCompare(page);
  // Both sides' full settings, so that their controls are in the tab order too.
  // The full settings are drawn once `open` reaches Svelte (after the toggle): wait for them.
  for (const side of SIDES) {
    const settings = page.getByTestId(`side-${side}`);
    await settings.locator('summary').click();
    await expect(settings.locator('details [data-parameter]').first()).toBeVisible();
  }
  const wanted = await page.evaluate(() => {
    const selector = 'button, input, select, textarea, a[href], summary, [tabindex]';
    const ids: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>(`.app :is(${selector})`)) {
      if ((element as HTMLButtonElement).disabled || element.tabIndex < 0) continue;
      if (element.getClientRects().length === 0) continue;
      const id = `c${ids.length}`;
      element.dataset.probe = id;
      ids.push(id);
    }
    return ids;
  });
  // The transport, both sides' settings (every parameter), and each view's tools on both sides.
  expect(await page.locator('header [data-probe]').count()).toBe(4);
  for (const side of SIDES) {
    const settings = page.getByTestId(`side-${side}`);
    expect(await settings.locator('[data-probe]').count()).toBeGreaterThanOrEqual(
      await settings.locator('[data-parameter]').count()
    );
    expect(
      await page.locator(`section.view[data-side="${side}"] [data-probe]`).count()
    ).toBeGreaterThanOrEqual(5 * 4);
  }
  // Every control has an accessible name, and the data tools say which side they belong to.
  for (const id of wanted)
    await expect(page.locator(`[data-probe="${id}"]`), id).toHaveAccessibleName(/\S/);
  for (const side of SIDES) {
    const label = side.toUpperCase();
    await expect(
      compareView(page, side, 'loss').getByRole('button', { name: `${label}: Loss as a table` })
    ).toHaveCount(1);
    await expect(
      compareView(page, side, 'spectrum').getByRole('button', {
        name: `Download ${label}: Spectrum of W_hh data as CSV`
      })
    ).toHaveCount(1);
    await expect(page.getByRole('link', { name: `Open ${label} in the explorer` })).toHaveCount(1);
  }

  // From the first control (the clicks above moved the point Tab starts from).
  await page.locator('[data-probe="c0"]').focus();
  const reached: string[] = ['c0'];
  for (let i = 0; i < 600 && reached.length < wanted.length; i++) {
    await page.keyboard.press('Tab');
    const probe = await page.evaluate(() => (document.activeElement as HTMLElement)?.dataset.probe);
    if (probe && !reached.includes(probe)) reached.push(probe);
  }
  expect(
    wanted.filter((id) => !reached.includes(id)),
    'controls Tab never reached'
  ).toEqual([]);
  // In page order: the transport, then A's settings, then B's, then the views row by row.
  expect(reached).toEqual(wanted);
});

test('/compare: a data table, opened from the keyboard, shows the numbers its side’s chart draws', async ({
  page
}) => {
  const errors = collectErrors(page);
  const T = 12;
  await openCompare(page);
  await page.getByTestId('step').click();
  for (const side of SIDES)
    await expect(page.getByTestId(`side-${side}`).getByTestId('step-count')).toHaveText('3');

  const drawn: Record<string, number[]> = {};
  for (const side of SIDES) {
    const label = side.toUpperCase();
    const summary = await page.getByTestId(`side-${side}`).getByTestId('summary').innerText();

    // The gradient flow: Table by keyboard, then Tab into its scrolling region.
    const flow = compareView(page, side, 'gradient-flow');
    const toggle = flow.getByTestId('toggle-table');
    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await page.keyboard.press('Tab');
    const region = flow.getByRole('region');
    await expect(region).toBeFocused();
    await expect(region).toHaveAccessibleName(new RegExp(`^Run ${label} \\(`));
    const table = flow.getByTestId('data-table');
    await expect(table.locator('caption')).toContainText(`Run ${label} (${summary}).`);
    // One row per time step (one layer, one direction), as many as the chart's points.
    const path = flow.locator('path[data-series="grad-h"]');
    await expect(path).toHaveAttribute('data-points', String(T));
    const rows = table.locator('tbody tr');
    await expect(rows).toHaveCount(T);
    // ‖dL/dh_t‖ per time step: the chart's numbers (6 digits), shown with 4.
    const header = await table.locator('thead th').allInnerTexts();
    const column = header.indexOf('||dL/dh_t|| (Frobenius over batch)');
    expect(column).toBe(2);
    const shown = (
      await rows.evaluateAll((list, c) => list.map((r) => r.children[c].textContent ?? ''), column)
    ).map(cellNumber);
    const values = (await path.getAttribute('data-values'))!.split(',').map(Number);
    expect(values).toHaveLength(T);
    for (let t = 0; t < T; t++) {
      expect(shown[t], `${label} t=${t}`).toBeGreaterThan(0);
      expect(Math.abs(shown[t] / values[t] - 1), `${label} t=${t}`).toBeLessThan(1e-3);
    }
    drawn[side] = values;
    // The LSTM's table (B) also has ‖dL/dc_t‖; the RNN's does not.
    expect(header.includes('||dL/dc_t|| (Frobenius over batch)')).toBe(side === 'b');

    // The loss: one row per training step, as many as the chart's points.
    const loss = compareView(page, side, 'loss');
    await loss.getByTestId('toggle-table').click();
    await expect(loss.locator('tbody tr')).toHaveCount(3);
    await expect(loss.getByTestId('loss-path')).toHaveAttribute('data-points', '3');
    await expect(loss.locator('tbody tr th')).toHaveText(['1', '2', '3']);

    // The spectrum: one row per eigenvalue drawn (8 for the RNN's W_hh, 4 × 8 for the LSTM's).
    const spectrum = compareView(page, side, 'spectrum');
    await spectrum.getByTestId('toggle-table').click();
    const eigenvalues = await spectrum.locator('circle.eigenvalue').count();
    expect(eigenvalues).toBe(side === 'a' ? 8 : 32);
    await expect(spectrum.locator('tbody tr')).toHaveCount(eigenvalues);

    // The prediction (the sine task): one row per time step.
    const prediction = compareView(page, side, 'prediction');
    await prediction.getByTestId('toggle-table').click();
    await expect(prediction.locator('tbody tr')).toHaveCount(T);
  }
  // Each side's table is its own: the two runs' gradients differ.
  expect(drawn.a).not.toEqual(drawn.b);
  // The tables follow training.
  await page.getByTestId('step').click();
  for (const side of SIDES)
    await expect(compareView(page, side, 'loss').locator('tbody tr')).toHaveCount(4);
  expect(errors).toEqual([]);
});
