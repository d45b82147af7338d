/**
 * The unrolled network and the cell detail, driven through `/lab/unrolled` on the wasm backend, for
 * each cell type: one cell per step and T−1 recurrent arrows per row; after the backward animation
 * each arrow's width follows the gradient norm the engine reports (read from the page's View);
 * clicking a step opens the detail with KaTeX equations holding that step's numbers; the keyboard
 * scrubs, opens and closes; long sequences window. Screenshots at 1280×720 are attached.
 */
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { collectErrors } from './helpers';

/** Small models, a few training steps: fast on wasm. */
const CASES = {
  // A tanh RNN on the adding problem reads only the last step: the gradient fades back in time.
  rnn: 'cell=rnn&hidden=8&T=12&batch=4&task=adding&readout=last&seed=1&backend=wasm',
  lstm: 'cell=lstm&hidden=8&T=12&batch=4&seed=2&backend=wasm',
  // Bidirectional: the reverse row's arrows point right to left.
  gru: 'cell=gru&hidden=8&T=10&batch=4&bidir=1&seed=3&backend=wasm'
} as const;
const TRAIN_STEPS = 3;

/** What the page exposes of its View (typed arrays as plain arrays). */
interface ViewData {
  step: number;
  T: number;
  H: number;
  batchItem: number;
  directions: {
    suffix: string;
    reverse: boolean;
    steps: number;
    h: number[];
    gates: Record<string, number[]>;
    pre: Record<string, number[]>;
    grad: number[];
    cellGrad: number[] | null;
  }[];
}

/** Arrow marks as drawn. */
interface ArrowMark {
  kind: string;
  row: number;
  t: number;
  grad: number;
  width: number;
}

async function readView(page: Page): Promise<ViewData | null> {
  return page.evaluate(() => {
    type Lab = {
      __unrolledLab?: {
        view: {
          step: number;
          T: number;
          H: number;
          batchItem: number;
          directions: {
            suffix: string;
            reverse: boolean;
            hNorm: Float32Array;
            h: Float32Array;
            gates: Record<string, Float32Array>;
            pre: Record<string, Float32Array>;
            gradNormPerStep: Float32Array;
            cellGradNormPerStep?: Float32Array;
          }[];
        } | null;
      };
    };
    const view = (window as unknown as Lab).__unrolledLab?.view;
    if (!view) return null;
    const plain = (fields: Record<string, Float32Array>) =>
      Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Array.from(v)]));
    return {
      step: view.step,
      T: view.T,
      H: view.H,
      batchItem: view.batchItem,
      directions: view.directions.map((d) => ({
        suffix: d.suffix,
        reverse: d.reverse,
        steps: d.hNorm.length,
        h: Array.from(d.h),
        gates: plain(d.gates),
        pre: plain(d.pre),
        grad: Array.from(d.gradNormPerStep),
        cellGrad: d.cellGradNormPerStep ? Array.from(d.cellGradNormPerStep) : null
      }))
    };
  });
}

async function readArrows(page: Page): Promise<ArrowMark[]> {
  return page.locator('path[data-arrow]').evaluateAll((paths) =>
    paths.map((p) => ({
      kind: p.getAttribute('data-kind') ?? '',
      row: Number(p.getAttribute('data-row')),
      t: Number(p.getAttribute('data-t')),
      grad: Number(p.getAttribute('data-grad')),
      width: Number(p.getAttribute('data-width'))
    }))
  );
}

/** Opens the lab for `hash`, trains a few steps and waits for the View after them. */
async function open(page: Page, hash: string, train = TRAIN_STEPS): Promise<ViewData> {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(`/lab/unrolled?train=${train}#${hash}`);
  await expect(page.getByTestId('unrolled-svg')).toBeVisible({ timeout: 60_000 });
  let view: ViewData | null = null;
  await expect
    .poll(
      async () => {
        view = await readView(page);
        return view?.step ?? -1;
      },
      { timeout: 60_000 }
    )
    .toBe(train);
  await expect(page.getByTestId('status')).toHaveText('paused');
  return view!;
}

async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** The equations' numbers are written with 3 decimals (src/lib/viz/equations.ts). */
const fixed = (value: number) => value.toFixed(3);

