/**
 * Data out and the run file round trip, in Chromium against the built app: every panel's PNG, SVG
 * and CSV download and hold that panel's picture and numbers (the PNG decodes at twice the
 * picture's size, the SVG parses standalone and has the chart's marks with no CSS variable left,
 * the CSV has the rows T and H call for); the table view shows the same numbers; export → change
 * the config → import restores the run (step, loss, weights, and the next step); the same URL
 * gives the same weights twice; 300 random and malformed hashes load with no uncaught error and a
 * visible notice for what was dropped. Every URL asks for the wasm backend, which starts fastest.
 */
import { createHash } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { downloadOf, stepCount } from './helpers';
import { PARAMETERS, decodeHash } from '../src/lib/config';
import { displayCell, parseCsv } from '../src/lib/export/table';

/** Uncaught exceptions of a page. */
function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return errors;
}

async function open(page: Page, hash: string) {
  await page.goto(`/#${hash}`);
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
  await expect(page.getByTestId('backend')).toHaveText('wasm');
}

/** Presses Step `n` times, waiting for each step to show. */
async function steps(page: Page, n: number) {
  const start = await stepCount(page);
  for (let i = 1; i <= n; i++) {
    await page.getByTestId('step').click();
    await expect(page.getByTestId('step-count')).toHaveText(String(start + i));
  }
  await expect(page.getByTestId('status')).toHaveText('paused');
}

/** Decodes a PNG in the page (a real decode, not the header): its pixel size. */
async function pngSize(page: Page, bytes: Buffer) {
  return page.evaluate(async (base64) => {
    const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([data], { type: 'image/png' }));
    return { width: bitmap.width, height: bitmap.height };
  }, bytes.toString('base64'));
}

/** Parses an SVG document in the page: parse errors, its size, and how many elements match. */
async function parseSvg(page: Page, text: string, selectors: string[]) {
  return page.evaluate(
    ({ text, selectors }) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const root = doc.documentElement;
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        root: root.nodeName,
        width: Number(root.getAttribute('width')),
        height: Number(root.getAttribute('height')),
        counts: selectors.map((s) => doc.querySelectorAll(s).length),
        images: [...doc.querySelectorAll('image')].map((i) =>
          (i.getAttribute('href') ?? '').slice(0, 22)
        )
      };
    },
    { text, selectors }
  );
}

const T = 9;
const H = 6;
const D = 2;
const HASH = `cell=lstm&hidden=${H}&T=${T}&bidir=1&backend=wasm`;
const STEM = `lstm-h${H}-l1-bi-T${T}-sine-seed1`;

/**
 * Per panel: marks that its SVG must contain (a selector, and how many the page shows), and the
 * CSV's expected rows and columns (null: not checked).
 */
const PANEL_CHECKS: {
  id: string;
  marks: { selector: string; count: number | 'page' }[];
  rows: number | null;
  columns?: number;
}[] = [
  { id: 'unrolled', marks: [{ selector: 'rect.cell', count: 'page' }], rows: D * T, columns: 6 },
  {
    id: 'gradient-flow',
    marks: [
      { selector: 'path[data-series="grad-h"]', count: D },
      { selector: 'path[data-series="grad-c"]', count: D },
      { selector: 'path[data-series="jacobian"]', count: D }
    ],
    rows: D * T,
    columns: 7
  },
  // One row per training step received (the page may skip none at this pace: 3 steps).
  { id: 'gradient-history', marks: [{ selector: 'image', count: 1 }], rows: null, columns: 1 + T },
  // Eigenvalues: D directions × 4 gate blocks × H.
  { id: 'spectrum', marks: [{ selector: 'circle.eigenvalue', count: D * 4 * H }], rows: D * 4 * H },
  // Heatmaps: h, c, i, f, g, o per direction; rows: D × 6 quantities × H units, columns 3 + T.
  { id: 'gates', marks: [{ selector: 'image', count: D * 6 }], rows: D * 6 * H, columns: 3 + T },
  { id: 'loss', marks: [{ selector: 'path[data-testid="loss-path"]', count: 1 }], rows: 3 },
  {
    id: 'grad-norm',
    marks: [{ selector: 'path[data-testid="grad-norm-path"]', count: 1 }],
    rows: 3
  },
  {
    id: 'prediction',
    marks: [{ selector: 'path[data-testid^="series-"]', count: 3 }],
    rows: T,
    columns: 4
  }
];

