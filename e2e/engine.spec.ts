/**
 * The engine trains in a real browser on every tfjs backend: the lab page (`/lab`) trains a small
 * LSTM for a few steps and reports the backend that ran, the loss, and the tensor count.
 */
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { collectErrors } from './helpers';

/** The LSTM every backend trains: small, so that SwiftShader's emulated GPU finishes quickly. */
const LSTM = 'cell=lstm&hidden=16&T=12&batch=8&lr=0.02&seed=3';
/** Training steps: enough for the loss to fall clearly, few enough for WebGPU on SwiftShader. */
const STEPS = 20;
/** The last loss must be below this fraction of the first. */
const LOSS_RATIO = 0.8;

interface LabReport {
  requested: string;
  active: string;
  adapter: string;
  skipped: Record<string, string>;
  steps: number;
  lossFirst: number;
  lossLast: number;
  msPerStep: number;
  tensorsAfterStep2: number;
  tensorsAfterLast: number;
}

/** Opens the lab, waits until it has trained, and reads what it shows. */
async function runLab(page: Page, testInfo: TestInfo, steps: number, hash: string) {
  await page.goto(`/lab?steps=${steps}#${hash}`);
  const status = page.getByTestId('status');
  await expect(status).toHaveText(/^(done|error: .*)$/, { timeout: 150_000 });
  expect(await status.innerText()).toBe('done');

  const text = (testId: string) => page.getByTestId(testId).innerText();
  const number = async (testId: string) => Number(await text(testId));
  const skipped: Record<string, string> = {};
  for (const item of await page.locator('[data-testid^="skipped-"]').all()) {
    const name = (await item.getAttribute('data-testid'))!.replace('skipped-', '');
    skipped[name] = await item.innerText();
  }
  const report: LabReport = {
    requested: await text('backend-requested'),
    active: await text('backend-active'),
    adapter: await text('adapter'),
    skipped,
    steps: await number('steps'),
    lossFirst: await number('loss-first'),
    lossLast: await number('loss-last'),
    msPerStep: await number('ms-per-step'),
    tensorsAfterStep2: await number('tensors-step-2'),
    tensorsAfterLast: await number('tensors-last')
  };

  const summary =
    `${report.active}: ${report.steps} steps, ${report.msPerStep} ms/step, ` +
    `loss ${report.lossFirst} → ${report.lossLast}, tensors ${report.tensorsAfterStep2} → ` +
    `${report.tensorsAfterLast}, adapter ${report.adapter}`;
  testInfo.annotations.push({ type: 'lab', description: summary });
  console.log(summary);
  await testInfo.attach(`lab-${report.requested}.png`, {
    body: await page.screenshot({ fullPage: true }),
    contentType: 'image/png'
  });
  return report;
}

/** The loss fell, and no tensor was left behind by a step. */
function expectTrained(report: LabReport, steps: number) {
  expect(report.steps).toBe(steps);
  expect(Number.isFinite(report.lossFirst) && Number.isFinite(report.lossLast)).toBe(true);
  expect(report.lossLast).toBeLessThan(report.lossFirst * LOSS_RATIO);
  expect(report.tensorsAfterLast).toBe(report.tensorsAfterStep2);
}

for (const backend of ['webgpu', 'webgl', 'wasm', 'cpu'] as const) {
  test(`an LSTM trains on ${backend}: the loss falls and no tensor leaks`, async ({
    page
  }, testInfo) => {
    const errors = collectErrors(page, { requests: true });
    const report = await runLab(page, testInfo, STEPS, `backend=${backend}&${LSTM}`);

    expect(report.requested).toBe(backend);
    expect(report.active, `skipped: ${JSON.stringify(report.skipped)}`).toBe(backend);
    expect(report.skipped).toEqual({});
    if (backend === 'webgpu') expect(report.adapter).toMatch(/swiftshader/i);
    expectTrained(report, STEPS);
    expect(errors).toEqual([]);
  });
}

test.describe('under auto on a machine whose GPUs are SwiftShader', () => {
  const AUTO_STEPS = 3;

  test('the software WebGPU adapter is skipped, with a reason', async ({ page }, testInfo) => {
    const errors = collectErrors(page, { requests: true });
    const report = await runLab(page, testInfo, AUTO_STEPS, `backend=auto&${LSTM}`);

    expect(report.requested).toBe('auto');
    expect(Object.keys(report.skipped)[0]).toBe('webgpu');
    expect(report.skipped.webgpu).toMatch(/software emulation.*swiftshader/i);
    expect(report.active).not.toBe('webgpu');
    expect(report.steps).toBe(AUTO_STEPS);
    expect(errors).toEqual([]);
  });

  test('software WebGL is skipped too, and wasm runs', async ({ page }, testInfo) => {
    const errors = collectErrors(page, { requests: true });
    const report = await runLab(page, testInfo, AUTO_STEPS, `backend=auto&${LSTM}`);

    expect(Object.keys(report.skipped)).toEqual(['webgpu', 'webgl']);
    expect(report.skipped.webgl).toMatch(/software emulation.*swiftshader/i);
    expect(report.active).toBe('wasm');
    expect(errors).toEqual([]);
  });
});

for (const cell of ['rnn', 'gru'] as const) {
  test(`a ${cell === 'rnn' ? 'vanilla RNN' : 'GRU'} trains on wasm`, async ({ page }, testInfo) => {
    const errors = collectErrors(page, { requests: true });
    const hash = `backend=wasm&cell=${cell}&hidden=16&T=12&batch=8&lr=0.02&seed=3`;
    const report = await runLab(page, testInfo, STEPS, hash);

    expect(report.active).toBe('wasm');
    expectTrained(report, STEPS);
    expect(errors).toEqual([]);
  });
}
