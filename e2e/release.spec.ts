// Releases from a second origin (docs/deploy.md): the app on one origin, bundles and channel.json on another
// (`worldmodel serve --bundle-origin`, as a CDN). e2e/serve.sh and e2e/make_release_fixtures.py publish
// stable 1.0.0 (the tiny bundle), 2.0.0 (last layer re-drawn), 3.0.0 (a graph that does not load),
// 4.0.0 (needs app >=99.0.0) and beta 2.0.0 with variants a and b; e2e-channel-<v>.json is channel.json
// right after <v> was published, and the tests serve those in turn as if the versions were published live.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { BUNDLE_PORT } from '../playwright.config';
import { isNewer, parseVersion, satisfies } from '../web/worker/versions';
import { MODULE_391, presetSettings, threadsFor } from './app-helpers';

const ORIGIN = `http://127.0.0.1:${BUNDLE_PORT}`;
const CHANNEL = `${ORIGIN}/channel.json`;

interface ManifestFile {
  path: string;
  sha256: string;
  compressed: { path: string; sha256: string };
}
interface Channel {
  channels: Record<string, { version: string; variants: { name: string; weight: number; manifest: string }[] }>;
}

async function channelAfter(page: Page, version: string): Promise<Channel> {
  return (await page.request.get(`${ORIGIN}/e2e-channel-${version}.json`)).json();
}

async function manifestFiles(page: Page, manifestPath: string): Promise<ManifestFile[]> {
  return (await (await page.request.get(`${ORIGIN}/${manifestPath}`)).json()).files;
}

/** Serves e2e-channel-<published.version>.json as channel.json and records every request to the bundle origin. */
async function bundleOrigin(context: BrowserContext) {
  const state = { version: '1.0.0', requests: [] as { path: string; range: string | null }[] };
  await context.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (route.request().method() === 'GET') state.requests.push({ path: url.pathname.slice(1), range: (await route.request().allHeaders())['range'] ?? null });
    if (url.pathname === '/channel.json') {
      const response = await route.fetch({ url: `${ORIGIN}/e2e-channel-${state.version}.json` });
      return route.fulfill({ response });
    }
    return route.continue();
  });
  const downloads = () => state.requests.filter((r) => r.path.endsWith('.br')).map((r) => r.path);
  return { state, downloads };
}

