// The benchmark page and the leaderboard (docs/leaderboard.md) against `worldmodel serve --leaderboard` (e2e/serve.sh):
// a full run of suite v1 on the tiny bundle, its proof against the manifest's benchmark block, the submit dialog,
// the POST to the real API, and the row on the leaderboard page. The API is never mocked; two tests change the
// manifest the page reads for its proof, to see an invalid and an unprovable run.
import { expect, test, type Page } from '@playwright/test';
import { openApp, presetSettings, threadsFor } from './app-helpers';

const ADMIN_TOKEN = process.env.WORLDMODEL_LEADERBOARD_TOKEN ?? 'e2e-admin-token';

// The tiny random model never ends an answer on its own: 16 tokens per question keep the 20 questions short.
const benchmarkUrl = (browserName: string) => `/benchmark.html?threads=${threadsFor(browserName)}&questionTokens=16`;

test('a benchmark run is proven, submitted on request and listed on the leaderboard', async ({ page, browserName }) => {
  test.setTimeout(300_000);
  // From the app, as a user comes: its service worker then controls the benchmark page too (the cold load
  // deletes the bundle cache under it), and the header links both ways.
  await openApp(page, browserName);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.getByRole('link', { name: 'Benchmark' }).click();
  await expect(page).toHaveTitle('WorldModel benchmark');
  await expect(page.getByRole('link', { name: 'Back to the app' })).toHaveAttribute('href', './');
  await page.goto(benchmarkUrl(browserName));
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await expect(page.locator('#bench-provable')).toContainText('can be proven');
  await page.getByRole('button', { name: 'Start the benchmark' }).click();
  await expect(page.locator('#bench-status')).toHaveText(/^Step \d+ of 30: /);
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeEnabled();
  // Progress moves past the loads, and the time line gives an estimate of what is left.
  await expect(page.locator('#bench-progress-section')).toHaveAttribute('data-step', /^([3-9]|[12]\d|30)$/, { timeout: 120_000 });
  await expect(page.locator('#bench-time')).toContainText('left');
  await expect(page.locator('body')).toHaveAttribute('data-outcome', /valid|invalid|unproven|failed/, { timeout: 240_000 });
  await expect(page.locator('#bench-status')).toContainText('Finished');
  await expect(page.locator('#bench-verdict')).toHaveAttribute('data-kind', 'valid');
  await expect(page.locator('#bench-verdict')).toContainText('Valid run');

  // Charts (Chart.js) and the table.
  for (const id of ['chart-prefill', 'chart-speed', 'chart-sandbox', 'chart-load']) {
    await expect(page.locator(`#${id}`)).toHaveAttribute('role', 'img');
    expect(await page.locator(`#${id}`).evaluate((c: HTMLCanvasElement) => c.width > 0 && c.height > 0)).toBe(true);
  }
  await expect(page.locator('#chart-speed')).toHaveAttribute('aria-label', /decode tok\/s/);
  await expect(page.locator('#bench-table')).toContainText('Task accuracy');
  await expect(page.locator('#bench-device')).toContainText(browserName === 'firefox' ? 'Firefox' : 'Chrom');

  // Submit: the exact JSON first, then the server's answer.
  await page.getByRole('button', { name: 'Submit to the leaderboard…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Submit this result?' });
  await expect(dialog).toBeVisible();
  await expect(page.locator('#submit-url')).toHaveText(/\/api\/v1\/results$/);
  const sent = JSON.parse((await page.locator('#submit-json').textContent())!);
  expect(sent).toMatchObject({ schema: 1, suite: 'v1', bundle: { model_id: 'worldmodel-tiny' }, results: { questions: { total: 20 } } });
  expect(sent.results.greedy.map((g: { id: string }) => g.id)).toEqual(['short', 'long']);
  expect(sent.results.sandbox).toHaveLength(6);
  expect(sent.results.decode_tokens_per_s).toBeGreaterThan(0);
  expect(sent.device.threads).toBe(threadsFor(browserName));
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog).toBeHidden();
  const answer = page.locator('#submit-answer');
  await expect(answer).toHaveAttribute('data-kind', /^(accepted|quarantined)$/);
  await expect(page.getByRole('button', { name: 'Submit to the leaderboard…' })).toBeDisabled();
  if ((await answer.getAttribute('data-kind')) === 'quarantined') {
    // The tiny random model can beat the server's review bounds for real devices (prefill above 20 000 tok/s):
    // held for review, it is accepted through the admin API as a maintainer would (token: e2e/serve.sh).
    await expect(answer).toContainText('held for review');
    const id = await answer.getAttribute('data-result-id');
    const accepted = await page.request.post(`/api/v1/admin/quarantine/${id}/accept`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(accepted.ok(), await accepted.text()).toBe(true);
  }

  // The leaderboard lists it (accepted results only), device strings as text.
  await page.getByRole('link', { name: 'Leaderboard' }).click();
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready');
  const browserCell = page.locator('#lb-table tbody td[data-key="browser"]', { hasText: `${sent.device.browser} ${sent.device.browser_version}` });
  await expect(browserCell.first()).toBeVisible();
  expect(await browserCell.first().evaluate((td) => td.children.length)).toBe(0);
  await expect(page.locator('#lb-table th[aria-sort="descending"]')).toHaveText(/Decode tok\/s/);
  await page.getByRole('button', { name: 'Browser' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#lb-table th[aria-sort="ascending"]')).toHaveText(/Browser/);
  await expect(page.locator('#chart-by-group')).toHaveAttribute('aria-label', /median tok\/s/);
  await page.locator('#filter-browser').selectOption(sent.device.browser);
  await expect(page.locator('#export-csv')).toHaveAttribute('href', new RegExp(`results\\.csv\\?browser=${sent.device.browser}`));
});

test('Cancel stops a benchmark run promptly and the page can run again', async ({ page, browserName }) => {
  await page.goto(benchmarkUrl(browserName));
  await page.getByRole('button', { name: 'Start the benchmark' }).click();
  await expect(page.locator('#bench-progress-section')).toHaveAttribute('data-step', /^([3-9]|[12]\d)$/, { timeout: 90_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('#bench-status')).toContainText('Cancelled', { timeout: 10_000 });
  await expect(page.getByRole('button', { name: 'Start the benchmark' })).toBeEnabled();
  await expect(page.locator('#bench-results')).toBeHidden();
  // Usable again: a second run starts from step 1 (and is cancelled during a load, which ends at once too).
  await page.getByRole('button', { name: 'Start the benchmark' }).click();
  await expect(page.locator('#bench-status')).toHaveText(/^Step [12] of 30: /);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('#bench-status')).toContainText('Cancelled', { timeout: 5_000 });
});

/** The benchmark page with the manifest it reads for the proof changed by `edit` (the worker still loads the real one). */
async function runWithManifest(page: Page, browserName: string, edit: (manifest: Record<string, unknown>) => void) {
  await page.route('**/bundle/manifest.json', async (route) => {
    const response = await route.fetch();
    const manifest = await response.json();
    edit(manifest);
    await route.fulfill({ response, body: JSON.stringify(manifest) });
  });
  await page.goto(`/benchmark.html?threads=${threadsFor(browserName)}&questionTokens=2`);
  await page.getByRole('button', { name: 'Start the benchmark' }).click();
  await expect(page.locator('body')).toHaveAttribute('data-outcome', /valid|invalid|unproven|failed/, { timeout: 120_000 });
}

test('a run that differs from the manifest is shown invalid, naming the item, and cannot be submitted', async ({ page, browserName }) => {
  await runWithManifest(page, browserName, (m) => {
    const b = m.benchmark as { greedy: { sha256: string }[] };
    b.greedy[1].sha256 = '0'.repeat(64);
  });
  await expect(page.locator('#bench-verdict')).toHaveAttribute('data-kind', 'invalid');
  await expect(page.locator('#bench-verdict')).toContainText('greedy long differs');
  await expect(page.locator('#bench-proof-items li.bad')).toHaveText([/^✗ greedy long: the first \d+ token ids differ/]);
  await expect(page.getByRole('button', { name: 'Submit to the leaderboard…' })).toBeDisabled();
});

test('a bundle without expected results cannot be proven and offers no submit', async ({ page, browserName }) => {
  await runWithManifest(page, browserName, (m) => delete m.benchmark);
  await expect(page.locator('#bench-provable')).toContainText('cannot be proven');
  await expect(page.locator('#bench-verdict')).toHaveAttribute('data-kind', 'unproven');
  await expect(page.getByRole('button', { name: 'Submit to the leaderboard…' })).toBeDisabled();
  await expect(page.locator('#submit-why')).toContainText('cannot be proven');
});

test('usage counts are sent only when the setting is on, as aggregate counters', async ({ page, browserName }) => {
  // What the page sends, read page side: Firefox's Playwright shows no body for a keepalive request.
  await page.addInitScript(() => {
    const sent: unknown[] = ((window as unknown as { sentEvents: unknown[] }).sentEvents = []);
    const fetch = window.fetch.bind(window);
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).endsWith('/api/v1/events')) sent.push(JSON.parse(String(init?.body)));
      return fetch(input, init);
    };
  });
  const sentEvents = () => page.evaluate(() => (window as unknown as { sentEvents: unknown[] }).sentEvents);
  const answerOnce = async () => {
    await page.locator('#chat-input').fill('What is 17 times 23?');
    await page.locator('#chat-input').press('Enter');
    await expect(page.locator('#chat-history .message.assistant').last()).toHaveAttribute('data-reason', /eos|max_tokens/);
    await page.evaluate(() => (window as unknown as { worldmodel: { usage: { flush(): void } } }).worldmodel.usage.flush());
  };
  await presetSettings(page, { temperature: 1, topP: 1, maxTokens: 4 });
  await openApp(page, browserName);
  await expect(page.locator('#set-analytics')).not.toBeChecked(); // off by default
  await answerOnce();
  expect(await sentEvents()).toEqual([]);

  await page.locator('#toggle-settings').click();
  await page.getByLabel('Send anonymous usage counts').check();
  await page.locator('#settings-form').getByRole('button', { name: 'Save' }).click();
  const delivered = page.waitForResponse((r) => r.url().endsWith('/api/v1/events') && r.request().method() === 'POST');
  await answerOnce();
  expect(await sentEvents()).toEqual([{ kind: 'answer', count: 1 }]);
  expect((await delivered).ok()).toBe(true);
});