test('every panel downloads a PNG, an SVG and a CSV of its own picture and numbers', async ({
  page
}) => {
  const errors = collectPageErrors(page);
  await page.setViewportSize({ width: 1400, height: 900 });
  await open(page, HASH);
  await steps(page, 3);

  for (const check of PANEL_CHECKS) {
    const section = page.locator(`section#${check.id}`);
    const what = check.id;

    // SVG: parses standalone, has the chart's marks, no CSS variable or currentColor left.
    const svg = await downloadOf(page, section.getByTestId('export-svg'));
    expect(svg.name, what).toBe(`rnn-explorer_${check.id}_${STEM}_step3.svg`);
    const text = svg.bytes.toString('utf8');
    expect(text, what).not.toMatch(/var\(|currentcolor/i);
    const parsed = await parseSvg(
      page,
      text,
      check.marks.map((m) => m.selector)
    );
    expect(parsed.error, what).toBeNull();
    expect(parsed.root, what).toBe('svg');
    for (const [i, mark] of check.marks.entries()) {
      const expected =
        mark.count === 'page' ? await section.locator(mark.selector).count() : mark.count;
      expect(expected, `${what}: ${mark.selector}`).toBeGreaterThan(0);
      expect(parsed.counts[i], `${what}: ${mark.selector}`).toBe(expected);
    }
    for (const href of parsed.images) expect(href, what).toBe('data:image/png;base64,');
    // The picture is the panel's size.
    const box = (await section.boundingBox())!;
    expect(parsed.width, what).toBe(Math.ceil(box.width));
    expect(parsed.height, what).toBeGreaterThan(100);
    expect(parsed.height, what).toBeLessThanOrEqual(Math.ceil(box.height));

    // PNG: decodes, at twice the picture's size.
    const png = await downloadOf(page, section.getByTestId('export-png'));
    expect(png.name, what).toBe(`rnn-explorer_${check.id}_${STEM}_step3.png`);
    expect(await pngSize(page, png.bytes), what).toEqual({
      width: 2 * parsed.width,
      height: 2 * parsed.height
    });
    expect(png.bytes.length, what).toBeGreaterThan(5_000);

    // CSV: a header and the rows T and H call for, every data cell a number or empty.
    const csv = await downloadOf(page, section.getByTestId('export-csv'));
    expect(csv.name, what).toBe(`rnn-explorer_${check.id}_${STEM}_step3.csv`);
    const [header, ...rows] = parseCsv(csv.bytes.toString('utf8'));
    if (check.rows !== null) expect(rows, what).toHaveLength(check.rows);
    else expect(rows.length, what).toBeGreaterThanOrEqual(1);
    if (check.columns) expect(header, what).toHaveLength(check.columns);
    for (const row of rows) expect(row, what).toHaveLength(header.length);
  }

  // The gradient history's rows are the training steps it shows, one column per time step.
  const history = await downloadOf(
    page,
    page.locator('section#gradient-history').getByTestId('export-csv')
  );
  const [historyHeader, ...historyRows] = parseCsv(history.bytes.toString('utf8'));
  expect(historyHeader[0]).toBe('training step');
  expect(historyRows.at(-1)![0]).toBe('3');
  const canvasRows = await page.getByTestId('gradient-history').getAttribute('data-rows');
  expect(historyRows).toHaveLength(Number(canvasRows));

  // The gradient flow's numbers are the page's: its chart carries them in data-values.
  const flow = await downloadOf(
    page,
    page.locator('section#gradient-flow').getByTestId('export-csv')
  );
  const [, ...flowRows] = parseCsv(flow.bytes.toString('utf8'));
  const drawn = (await page
    .locator('path[data-series="grad-h"][data-suffix="l0"]')
    .getAttribute('data-values'))!
    .split(',')
    .map(Number);
  const exported = flowRows.filter((r) => r[0] === 'l0').map((r) => Number(r[2]));
  expect(exported).toHaveLength(T);
  for (let t = 0; t < T; t++) expect(exported[t]).toBeCloseTo(drawn[t], 5);

  expect(errors).toEqual([]);
});

test('the table view shows the same numbers as the CSV, with a caption and headers', async ({
  page
}) => {
  const errors = collectPageErrors(page);
  await open(page, HASH);
  await steps(page, 2);

  for (const id of ['gradient-flow', 'gates', 'spectrum', 'loss']) {
    const section = page.locator(`section#${id}`);
    const toggle = section.getByTestId('toggle-table');
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    const table = section.getByTestId('data-table');
    await expect(table).toBeVisible();
    await expect(table.locator('caption')).not.toBeEmpty();
    // The region is named by the caption and can take focus (to scroll by keyboard).
    const region = section.getByRole('region');
    await expect(region).toHaveAttribute('tabindex', '0');

    const csv = await downloadOf(page, section.getByTestId('export-csv'));
    const [header, ...rows] = parseCsv(csv.bytes.toString('utf8'));
    await expect(table.locator('thead th[scope="col"]')).toHaveText(header);
    await expect(table.locator('tbody tr')).toHaveCount(rows.length);
    // Every cell of the first and last rows, as the CSV has it (shown with 4 digits).
    for (const r of [0, rows.length - 1]) {
      const cells = table.locator('tbody tr').nth(r).locator('th, td');
      const expected = rows[r].map((field) => {
        if (field === '') return '—';
        const number = Number(field);
        return Number.isNaN(number) && field !== 'NaN' ? field : displayCell(number);
      });
      await expect(cells).toHaveText(expected);
      const rowHeaders = await cells.evaluateAll(
        (list) => list.filter((c) => c.tagName === 'TH' && c.getAttribute('scope') === 'row').length
      );
      expect(rowHeaders).toBeGreaterThanOrEqual(1);
    }
    await toggle.click();
    await expect(table).toHaveCount(0);
  }
  // The table follows training.
  const loss = page.locator('section#loss');
  await loss.getByTestId('toggle-table').click();
  await expect(loss.locator('tbody tr')).toHaveCount(2);
  await steps(page, 1);
  await expect(loss.locator('tbody tr')).toHaveCount(3);
  expect(errors).toEqual([]);
});

/** The weights of a run file: a hash of its parameters (names and values). */
function weightsHash(run: { parameters: Record<string, unknown> }): string {
  return createHash('sha256').update(JSON.stringify(run.parameters)).digest('hex');
}

async function exportRun(page: Page) {
  const file = await downloadOf(page, page.getByTestId('export-run'));
  return { ...file, run: JSON.parse(file.bytes.toString('utf8')) };
}

test('export → change the config → import goes on from the run: step, loss, weights, next step', async ({
  page
}) => {
  const errors = collectPageErrors(page);
  const hash = 'cell=gru&hidden=8&T=10&seed=3&backend=wasm';
  await open(page, hash);
  await steps(page, 4);
  const summary = await page.getByTestId('summary').innerText();
  const loss = await page.getByTestId('loss').innerText();
  const url = new URL(page.url()).hash;

  const saved = await exportRun(page);
  expect(saved.name).toBe('rnn-explorer_run_gru-h8-l1-T10-sine-seed3_step4.json');
  expect(saved.run).toMatchObject({ format: 'rnn-explorer/run', step: 4 });
  expect(saved.run.history).toHaveLength(4);
  expect(saved.run.optimizer).toMatchObject({ kind: 'adam', step: 4 });
  // Exporting pauses nothing and changes nothing.
  expect(await stepCount(page)).toBe(4);

  // The original's next step, to compare with the restored run's.
  await steps(page, 1);
  const nextLoss = await page.getByTestId('loss').innerText();

  // Another config, trained a little.
  const hidden = page.getByLabel('Hidden units: value');
  await hidden.fill('12');
  await hidden.press('Enter');
  await expect(page.getByTestId('summary')).toContainText('12 hidden');
  await expect(page.getByTestId('step-count')).toHaveText('0');
  await steps(page, 2);

  // Import from the file picker.
  await page.getByTestId('import-run-file').setInputFiles({
    name: saved.name,
    mimeType: 'application/json',
    buffer: saved.bytes
  });
  await expect(page.getByTestId('run-file-message')).toContainText(
    `Restored ${saved.name}: step 4.`
  );
  await expect(page.getByTestId('step-count')).toHaveText('4');
  await expect(page.getByTestId('status')).toHaveText('paused');
  await expect(page.getByTestId('summary')).toHaveText(summary);
  await expect(page.getByTestId('loss')).toHaveText(loss);
  await expect(hidden).toHaveValue('8');
  await expect.poll(() => new URL(page.url()).hash).toBe(url);
  // The loss chart has the run's history back.
  await expect(page.getByTestId('loss-path')).toHaveAttribute('data-points', '4');

  const restored = await exportRun(page);
  expect(weightsHash(restored.run)).toBe(weightsHash(saved.run));
  expect(restored.run.optimizer).toEqual(saved.run.optimizer);
  expect(restored.run.forward.loss).toBe(saved.run.forward.loss);

  // The next step is the one the original made.
  await steps(page, 1);
  await expect(page.getByTestId('loss')).toHaveText(nextLoss);

  // A file that is not a run file, and one that is not JSON: refused, nothing changes.
  const before = weightsHash((await exportRun(page)).run);
  for (const [name, content, message] of [
    ['other.json', '{"format":"something/else"}', /Not a run file/],
    ['notes.json', 'these are notes', /not JSON/],
    [
      'mismatch.json',
      JSON.stringify({ ...saved.run, config: { ...saved.run.config, hidden: 9 } }),
      /weight_ih_l0: expected shape/
    ]
  ] as const) {
    await page.getByTestId('import-run-file').setInputFiles({
      name,
      mimeType: 'application/json',
      buffer: Buffer.from(content)
    });
    const alert = page.getByRole('alert').filter({ hasText: name });
    await expect(alert).toContainText(message);
    await expect(alert).toContainText('Nothing was changed.');
    await expect(page.getByTestId('step-count')).toHaveText('5');
    await expect(page.getByTestId('summary')).toHaveText(summary);
  }
  expect(weightsHash((await exportRun(page)).run)).toBe(before);

  // A run file dropped on the page is imported too.
  await page.evaluate((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
    document.body.dispatchEvent(
      new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true })
    );
    document.body.dispatchEvent(
      new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true })
    );
  }, saved.bytes.toString('utf8'));
  await expect(page.getByTestId('run-file-message')).toContainText('Restored dropped.json');
  await expect(page.getByTestId('step-count')).toHaveText('4');
  expect(weightsHash((await exportRun(page)).run)).toBe(weightsHash(saved.run));
  expect(errors).toEqual([]);
});

