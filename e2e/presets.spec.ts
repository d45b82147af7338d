/**
 * Presets and guided stories in the browser: the menu loads a preset in one choice (config, text,
 * URL), each preset opened from its URL shows its text with no error, the gradient curve of the
 * vanishing and exploding presets goes the way their texts say, a story steps on and can be left,
 * an unknown preset is a notice only, and `/embed?preset=` starts from the preset. Every URL asks
 * for the wasm backend, which starts fastest.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { collectErrors } from './helpers';
import { PRESETS, STORIES } from '../src/lib/config';

async function ready(page: Page) {
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 90_000 });
}

/** ||dL/dh_t|| as the gradient-flow chart draws it (first direction), t = 1 … T. */
async function gradientCurve(page: Page): Promise<number[]> {
  const path = page.getByTestId('gradient-flow').locator('path[data-series="grad-h"]').first();
  const values = (await path.getAttribute('data-values')) ?? '';
  return values.split(',').map(Number);
}

const hashOf = (page: Page) => new URL(page.url()).hash.replace(/^#/, '');

test('the menu loads a preset in one choice: config, text, URL and the gradient it describes', async ({
  page
}) => {
  const errors = collectErrors(page);
  await page.goto('/#backend=wasm');
  await ready(page);
  await expect(page.getByTestId('preset-note')).toHaveCount(0);

  const menu = page.getByLabel('Preset', { exact: true });
  await menu.selectOption('preset:vanishing-tanh');
  const note = page.getByTestId('preset-note');
  await expect(note.getByRole('heading')).toHaveText('Vanishing gradient (tanh, ρ = 0.9)');
  await expect(page.getByTestId('preset-text')).toContainText('0.9^(T−t)');
  await expect(page.getByTestId('summary')).toContainText('T=100');
  await expect.poll(() => hashOf(page)).toBe('preset=vanishing-tanh&backend=wasm');
  await ready(page);
  await expect.poll(async () => (await gradientCurve(page)).length, { timeout: 30_000 }).toBe(100);
  const vanishing = await gradientCurve(page);
  expect(vanishing[0] / vanishing[99]).toBeLessThan(1e-3);

  await menu.selectOption('preset:exploding-relu');
  await expect(note.getByRole('heading')).toHaveText('Exploding gradient (ReLU, W_hh ~ N(0, 3/n))');
  await expect.poll(() => hashOf(page)).toBe('preset=exploding-relu&backend=wasm');
  await ready(page);
  await expect.poll(async () => (await gradientCurve(page)).length, { timeout: 30_000 }).toBe(50);
  const exploding = await gradientCurve(page);
  expect(exploding[0] / exploding[49]).toBeGreaterThan(1e3);

  // A change keeps the preset's note, marked as changed, and the URL says what differs.
  await page.getByLabel('Sequence length T: value').fill('40');
  await page.getByLabel('Sequence length T: value').press('Enter');
  await expect(page.getByTestId('preset-changed')).toBeVisible();
  await expect.poll(() => hashOf(page)).toBe('preset=exploding-relu&T=40&backend=wasm');

  // The link reproduces it after a reload.
  await page.reload();
  await ready(page);
  await expect(note.getByRole('heading')).toContainText('Exploding gradient');
  await expect(page.getByTestId('summary')).toContainText('T=40');

  // Hiding the note writes the config out in full.
  await page.getByTestId('preset-close').click();
  await expect(note).toHaveCount(0);
  await expect.poll(() => hashOf(page)).toContain('g2=3');
  expect(hashOf(page)).not.toContain('preset=');
  expect(errors).toEqual([]);
});

test('every preset opens from its URL with its text, no notice and no error', async ({ page }) => {
  test.setTimeout(15 * 60_000);
  const errors = collectErrors(page);
  for (const preset of PRESETS) {
    await page.goto(`/#preset=${preset.id}&backend=wasm`);
    await ready(page);
    await expect(page.getByTestId('preset-note').getByRole('heading'), preset.id).toHaveText(
      preset.title
    );
    await expect(page.getByTestId('preset-text')).toHaveText(preset.text);
    await expect(page.getByTestId('notices'), preset.id).toHaveCount(0);
    await expect(page.locator(`#${preset.panel}`), preset.id).toBeVisible();
    // "Show …" brings the preset's panel into view and gives it the focus.
    await page.getByTestId('preset-look').click();
    await expect(page.locator(`#${preset.panel}`)).toBeFocused();
    await expect(page.locator(`#${preset.panel}`)).toBeInViewport();
  }
  expect(errors).toEqual([]);
});

test('a guided story steps through its presets and can be left at any point', async ({ page }) => {
  const errors = collectErrors(page);
  const story = STORIES[0];
  await page.goto('/#backend=wasm');
  await ready(page);
  await page.getByLabel('Preset', { exact: true }).selectOption(`story:${story.id}`);
  const progress = page.getByTestId('story-progress');
  await expect(progress).toContainText(`step 1 of ${story.steps.length}`);
  await expect(page.getByTestId('story-text')).toHaveText(story.steps[0].text);
  await expect(page.getByTestId('story-previous')).toBeDisabled();
  await expect.poll(() => hashOf(page)).toBe(`story=${story.id}/1&backend=wasm`);

  await page.getByTestId('story-next').click();
  await expect(progress).toContainText(`step 2 of ${story.steps.length}`);
  await expect(page.getByTestId('story-text')).toHaveText(story.steps[1].text);
  await expect.poll(() => hashOf(page)).toBe(`story=${story.id}/2&backend=wasm`);
  await ready(page);
  // The link opens the story at that step.
  await page.reload();
  await ready(page);
  await expect(progress).toContainText(`step 2 of ${story.steps.length}`);

  // A presentation clicker's Page Down and Page Up step on and back.
  await page.locator('body').focus();
  await page.keyboard.press('PageDown');
  await expect(progress).toContainText(`step 3 of ${story.steps.length}`);
  await page.keyboard.press('PageUp');
  await expect(progress).toContainText(`step 2 of ${story.steps.length}`);
  await ready(page);

  // The note and the story's buttons pass axe (WCAG 2.1 A and AA), folded and open.
  const axe = async () => {
    const { violations } = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .include('[data-testid="preset-note"]')
      .analyze();
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  };
  expect(await axe()).toEqual([]);
  await page.getByTestId('preset-note').locator('summary').click();
  await expect(page.getByTestId('preset-text')).toBeHidden();
  expect(await axe()).toEqual([]);

  await page.getByTestId('story-leave').click();
  await expect(progress).toHaveCount(0);
  // The step's preset stays, with its note.
  await expect(page.getByTestId('preset-note')).toBeVisible();
  await expect.poll(() => hashOf(page)).toBe(`preset=${story.steps[1].preset}&backend=wasm`);
  expect(errors).toEqual([]);
});

test('an unknown preset is a notice and changes nothing else', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/#preset=no-such-thing&cell=gru&backend=wasm');
  await ready(page);
  await expect(page.getByTestId('notice')).toContainText('There is no preset "no-such-thing"');
  await expect(page.getByTestId('preset-note')).toHaveCount(0);
  await expect(page.getByTestId('summary')).toContainText('GRU');
  expect(errors).toEqual([]);
});

test('/embed?preset= starts from the preset, with its text; an unknown one is a notice', async ({
  page
}) => {
  const errors = collectErrors(page);
  await page.goto('/embed?preset=lstm-cell-state#backend=wasm');
  await ready(page);
  await expect(page.getByTestId('preset-note').getByRole('heading')).toContainText('LSTM');
  await expect(page.getByTestId('summary')).toContainText('LSTM');
  await expect(page.getByTestId('preset-close')).toHaveCount(0);

  await page.goto('/embed?preset=nope#backend=wasm');
  await ready(page);
  await expect(page.getByTestId('embed-notices')).toContainText('There is no preset "nope"');
  expect(errors).toEqual([]);
});
