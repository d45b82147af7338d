/**
 * The views of what happens inside (`/lab/views`): for each cell type with a small model, every
 * view draws real marks (lines with T points, one eigenvalue per hidden unit and gate block,
 * non-blank heatmaps and history); for a linear RNN with W_hh = ρQ the measured gradient curve
 * lies on the ρ^(T−t) line. Screenshots of each view at 1280×720 are attached to the report.
 */
import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import { collectErrors, canvasInk } from './helpers';

const T = 12;
const H = 6;
const GATES = { rnn: ['a'], lstm: ['i', 'f', 'g', 'o'], gru: ['r', 'z', 'n'] } as const;
/** Heatmaps per direction: h, (c), and the gates (the vanilla cell's pre-activation a). */
const HEATMAPS = { rnn: 2, lstm: 6, gru: 4 } as const;

test.use({ viewport: { width: 1280, height: 720 } });

async function open(page: Page, hash: string) {
  await page.goto(`/lab/views#${hash}`);
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 120_000 });
  await expect(page.getByTestId('gradient-flow')).toBeVisible();
}

async function step(page: Page, times: number) {
  for (let i = 0; i < times; i++) {
    const before = Number(await page.getByTestId('steps').innerText());
    await page.getByTestId('step').click();
    await expect(page.getByTestId('steps')).toHaveText(String(before + 1));
  }
}

/** Saves a screenshot of the locator in the test's output folder and attaches it to the report. */
async function attachScreenshot(locator: Locator, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(name);
  await locator.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

async function attachScreenshots(page: Page, testInfo: TestInfo, prefix: string) {
  for (const view of ['gradient-flow', 'spectrum', 'gradient-history', 'heatmaps'])
    await attachScreenshot(page.getByTestId(`view-${view}`), testInfo, `${prefix}-${view}.png`);
  await attachScreenshot(page.locator('main'), testInfo, `${prefix}-page.png`);
}

for (const cell of ['rnn', 'lstm', 'gru'] as const) {
  test(`${cell}: every view renders real marks`, async ({ page }, testInfo) => {
    const errors = collectErrors(page);
    await open(page, `cell=${cell}&hidden=${H}&T=${T}&batch=4&seed=1&backend=wasm`);
    await step(page, 3);

    // Gradient flow: one line per direction with T points, theory, bound, (‖dL/dc_t‖), Jacobians.
    const flow = page.getByTestId('view-gradient-flow');
    for (const series of ['grad-h', 'theory', 'bound', 'jacobian'])
      await expect(flow.locator(`path[data-series="${series}"]`)).toHaveAttribute(
        'data-points',
        String(T)
      );
    await expect(flow.locator('path[data-series="grad-c"]')).toHaveCount(cell === 'lstm' ? 1 : 0);
    if (cell === 'lstm')
      await expect(flow.locator('path[data-series="grad-c"]')).toHaveAttribute(
        'data-points',
        String(T)
      );
    const d = await flow.locator('path[data-series="grad-h"]').getAttribute('d');
    expect(d?.match(/L/g)?.length).toBe(T - 1);

    // Spectrum: H eigenvalues per gate block, ρ written on each panel.
    const spectrum = page.getByTestId('view-spectrum');
    await expect(spectrum.getByTestId('spectrum-panel')).toHaveCount(GATES[cell].length);
    for (const gate of GATES[cell])
      await expect(spectrum.locator(`circle.eigenvalue[data-gate="${gate}"]`)).toHaveCount(H);
    await expect(spectrum.getByText(/ρ = \d\.\d{3}/)).toHaveCount(GATES[cell].length);

    // Heatmaps: h, c, gates; each a painted canvas with more than one colour.
    const heatmaps = page.getByTestId('view-heatmaps').getByTestId('heatmap');
    await expect(heatmaps).toHaveCount(HEATMAPS[cell]);
    for (const heatmap of await heatmaps.all()) {
      await expect(heatmap).toHaveAttribute('data-t', String(T));
      await expect(heatmap).toHaveAttribute('data-h', String(H));
      const ink = await canvasInk(heatmap);
      expect(ink.painted, await heatmap.getAttribute('data-name')).toBeGreaterThan(0.95);
      expect(ink.colours, await heatmap.getAttribute('data-name')).toBeGreaterThan(3);
    }

    // History: one row per step taken, painted.
    const history = page.getByTestId('gradient-history');
    await expect(history).toHaveAttribute('data-rows', '3');
    await expect(history).toHaveAttribute('data-t', String(T));
    const ink = await canvasInk(history);
    expect(ink.painted).toBeGreaterThan(0.95);
    expect(ink.colours).toBeGreaterThan(3);

    // Train a little longer, so that the screenshots show a history with some rows. (The events
    // are dispatched: a click's wait for a stable frame can take long on a loaded software GPU.)
    await page.getByTestId('play').dispatchEvent('click');
    await expect
      .poll(async () => Number(await history.getAttribute('data-rows')), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(12);
    await page.getByTestId('pause').dispatchEvent('click');
    await expect(page.getByTestId('status')).toHaveText('paused');
    await attachScreenshots(page, testInfo, cell);
    if (cell === 'lstm') {
      await page.emulateMedia({ colorScheme: 'dark' });
      await attachScreenshot(page.locator('main'), testInfo, `${cell}-page-dark.png`);
    }
    expect(errors).toEqual([]);
  });
}

test('saturated gates are marked: an LSTM with forget bias 4', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  await open(page, `cell=lstm&fbias=4&hidden=${H}&T=${T}&batch=4&seed=1&backend=wasm`);
  const heatmaps = page.getByTestId('view-heatmaps');
  const forget = heatmaps.locator('[data-testid="heatmap"][data-name^="f "]');
  // σ(a_f) with a_f ≈ 4: nearly every cell of the forget gate is saturated.
  expect(Number(await forget.getAttribute('data-saturated'))).toBeGreaterThan((T * H) / 2);
  // The hidden and cell states carry no marks.
  await expect(heatmaps.locator('[data-testid="heatmap"][data-name^="h "]')).toHaveAttribute(
    'data-saturated',
    '0'
  );
  // The dots are drawn: the forget gate's canvas has black or white pixels, viridis has neither.
  const marks = await forget.evaluate((element) => {
    const c = element as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let p = 0; p < data.length; p += 4) {
      const sum = data[p] + data[p + 1] + data[p + 2];
      if (sum < 30 || sum > 735) n++;
    }
    return n;
  });
  expect(marks).toBeGreaterThan(T * H);
  await attachScreenshot(heatmaps, testInfo, 'lstm-saturated-heatmaps.png');
  expect(errors).toEqual([]);
});

