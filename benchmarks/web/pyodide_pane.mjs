// Browser side of `python -m benchmarks.pyodide_pane` (headless Chromium, the built app served with a bundle):
// the app's first load with and without the Python pane's files reachable, Pyodide cold and warm start, the
// converter's import time and convert times in the browser.
//   node benchmarks/web/pyodide_pane.mjs BASE_URL RUNS < programs.json   → JSON on stdout
import { readFileSync } from 'node:fs';
import { chromium } from '../../node_modules/playwright-core/index.mjs';

const [base, runsArg = '3'] = process.argv.slice(2);
const runs = Number(runsArg);
const programs = JSON.parse(readFileSync(0, 'utf8'));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const PANE_FILES = /\/pyodide\/|python-pane-|python-runner/;

/** navigation → model ready (ms), in a fresh profile; `withPane: false` makes every pane file unreachable. */
async function firstLoad(withPane) {
  const context = await browser.newContext();
  let paneRequestsBeforeReady = 0;
  let ready = false;
  await context.route(PANE_FILES, (route) => (withPane ? route.continue() : route.abort()));
  context.on('request', (request) => { if (!ready && /\/pyodide\//.test(request.url())) paneRequestsBeforeReady += 1; });
  const page = await context.newPage();
  await page.goto(`${base}/?threads=2`);
  await page.waitForFunction(() => window.worldmodel?.readyAt != null, null, { timeout: 600_000 });
  ready = true;
  const readyMs = await page.evaluate(() => window.worldmodel.readyAt);
  await context.close();
  return { readyMs, paneRequestsBeforeReady };
}

async function openPane(page) {
  return page.evaluate(async () => {
    const t0 = performance.now();
    const pane = await window.worldmodel.openPythonPane();
    const ready = await pane.runner.start();
    return { ...ready, wallMs: performance.now() - t0 };
  });
}

const loads = { with: [], without: [] };
for (let i = 0; i < runs; i++) {
  loads.without.push(await firstLoad(false));
  loads.with.push(await firstLoad(true));
}

const context = await browser.newContext();
const page = await context.newPage();
await page.goto(`${base}/?threads=2`);
await page.waitForFunction(() => window.worldmodel?.readyAt != null, null, { timeout: 600_000 });
await page.waitForFunction(() => document.documentElement.dataset.pythonOffline === 'ready', null, { timeout: 600_000 });
await page.reload(); // the files are now in Cache Storage, but this page has not started Pyodide yet
const coldContext = await browser.newContext();
const coldPage = await coldContext.newPage();
await coldPage.goto(`${base}/?threads=2`);
const cold = await openPane(coldPage); // a fresh profile: every file from the server
await coldContext.close();
await page.waitForFunction(() => 'worldmodel' in window);
const warm = await openPane(page); // the same files from the service worker's cache
const convert = await page.evaluate(async (sources) => {
  const pane = await window.worldmodel.openPythonPane();
  const out = [];
  for (const source of sources) {
    const t0 = performance.now();
    const result = await pane.runner.convert(source);
    out.push({ ok: result.ok, linkedMs: result.ok ? result.linkedMs : null, wallMs: performance.now() - t0 });
  }
  return out;
}, programs);
await browser.close();
process.stdout.write(JSON.stringify({ loads, cold, warm, convert }));
