/**
 * Embedding (docs/embed.md): the example course page's iframe and the example reveal.js deck
 * answer the postMessage API (play, step n, get metrics; malformed messages ignored with a console
 * warning and changing nothing) and resize; the `<rnn-explorer>` element renders on a page of
 * another origin that includes only its script, with its methods, its attributes mirrored, and
 * the page's CSS kept out; `/embed` drops unknown names with a notice and locks; the Share
 * dialog's snippets follow the choices and its link reproduces the config.
 *
 * The examples are used as shipped (static/examples/); reveal.js comes from the copy the build
 * puts next to them, never from the network (a request off this machine fails the test).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type FrameLocator, type Page } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 4319);
/** The app's origin. */
const APP = `http://localhost:${port}`;

interface Metrics {
  step: number;
  status: string;
  loss: number | null;
  backend: string | null;
  config: string;
}

interface Reply {
  type: string;
  id: unknown;
  request: string;
  metrics: Metrics;
  notices?: string[];
  snapshot?: Record<string, unknown>;
}

/** Console errors, uncaught exceptions, failed requests and requests off this machine. */
function watch(page: Page) {
  const errors: string[] = [];
  const warnings: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
    if (message.type() === 'warning') warnings.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => {
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') {
      errors.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
    }
  });
  page.on('request', (request) => {
    const { hostname, protocol } = new URL(request.url());
    if (protocol.startsWith('http') && !['localhost', '127.0.0.1'].includes(hostname)) {
      errors.push(`request off this machine: ${request.url()}`);
    }
  });
  return { errors, warnings };
}

let nextId = 1;

/**
 * Posts `request` (with a fresh id) from the page to the iframe `selector` and resolves with the
 * reply that carries that id, or null after `timeoutMs`.
 */
async function ask(
  page: Page,
  selector: string,
  request: Record<string, unknown>,
  timeoutMs = 60_000
): Promise<Reply | null> {
  const id = `test-${nextId++}`;
  return page.evaluate(
    ({ selector, request, id, timeoutMs }) => {
      const frame = document.querySelector<HTMLIFrameElement>(selector)!;
      const origin = new URL(frame.src, location.href).origin;
      return new Promise<Reply | null>((resolve) => {
        const timer = setTimeout(() => done(null), timeoutMs);
        function done(reply: Reply | null) {
          clearTimeout(timer);
          removeEventListener('message', onMessage);
          resolve(reply);
        }
        function onMessage(event: MessageEvent) {
          if (event.source !== frame.contentWindow || event.origin !== origin) return;
          if (event.data?.type === 'rnn-explorer:reply' && event.data.id === id) done(event.data);
        }
        addEventListener('message', onMessage);
        frame.contentWindow!.postMessage({ ...request, id }, origin);
      });
    },
    { selector, request, id, timeoutMs }
  );
}

/** Waits until the embed in `selector` answers (its page and session have started). */
async function whenAnswering(page: Page, selector: string): Promise<Metrics> {
  let metrics: Metrics | null = null;
  await expect
    .poll(
      async () => {
        metrics =
          (await ask(page, selector, { type: 'rnn-explorer:get-metrics' }, 2000))?.metrics ?? null;
        return metrics?.status;
      },
      { timeout: 90_000, intervals: [250] }
    )
    .toBe('paused');
  return metrics!;
}

/** Posts messages to the iframe without waiting for anything. */
async function post(page: Page, selector: string, messages: unknown[]) {
  await page.evaluate(
    ({ selector, messages }) => {
      const frame = document.querySelector<HTMLIFrameElement>(selector)!;
      const origin = new URL(frame.src, location.href).origin;
      for (const message of messages) frame.contentWindow!.postMessage(message, origin);
    },
    { selector, messages }
  );
}

/** Records every reply the page receives (to show that a bad request got none). */
async function recordReplies(page: Page) {
  await page.evaluate(() => {
    const replies: unknown[] = [];
    (window as unknown as { __replies: unknown[] }).__replies = replies;
    addEventListener('message', (event) => {
      if (event.data?.type === 'rnn-explorer:reply') replies.push(event.data.id);
    });
  });
}