test('two layers, both directions: a line, spectrum row and heatmap row for each', async ({
  page
}, testInfo) => {
  const errors = collectErrors(page);
  await open(page, `cell=gru&layers=2&bidir=1&hidden=4&T=8&batch=4&seed=1&backend=wasm`);
  const suffixes = ['l0', 'l0_reverse', 'l1', 'l1_reverse'];
  const flow = page.getByTestId('view-gradient-flow');
  expect(
    await flow
      .locator('path[data-series="grad-h"]')
      .evaluateAll((paths) => paths.map((p) => p.getAttribute('data-suffix')))
  ).toEqual(suffixes);
  const colours = await flow
    .locator('path[data-series="grad-h"]')
    .evaluateAll((paths) => paths.map((p) => p.getAttribute('stroke')));
  expect(new Set(colours).size).toBe(4);
  await expect(page.locator('circle.eigenvalue')).toHaveCount(4 * 3 * 4);
  await expect(page.getByTestId('heatmap-direction')).toHaveCount(4);
  await expect(page.getByTestId('heatmap')).toHaveCount(4 * 4);
  await attachScreenshot(page.locator('main'), testInfo, 'gru-2-layers-bidirectional-page.png');
  expect(errors).toEqual([]);
});

test('linear RNN with W_hh = ρQ: the gradient curve lies on ρ^(T−t)', async ({
  page
}, testInfo) => {
  const errors = collectErrors(page);
  const steps = 20;
  await open(
    page,
    `task=adding&cell=rnn&act=linear&init=orthogonal&rho=0.9&readout=last&hidden=8&T=${steps}&batch=4&seed=1&backend=wasm`
  );
  const flow = page.getByTestId('view-gradient-flow');
  const path = (series: string) => flow.locator(`path[data-series="${series}"]`);
  const numbers = async (series: string) =>
    (await path(series).getAttribute('data-values'))!.split(',').map(Number);
  const ys = async (series: string) =>
    Array.from((await path(series).getAttribute('d'))!.matchAll(/[ML]([-\d.]+),([-\d.]+)/g), (m) =>
      Number(m[2])
    );

  // The config is taken as written (no readout or task adjusted).
  await expect(page.getByTestId('notice')).toHaveCount(0);
  // ρ read from the spectrum is the configured 0.9.
  const rho = Number(
    await page.getByTestId('spectrum-panel').first().getAttribute('data-spectral-radius')
  );
  expect(rho).toBeCloseTo(0.9, 4);

  const grad = await numbers('grad-h');
  const theory = await numbers('theory');
  const bound = await numbers('bound');
  expect(grad).toHaveLength(steps);
  for (let t = 0; t < steps; t++) {
    const expected = grad[steps - 1] * 0.9 ** (steps - 1 - t);
    expect(Math.abs(grad[t] - expected) / expected, `measured, t=${t}`).toBeLessThan(1e-3);
    expect(Math.abs(theory[t] - expected) / expected, `theory, t=${t}`).toBeLessThan(1e-3);
    expect(Math.abs(bound[t] - expected) / expected, `bound, t=${t}`).toBeLessThan(1e-3);
  }
  // On screen: the same y to within half a pixel at every step.
  const gradY = await ys('grad-h');
  const theoryY = await ys('theory');
  expect(gradY).toHaveLength(steps);
  gradY.forEach((y, t) => expect(Math.abs(y - theoryY[t]), `y at t=${t}`).toBeLessThan(0.5));
  // And the line falls: ρ < 1 vanishes going back in time (y grows downwards).
  expect(gradY[0]).toBeGreaterThan(gradY[steps - 1] + 20);
  // Every Jacobian norm of ρQ is ρ.
  for (const norm of await numbers('jacobian')) expect(norm).toBeCloseTo(0.9, 3);

  await attachScreenshot(
    page.getByTestId('view-gradient-flow'),
    testInfo,
    'linear-rho-0.9-gradient-flow.png'
  );
  expect(errors).toEqual([]);
});
