// The app against a tiny bundle built by the exporter (random weights, real tokenizer): loading with
// progress, streaming chat, the solver's WAT sandbox and protocol loop, offline use, integrity checks and
// endless modules. A random model writes no WAT, so WAT is written by the test through the solver's
// "edit the module" panel, which drives the same sandbox and protocol loop the model's output does.
import { expect, test } from '@playwright/test';
import { ENDLESS, MODULE_391, openApp, openSolverEditor, presetSettings, threadsFor } from './app-helpers';

test('the app loads a tiny bundle with visible byte progress', async ({ page, browserName }) => {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { progressSeen: string[] }).progressSeen = seen;
    const stages: string[] = [];
    const heights: number[] = [];
    Object.assign(window, { stagesSeen: stages, loaderHeights: heights });
    document.addEventListener('DOMContentLoaded', () => {
      const bar = document.getElementById('load-progress') as HTMLProgressElement;
      const loader = document.getElementById('loader')!;
      new MutationObserver(() => {
        seen.push(`${bar.value}/${bar.max}`);
        heights.push(loader.getBoundingClientRect().height);
      }).observe(bar, { attributes: true });
      const stage = document.getElementById('load-stage')!;
      new MutationObserver(() => stages.push(stage.textContent!)).observe(stage, { childList: true, characterData: true, subtree: true });
    });
  });
  await openApp(page, browserName);
  const manifest = await (await page.request.get('/bundle/manifest.json')).json();
  const total = manifest.files.reduce((s: number, f: { size: number; compressed?: { size: number } }) => s + (f.compressed?.size ?? f.size), 0);
  const seen: string[] = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
  const values = [...new Set(seen.map((s) => Number(s.split('/')[0])))];
  expect(values.length).toBeGreaterThan(3); // several steps, not a jump from 0 to done
  expect(seen.at(-1)).toBe(`${total}/${total}`);
  await expect(page.locator('#load-detail')).toHaveText(new RegExp(`· ${manifest.files.length}/${manifest.files.length} files`));
  await expect(page.locator('#load-status')).toContainText(`Model ready: ${manifest.model.id}`);
  // Each stage is named while it runs, and the loader keeps its height when it turns to "ready" (no jump).
  const { stages, heights } = await page.evaluate(() => ({ stages: (window as unknown as { stagesSeen: string[] }).stagesSeen, heights: (window as unknown as { loaderHeights: number[] }).loaderHeights }));
  for (const word of ['Downloading', 'Verifying (SHA-256)', 'Decompressing', 'Creating the inference session']) expect(stages.some((s) => s.startsWith(word)), word).toBe(true);
  const readyHeight = await page.locator('#loader').evaluate((el) => el.getBoundingClientRect().height);
  expect(Math.abs(readyHeight - heights[0])).toBeLessThan(2); // sub-pixel text metrics differ; a collapse is ~30 px
  await page.locator('#toggle-perf').click();
  await expect(page.locator('[data-metric="Load time"]')).toContainText(/\d+\.\d+ s \(cold/);
  await expect(page.locator('[data-metric="Cross-origin isolated"]')).toHaveText('yes');
});

test('a chat answer streams token by token', async ({ page, browserName }) => {
  // Sampling (temperature 1) makes the random model write varied tokens; greedy would repeat one.
  await presetSettings(page, { temperature: 1, topP: 1, maxTokens: 24 });
  await openApp(page, browserName);
  await page.evaluate(() => {
    const lengths: number[] = [];
    (window as unknown as { lengths: number[] }).lengths = lengths;
    new MutationObserver(() => {
      const body = document.querySelector('#chat-history .assistant .body');
      if (body) lengths.push(body.textContent!.length);
    }).observe(document.getElementById('chat-history')!, { subtree: true, childList: true, characterData: true });
  });
  await page.locator('#chat-input').fill('Hello! Who are you?');
  await page.locator('#chat-input').press('Enter');
  const answer = page.locator('#chat-history .message.assistant');
  await expect(answer).toHaveAttribute('data-reason', /eos|max_tokens/);
  const lengths: number[] = await page.evaluate(() => (window as unknown as { lengths: number[] }).lengths);
  expect(new Set(lengths.filter((n) => n > 0)).size).toBeGreaterThan(2); // grew in several steps
  await expect(page.locator('#chat-history .message.user')).toHaveText('Hello! Who are you?');
  await page.locator('#toggle-perf').click();
  await expect(page.locator('[data-metric="Decode"]')).toContainText(/[\d.]+ tokens\/s \(\d+ tokens\)/);
  // Regenerate replaces the last answer.
  await page.locator('#chat-regenerate').click();
  await expect(page.locator('#chat-history .message.assistant')).toHaveCount(1);
  await expect(page.locator('#chat-history .message.assistant')).toHaveAttribute('data-reason', /eos|max_tokens/);
});

