import { defineConfig, devices } from '@playwright/test';
import { findChromium, PLAYWRIGHT_CHROMIUM_ARGS } from './scripts/chromium.mjs';

/** Port of `vite preview` for the e2e tests; `E2E_PORT` overrides it. */
const port = Number(process.env.E2E_PORT ?? 4319);
// localhost, not 127.0.0.1 or a LAN address: WebGPU needs a secure context, and localhost is one.
const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  // One worker: SwiftShader emulates the GPU on the CPU, and two tests at once only slow each other.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // SwiftShader WebGPU is slow: compiling shaders and training a few steps can take a minute.
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL,
    navigationTimeout: 60_000,
    actionTimeout: 30_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    // The app registers a service worker that precaches the whole build (src/service-worker.ts):
    // kept out of every test's fresh context, except where a spec allows it (e2e/offline.spec.ts).
    serviceWorkers: 'block'
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        headless: true,
        launchOptions: { executablePath: findChromium(), args: PLAYWRIGHT_CHROMIUM_ARGS }
      }
    }
  ],
  webServer: {
    command: `npm run build && npm run preview -- --port ${port} --strictPort`,
    url: baseURL,
    reuseExistingServer: !process.env.CI,
    timeout: 300_000,
    stdout: 'ignore',
    stderr: 'pipe'
  }
});