for (const [cell, hash] of Object.entries(CASES)) {
  test(`${cell}: unrolled marks, gradient widths, cell detail, keyboard`, async ({
    page
  }, testInfo) => {
    const errors = collectErrors(page);
    const view = await open(page, hash);
    const rows = view.directions.length;
    const T = view.T;
    expect(rows).toBe(cell === 'gru' ? 2 : 1);

    // T cells and T−1 recurrent h arrows per row (and c arrows for the LSTM).
    await expect(page.locator('rect[data-cell]')).toHaveCount(T * rows);
    await expect(page.locator('path[data-arrow][data-kind="h"]')).toHaveCount((T - 1) * rows);
    await expect(page.locator('path[data-arrow][data-kind="c"]')).toHaveCount(
      cell === 'lstm' ? T - 1 : 0
    );
    if (cell === 'gru') {
      // The reverse row's arrow of h_t points from step t to step t−1 (right to left).
      const reverseTs = await page
        .locator('path[data-arrow][data-row="1"]')
        .evaluateAll((ps) => ps.map((p) => Number(p.getAttribute('data-t'))));
      expect(reverseTs.sort((a, b) => a - b)).toEqual(
        Array.from({ length: T - 1 }, (_, i) => i + 1)
      );
    }

    // Back to the start of the animation: nothing filled, every arrow neutral.
    await page.getByTestId('anim-restart').click();
    await expect(page.getByTestId('anim-phase')).toHaveText('forward · t = 0');
    const before = await readArrows(page);
    expect(new Set(before.map((a) => a.width))).toEqual(new Set([2]));
    await expect(page.locator('rect[data-cell][data-fill="0.000"]')).toHaveCount(T * rows);

    // Play the forward and backward walks to the end, fast.
    await page.getByTestId('anim-speed').selectOption('50');
    await page.getByTestId('anim-play').click();
    await expect(page.getByTestId('anim-phase')).toHaveText('done', { timeout: 10_000 });
    await expect(page.locator('rect[data-cell][data-fill="1.000"]')).toHaveCount(T * rows);

    // Each arrow shows the engine's norm, and the widths are monotone in it (one log scale).
    const arrows = await readArrows(page);
    for (const arrow of arrows) {
      const d = view.directions[arrow.row];
      const norms = arrow.kind === 'c' ? d.cellGrad! : d.grad;
      expect(arrow.grad).toBeCloseTo(norms[arrow.t], 6);
    }
    const sorted = [...arrows].sort((a, b) => a.grad - b.grad);
    for (let i = 1; i < sorted.length; i++)
      expect(sorted[i].width).toBeGreaterThanOrEqual(sorted[i - 1].width);
    const low = sorted[0];
    const high = sorted[sorted.length - 1];
    expect(high.grad).toBeGreaterThan(1.1 * low.grad);
    expect(high.width).toBeGreaterThan(low.width + 1);
    // Widths are affine in log norm: compare the log-position of each arrow between the extremes.
    const logSpan = Math.log10(high.grad / low.grad);
    if (logSpan >= 1)
      for (const arrow of arrows) {
        const expected = Math.log10(arrow.grad / low.grad) / logSpan;
        expect((arrow.width - low.width) / (high.width - low.width)).toBeCloseTo(expected, 2);
      }
    if (cell === 'rnn') {
      // Only the last step is read: the gradient fades back in time, so do the arrows.
      const hArrows = arrows.filter((a) => a.kind === 'h').sort((a, b) => a.t - b.t);
      expect(hArrows[hArrows.length - 1].width).toBeGreaterThan(hArrows[0].width);
    }
    await screenshot(page, testInfo, `unrolled-${cell}`);

    // KaTeX (script, CSS, fonts) loads only when the detail first opens.
    const katexRequested = () =>
      page.evaluate(() =>
        performance.getEntriesByType('resource').some((entry) => /katex/i.test(entry.name))
      );
    expect(await katexRequested()).toBe(false);

    // Click step 5 of the first row: the detail opens with KaTeX equations holding its numbers.
    const t = 5;
    await page.locator(`rect[data-cell][data-row="0"][data-t="${t}"]`).click();
    const detail = page.getByTestId('cell-detail');
    await expect(detail).toBeVisible();
    await expect(detail).toHaveAttribute('data-t', String(t));
    await expect(page.getByTestId('equations')).toHaveAttribute('data-katex', 'ready');
    expect(await katexRequested()).toBe(true);
    const equations = page.getByTestId('equation');
    const expectedNames = {
      rnn: ['a', 'h'],
      lstm: ['pre', 'i', 'f', 'g', 'o', 'c', 'h'],
      gru: ['pre', 'r', 'z', 'n', 'h']
    }[cell]!;
    await expect(equations).toHaveCount(expectedNames.length);
    expect(await equations.evaluateAll((es) => es.map((e) => e.getAttribute('data-name')))).toEqual(
      expectedNames
    );
    await expect(page.locator('[data-testid="equation"] .katex-html')).toHaveCount(
      expectedNames.length
    );

    const d0 = view.directions[0];
    const H = view.H;
    // The unit whose h_t is largest in magnitude (its numbers print in fixed notation).
    const unitOf = (values: number[]) =>
      values
        .slice(t * H, (t + 1) * H)
        .reduce((best, v, u, all) => (Math.abs(v) > Math.abs(all[best]) ? u : best), 0);
    const unit = unitOf(d0.h);
    await page.getByTestId('unit-select').selectOption(String(unit));
    await expect(detail).toHaveAttribute('data-unit', String(unit));
    const at = t * H + unit;
    const mathText = (name: string) =>
      page.locator(`[data-testid="equation"][data-name="${name}"] .katex-mathml`).textContent();
    expect(await mathText('h')).toContain(fixed(d0.h[at]));
    if (cell === 'rnn') expect(await mathText('a')).toContain(fixed(d0.pre.a[at]));
    for (const gate of Object.keys(d0.gates)) {
      expect(await mathText(gate)).toContain(fixed(d0.gates[gate][at]));
      expect(await mathText(gate)).toContain(fixed(d0.pre[gate][at]));
    }
    if (cell === 'lstm') {
      // c_t = f ⊙ c_{t−1} + i ⊙ g with the previous step's c.
      const c = await mathText('c');
      expect(c).toContain(fixed(d0.gates.f[at]));
      expect(c).toContain(fixed(d0.gates.i[at]));
    }
    if (cell === 'gru') {
      // h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}, with h_{t−1} of this unit at step t−1.
      const h = await mathText('h');
      const prev = d0.h[(t - 1) * H + unit];
      expect(h).toContain(Math.abs(prev) >= 1e-3 ? fixed(prev) : '');
      await expect(page.locator('[data-testid="equation"][data-name="n"]')).toHaveAttribute(
        'data-tex',
        /r_t \\odot \\left\(h_\{t-1\} W_\{hn\}\^\\top \+ b_\{hn\}\\right\)/
      );
    }
    // The diagram shows the same gate values.
    for (const gate of Object.keys(d0.gates))
      expect(
        Number(
          await page
            .locator(`[data-testid="cell-diagram"] [data-gate="${gate}"]`)
            .getAttribute('data-value')
        )
      ).toBeCloseTo(d0.gates[gate][at], 6);
    await screenshot(page, testInfo, `cell-detail-${cell}`);

    // Keyboard: → moves the focused step and the open detail follows; Escape closes, Enter opens.
    const svg = page.getByTestId('unrolled-svg');
    await svg.focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('focus-cell')).toHaveAttribute('data-t', String(t + 1));
    await expect(svg).toHaveAttribute('aria-valuenow', String(t + 1));
    await expect(detail).toHaveAttribute('data-t', String(t + 1));
    await page.keyboard.press('Escape');
    await expect(detail).toHaveCount(0);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect(page.getByTestId('focus-cell')).toHaveAttribute('data-t', String(t - 1));
    await page.keyboard.press('Enter');
    await expect(detail).toHaveAttribute('data-t', String(t - 1));
    await page.keyboard.press('Home');
    await expect(detail).toHaveAttribute('data-t', '0');
    await page.keyboard.press('Escape');
    await expect(detail).toHaveCount(0);

    expect(errors).toEqual([]);
  });
}

