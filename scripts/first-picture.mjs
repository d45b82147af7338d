// `node scripts/first-picture.mjs [--url=http://localhost:4173] [--runs=3] [hash …]`: how long the
// explorer takes, from navigation, to show its first picture (the unrolled network) and to be ready
// to train (Play enabled), for each config hash given (default: the default config on each
// backend). Serve a build first (`npm run build && npm run preview`); prints a markdown table of
// medians. In headless Chromium WebGPU and WebGL run on SwiftShader, which warms up slowly: the
// gap between the two columns is what the CPU first look saves.
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { findChromium, PLAYWRIGHT_CHROMIUM_ARGS } from './chromium.mjs';

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string', default: 'http://localhost:4173' },
    runs: { type: 'string', default: '3' }
  }
});
const hashes = positionals.length
  ? positionals
  : ['backend=webgpu', 'backend=webgl', 'backend=wasm', 'backend=cpu'];
const runs = Math.max(1, Number(flags.runs) || 1);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

const browser = await chromium.launch({
  executablePath: findChromium(),
  args: PLAYWRIGHT_CHROMIUM_ARGS,
  headless: true
});
const rows = [];
try {
  for (const hash of hashes) {
    const picture = [];
    const ready = [];
    let backend = '';
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ serviceWorkers: 'block' });
      const page = await context.newPage();
      const started = Date.now();
      await page.goto(`${flags.url}/#${hash}`);
      await page.locator('#unrolled').waitFor({ state: 'visible', timeout: 180_000 });
      picture.push(Date.now() - started);
      await page.getByTestId('play').and(page.locator(':enabled')).waitFor({ timeout: 180_000 });
      ready.push(Date.now() - started);
      backend = (await page.getByTestId('backend').textContent())?.trim() ?? '';
      await context.close();
    }
    rows.push({ hash, backend, picture: median(picture), ready: median(ready) });
  }
} finally {
  await browser.close();
}
console.log(`| config | backend | first picture, ms | ready to train, ms |`);
console.log(`|---|---|---:|---:|`);
for (const row of rows)
  console.log(`| \`${row.hash}\` | ${row.backend} | ${row.picture} | ${row.ready} |`);