async function expectReady(page: Page) {
  await expect(page.locator('#loader')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
}

async function answerOnce(page: Page) {
  await page.locator('#chat-input').fill('What is 17 times 23?');
  await page.locator('#chat-input').press('Enter');
  await expect(page.locator('#chat-history .message.assistant').last()).toHaveAttribute('data-reason', /.+/, { timeout: 60_000 });
}

const shortPath = (manifestPath: string) => manifestPath.replace(/\/manifest\.json$/, '');

test.describe('releases from a bundle origin', () => {
  // Requests are counted in context.route, which a service worker would hide.
  test.use({ serviceWorkers: 'block' });

  test('v1 installs from another origin; v2 fetches only changed shards; broken v3 rolls back; v4 is refused', async ({ page, context, browserName }) => {
    test.setTimeout(300_000);
    await presetSettings(page, { temperature: 0, maxTokens: 4 });
    const { state, downloads } = await bundleOrigin(context);
    const v1 = (await channelAfter(page, '1.0.0')).channels.stable.variants[0].manifest;
    const v2 = (await channelAfter(page, '2.0.0')).channels.stable.variants[0].manifest;
    const v1Files = await manifestFiles(page, v1);
    const v2Files = await manifestFiles(page, v2);

    // One shard's first response ends half way: the loader resumes it with a Range request.
    const resumed = `${shortPath(v1)}/${v1Files.find((f) => f.path.endsWith('onnx_data_1'))!.compressed.path}`;
    let cut = true;
    await context.route(`${ORIGIN}/${resumed}`, async (route) => {
      if (!cut) return route.fallback();
      cut = false;
      const response = await route.fetch();
      const body = await response.body();
      const headers = response.headers();
      delete headers['content-length']; // the cut body carries its own length
      return route.fulfill({ status: 200, headers, body: body.subarray(0, body.length >> 1) });
    });

    // 1.0.0: the app (this origin) installs the channel's version from the bundle origin.
    await page.goto(`/?threads=${threadsFor(browserName)}&channel=${encodeURIComponent(CHANNEL)}`);
    await expectReady(page);
    expect(new URL(page.url()).origin).not.toBe(ORIGIN);
    await expect(page.locator('[data-metric="Model release"]')).toContainText('1.0.0 · channel stable · variant default');
    expect(new Set(downloads())).toEqual(new Set(v1Files.map((f) => `${shortPath(v1)}/${f.compressed.path}`)));
    const ranged = state.requests.filter((r) => r.range !== null);
    expect(ranged.map((r) => r.path)).toEqual([resumed]);
    expect(ranged[0].range).toMatch(/^bytes=[1-9][0-9]*-$/);

    // 2.0.0 is published: the running app downloads exactly the files whose hashes changed.
    const v1Digests = new Set(v1Files.map((f) => f.sha256));
    const changed = v2Files.filter((f) => !v1Digests.has(f.sha256));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThan(v2Files.length - 2);
    state.version = '2.0.0';
    state.requests.length = 0;
    await page.reload();
    await expectReady(page);
    await expect(page.locator('#release-status')).toContainText(
      `Version 2.0.0 is ready: downloaded ${changed.length} of ${v2Files.length} files`,
      { timeout: 60_000 },
    );
    await expect(page.locator('#release-status')).toContainText(`${v2Files.length - changed.length} unchanged files reused`);
    expect(downloads().sort()).toEqual(changed.map((f) => `${shortPath(v2)}/${f.compressed.path}`).sort());

    // Consent: switch now. Nothing more is downloaded; 1.0.0 stays until 2.0.0 has answered once.
    state.requests.length = 0;
    await page.locator('#release-status button', { hasText: 'Switch now' }).click();
    await expectReady(page);
    await expect(page.locator('[data-metric="Model release"]')).toContainText('2.0.0');
    await expect(page.locator('[data-metric="Load time"]')).toContainText('warm: all files from cache');
    expect(downloads()).toEqual([]);
    const cachedDigests = () =>
      page.evaluate(async () => {
        const cache = await caches.open('worldmodel-bundle-v1');
        return (await cache.keys()).map((r) => r.url.split('/').pop()!);
      });
    const v1Only = v1Files.filter((f) => !v2Files.some((g) => g.sha256 === f.sha256)).map((f) => f.sha256);
    expect(await cachedDigests()).toEqual(expect.arrayContaining(v1Only)); // kept until 2.0.0 answers
    await answerOnce(page);
    await expect.poll(async () => (await cachedDigests()).filter((d) => v1Only.includes(d))).toEqual([]);

    // 3.0.0 is published with a graph that downloads fine but does not load: back to 2.0.0, with a message.
    state.version = '3.0.0';
    await page.reload();
    await expectReady(page);
    await expect(page.locator('#release-status')).toContainText('Version 3.0.0 is ready', { timeout: 60_000 });
    await page.locator('#release-status button', { hasText: 'Switch now' }).click();
    await expectReady(page);
    await expect(page.locator('#release-status')).toContainText('Version 3.0.0 failed to load');
    await expect(page.locator('#release-status')).toContainText('Rolled back to version 2.0.0.');
    await expect(page.locator('[data-metric="Model release"]')).toContainText('2.0.0');
    await answerOnce(page); // the rolled-back version works
    // It is not offered again.
    await page.reload();
    await expectReady(page);
    await expect(page.locator('[data-metric="Model release"]')).toContainText('2.0.0');
    await page.waitForTimeout(1000);
    await expect(page.locator('#release-status')).not.toContainText('3.0.0 is ready');

    // 4.0.0 needs a newer app: refused before anything is downloaded.
    state.version = '4.0.0';
    state.requests.length = 0;
    await page.reload();
    await expectReady(page);
    await expect(page.locator('#release-status')).toContainText(
      'Version 4.0.0 is available but was refused: Model worldmodel-tiny 4.0.0 needs app version >=99.0.0; this app is 0.1.0.',
    );
    expect(downloads()).toEqual([]);
    await expect(page.locator('[data-metric="Model release"]')).toContainText('2.0.0');
  });

  test('a bundle that needs another app is refused with a clear message', async ({ page, browserName }) => {
    const v4 = (await channelAfter(page, '4.0.0')).channels.stable.variants[0].manifest;
    await page.goto(`/?threads=${threadsFor(browserName)}&bundle=${encodeURIComponent(`${ORIGIN}/${v4}`)}`);
    await expect(page.locator('#loader')).toHaveAttribute('data-state', 'error', { timeout: 60_000 });
    await expect(page.locator('#load-status')).toContainText(
      'Could not load the model: Model worldmodel-tiny 4.0.0 needs app version >=99.0.0; this app is 0.1.0.',
    );
  });

  test('the A/B variant is assigned from a stored random id, stable across reloads, and switchable', async ({ page, context, browserName }) => {
    test.setTimeout(180_000);
    await presetSettings(page, { channelName: 'beta' });
    const { state } = await bundleOrigin(context);
    state.version = '4.0.0'; // its beta channel: 2.0.0 with variants a and b
    const beta = (await channelAfter(page, '4.0.0')).channels.beta;
    expect(beta.variants.map((v) => [v.name, v.weight])).toEqual([['a', 1], ['b', 1]]);

    await page.goto(`/?threads=${threadsFor(browserName)}&channel=${encodeURIComponent(CHANNEL)}`);
    await expectReady(page);
    const id = await page.evaluate(() => localStorage.getItem('worldmodel.client-id'));
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    // The same rule as web/worker/release-channel.ts: SHA-256 of the id → [0, 1) → weights 1:1.
    const fraction = createHash('sha256').update(id!).digest().readUInt32BE(0) / 2 ** 32;
    const assigned = fraction < 0.5 ? 'a' : 'b';
    const other = assigned === 'a' ? 'b' : 'a';
    const release = page.locator('[data-metric="Model release"]');
    await expect(release).toContainText(`2.0.0 · channel beta · variant ${assigned}`);
    await page.locator('#toggle-settings').click();
    await expect(page.locator('#variant-assigned')).toContainText(`${assigned} (browser id ${id!.slice(0, 8)}`);

    for (let i = 0; i < 2; i++) {
      await page.reload();
      await expectReady(page);
      await expect(release).toContainText(`variant ${assigned}`);
      expect(await page.evaluate(() => localStorage.getItem('worldmodel.client-id'))).toBe(id);
    }

    // The user picks the other variant: it downloads in the background and is offered like an update.
    await page.locator('#toggle-settings').click();
    await page.locator('#set-variant').selectOption(other);
    await page.locator('#settings-form button[type="submit"]').click();
    await expect(page.locator('#release-status')).toContainText(`Version 2.0.0 (variant ${other}) is ready`, { timeout: 60_000 });
    await page.locator('#release-status button', { hasText: 'Switch now' }).click();
    await expectReady(page);
    await expect(release).toContainText(`variant ${other}`);
    await page.reload();
    await expectReady(page);
    await expect(release).toContainText(`variant ${other}`);
    await page.locator('#toggle-settings').click();
    await expect(page.locator('#set-variant')).toHaveValue(other);
  });
});

test.describe('without cross-origin isolation', () => {
  test.use({ serviceWorkers: 'block' });
  test('as in Safari, the app runs single-threaded and says so', async ({ page, context }) => {
  // The page is served without COOP/COEP: no SharedArrayBuffer, so onnxruntime-web gets one thread.
  await context.route(/\/(\?.*)?$/, async (route) => {
    if (route.request().resourceType() !== 'document') return route.fallback();
    const response = await route.fetch();
    const headers = response.headers();
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    return route.fulfill({ response, headers });
  });
  await page.goto('/?threads=4');
  await expectReady(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  await page.locator('#toggle-perf').click();
  await expect(page.locator('[data-metric="Cross-origin isolated"]')).toHaveText('no');
  await expect(page.locator('[data-metric="Threads"]')).toContainText('1 (single-threaded: SharedArrayBuffer is unavailable');
  await page.getByRole('tab', { name: 'Math solver' }).click();
  await page.locator('#solver-edit summary').click();
  await page.locator('#solver-wat-input').fill(MODULE_391);
  await page.locator('#solver-run').click();
  await expect(page.locator('#solver-computed')).toHaveText('391');
  });
});

test('version ranges read the same as in Python (e2e/fixtures/version_ranges.json)', () => {
  const cases = JSON.parse(readFileSync('e2e/fixtures/version_ranges.json', 'utf-8'));
  for (const [version, range, expected] of cases.satisfies) expect(satisfies(version, range), `${version} in ${range}`).toBe(expected);
  for (const range of cases.invalid_ranges) expect(() => satisfies('1.0.0', range), range).toThrow();
  for (const [a, b, expected] of cases.newer) expect(isNewer(a, b)).toBe(expected);
  expect(parseVersion('1')).toEqual([1, 0, 0]);
});
