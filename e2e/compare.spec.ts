/**
 * Comparison mode (`/compare#a=…&b=…`): the explorer's Compare link opens its config on both
 * sides; both columns draw real marks on shared axes; changing one side's cell changes only that
 * side; the classic comparison shows: on the first-symbol task with T = 100, the tanh RNN's
 * ‖dL/dh_t‖ falls by about five decades from t = T to t = 1 while an LSTM with forget-gate bias 3
 * keeps it (engine, cpu, seed 1: −5.24 and +0.22 decades); one transport drives both; a bad
 * address is read with notices; a ρ drag on one side moves that side only; each view's PNG, SVG
 * and CSV downloads are its side's (named A or B, with that run's numbers). Screenshots at
 * 1280×720 are attached. Every config asks for the wasm backend, which starts fastest.
 */
import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import { collectErrors, downloadOf } from './helpers';
import { parseCsv } from '../src/lib/export/table';

test.use({ viewport: { width: 1280, height: 720 } });

const side = (page: Page, name: 'a' | 'b') => page.getByTestId(`side-${name}`);
const view = (page: Page, name: 'a' | 'b', id: string) =>
  page.locator(`section[data-side="${name}"][data-view="${id}"]`);

async function bothPaused(page: Page) {
  for (const name of ['a', 'b'] as const)
    await expect(side(page, name).getByTestId('status')).toHaveText('paused', { timeout: 120_000 });
}

const steps = async (page: Page, name: 'a' | 'b') =>
  Number(await side(page, name).getByTestId('step-count').innerText());

/** ‖dL/dh_t‖ of a side's first direction, t = 0 … T−1, as the chart's data says. */
async function gradient(page: Page, name: 'a' | 'b'): Promise<number[]> {
  const path = view(page, name, 'gradient-flow').locator('path[data-series="grad-h"]').first();
  return ((await path.getAttribute('data-values')) ?? '').split(/[ ,]+/).map(Number);
}

/** log10 of ‖dL/dh_1‖ / ‖dL/dh_T‖: how many decades the gradient loses going back in time. */
const decades = (g: number[]) => Math.log10(g[0] / g[g.length - 1]);

/** The tick labels of a chart's axis, in order. */
async function tickLabels(axis: Locator): Promise<string[]> {
  return axis.locator('text:not(.label)').allInnerTexts();
}

