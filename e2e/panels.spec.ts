/**
 * Every panel of the explorer page (`/`) for each cell type at 1280×720: it draws real marks,
 * counted against the model's shape (T cells and T−1 recurrent arrows per row, T points per
 * gradient curve, H eigenvalues and H singular values per gate block, one heatmap per state and
 * gate, one history row and one loss point per training step, T points of the prediction), and a
 * screenshot of each panel is attached to the report. (`views.spec.ts` does the same for the
 * views on `/lab/views`; this is the page people use.) Every URL asks for the wasm backend.
 */
import { expect, test } from '@playwright/test';
import { collectErrors, stepCount, canvasInk } from './helpers';

const T = 12;
const H = 6;
const STEPS = 3;
const GATES = { rnn: ['a'], lstm: ['i', 'f', 'g', 'o'], gru: ['r', 'z', 'n'] } as const;
/** Heatmaps per direction: h, (c), and the gates (the vanilla cell's pre-activation a). */
const HEATMAPS = { rnn: 2, lstm: 6, gru: 4 } as const;
/** The page's panels (`PANELS` in $lib/explorer.svelte), by their section ids. */
const PANELS = [
  'unrolled',
  'gradient-flow',
  'gradient-history',
  'spectrum',
  'gates',
  'loss',
  'grad-norm',
  'prediction'
] as const;

test.use({ viewport: { width: 1280, height: 720 } });

for (const cell of ['rnn', 'lstm', 'gru'] as const) {
  test(`${cell}: every panel of the explorer draws real marks; screenshots at 1280×720`, async ({
    page
  }, testInfo) => {
    const errors = collectErrors(page);
    await page.goto(`/#cell=${cell}&hidden=${H}&T=${T}&batch=4&seed=1&backend=wasm`);
    await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
    for (let i = 1; i <= STEPS; i++) {
      await page.getByTestId('step').click();
      await expect.poll(() => stepCount(page)).toBe(i);
    }
    await expect(page.getByTestId('status')).toHaveText('paused');
    const panel = (id: string) => page.locator(`section#${id}`);
    for (const id of PANELS) await expect(panel(id), id).toBeVisible();

    // Unrolled: T cells, T−1 recurrent h arrows (and c arrows for the LSTM), each with a gradient.
    const unrolled = panel('unrolled');
    await expect(unrolled.locator('rect[data-cell]')).toHaveCount(T);
    await expect(unrolled.locator('path[data-arrow][data-kind="h"]')).toHaveCount(T - 1);
    await expect(unrolled.locator('path[data-arrow][data-kind="c"]')).toHaveCount(
      cell === 'lstm' ? T - 1 : 0
    );
    for (const grad of await unrolled
      .locator('path[data-arrow]')
      .evaluateAll((arrows) => arrows.map((a) => Number(a.getAttribute('data-grad')))))
      expect(grad).toBeGreaterThan(0);

    // Gradient flow: every curve has T points; ‖dL/dc_t‖ for the LSTM only.
    const flow = panel('gradient-flow');
    for (const series of ['grad-h', 'theory', 'bound', 'jacobian'])
      await expect(flow.locator(`path[data-series="${series}"]`)).toHaveAttribute(
        'data-points',
        String(T)
      );
    await expect(flow.locator('path[data-series="grad-c"]')).toHaveCount(cell === 'lstm' ? 1 : 0);

    // Gradient history: one row per training step, painted in more than a few colours.
    const history = panel('gradient-history').getByTestId('gradient-history');
    await expect(history).toHaveAttribute('data-rows', String(STEPS));
    await expect(history).toHaveAttribute('data-t', String(T));
    const historyInk = await canvasInk(history);
    expect(historyInk.painted).toBeGreaterThan(0.95);
    expect(historyInk.colours).toBeGreaterThan(3);

    // Spectrum: per gate block, H eigenvalues and H singular values (largest first).
    const spectrum = panel('spectrum');
    await expect(spectrum.getByTestId('spectrum-panel')).toHaveCount(GATES[cell].length);
    for (const gate of GATES[cell]) {
      await expect(spectrum.locator(`circle.eigenvalue[data-gate="${gate}"]`)).toHaveCount(H);
      const sigma = spectrum.locator(
        `[data-testid="singular-values"][data-gate="${gate}"] rect.singular-value`
      );
      await expect(sigma).toHaveCount(H);
      const values = await sigma.evaluateAll((bars) =>
        bars.map((b) => Number(b.getAttribute('data-value')))
      );
      expect([...values].sort((x, y) => y - x)).toEqual(values);
      // σ_1 = ‖W‖₂ ≥ ρ = max |λ|.
      const rho = Number(
        await spectrum
          .locator(`[data-testid="spectrum-panel"][data-gate="${gate}"]`)
          .getAttribute('data-spectral-radius')
      );
      expect(values[0]).toBeGreaterThanOrEqual(rho - 1e-6);
    }

    // Gates and states: one painted heatmap per state and gate, T × H.
    const heatmaps = panel('gates').getByTestId('heatmap');
    await expect(heatmaps).toHaveCount(HEATMAPS[cell]);
    for (const heatmap of await heatmaps.all()) {
      await expect(heatmap).toHaveAttribute('data-t', String(T));
      await expect(heatmap).toHaveAttribute('data-h', String(H));
      const ink = await canvasInk(heatmap);
      expect(ink.painted, await heatmap.getAttribute('data-name')).toBeGreaterThan(0.95);
      expect(ink.colours, await heatmap.getAttribute('data-name')).toBeGreaterThan(3);
    }

    // Loss and gradient norm: one point per step; the task's baseline and the clip threshold.
    await expect(panel('loss').getByTestId('loss-path')).toHaveAttribute(
      'data-points',
      String(STEPS)
    );
    await expect(panel('loss').getByTestId('baseline')).toHaveCount(1);
    await expect(panel('grad-norm').getByTestId('grad-norm-path')).toHaveAttribute(
      'data-points',
      String(STEPS)
    );
    await expect(panel('grad-norm').getByTestId('clip-threshold')).toHaveCount(1);

    // Prediction (sine): input, target and output, T points each.
    await expect(panel('prediction').getByTestId('prediction')).toHaveAttribute(
      'data-kind',
      'series'
    );
    for (const name of ['input', 'target', 'output'])
      await expect(panel('prediction').getByTestId(`series-${name}`)).toHaveAttribute(
        'data-points',
        String(T)
      );

    // A panel taller than the views' scrolling area (the LSTM's four gate blocks) is shot in a
    // window as tall as it needs, still 1280 wide, so that it shows whole.
    for (const id of PANELS) {
      const name = `explorer-${cell}-${id}.png`;
      const path = testInfo.outputPath(name);
      const box = (await panel(id).boundingBox())!;
      const room = 720 - 160;
      if (box.height > room)
        await page.setViewportSize({ width: 1280, height: Math.ceil(720 + box.height - room) });
      await panel(id).scrollIntoViewIfNeeded();
      await panel(id).screenshot({ path });
      await page.setViewportSize({ width: 1280, height: 720 });
      await testInfo.attach(name, { path, contentType: 'image/png' });
    }
    expect(errors).toEqual([]);
  });
}
