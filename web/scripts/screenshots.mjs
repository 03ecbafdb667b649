// Takes the README screenshots of the chat, the solver and a phone-width chat (headless Chromium, the real model).
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
// A math chat of two questions: each answer shows its steps (think, module, computed value, answer).
for (const question of ['What is 17 times 23?', 'A train travels 240 km in 3 hours. What is its average speed in km/h?']) {
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

// A phone (390 px): the same chat after a reload (it persists), one more question asked there.
await page.setViewportSize({ width: 390, height: 844 });
await page.reload();
await page.waitForSelector('#loader[data-state="ready"]', { timeout: 600_000 });
await page.getByRole('tab', { name: 'Chat' }).click();
await page.locator('#chat-input').fill('What is 15% of 80?');
await page.locator('#chat-input').press('Enter');
await settle();
await page.screenshot({ path: 'docs/screenshot-phone.png' });
await browser.close();
console.log('wrote docs/screenshot-chat.png, docs/screenshot-solver.png and docs/screenshot-phone.png');
