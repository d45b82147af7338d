// `npm run test:e2e [-- playwright args]`: checks that a Chromium is there (or says how to get one),
// then runs the Playwright specs in e2e/ against `vite build && vite preview` (playwright.config.ts).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { findChromium } from './chromium.mjs';

const chromiumPath = findChromium();
console.log(`e2e: Chromium at ${chromiumPath}`);

const playwrightCli = createRequire(import.meta.url).resolve('@playwright/test/cli');
const result = spawnSync(process.execPath, [playwrightCli, 'test', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, CHROMIUM_PATH: chromiumPath }
});
if (result.error) throw result.error;
process.exit(result.status ?? 1);