const replyIds = (page: Page) =>
  page.evaluate(() => (window as unknown as { __replies: unknown[] }).__replies);

/** The panels an embed shows, by id. */
async function panelsOf(frame: FrameLocator): Promise<string[]> {
  return frame.locator('main.views > section').evaluateAll((sections) => sections.map((s) => s.id));
}

test('the iframe on a plain HTML course page answers postMessage, ignores malformed messages and resizes', async ({
  page
}) => {
  const { errors, warnings } = watch(page);
  await page.goto('/examples/course-page.html');
  // The page's own script saw `ready` and enabled its buttons.
  await expect(page.locator('#reply')).toContainText('Ready', { timeout: 90_000 });
  const embed = page.frameLocator('#explorer');
  await expect(embed.getByTestId('summary')).toContainText('T=50');
  expect(await panelsOf(embed)).toEqual(['gradient-flow', 'loss']);
  expect(
    await embed
      .locator('[data-parameter]')
      .evaluateAll((all) => all.map((e) => e.getAttribute('data-parameter')))
  ).toEqual(['gainSquared', 'spectralRadius']);

  // step 5 → step = 5, in the reply and on the embed's own counter.
  const stepped = await ask(page, '#explorer', { type: 'rnn-explorer:step', n: 5 });
  expect(stepped).toMatchObject({
    type: 'rnn-explorer:reply',
    request: 'step',
    metrics: { step: 5, status: 'paused' }
  });
  await expect(embed.getByTestId('step-count')).toHaveText('5');

  const metrics = (await ask(page, '#explorer', { type: 'rnn-explorer:get-metrics' }))!.metrics;
  expect(metrics).toMatchObject({
    step: 5,
    status: 'paused',
    config: 'readout=last&task=adding&T=50&rho=0.9'
  });
  expect(metrics.loss).toBeGreaterThan(0);
  expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(metrics.backend);

  // Malformed or unknown messages: a warning each, no reply, nothing done.
  await recordReplies(page);
  const bad = [
    { type: 'rnn-explorer:step', n: -3, id: 'bad-1' },
    { type: 'rnn-explorer:reset', id: 'bad-2', please: true },
    { type: 'rnn-explorer:set-config', config: [1, 2], id: 'bad-3' },
    { type: 'rnn-explorer:self-destruct', id: 'bad-4' },
    'reset',
    { type: 'step', n: 5, id: 'bad-5' }
  ];
  const before = warnings.length;
  await post(page, '#explorer', bad);
  await expect.poll(() => warnings.length - before).toBe(bad.length);
  for (const warning of warnings.slice(before)) {
    expect(warning).toMatch(/^RNN Explorer embed: ignored a message: /);
  }
  expect(warnings.slice(before)[0]).toContain('rnn-explorer:step: n:');
  const after = (await ask(page, '#explorer', { type: 'rnn-explorer:get-metrics' }))!.metrics;
  expect(after).toEqual(metrics);
  expect((await replyIds(page)).filter((id) => String(id).startsWith('bad'))).toEqual([]);
  await expect(embed.getByTestId('step-count')).toHaveText('5');

  // play → the step count grows; pause stops it.
  const playing = await ask(page, '#explorer', { type: 'rnn-explorer:play' });
  expect(playing?.request).toBe('play');
  await expect
    .poll(
      async () =>
        (await ask(page, '#explorer', { type: 'rnn-explorer:get-metrics' }))!.metrics.step,
      { timeout: 60_000 }
    )
    .toBeGreaterThan(10);
  const paused = (await ask(page, '#explorer', { type: 'rnn-explorer:pause' }))!.metrics;
  expect(paused.status).toBe('paused');

  // The page's own buttons work too.
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect(page.locator('#reply')).toContainText('"request": "reset"');
  await expect(embed.getByTestId('step-count')).toHaveText('0');

  // Auto-resize: the frame (720 px in the page's CSS) is as tall as the embed's content.
  const frameHeight = () => page.locator('#explorer').evaluate((f) => f.clientHeight);
  const contentHeight = () =>
    embed.getByTestId('embed').evaluate((e) => Math.ceil(e.getBoundingClientRect().height));
  await expect.poll(async () => (await frameHeight()) - (await contentHeight())).toBe(0);
  const tall = await frameHeight();
  expect(tall).not.toBe(720);
  // A narrower window: the explorer's layout reflows to another height, and the frame follows.
  await page.setViewportSize({ width: 900, height: 720 });
  await expect.poll(frameHeight).not.toBe(tall);
  await expect.poll(async () => (await frameHeight()) - (await contentHeight())).toBe(0);

  expect(errors).toEqual([]);
});

