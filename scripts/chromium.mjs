// Finds a Chromium that can run the e2e tests and the benchmarks, and the flags that give it a real
// WebGPU adapter and WebGL2 on a machine with no GPU and no display (SwiftShader, a CPU emulation).
// Playwright's own headless shell has no WebGPU, so a full Chromium is launched by executablePath.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Chromium binaries tried in order, after the CHROMIUM_PATH / CHROME_PATH environment variables. */
export const SYSTEM_CHROMIUM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome'
];

/**
 * Flags for a headless Chromium with WebGPU on SwiftShader's Vulkan and WebGL2 on ANGLE/SwiftShader.
 * `--disable-background-networking` and `--disable-component-update` keep Chromium from flooding a
 * closed network with refused connections.
 */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--use-angle=swiftshader'
];

/**
 * Switches Playwright already passes to every Chromium it launches (`--headless` when `headless` is
 * true, `--no-sandbox` unless `chromiumSandbox` is true, and the network and first-run switches),
 * left out of its `args` so that the command line has each switch once.
 */
const ADDED_BY_PLAYWRIGHT = [
  '--headless',
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update'
];

/**
 * Features Playwright 1.65 enables with its own `--enable-features`. Chromium keeps only the last
 * `--enable-features` on a command line, so ours must repeat them next to Vulkan. (Vulkan itself is
 * needed: without it a WebGPU canvas loses its device on SwiftShader.)
 */
const ENABLED_BY_PLAYWRIGHT = ['CDPScreenshotNewSurface', 'SkipListAccountsWithoutGaiaCookies'];

/** {@link CHROMIUM_ARGS} for `launchOptions.args` of a Playwright launch with `headless: true`. */
export const PLAYWRIGHT_CHROMIUM_ARGS = CHROMIUM_ARGS.filter(
  (arg) => !ADDED_BY_PLAYWRIGHT.includes(arg.split('=')[0])
).map((arg) =>
  arg.startsWith('--enable-features=') ? [arg, ...ENABLED_BY_PLAYWRIGHT].join(',') : arg
);

const HOW_TO_GET_ONE = `The browser tests need a full Chromium. Any one of these will do:
  - on Debian or Ubuntu:          sudo apt-get install -y chromium
  - where downloads are allowed:  npx playwright install chromium
  - with one installed elsewhere: export CHROMIUM_PATH=/path/to/chromium
Looked for: $CHROMIUM_PATH, $CHROME_PATH, ${SYSTEM_CHROMIUM_PATHS.join(', ')}, Playwright's bundled chromium.`;

/**
 * Path of the Chromium to launch, or `undefined` if there is none: `$CHROMIUM_PATH`, then
 * `$CHROME_PATH`, then the system paths, then Playwright's bundled chromium if it was downloaded.
 * A path set in the environment that does not exist is an error, not silently skipped.
 * @returns {string | undefined}
 */
export function locateChromium() {
  for (const name of ['CHROMIUM_PATH', 'CHROME_PATH']) {
    const path = process.env[name];
    if (!path) continue;
    if (existsSync(path)) return path;
    throw new Error(`${name}=${path} does not exist.`);
  }
  const systemPath = SYSTEM_CHROMIUM_PATHS.find((path) => existsSync(path));
  if (systemPath) return systemPath;
  try {
    const { chromium } = createRequire(import.meta.url)('@playwright/test');
    const bundledPath = chromium.executablePath();
    if (bundledPath && existsSync(bundledPath)) return bundledPath;
  } catch {
    // @playwright/test not installed, or it knows no browser for this platform.
  }
  return undefined;
}

/**
 * Path of the Chromium to launch (see {@link locateChromium}); if there is none, prints how to get
 * one and exits with status 1.
 * @returns {string}
 */
export function findChromium() {
  let path;
  try {
    path = locateChromium();
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n\n${HOW_TO_GET_ONE}`);
    process.exit(1);
  }
  if (path) return path;
  console.error(HOW_TO_GET_ONE);
  process.exit(1);
}