test('the solver runs a WAT module natively and the protocol loop injects its value', async ({ page, browserName }) => {
  await presetSettings(page, { temperature: 0, maxTokens: 12 });
  await openApp(page, browserName);
  await openSolverEditor(page);
  await page.locator('#solver-wat-input').fill(MODULE_391);
  await page.locator('#solver-run').click();
  await expect(page.locator('#solver-computed')).toHaveText('391');
  await expect(page.locator('#solver-provenance')).toContainText('executed your module, in this browser');
  await expect(page.locator('#solver-wat .hljs-keyword, #solver-wat .hljs-built_in, #solver-wat span').first()).toBeVisible();

  // The model continues after the runtime's block, exactly as after a module it wrote itself.
  await page.locator('#solver-question').fill('What is 17 * 23?');
  await page.locator('#solver-continue').click();
  // The random model runs into the 12-token limit after the computed block: said so, not shown as done.
  await expect(page.locator('#step-final')).toHaveAttribute('data-state', 'error');
  await expect(page.locator('#solver-final')).toContainText('Cut at the token limit (12 tokens)');
  await expect(page.locator('#solver-raw')).toContainText('</wat_model>\n<computed>391</computed>\n');
  await expect(page.locator('#solver-computed')).toHaveText('391');
});

test('the app is installable and, after the first load, it and the model work offline', async ({ page, context, browserName }) => {
  await presetSettings(page, { temperature: 1, topP: 1, maxTokens: 8 });
  await openApp(page, browserName);
  // The service worker must control the page (its precache holds the app shell and ORT's wasm).
  await page.waitForFunction(async () => {
    await navigator.serviceWorker.ready;
    return navigator.serviceWorker.controller !== null;
  }, null, { timeout: 60_000 });
  if (browserName === 'chromium') {
    // Installable: a valid manifest with icons and a service worker. Playwright's contexts are incognito,
    // which is the one reason Chromium may give.
    const cdp = await context.newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest');
    expect(manifest.errors).toEqual([]);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
    await cdp.detach(); // a second CDP session would hide Playwright's offline emulation from the page
  }
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('#loader')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  await expect(page.locator('#network-state')).toHaveText('offline');
  await expect(page.locator('#load-status')).toContainText('Model ready');
  await page.locator('#toggle-perf').click();
  await expect(page.locator('[data-metric="Load time"]')).toContainText('warm: all files from cache');
  await page.locator('#chat-input').fill('Still there?');
  await page.locator('#chat-input').press('Enter');
  await expect(page.locator('#chat-history .message.assistant')).toHaveAttribute('data-reason', /eos|max_tokens/);
  await openSolverEditor(page);
  await page.locator('#solver-wat-input').fill(MODULE_391);
  await page.locator('#solver-run').click();
  await expect(page.locator('#solver-computed')).toHaveText('391');
  await context.setOffline(false);
});

test.describe('integrity', () => {
  test.use({ serviceWorkers: 'block' }); // requests must reach the test's route, not a service worker
  test('a corrupted shard is detected and fetched again', async ({ page, context, browserName }) => {
    const manifest = await (await page.request.get('/bundle/manifest.json')).json();
    const shard = manifest.files.filter((f: { role: string }) => f.role === 'weights')[1].compressed.path as string;
    let requests = 0;
    await context.route(`**/bundle/${shard}`, async (route) => {
      requests += 1;
      if (requests > 1) return route.continue();
      const response = await route.fetch();
      const body = Buffer.from(await response.body());
      body[body.length >> 1] ^= 0xff; // one flipped byte in the middle
      await route.fulfill({ response, body });
    });
    // A short answer: this test is about the shard, and the bundle's default length takes minutes on a busy machine.
    await presetSettings(page, { maxTokens: 16 });
    await openApp(page, browserName);
    await expect(page.locator('#load-events')).toContainText(`Integrity check failed: ${shard}`);
    await expect(page.locator('#load-events')).toContainText('fetching it again');
    expect(requests).toBe(2);
    // The model works, so the re-fetched shard (not the corrupted one) is what it runs on.
    await page.locator('#chat-input').fill('Hi');
    await page.locator('#chat-input').press('Enter');
    await expect(page.locator('#chat-history .message.assistant')).toHaveAttribute('data-reason', /eos|max_tokens/);
  });
});

