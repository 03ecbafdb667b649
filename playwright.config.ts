// End-to-end tests of the PWA in Chromium and Firefox (the distribution's browsers; Playwright cannot
// download its own here). `e2e/serve.sh` builds a tiny bundle with the exporter, builds the app and serves
// both with `worldmodel serve`, exactly as a user would.
import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 4173);
/** The second origin: bundles on another host than the app, as on a CDN (e2e/release.spec.ts). */
export const BUNDLE_PORT = Number(process.env.E2E_BUNDLE_PORT ?? PORT + 10);

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1, // two shared cores: one browser at a time
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'retain-on-failure',
  },
  webServer: [
    {
      command: `bash e2e/serve.sh ${PORT}`,
      url: `http://127.0.0.1:${PORT}/bundle/manifest.json`,
      timeout: 300_000,
      reuseExistingServer: !process.env.CI,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: `bash e2e/serve-bundle-origin.sh ${BUNDLE_PORT}`,
      url: `http://127.0.0.1:${BUNDLE_PORT}/e2e-channel-4.0.0.json`,
      timeout: 300_000,
      reuseExistingServer: !process.env.CI,
      stdout: 'pipe',
      stderr: 'pipe',
    },
  ],
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        },
      },
    },
    {
      name: 'firefox',
      use: {
        browserName: 'firefox',
        channel: 'moz-firefox',
        launchOptions: { executablePath: '/usr/bin/firefox-esr' },
      },
    },
  ],
});