test('reduced motion: play jumps to the last frame, widths already follow the norms', async ({
  page
}) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const view = await open(page, CASES.rnn);
  await page.getByTestId('anim-restart').click();
  expect(new Set((await readArrows(page)).map((a) => a.width))).toEqual(new Set([2]));
  await page.getByTestId('anim-play').click();
  // No tweening: the very next frame is the last one.
  await expect(page.getByTestId('anim-phase')).toHaveText('done', { timeout: 1000 });
  const arrows = await readArrows(page);
  expect(arrows.map((a) => a.grad)).toEqual(
    arrows.map((a) => Math.fround(view.directions[0].grad[a.t]))
  );
  const sorted = [...arrows].sort((a, b) => a.grad - b.grad);
  for (let i = 1; i < sorted.length; i++)
    expect(sorted[i].width).toBeGreaterThanOrEqual(sorted[i - 1].width);

  // The detail's batch-item selector: the lab starts a session that traces the chosen item.
  await page.locator('rect[data-cell][data-t="3"]').click();
  await page.getByTestId('item-select').selectOption('2');
  await expect.poll(async () => (await readView(page))?.batchItem, { timeout: 60_000 }).toBe(2);
  await expect(page.getByTestId('item-select')).toHaveValue('2');
  await expect(page.getByTestId('cell-detail')).toHaveAttribute('data-t', '3');
});