async function attachScreenshot(locator: Locator, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(name);
  await locator.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test('from the explorer’s Compare link: both sides on shared axes; B’s cell alone changes; RNN vs LSTM', async ({
  page
}, testInfo) => {
  const errors = collectErrors(page);
  const T = 100;
  const hash = `task=first-symbol&T=${T}&fbias=3&backend=wasm`;
  await page.goto(`/#${hash}`);
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
  await page.getByTestId('compare-link').click();
  await expect(page).toHaveURL(/\/compare#a=/);
  expect(new URL(page.url()).hash).toBe(
    `#a=${encodeURIComponent(hash)}&b=${encodeURIComponent(hash)}`
  );
  await bothPaused(page);
  await expect(side(page, 'a').getByTestId('summary')).toHaveText(
    'RNN tanh · 32 hidden · 1 layer · T=100 · orthogonal init · ρ off · adam lr 0.01'
  );
  await expect(side(page, 'b').getByTestId('summary')).toHaveText(
    await side(page, 'a').getByTestId('summary').innerText()
  );

  // Real marks on both sides: T points of ‖dL/dh_t‖, 32 eigenvalues and 32 singular values, the
  // prediction's class bars.
  for (const name of ['a', 'b'] as const) {
    const flow = view(page, name, 'gradient-flow');
    for (const series of ['grad-h', 'theory', 'bound', 'jacobian'])
      await expect(flow.locator(`path[data-series="${series}"]`)).toHaveAttribute(
        'data-points',
        String(T)
      );
    const spectrum = view(page, name, 'spectrum');
    await expect(spectrum.locator('circle.eigenvalue')).toHaveCount(32);
    await expect(spectrum.locator('rect.singular-value')).toHaveCount(32);
    await expect(view(page, name, 'prediction').getByTestId('prediction')).toHaveAttribute(
      'data-kind',
      'label'
    );
  }
  // The same config on both sides: the same numbers.
  const before = await gradient(page, 'a');
  expect(await gradient(page, 'b')).toEqual(before);
  expect(before).toHaveLength(T);

  // B becomes an LSTM; A stays as it was.
  await side(page, 'b').getByLabel('Cell', { exact: true }).selectOption('lstm');
  await expect(side(page, 'b').getByTestId('summary')).toContainText('LSTM · 32 hidden');
  await bothPaused(page);
  await expect(view(page, 'b', 'spectrum').getByTestId('spectrum-panel')).toHaveCount(4);
  await expect(view(page, 'b', 'spectrum').locator('rect.singular-value')).toHaveCount(4 * 32);
  await expect(view(page, 'b', 'gradient-flow').locator('path[data-series="grad-c"]')).toHaveCount(
    1
  );
  await expect(side(page, 'a').getByTestId('summary')).toContainText('RNN tanh · 32 hidden');
  await expect(view(page, 'a', 'spectrum').getByTestId('spectrum-panel')).toHaveCount(1);
  expect(await gradient(page, 'a')).toEqual(before);
  await expect
    .poll(() => new URL(page.url()).hash)
    .toBe(
      `#a=${encodeURIComponent(hash)}&b=${encodeURIComponent(
        `cell=lstm&task=first-symbol&T=${T}&fbias=3&backend=wasm`
      )}`
    );

  // The classic difference: the RNN's gradient vanishes going back 100 steps, the LSTM's does not.
  const rnn = decades(await gradient(page, 'a'));
  const lstm = decades(await gradient(page, 'b'));
  console.log(`decades lost from t = T to t = 1: RNN ${rnn.toFixed(2)}, LSTM ${lstm.toFixed(2)}`);
  expect(rnn).toBeLessThan(-4);
  expect(lstm).toBeGreaterThan(-1);

  // Shared axes: the same domain and the same tick labels on both sides, covering both curves.
  for (const [id, selector] of [
    ['gradient-flow', 'svg[aria-label^="Gradient norm per time step"]'],
    ['gradient-flow', 'svg.jacobian'],
    ['loss', 'svg[data-y-domain]'],
    ['grad-norm', 'svg[data-y-domain]']
  ] as const) {
    const a = view(page, 'a', id).locator(selector);
    const b = view(page, 'b', id).locator(selector);
    expect(await a.getAttribute('data-y-domain'), `${id} ${selector}`).toBe(
      await b.getAttribute('data-y-domain')
    );
  }
  const yAxis = (name: 'a' | 'b') =>
    view(page, name, 'gradient-flow').locator('svg[data-y-domain]').first().locator('g.axis.y');
  const ticks = await tickLabels(yAxis('a'));
  expect(ticks.length).toBeGreaterThan(2);
  expect(await tickLabels(yAxis('b'))).toEqual(ticks);
  const [low, high] = (await view(page, 'a', 'gradient-flow')
    .locator('svg[data-y-domain]')
    .first()
    .getAttribute('data-y-domain'))!
    .split(',')
    .map(Number);
  for (const name of ['a', 'b'] as const)
    for (const g of await gradient(page, name)) {
      expect(g).toBeGreaterThanOrEqual(low);
      expect(g).toBeLessThanOrEqual(high);
    }
  // Side by side: the two gradient charts start at the same height (the LSTM's longer legend
  // does not push its plot down), so equal heights on screen are equal numbers.
  const chartTop = async (name: 'a' | 'b') =>
    (await view(page, name, 'gradient-flow').locator('svg[data-y-domain]').first().boundingBox())!
      .y;
  expect(Math.abs((await chartTop('a')) - (await chartTop('b')))).toBeLessThan(1);
  // The spectra share their plane and σ axis.
  expect(
    await view(page, 'a', 'spectrum')
      .getByTestId('singular-values')
      .first()
      .getAttribute('data-extent')
  ).toBe(
    await view(page, 'b', 'spectrum')
      .getByTestId('singular-values')
      .first()
      .getAttribute('data-extent')
  );
  // One RNN panel, four LSTM panels: the RNN's tick labels are those of each LSTM panel.
  const spectrumTicks = (name: 'a' | 'b') =>
    view(page, name, 'spectrum').locator('text.tick').allInnerTexts();
  const rnnTicks = await spectrumTicks('a');
  expect((await spectrumTicks('b')).slice(0, rnnTicks.length)).toEqual(rnnTicks);

  // One transport: a step is a step on each side; space plays and pauses both; r resets both.
  await page.getByTestId('step').click();
  await expect.poll(() => steps(page, 'a')).toBe(1);
  await expect.poll(() => steps(page, 'b')).toBe(1);
  await bothPaused(page);
  // (Space on a focused button clicks it: the shortcut is for the page.)
  await page.getByRole('heading', { level: 1 }).click();
  await page.keyboard.press('Space');
  await expect(side(page, 'a').getByTestId('status')).toHaveText('running');
  await expect(page.getByTestId('play')).toHaveText('Pause both');
  await expect.poll(() => steps(page, 'a'), { timeout: 60_000 }).toBeGreaterThanOrEqual(4);
  await expect.poll(() => steps(page, 'b'), { timeout: 60_000 }).toBeGreaterThanOrEqual(4);
  await page.keyboard.press('Space');
  await bothPaused(page);
  await expect(page.getByTestId('play')).toHaveText('Play both');
  // The training charts share their x axis too (the further run's steps).
  expect(await view(page, 'a', 'loss').locator('svg').getAttribute('data-x-domain')).toBe(
    await view(page, 'b', 'loss').locator('svg').getAttribute('data-x-domain')
  );
  await page.screenshot({ path: testInfo.outputPath('compare-1280x720.png') });
  await testInfo.attach('compare-1280x720.png', {
    path: testInfo.outputPath('compare-1280x720.png'),
    contentType: 'image/png'
  });
  // The sticky header would cover the top of a view scrolled under it.
  await page.addStyleTag({ content: 'header { position: static !important; }' });
  for (const id of ['gradient-flow', 'loss', 'grad-norm', 'spectrum', 'prediction'])
    for (const name of ['a', 'b'] as const)
      await attachScreenshot(view(page, name, id), testInfo, `compare-${id}-${name}.png`);
  // Nothing sticks out sideways at the other target sizes either.
  for (const [width, height] of [
    [1024, 768],
    [1920, 1080]
  ]) {
    await page.setViewportSize({ width, height });
    await page.waitForTimeout(200);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth
    );
    expect(overflow, `${width}×${height}`).toBeLessThanOrEqual(0);
  }
  await page.keyboard.press('r');
  await expect.poll(() => steps(page, 'a')).toBe(0);
  await expect.poll(() => steps(page, 'b')).toBe(0);
  expect(errors).toEqual([]);
});

test('a bad address is read with notices; a missing side copies the other', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/compare#a=cell%3Dbogus%26hidden%3D8%26T%3D12%26backend%3Dwasm&zoom=2');
  const notices = page.getByTestId('notices');
  await expect(notices).toContainText('Unknown part "zoom=2" of the address; ignored');
  await expect(notices).toContainText('A: cell=bogus is not one of rnn, lstm, gru');
  await expect(notices).toContainText('B starts as a copy of A');
  await bothPaused(page);
  for (const name of ['a', 'b'] as const) {
    await expect(side(page, name).getByTestId('summary')).toHaveText(
      'RNN tanh · 8 hidden · 1 layer · T=12 · orthogonal init · ρ off · adam lr 0.01'
    );
    await expect(view(page, name, 'spectrum').locator('circle.eigenvalue')).toHaveCount(8);
  }
  expect(errors).toEqual([]);
});

