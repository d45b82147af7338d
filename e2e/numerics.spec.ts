/**
 * Same numbers on every backend: one `trainer.inspect` (loss, gradients, per-step gradient norms,
 * recurrent Jacobian norms) of a fixed network and batch on wasm, webgl and webgpu must agree with
 * the cpu backend's within float32 rounding. The page `/lab/check` computes it and shows it as JSON.
 */
import { expect, test, type Page } from '@playwright/test';

/** Each cell, 2 layers, bidirectional, T = 8; the vanilla RNN with tanh. */
const NETWORKS = {
  lstm: 'cell=lstm',
  gru: 'cell=gru',
  rnn: 'cell=rnn&act=tanh'
} as const;
const SHARED = 'layers=2&bidir=1&T=8&hidden=8&batch=4&seed=5';
/** Largest relative difference from cpu allowed (float32 arithmetic in another order on a GPU). */
const RELATIVE_TOLERANCE = 1e-3;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface CheckResult {
  backend: { requested: string; active: string; adapter?: string };
  loss: number;
  gradNorm: number;
  nonFinite: unknown;
  directions: { dir: string; gradNormPerStep: number[] }[];
  [key: string]: Json | unknown;
}

/** Opens the check page for a backend and network, and returns its JSON. */
async function inspectOn(page: Page, backend: string, network: string): Promise<CheckResult> {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`/lab/check#backend=${backend}&${network}&${SHARED}`);
  const status = page.getByTestId('status');
  await expect(status).toHaveText(/^(done|error: .*)$/, { timeout: 150_000 });
  expect(await status.innerText()).toBe('done');
  expect(errors).toEqual([]);
  return JSON.parse(await page.getByTestId('result').innerText()) as CheckResult;
}

/** One number that differs from the reference by more than the tolerance. */
interface Mismatch {
  path: string;
  expected: number;
  actual: number;
  relative: number;
}

/**
 * Walks the reference and compares every number with the result's at the same place:
 * |actual − expected| ≤ tol·max(|expected|, scale). The scale is 0 (plain relative difference)
 * except for gradient entries, which are measured against their parameter's gradient norm ‖g‖: an
 * entry near zero has no meaningful relative error of its own, but the gradient as a whole does.
 * Returns every mismatch, and the largest relative difference seen and where.
 */
function compareNumbers(expected: Json, actual: Json) {
  const mismatches: Mismatch[] = [];
  let largest = { relative: 0, path: '' };
  const walk = (e: Json, a: Json, path: string, scale: number) => {
    if (typeof e === 'number') {
      const difference = typeof a === 'number' ? Math.abs(a - e) : Infinity;
      const relative = difference / Math.max(Math.abs(e), scale, 1e-30);
      if (!(relative <= RELATIVE_TOLERANCE))
        mismatches.push({ path, expected: e, actual: a as number, relative });
      if (!(relative <= largest.relative)) largest = { relative, path };
    } else if (Array.isArray(e)) {
      expect(Array.isArray(a) ? a.length : a, `length of ${path}`).toBe(e.length);
      e.forEach((item, i) => walk(item, (a as Json[])[i], `${path}[${i}]`, scale));
    } else if (e !== null && typeof e === 'object') {
      const object = (a ?? {}) as Record<string, Json>;
      // A parameter's gradient: { norm, first }, its first entries scaled by its norm.
      const entryScale = path.startsWith('.gradients.') && typeof e.norm === 'number' ? e.norm : 0;
      for (const key of Object.keys(e))
        walk(e[key], object[key], `${path}.${key}`, key === 'first' ? entryScale : scale);
    }
  };
  walk(expected, actual, '', 0);
  return { mismatches, largest };
}

for (const [cell, network] of Object.entries(NETWORKS)) {
  for (const backend of ['wasm', 'webgl', 'webgpu'] as const) {
    test(`${cell}: ${backend} computes the same loss, gradients and norms as cpu`, async ({
      page
    }, testInfo) => {
      const reference = await inspectOn(page, 'cpu', network);
      const result = await inspectOn(page, backend, network);

      expect(reference.backend.active).toBe('cpu');
      expect(result.backend.active).toBe(backend);
      // 2 layers × 2 directions, T = 8 steps each: the comparison below has something to compare.
      expect(reference.directions).toHaveLength(4);
      for (const direction of reference.directions)
        expect(direction.gradNormPerStep).toHaveLength(8);
      expect(reference.nonFinite).toBeNull();
      expect(result.nonFinite).toBeNull();

      const { backend: _r, ...expected } = reference;
      const { backend: _a, ...actual } = result;
      const { mismatches, largest } = compareNumbers(expected as Json, actual as Json);
      const summary = `${cell} on ${backend}: largest relative difference from cpu ${largest.relative.toExponential(2)} at ${largest.path}`;
      testInfo.annotations.push({ type: 'numerics', description: summary });
      console.log(summary);
      expect(mismatches).toEqual([]);
    });
  }
}

test('the same config gives the same numbers twice on the same backend', async ({ page }) => {
  for (const backend of ['cpu', 'wasm']) {
    const first = await inspectOn(page, backend, NETWORKS.lstm);
    await page.goto('about:blank');
    const second = await inspectOn(page, backend, NETWORKS.lstm);
    expect(second).toEqual(first);
  }
});