test('the iframe in a reveal.js slide answers postMessage, is locked, and pauses when its slide is left', async ({
  page
}) => {
  const { errors } = watch(page);
  await page.goto('/examples/reveal-deck.html');
  await page.waitForFunction(() =>
    (window as unknown as { Reveal: { isReady(): boolean } }).Reveal?.isReady()
  );
  await page.evaluate(() =>
    (window as unknown as { Reveal: { slide(h: number): void } }).Reveal.slide(1)
  );
  const selector = '.reveal section.present iframe.explorer';
  await expect(page.locator(selector)).toBeVisible();

  await whenAnswering(page, selector);
  const embed = page.frameLocator(selector);
  // lock=1: the one control it shows is disabled, and so is its "off" switch.
  await expect(embed.getByLabel('Spectral radius ρ', { exact: true })).toBeDisabled();
  await expect(embed.getByLabel('Spectral radius ρ: value')).toBeDisabled();
  await expect(embed.locator('fieldset[data-group]')).toHaveCount(1);
  await expect(embed.locator('fieldset[data-group]')).toHaveAttribute('disabled', '');

  const stepped = await ask(page, selector, { type: 'rnn-explorer:step', n: 5 });
  expect(stepped?.metrics.step).toBe(5);
  expect((await ask(page, selector, { type: 'rnn-explorer:get-metrics' }))?.metrics).toMatchObject({
    step: 5,
    config: 'readout=last&T=50&rho=0.9'
  });

  // Playing, then the next slide: reveal.js tells the frame `slide:stop`, and it pauses.
  await ask(page, selector, { type: 'rnn-explorer:play' });
  await expect
    .poll(
      async () => (await ask(page, selector, { type: 'rnn-explorer:get-metrics' }))!.metrics.step
    )
    .toBeGreaterThan(6);
  await page.evaluate(() => (window as unknown as { Reveal: { next(): void } }).Reveal.next());
  await expect
    .poll(
      async () =>
        (await ask(page, '.reveal iframe.explorer', { type: 'rnn-explorer:get-metrics' }))!.metrics
          .status
    )
    .toBe('paused');

  // The next slide holds the custom element, with its fixed height.
  const element = page.locator('.reveal section.present rnn-explorer');
  await expect(element).toBeVisible();
  const metrics = await element.evaluate((el: HTMLElementTagNameMap['rnn-explorer']) =>
    el.getMetrics()
  );
  expect(metrics).toMatchObject({ step: 0, config: 'act=relu&T=50&init=normal&g2=3' });
  expect(await element.locator('iframe').evaluate((f) => f.style.height)).toBe('560px');

  expect(errors).toEqual([]);
});

/** A course page on another origin that includes only the element's script, with rude CSS. */
const HOST_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A course</title><link rel="icon" href="data:,">
<script>window.__namesBefore = Object.getOwnPropertyNames(window);</script>
<style>
  /* An LMS theme that styles everything it can reach. */
  * { font-family: fantasy !important; color: red !important; }
  iframe { width: 50px !important; height: 50px !important; border: 9px dashed red !important; }
  div, section, main { display: none !important; }
</style>
<script src="${APP}/rnn-explorer.js" defer></script>
</head><body>
<p>Week 5</p>
<rnn-explorer config="cell=gru&amp;T=12" panels="loss,grad-norm" controls="hidden" lock></rnn-explorer>
</body></html>`;

/**
 * A course site: a server of its own on 127.0.0.1 (another origin than the app's localhost), on a
 * port the system picks. A real server, not a routed page: Chromium lets a page it knows to be on
 * the loopback address load scripts from localhost, and refuses one of unknown address.
 */
let courseSite: Server;
let courseUrl = '';

test.beforeAll(async () => {
  courseSite = createServer((_request, response) => {
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    response.end(HOST_PAGE);
  });
  await new Promise<void>((resolve) => courseSite.listen(0, '127.0.0.1', resolve));
  courseUrl = `http://127.0.0.1:${(courseSite.address() as AddressInfo).port}/course.html`;
});