test('a long sequence shows a window of steps that follows the keyboard', async ({
  page
}, testInfo) => {
  const view = await open(page, 'cell=lstm&hidden=4&T=60&batch=2&seed=4&backend=wasm', 1);
  expect(view.T).toBe(60);
  const cells = page.locator('rect[data-cell]');
  const shown = await cells.count();
  expect(shown).toBeGreaterThanOrEqual(12);
  expect(shown).toBeLessThan(60);
  await expect(page.getByTestId('unrolled-overview')).toBeVisible();
  await expect(page.locator('[data-testid="unrolled-brush"] .selection')).toBeVisible();
  // Arrows at the window's edge carry the state in from the step before it.
  await expect(page.locator('path[data-arrow][data-kind="h"]')).toHaveCount(shown);

  const svg = page.getByTestId('unrolled-svg');
  await svg.focus();
  await page.keyboard.press('End');
  await expect(page.getByTestId('focus-cell')).toHaveAttribute('data-t', '59');
  await expect(page.locator('rect[data-cell][data-t="59"]')).toHaveCount(1);
  await expect(page.locator('rect[data-cell][data-t="0"]')).toHaveCount(0);
  await page.keyboard.press('Shift+ArrowLeft');
  await expect(page.getByTestId('focus-cell')).toHaveAttribute('data-t', String(59 - shown));
  await screenshot(page, testInfo, 'unrolled-long');

  // Dragging the overview's brush to the left end shows the first steps.
  const selection = page.locator('[data-testid="unrolled-brush"] .selection');
  const box = (await selection.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 1200, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(page.locator('rect[data-cell][data-t="0"]')).toHaveCount(1);
  await expect(page.locator('rect[data-cell][data-t="59"]')).toHaveCount(0);
  await expect(cells).toHaveCount(shown);

  // Dragging its right edge inward zooms in: fewer, wider cells.
  const handle = page.locator('[data-testid="unrolled-brush"] .handle--e');
  const edge = (await handle.boundingBox())!;
  await page.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2);
  await page.mouse.down();
  await page.mouse.move(edge.x + edge.width / 2 - 200, edge.y + edge.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect.poll(() => cells.count()).toBeLessThan(shown);
  expect(await cells.count()).toBeGreaterThanOrEqual(4);
  await expect(page.locator('rect[data-cell][data-t="0"]')).toHaveCount(1);
  await screenshot(page, testInfo, 'unrolled-zoomed');

  // The dark theme, with the detail open.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.locator('rect[data-cell][data-t="2"]').click();
  await expect(page.getByTestId('equations')).toHaveAttribute('data-katex', 'ready');
  await screenshot(page, testInfo, 'unrolled-dark');
});
