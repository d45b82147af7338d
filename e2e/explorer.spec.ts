/**
 * The explorer page (`/`): its controls come from the parameter table and drive the URL hash and
 * the session; the keyboard plays, steps and resets; a bad hash is clamped with notices; the
 * training charts and the prediction view draw real marks; screenshots at the three target sizes.
 * Every URL asks for the wasm backend, which starts fastest.
 */
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, stepCount } from './helpers';
import { PARAMETERS } from '../src/lib/config';

/** Opens the explorer at a hash and waits until its session has built the model. */
async function open(page: Page, hash: string) {
  await page.goto(`/#${hash}`);
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
  await expect(page.getByTestId('backend')).toHaveText('wasm');
}

async function stepsAtLeast(page: Page, steps: number) {
  await expect.poll(() => stepCount(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(steps);
}

test('the page loads with no errors and every parameter has a labelled, described control', async ({
  page
}) => {
  const errors = collectErrors(page, { requests: true });
  await open(page, 'backend=wasm');
  await expect(page.getByRole('heading', { level: 1, name: 'RNN Explorer' })).toBeVisible();
  await expect(page.getByTestId('summary')).toHaveText(
    'RNN tanh · 32 hidden · 1 layer · T=20 · orthogonal init · ρ off · adam lr 0.01'
  );

  for (const p of PARAMETERS) {
    const control = page.getByLabel(p.label, { exact: true });
    await expect(control, p.key).toHaveCount(1);
    await expect(control, p.key).toHaveAccessibleDescription(p.help);
    // Under its group's heading.
    await expect(
      page.locator(`fieldset[data-group="${p.group}"] [data-parameter="${p.key}"]`)
    ).toHaveCount(1);
  }
  expect(await page.locator('[data-parameter]').count()).toBe(PARAMETERS.length);

  // The kinds of input follow the table.
  await expect(page.getByLabel('Cell', { exact: true })).toHaveJSProperty('tagName', 'SELECT');
  await expect(page.getByLabel('Bidirectional', { exact: true })).toHaveAttribute(
    'type',
    'checkbox'
  );
  await expect(page.getByLabel('Learning rate', { exact: true })).toHaveAttribute('type', 'range');
  await expect(page.getByLabel('Learning rate', { exact: true })).toHaveAttribute('min', '-5');
  await expect(page.getByLabel('Spectral radius ρ: off')).toBeChecked();
  await expect(page.getByLabel('Spectral radius ρ', { exact: true })).toBeDisabled();

  // ? opens the shortcuts, ? closes them.
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog')).toBeHidden();

  expect(errors).toEqual([]);
});

test('changing a control rewrites the URL hash and the summary; the hash reproduces it', async ({
  page
}) => {
  const errors = collectErrors(page, { requests: true });
  await open(page, 'backend=wasm');

  const box = page.getByLabel('Hidden units: value');
  await box.fill('48');
  await box.press('Enter');
  await expect(page.getByTestId('summary')).toContainText('48 hidden');
  await expect.poll(() => new URL(page.url()).hash).toBe('#hidden=48&backend=wasm');

  // The slider takes the arrow keys (→ is not a training step there).
  const slider = page.getByLabel('Hidden units', { exact: true });
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  await expect(box).toHaveValue('49');
  await expect.poll(() => new URL(page.url()).hash).toBe('#hidden=49&backend=wasm');
  await expect(page.getByTestId('status')).toHaveText('paused');
  expect(await stepCount(page)).toBe(0);

  // A typed value out of range is clamped, with a notice.
  const layers = page.getByLabel('Layers: value');
  await layers.fill('9');
  await layers.press('Enter');
  await expect(layers).toHaveValue('4');
  await expect(page.getByTestId('notices')).toContainText('layers=9 is above the maximum 4');

  // Switching the spectral radius on.
  await page.getByLabel('Spectral radius ρ: off').uncheck();
  await expect(page.getByTestId('summary')).toContainText('ρ=1');
  await expect.poll(() => new URL(page.url()).hash).toBe('#hidden=49&layers=4&rho=1&backend=wasm');

  await page.reload();
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
  await expect(page.getByLabel('Hidden units: value')).toHaveValue('49');
  await expect(page.getByLabel('Layers: value')).toHaveValue('4');
  await expect(page.getByTestId('summary')).toHaveText(
    'RNN tanh · 49 hidden · 4 layers · T=20 · orthogonal init · ρ=1 · adam lr 0.01'
  );

  // Editing the address loads its config.
  await page.evaluate(() => (window.location.hash = 'cell=gru&T=7&backend=wasm'));
  await expect(page.getByTestId('summary')).toHaveText(
    'GRU · 32 hidden · 1 layer · T=7 · orthogonal init · ρ off · adam lr 0.01'
  );
  await expect(page.getByLabel('Cell', { exact: true })).toHaveValue('gru');
  expect(errors).toEqual([]);
});

test('space plays and pauses, → steps once, r resets; the charts draw the history', async ({
  page
}) => {
  const errors = collectErrors(page, { requests: true });
  await open(page, 'backend=wasm');
  expect(await stepCount(page)).toBe(0);

  await page.keyboard.press('Space');
  await expect(page.getByTestId('status')).toHaveText('running');
  await expect(page.getByTestId('play')).toHaveText('Pause');
  await stepsAtLeast(page, 12);

  const lossPath = page.getByTestId('loss-path');
  await expect
    .poll(async () => Number(await lossPath.getAttribute('data-points')))
    .toBeGreaterThan(5);
  expect((await lossPath.getAttribute('d'))?.split('L').length).toBeGreaterThan(5);
  await expect(page.getByTestId('baseline')).toHaveCount(1);
  await expect(page.getByTestId('clip-threshold')).toHaveCount(1);
  expect(
    Number(await page.getByTestId('grad-norm-path').getAttribute('data-points'))
  ).toBeGreaterThan(5);
  await expect(page.getByTestId('clipped')).toHaveText(/clipped/);

  await page.keyboard.press('Space');
  await expect(page.getByTestId('status')).toHaveText('paused');
  const paused = await stepCount(page);
  await page.waitForTimeout(600);
  expect(await stepCount(page)).toBe(paused);

  await page.keyboard.press('ArrowRight');
  await expect.poll(() => stepCount(page)).toBe(paused + 1);
  await page.waitForTimeout(300);
  expect(await stepCount(page)).toBe(paused + 1);

  await page.keyboard.press('r');
  await expect.poll(() => stepCount(page)).toBe(0);
  await expect(page.getByTestId('loss-path')).toHaveAttribute('data-points', '0');

  // The buttons do the same.
  await page.getByTestId('play').click();
  await stepsAtLeast(page, 2);
  await page.getByTestId('play').click();
  await expect(page.getByTestId('status')).toHaveText('paused');
  expect(errors).toEqual([]);
});

test('a bad hash is clamped and dropped with visible notices', async ({ page }) => {
  const errors = collectErrors(page, { requests: true });
  // The notices come from reading the hash, before the (slow, 256 units) model is built.
  await page.goto('/#hidden=999&cell=bogus&backend=wasm');
  const notices = page.getByTestId('notices');
  await expect(notices).toContainText('hidden=999 is above the maximum 256; using 256.');
  await expect(notices).toContainText('cell=bogus is not one of rnn, lstm, gru');
  await expect(page.getByLabel('Hidden units: value')).toHaveValue('256');
  await expect(page.getByLabel('Cell', { exact: true })).toHaveValue('rnn');
  await expect(page.getByTestId('summary')).toContainText('RNN tanh · 256 hidden');
  expect(errors).toEqual([]);
});

test('a diverging run says where in the header; reset clears it', async ({ page }) => {
  const errors = collectErrors(page, { requests: true });
  // ReLU, g² = 4, no clipping, plain SGD: the second update overflows (as in session.spec.ts).
  await open(
    page,
    'cell=rnn&act=relu&init=normal&initIH=normal&g2=4&clip=off&T=40&opt=sgd&lr=0.001&backend=wasm'
  );
  await page.keyboard.press('Space');
  await expect(page.getByTestId('status')).toHaveText('diverged');
  await expect(page.getByRole('alert')).toContainText(/^Training diverged at step 2: /);
  await expect(page.getByTestId('grad-norm-chart')).toContainText('Clipping is off');

  await page.keyboard.press('r');
  await expect(page.getByTestId('status')).toHaveText('paused');
  await expect(page.getByTestId('divergence')).toBeHidden();
  expect(await stepCount(page)).toBe(0);
  expect(errors).toEqual([]);
});

test('the prediction view draws a series and token rows', async ({ page }) => {
  const errors = collectErrors(page, { requests: true });
  await open(page, 'T=24&backend=wasm');
  await expect(page.getByTestId('prediction')).toHaveAttribute('data-kind', 'series');
  for (const name of ['input', 'target', 'output']) {
    const path = page.getByTestId(`series-${name}`);
    await expect(path).toHaveAttribute('data-points', '24');
    expect((await path.getAttribute('d'))?.split('L').length).toBe(24);
  }
  await expect(page.getByTestId('metric-mse')).toHaveText(/^\d/);

  await open(page, 'task=tagging&T=12&backend=wasm');
  await expect(page.getByTestId('prediction')).toHaveAttribute('data-kind', 'tokens');
  const table = page.getByTestId('tokens-table');
  await expect(table.locator('tr.output [data-testid="token"]')).toHaveCount(12);
  await expect(table.locator('tr.input [data-testid="token"]')).toHaveCount(12);
  const wrong = await table.locator('tr.output td.wrong').count();
  await expect(page.getByTestId('tokens-wrong')).toContainText(`${wrong} of`);
  await expect(page.getByTestId('metric-accuracy')).toHaveText(/^\d/);
  expect(errors).toEqual([]);
});

test('the unrolled network is on the page: T cells, and a click opens the cell detail with its equations', async ({
  page
}) => {
  const errors = collectErrors(page, { requests: true });
  await open(page, 'cell=gru&hidden=8&T=10&batch=4&backend=wasm');
  const unrolled = page.locator('#unrolled');
  await expect(unrolled.locator('rect[data-cell][data-row="0"]')).toHaveCount(10);
  await unrolled.locator('rect[data-cell][data-row="0"][data-t="4"]').click();
  const detail = page.getByTestId('cell-detail');
  await expect(detail).toHaveAttribute('data-t', '4');
  await expect(detail.locator('[data-testid="equation"][data-name="n"] .katex-html')).toHaveCount(
    1
  );
  expect(errors).toEqual([]);
});

test('the gradient flow, spectrum, history and heatmaps are on the page and draw real marks', async ({
  page
}) => {
  const errors = collectErrors(page, { requests: true });
  await open(page, 'cell=lstm&hidden=6&T=9&batch=4&backend=wasm');
  await expect(page.locator('#gradient-flow svg path').first()).toBeVisible();
  // One eigenvalue mark per unit per gate block: 4 blocks of 6.
  await expect(page.locator('#spectrum svg circle.eigenvalue')).toHaveCount(24);
  await expect(page.locator('#gates canvas').first()).toBeVisible();
  await page.getByTestId('step').click();
  await stepsAtLeast(page, 1);
  await expect(page.locator('#gradient-history canvas')).toBeVisible();
  expect(errors).toEqual([]);
});

test('dragging ρ moves the gradient curve while dragging (linear RNN: it follows ρ^(T−t))', async ({
  page
}) => {
  const errors = collectErrors(page, { requests: true });
  const T = 20;
  await open(
    page,
    `task=adding&cell=rnn&act=linear&init=orthogonal&rho=0.9&readout=last&T=${T}&hidden=16&backend=wasm`
  );
  const curve = page.locator('#gradient-flow path[data-series="grad-h"]');
  const ratio = async () => {
    const values = ((await curve.getAttribute('data-values')) ?? '').split(/[ ,]+/).map(Number);
    return values[0] / values[values.length - 1];
  };
  await expect.poll(ratio, { timeout: 30_000 }).toBeCloseTo(Math.pow(0.9, T - 1), 3);
  const slider = page.getByLabel('Spectral radius ρ', { exact: true });
  // Drag: input events only (no change event), as while the pointer is down.
  const latencies: number[] = [];
  for (const rho of [0.8, 0.7, 1.05]) {
    const started = Date.now();
    await slider.evaluate((input: HTMLInputElement, value) => {
      input.value = String(value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, rho);
    await expect.poll(ratio, { timeout: 30_000 }).toBeCloseTo(Math.pow(rho, T - 1), 3);
    latencies.push(Date.now() - started);
  }
  console.log(
    `slider input to updated curve (wasm, SwiftShader machine): ${latencies.join(', ')} ms`
  );
  // A panel scrolled out of view draws each snapshot after the frame: the spectrum, below the
  // fold, still comes to show the last ρ of the drag without being scrolled to.
  await expect(page.locator('#spectrum')).not.toBeInViewport();
  await expect
    .poll(async () =>
      Number(await page.getByTestId('spectrum-panel').first().getAttribute('data-spectral-radius'))
    )
    .toBeCloseTo(1.05, 3);
  await expect(page.getByTestId('step-count')).toHaveText('0');
  expect(errors).toEqual([]);
});

test('screenshots at 1280×720, 1920×1080 and 1024×768', async ({ page }, testInfo) => {
  const errors = collectErrors(page, { requests: true });
  await page.setViewportSize({ width: 1280, height: 720 });
  await open(page, 'cell=lstm&backend=wasm');
  await page.getByTestId('steps-per-frame').selectOption('10');
  await page.keyboard.press('Space');
  await stepsAtLeast(page, 40);
  await page.keyboard.press('Space');
  await expect(page.getByTestId('status')).toHaveText('paused');

  const shots: [number, number, string][] = [
    [1280, 720, 'light'],
    [1920, 1080, 'light'],
    [1024, 768, 'light'],
    [1280, 720, 'dark']
  ];
  for (const [width, height, theme] of shots) {
    await page.setViewportSize({ width, height });
    await page.getByTestId('theme').selectOption(theme);
    // Let the charts follow their containers' new widths.
    await page.waitForTimeout(200);
    const name = `explorer-${width}x${height}${theme === 'dark' ? '-dark' : ''}.png`;
    const path = testInfo.outputPath(name);
    await page.screenshot({ path });
    await testInfo.attach(name, { path, contentType: 'image/png' });
    // Nothing sticks out sideways.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth
    );
    expect(overflow, `${width}×${height}`).toBeLessThanOrEqual(0);
  }
  expect(errors).toEqual([]);
});