test.afterAll(() => new Promise<void>((resolve) => courseSite.close(() => resolve())));

test('the custom element renders on a page of another origin that includes only its script', async ({
  page
}) => {
  const { errors } = watch(page);
  await page.goto(courseUrl);
  const element = page.locator('rnn-explorer');
  const frame = element.locator('iframe');

  // The frame is /embed on the script's origin (not the page's), with the attributes.
  await expect(frame).toHaveAttribute(
    'src',
    `${APP}/embed?panels=loss,grad-norm&controls=hidden&lock=1#cell=gru&T=12`
  );
  const ready = await element.evaluate((el: HTMLElementTagNameMap['rnn-explorer']) =>
    el.getMetrics()
  );
  expect(ready).toMatchObject({ step: 0, status: 'paused', config: 'cell=gru&T=12' });

  const embed = page.frameLocator('rnn-explorer iframe');
  await expect(embed.getByTestId('summary')).toContainText('GRU · 32 hidden · 1 layer · T=12');
  expect(await panelsOf(embed)).toEqual(['loss', 'grad-norm']);
  // Locked: the one control is disabled.
  await expect(embed.getByLabel('Hidden units', { exact: true })).toBeDisabled();

  // The page's CSS does not reach the frame; the element adds nothing global, no style sheet.
  const look = await frame.evaluate((f) => {
    const style = getComputedStyle(f);
    return {
      border: style.borderTopWidth,
      width: f.getBoundingClientRect().width,
      body: document.body.getBoundingClientRect().width
    };
  });
  expect(look.border).toBe('0px');
  expect(look.width).toBeGreaterThan(300);
  expect(look.width).toBeCloseTo(look.body, 0);
  await expect(embed.locator('body')).not.toHaveCSS('color', 'rgb(255, 0, 0)');
  const globals = await page.evaluate(() => {
    const before = new Set((window as unknown as { __namesBefore: string[] }).__namesBefore);
    return Object.getOwnPropertyNames(window).filter(
      (name) => !before.has(name) && name !== '__namesBefore'
    );
  });
  expect(globals).toEqual([]);
  expect(await page.evaluate(() => document.styleSheets.length)).toBe(1);
  expect(await page.evaluate(() => typeof customElements.get('rnn-explorer'))).toBe('function');

  // Auto height: the frame follows the embed's content.
  const frameHeight = () => frame.evaluate((f) => f.clientHeight);
  const contentHeight = () =>
    embed.getByTestId('embed').evaluate((e) => Math.ceil(e.getBoundingClientRect().height));
  await expect.poll(async () => (await frameHeight()) - (await contentHeight())).toBe(0);

  // Methods: step(5), setConfig with a clamped value (reported, shown), bad arguments refused.
  const stepped = await element.evaluate((el: HTMLElementTagNameMap['rnn-explorer']) => el.step(5));
  expect(stepped.step).toBe(5);
  await expect(embed.getByTestId('step-count')).toHaveText('5');
  const changed = await element.evaluate((el: HTMLElementTagNameMap['rnn-explorer']) =>
    el.setConfig({ T: 600 })
  );
  expect(changed.notices).toEqual(['seqLength=600 is above the maximum 500; using 500.']);
  expect(changed.metrics).toMatchObject({ step: 0, config: 'cell=gru&T=500' });
  await expect(embed.getByTestId('summary')).toContainText('T=500');
  await expect(embed.getByTestId('notices')).toContainText(
    'seqLength=600 is above the maximum 500'
  );
  const refused = await element.evaluate((el: HTMLElementTagNameMap['rnn-explorer']) =>
    el.step(0).then(
      () => 'ran',
      (error: Error) => error.message
    )
  );
  expect(refused).toMatch(/whole number from 1 to 10000/);
  const snapshot = await element.evaluate((el: HTMLElementTagNameMap['rnn-explorer']) =>
    el.getSnapshot()
  );
  expect(snapshot).toMatchObject({ step: 0, status: 'paused', config: 'cell=gru&T=500' });
  expect(
    (snapshot as unknown as { view: { directions: { gradNormPerStep: number[] }[] } }).view
      .directions[0].gradNormPerStep
  ).toHaveLength(500);

  // Attributes are mirrored: config in place (same frame), panels by reloading the embed.
  await frame.evaluate((f) => (f.dataset.mark = 'first'));
  await element.evaluate((el) => el.setAttribute('config', 'cell=lstm&T=9'));
  await expect(embed.getByTestId('summary')).toContainText('LSTM · 32 hidden · 1 layer · T=9');
  await expect(frame).toHaveAttribute('data-mark', 'first');
  await element.evaluate((el) => el.setAttribute('panels', 'gradient-flow'));
  await expect(frame).not.toHaveAttribute('data-mark', 'first');
  await expect(frame).toHaveAttribute(
    'src',
    /panels=gradient-flow&controls=hidden&lock=1#cell=lstm&T=9$/
  );
  await expect(embed.locator('#gradient-flow')).toBeVisible({ timeout: 60_000 });
  expect(await panelsOf(embed)).toEqual(['gradient-flow']);
  const afterReload = await element.evaluate((el: HTMLElementTagNameMap['rnn-explorer']) =>
    el.getMetrics()
  );
  expect(afterReload).toMatchObject({ step: 0, config: 'cell=lstm&T=9' });
  await element.evaluate((el) => el.setAttribute('height', '300'));
  await expect.poll(frameHeight).toBe(300);

  // preset="…": the embed starts from the preset (the config attribute still changes it) and
  // shows its text.
  await element.evaluate((el) => {
    el.setAttribute('config', 'T=30');
    el.setAttribute('preset', 'vanishing-tanh');
  });
  await expect(frame).toHaveAttribute('src', /[?&]preset=vanishing-tanh&.*#T=30$/);
  await expect(embed.getByTestId('preset-note').getByRole('heading')).toContainText(
    'Vanishing gradient',
    { timeout: 60_000 }
  );
  await expect(embed.getByTestId('summary')).toContainText('T=30');
  const withPreset = await element.evaluate((el: HTMLElementTagNameMap['rnn-explorer']) =>
    el.getMetrics()
  );
  expect(withPreset.config).toBe('preset=vanishing-tanh&T=30');

  expect(errors).toEqual([]);
});

test('/embed drops unknown panel and control names with a visible notice; lock ignores address edits', async ({
  page
}) => {
  const { errors } = watch(page);
  await page.goto('/embed?panels=loss,nope&controls=rho,zzz&lock=1&foo=1#T=10&backend=wasm');
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
  const notices = page.getByTestId('embed-notices');
  await expect(notices).toContainText('Unknown panel name "nope"; ignored');
  await expect(notices).toContainText('Unknown control name "zzz"; ignored');
  await expect(notices).toContainText('Unknown embed option "foo"; ignored.');
  expect(await page.locator('main.views > section').evaluateAll((s) => s.map((e) => e.id))).toEqual(
    ['loss']
  );
  await expect(page.locator('[data-parameter]')).toHaveCount(1);
  await expect(page.getByLabel('Spectral radius ρ: off')).toBeDisabled();
  // Chrome-less: no title, no Share button.
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(0);
  await expect(page.getByTestId('share')).toHaveCount(0);
  // Locked: editing the address does not change the configuration; training still works.
  await page.evaluate(() => (window.location.hash = 'cell=lstm&T=10&backend=wasm'));
  await page.getByTestId('step').click();
  await expect(page.getByTestId('step-count')).toHaveText('1');
  await expect(page.getByTestId('summary')).toContainText('RNN tanh');
  expect(errors).toEqual([]);
});

test("the Share dialog's snippets follow the choices, and the copied link reproduces the config", async ({
  page,
  context
}) => {
  const { errors } = watch(page);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: APP });
  const hash = 'cell=lstm&hidden=12&T=30&rho=0.8&backend=wasm';
  await page.goto(`/#${hash}`);
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });

  // Keyboard: the button opens the dialog, focus moves into it.
  await page.getByTestId('share').focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Share and embed' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Link to this configuration')).toHaveValue(`${APP}/#${hash}`);

  // Defaults: everything shown, not locked.
  const iframe = dialog.getByLabel(/^Iframe/);
  const element = dialog.getByLabel(/^Custom element/);
  await expect(iframe).toHaveValue(
    `<iframe src="${APP}/embed#${hash.replaceAll('&', '&amp;')}" title="RNN Explorer" width="100%" height="720" style="border: 0" loading="lazy"></iframe>`
  );
  await expect(element).toHaveValue(
    `<script src="${APP}/rnn-explorer.js" defer></script>\n<rnn-explorer config="${hash.replaceAll('&', '&amp;')}"></rnn-explorer>`
  );

  // Lock, keep two panels, and one control; the snippets follow at once.
  await dialog.getByLabel(/Lock the configuration/).check();
  const panels = dialog.getByRole('group', { name: 'Panels to show' });
  for (const label of [
    'Unrolled network',
    'Gradient history',
    'Spectrum of W_hh',
    'Gates and states',
    'Gradient norm',
    'Prediction'
  ]) {
    await panels.getByLabel(label, { exact: true }).uncheck();
  }
  await dialog.getByText(/^Choose the controls/).click();
  await dialog.getByRole('button', { name: 'None', exact: true }).click();
  // Space on a focused checkbox toggles it.
  await dialog
    .getByRole('group', { name: 'Initialization' })
    .getByLabel('Spectral radius ρ')
    .focus();
  await page.keyboard.press('Space');
  const escaped = hash.replaceAll('&', '&amp;');
  await expect(iframe).toHaveValue(
    new RegExp(
      `src="${APP}/embed\\?panels=gradient-flow,loss&amp;controls=spectralRadius&amp;lock=1#${escaped}"`
    )
  );
  await expect(element).toHaveValue(
    `<script src="${APP}/rnn-explorer.js" defer></script>\n<rnn-explorer config="${escaped}" panels="gradient-flow,loss" controls="spectralRadius" lock></rnn-explorer>`
  );
  // The explorer's shortcuts stay quiet while the dialog is used (r would reset, → step).
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('step-count')).toHaveText('0');

  // No settings panel at all.
  await dialog.getByLabel('Settings panel').uncheck();
  await expect(element).toHaveValue(/ controls="none" lock>/);
  await dialog.getByLabel('Settings panel').check();

  // Copy link → the clipboard holds it; opened, it reproduces the configuration.
  await dialog.getByRole('button', { name: 'Copy link' }).click();
  await expect(dialog.getByTestId('share-status')).toHaveText('Link copied.');
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(`${APP}/#${hash}`);
  await dialog.getByRole('button', { name: 'Copy iframe snippet' }).click();
  await expect(dialog.getByTestId('share-status')).toHaveText('Iframe snippet copied.');
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  expect(snippet).toBe(await iframe.inputValue());

  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('share')).toBeFocused();

  const copy = await context.newPage();
  const copyErrors = watch(copy).errors;
  await copy.goto(link);
  await expect(copy.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
  await expect(copy.getByTestId('summary')).toHaveText(
    'LSTM · 12 hidden · 1 layer · T=30 · orthogonal init · ρ=0.8 · adam lr 0.01'
  );
  await expect(copy.getByLabel('Cell', { exact: true })).toHaveValue('lstm');

  // The iframe snippet's address opens the embed it describes.
  const src = /src="([^"]*)"/.exec(snippet)![1].replaceAll('&amp;', '&');
  await copy.goto(src);
  await expect(copy.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
  expect(await copy.locator('main.views > section').evaluateAll((s) => s.map((e) => e.id))).toEqual(
    ['gradient-flow', 'loss']
  );
  await expect(copy.locator('[data-parameter]')).toHaveCount(1);
  await expect(copy.getByLabel('Spectral radius ρ', { exact: true })).toBeDisabled();
  await expect(copy.getByTestId('summary')).toContainText('LSTM · 12 hidden');

  expect(errors).toEqual([]);
  expect(copyErrors).toEqual([]);
});
