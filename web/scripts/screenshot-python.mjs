// Takes the README screenshot of the Python pane (headless Chromium; any bundle, the pane does not use the model).
//   worldmodel serve --bundle build/e2e/bundle --port 8000 &  node web/scripts/screenshot-python.mjs http://127.0.0.1:8000
import { chromium } from '../../node_modules/playwright-core/index.mjs';

const base = process.argv[2] ?? 'http://127.0.0.1:8000';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1180, height: 860 }, deviceScaleFactor: 1 });
await page.goto(`${base}/?threads=2`);
await page.getByRole('tab', { name: 'Python' }).click();
await page.waitForSelector('#mode-python[data-python="ready"]', { timeout: 600_000 });
await page.locator('#py-example').selectOption({ label: 'Projectile' });
await page.locator('#py-run').click();
await page.waitForSelector('#py-verdict[data-verdict="identical"]', { timeout: 600_000 });
await page.screenshot({ path: 'docs/screenshot-python.png', fullPage: true });
await browser.close();
console.log('wrote docs/screenshot-python.png');