test('the same URL opened twice gives the same initial weights', async ({ page, context }) => {
  const hash = 'cell=lstm&hidden=10&layers=2&T=12&seed=21&init=orthogonal&rho=0.9&backend=wasm';
  await open(page, hash);
  const first = await exportRun(page);
  const other = await context.newPage();
  await open(other, hash);
  const second = await exportRun(other);
  expect(first.run.step).toBe(0);
  expect(Object.keys(second.run.parameters)).toEqual(Object.keys(first.run.parameters));
  expect(weightsHash(second.run)).toBe(weightsHash(first.run));
  expect(second.run.forward.loss).toBe(first.run.forward.loss);
  // Another seed, other weights: the comparison can tell them apart.
  await open(other, hash.replace('seed=21', 'seed=22'));
  expect(weightsHash((await exportRun(other)).run)).not.toBe(weightsHash(first.run));
});

/** A seeded random generator (mulberry32): the same hashes on every run. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)];
  return { next, int, pick };
}

/** Keys whose huge values make a big model: at most one of them per hash is huge. */
const SIZE_KEYS = new Set(['hidden', 'T', 'batch', 'layers']);

/**
 * A random, often malformed hash: known keys (in any case) with valid, out-of-range, huge or junk
 * values, unknown keys, presets and story steps (known, unknown, junk), unicode, broken
 * percent-encoding, empty and repeated segments. Sizes are
 * kept to one huge one per hash, and the GPU backends (minutes to warm up on SwiftShader) are left
 * out, so that the models the session builds stay small; the hash handling is the same.
 */