test('dragging ρ on one side rescales that side’s spectrum and gradient only', async ({ page }) => {
  const errors = collectErrors(page);
  const hash = encodeURIComponent('act=linear&rho=0.9&hidden=8&T=20&task=adding&backend=wasm');
  await page.goto(`/compare#a=${hash}&b=${hash}`);
  await bothPaused(page);
  const sigma = async (name: 'a' | 'b') =>
    (
      await view(page, name, 'spectrum')
        .locator('rect.singular-value')
        .evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('data-value'))))
    ).map((v) => Number(v.toFixed(4)));
  // W_hh = ρQ: every singular value is ρ.
  expect(await sigma('a')).toEqual(Array(8).fill(0.9));
  const before = await gradient(page, 'b');

  const slider = side(page, 'a').getByLabel('Spectral radius ρ', { exact: true });
  // A drag: input events only, as while the pointer is down (a preview, not a rebuild).
  await slider.evaluate((input: HTMLInputElement) => {
    input.value = '0.7';
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await expect.poll(() => sigma('a')).toEqual(Array(8).fill(0.7));
  await expect
    .poll(async () => decades(await gradient(page, 'a')))
    .toBeCloseTo(19 * Math.log10(0.7), 2);
  expect(await sigma('b')).toEqual(Array(8).fill(0.9));
  expect(await gradient(page, 'b')).toEqual(before);
  await expect(side(page, 'b').getByTestId('summary')).toContainText('ρ=0.9');
  expect(errors).toEqual([]);
});

