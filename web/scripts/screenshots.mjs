// Takes the README screenshots of the chat and the solver (headless Chromium, the real model).
//   worldmodel serve --bundle bundles/default --port 8000 &  node web/scripts/screenshots.mjs http://127.0.0.1:8000
// The solver shot is the trained model end to end: it writes the module, the sandbox runs it and injects
// <computed>, and the model writes the final answer from that value.
import { chromium } from '../../node_modules/playwright-core/index.mjs';

const base = process.argv[2] ?? 'http://127.0.0.1:8000';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1180, height: 860 }, deviceScaleFactor: 1 });
await page.addInitScript(() => localStorage.setItem('worldmodel.settings', JSON.stringify({ temperature: 0 })));
await page.goto(`${base}/?threads=2`);
await page.waitForSelector('#loader[data-state="ready"]', { timeout: 600_000 });
const settle = () => page.waitForFunction(() => !document.querySelector('.streaming') && !document.getElementById('chat-send').disabled, null, { timeout: 600_000 });

await page.locator('#toggle-perf').click();
for (const question of ['What is the capital of France?', 'Give me two tips for learning to code.']) {
  await page.locator('#chat-input').fill(question);
  await page.locator('#chat-input').press('Enter');
  await settle();
}
await page.screenshot({ path: 'docs/screenshot-chat.png', fullPage: true });

await page.getByRole('tab', { name: 'Math solver' }).click();
await page.locator('#solver-question').fill('I invest $1000 at 5% interest compounded yearly. How much do I have after 10 years?');
await page.locator('#solver-solve').click();
await page.waitForSelector('#step-final[data-state="done"]', { timeout: 600_000 });
await page.screenshot({ path: 'docs/screenshot-solver.png', fullPage: true });
await browser.close();
console.log('wrote docs/screenshot-chat.png and docs/screenshot-solver.png');