function randomHash(random: ReturnType<typeof generator>): string {
  const junk = [
    '',
    ' ',
    '%',
    '%zz',
    '%E0%A4%A',
    '%FF',
    '%00',
    '=',
    '==',
    '&',
    '#',
    '?',
    ';',
    'ρ',
    'Σ∂',
    '数',
    '🙂',
    '\u202e',
    'NaN',
    'Infinity',
    '-Infinity',
    'null',
    'undefined',
    'true',
    '0x1F',
    '1e309',
    '-1e309',
    '1e-400',
    '9'.repeat(40),
    '-' + '9'.repeat(25),
    '1.7976931348623157e308',
    '4.9e-324',
    '00001',
    '+3',
    '.5',
    '1.',
    '1,5',
    '2147483648',
    '-0',
    'off',
    'OFF',
    'on',
    '<script>',
    '\'"',
    'a'.repeat(300)
  ];
  const numbers = () =>
    random.pick([
      String(random.int(10)),
      String(random.int(1000)),
      (random.next() * 4).toFixed(3),
      String(-random.int(100)),
      `1e${random.int(400) - 200}`,
      String(random.next())
    ]);
  let huge = false;
  const segments: string[] = [];
  const count = 1 + random.int(7);
  for (let i = 0; i < count; i++) {
    const roll = random.next();
    if (roll < 0.1) {
      segments.push(random.pick(junk));
      continue;
    }
    if (roll < 0.25) {
      segments.push(
        `${random.pick(junk)}${random.pick(['x', 'key', 'ρ', 'hidden2'])}=${random.pick(junk)}`
      );
      continue;
    }
    if (roll < 0.3) {
      // A preset or a story step (small ones), or junk in their place.
      const key = random.pick(['preset', 'PRESET', 'story', 'Story']);
      const value = key.toLowerCase().startsWith('p')
        ? random.pick(['vanishing-tanh', 'irnn', 'truncated-bptt', 'nope', ...junk])
        : random.pick(['initialization/2', 'vanishing-exploding/99', 'nope/1', '/', ...junk]);
      segments.push(random.next() < 0.1 ? key : `${key}=${value}`);
      continue;
    }
    const p = random.pick(PARAMETERS);
    const key = random.pick([p.url, p.key, p.url.toUpperCase(), p.key.toLowerCase()]);
    let value: string;
    const choice = random.next();
    if (p.key === 'backend') value = random.pick(['wasm', 'cpu', 'WASM', ...junk]);
    else if (choice < 0.3 && p.kind === 'enum') value = random.pick(p.options);
    else if (choice < 0.3 && p.kind === 'bool') value = random.pick(['1', '0', 'yes', 'no']);
    else if (choice < 0.55) value = numbers();
    else value = random.pick(junk);
    if (SIZE_KEYS.has(p.url)) {
      const big = Number(value) > 64 || /e3|99|Infinity|308/.test(value);
      if (big && huge) value = String(1 + random.int(8));
      else if (big) huge = true;
    }
    segments.push(random.next() < 0.1 ? `${key}` : `${key}=${value}`);
  }
  return segments.join(random.next() < 0.9 ? '&' : '&&');
}