test('each view’s downloads are its side’s: file names with A or B, that run’s numbers', async ({
  page
}) => {
  const errors = collectErrors(page);
  const a = 'hidden=8&T=12&backend=wasm';
  const b = 'cell=lstm&hidden=8&T=12&backend=wasm';
  await page.goto(`/compare#a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
  await bothPaused(page);
  await page.getByTestId('step').click();
  await expect.poll(() => steps(page, 'a')).toBe(1);
  await expect.poll(() => steps(page, 'b')).toBe(1);
  await bothPaused(page);

  for (const [name, stem, eigenvalues] of [
    ['a', 'rnn-tanh-h8-l1-T12-', 8],
    ['b', 'lstm-h8-l1-T12-', 4 * 8]
  ] as const) {
    const label = name.toUpperCase();
    const spectrum = view(page, name, 'spectrum');
    const csv = await downloadOf(
      page,
      spectrum.getByRole('button', { name: `Download ${label}: Spectrum of W_hh data as CSV` })
    );
    expect(csv.name).toMatch(new RegExp(`^rnn-explorer_spectrum-${label}_${stem}.*_step1\\.csv$`));
    const [header, ...rows] = parseCsv(csv.bytes.toString('utf8'));
    expect(header[0]).toBe('layer/direction');
    expect(rows).toHaveLength(eigenvalues);
    await expect(spectrum.locator('circle.eigenvalue')).toHaveCount(eigenvalues);

    const flow = view(page, name, 'gradient-flow');
    const svg = await downloadOf(page, flow.getByTestId('export-svg'));
    expect(svg.name).toMatch(new RegExp(`^rnn-explorer_gradient-flow-${label}_${stem}.*\\.svg$`));
    const text = svg.bytes.toString('utf8');
    expect(text).toContain(`<title>${label}: Gradient flow · `);
    // The curves of that side: the LSTM's has ‖dL/dc_t‖, the RNN's does not.
    expect(text.includes('data-series="grad-c"')).toBe(name === 'b');
    const png = await downloadOf(page, flow.getByTestId('export-png'));
    expect(png.name).toMatch(new RegExp(`^rnn-explorer_gradient-flow-${label}_.*\\.png$`));
    expect([...png.bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  }
  expect(errors).toEqual([]);
});