test('an endless WAT module is stopped with a clear message and the app keeps working', async ({ page, browserName }) => {
  await presetSettings(page, { temperature: 0, maxTokens: 8, timeoutMs: 700 });
  await openApp(page, browserName);
  await openSolverEditor(page);
  await page.locator('#solver-wat-input').fill(ENDLESS);
  await page.locator('#solver-run').click();
  await expect(page.locator('#solver-computed')).toHaveText(/Stopped: the module ran longer than 700 ms \(timeout: time limit exceeded\)/);
  await expect(page.locator('#solver-provenance')).toHaveText('failed: timeout');
  // A fresh sandbox worker answers the next module; the model still generates.
  await page.locator('#solver-wat-input').fill(MODULE_391);
  await page.locator('#solver-run').click();
  await expect(page.locator('#solver-computed')).toHaveText('391');
  // The endless module through the protocol loop: the error block is injected and, as in
  // worldmodel.generate (on_error "template"), the answer says it could not compute instead of guessing.
  await page.locator('#solver-wat-input').fill(ENDLESS);
  await page.locator('#solver-continue').click();
  await expect(page.locator('#step-final')).toHaveAttribute('data-state', 'error');
  await expect(page.locator('#solver-raw')).toContainText(
    '</wat_model>\n<computed error="timeout">time limit exceeded</computed>\nI could not compute the answer: the program I wrote failed (timeout), so I will not guess a value.',
  );
  // The module was the user's: the app says so instead of repeating the model's "the program I wrote".
  await expect(page.locator('#solver-final')).toHaveText('Your module failed while running (timeout).');
});

test('stop ends a generation and code completion continues raw text', async ({ page, browserName }) => {
  await presetSettings(page, { temperature: 1, topP: 1, maxTokens: 4000 });
  await openApp(page, browserName);
  await page.locator('#chat-input').fill('Tell me a very long story.');
  await page.locator('#chat-input').press('Enter');
  const answer = page.locator('#chat-history .message.assistant .body');
  await expect(answer).not.toBeEmpty();
  await page.locator('#chat-stop').click();
  await expect(page.locator('#chat-history .message.assistant')).toHaveAttribute('data-reason', 'aborted');
  await expect(page.locator('#chat-send')).toBeEnabled();

  await page.getByRole('tab', { name: 'Code completion' }).click();
  const source = await page.locator('#code-input').inputValue();
  await page.locator('#toggle-settings').click();
  // fill() cannot clear a number input in Firefox (it appends): set the value as a user's edit would end.
  await page.locator('#set-max-tokens').evaluate((input: HTMLInputElement) => {
    input.value = '6';
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.locator('#settings-form button[type="submit"]').click();
  await page.locator('#code-complete').click();
  await expect(page.locator('#code-complete')).toBeEnabled();
  const output = await page.locator('#code-output').textContent();
  expect(output!.startsWith(source)).toBe(true);
  expect(output!.length).toBeGreaterThan(source.length);
  // The prompt is shown apart from what the model added.
  await expect(page.locator('#code-output .prompt-text')).toHaveText(source);
  await expect(page.locator('#code-output .completion-text')).not.toBeEmpty();
});

test.describe('resume', () => {
  test.use({ serviceWorkers: 'block' });
  test('a lost connection is reported clearly and a reload fetches only the missing shard', async ({ page, context, browserName }) => {
    const manifest = await (await page.request.get('/bundle/manifest.json')).json();
    const shard = manifest.files.filter((f: { role: string }) => f.role === 'weights')[2].compressed.path as string;
    let drop = true;
    const fetched: string[] = [];
    await context.route('**/bundle/**', async (route) => {
      const path = new URL(route.request().url()).pathname;
      fetched.push(path);
      if (drop && path === `/bundle/${shard}`) return route.abort('connectionreset');
      return route.continue();
    });
    await page.goto(`/?threads=${threadsFor(browserName)}`);
    await expect(page.locator('#loader')).toHaveAttribute('data-state', 'error', { timeout: 60_000 });
    await expect(page.locator('#load-status')).toContainText(`The network was lost while downloading ${shard}`);
    await expect(page.locator('#load-status')).toContainText('reload to resume');
    await expect(page.locator('#load-events')).toContainText(`Retrying ${shard.split('.br')[0]}`);
    drop = false;
    fetched.length = 0;
    await page.reload();
    await expect(page.locator('#loader')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
    expect(fetched.filter((p) => p !== '/bundle/manifest.json')).toEqual([`/bundle/${shard}`]);
  });
});