test('300 random and malformed hashes: no uncaught error, a visible notice for what was dropped', async ({
  page
}) => {
  test.setTimeout(300_000);
  const errors = collectPageErrors(page);
  await open(page, 'hidden=4&T=5&backend=wasm');
  const random = generator(20240531);
  const hashes = Array.from({ length: 300 }, () => randomHash(random));
  let withNotices = 0;
  // In batches, each in one round trip: set the address as a user editing it would, wait for the
  // page to take it, and read the notices it shows.
  for (let first = 0; first < hashes.length; first += 50) {
    const batch = hashes.slice(first, first + 50);
    const seen = await page.evaluate(async (batch) => {
      const results = [];
      for (const hash of batch) {
        const before = location.hash;
        location.hash = hash;
        if (location.hash !== before)
          await new Promise((resolve) => {
            addEventListener('hashchange', resolve, { once: true });
            setTimeout(resolve, 1000);
          });
        // Svelte updates the page in a microtask after the event.
        await new Promise((resolve) => setTimeout(resolve, 0));
        const box = document.querySelector<HTMLElement>('[data-testid="notices"]');
        results.push({
          hash: location.hash,
          notices: [...document.querySelectorAll('[data-testid="notice"]')].map(
            (n) => n.textContent?.trim() ?? ''
          ),
          visible: !!box && box.checkVisibility()
        });
      }
      return results;
    }, batch);
    for (const [k, result] of seen.entries()) {
      const what = `hash ${first + k}: ${batch[k]}`;
      // What the page should have made of the address it got (the browser may have escaped it).
      const messages = decodeHash(result.hash).notices.map((n) => n.message);
      if (messages.length === 0) continue;
      withNotices++;
      expect(result.visible, what).toBe(true);
      for (const message of messages) expect(result.notices, what).toContain(message);
    }
    expect(errors, `hashes ${first}–${first + batch.length - 1}`).toEqual([]);
  }
  // Most of them had something to drop or clamp; the page still runs a valid address.
  expect(withNotices).toBeGreaterThan(200);
  await page.evaluate(() => (location.hash = 'hidden=5&T=6&backend=wasm'));
  await expect(page.getByTestId('summary')).toContainText('5 hidden');
  await expect(page.getByTestId('summary')).toContainText('T=6');
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 120_000 });
  await steps(page, 1);
  expect(errors).toEqual([]);
});
