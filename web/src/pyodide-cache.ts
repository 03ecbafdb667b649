// Offline copy of the Python pane's files (Pyodide and the converter wheel, ~13 MB) in a Cache Storage group of
// their own. They stay out of the service worker's install-time precache, so the model's first load never
// waits for them: the page fills this cache after the model is ready (or when the pane first loads them), and
// the service worker answers /pyodide/ requests from it first (vite.config.ts, runtimeCaching).

export const PYODIDE_CACHE = 'worldmodel-pyodide';
/** Requests carrying this query parameter bypass the service worker's cache (freshness checks). */
export const FRESH_PARAM = 'fresh';

interface Assets { pyodideVersion: string; wheel: string; files: Record<string, { bytes: number; sha256: string }> }

export type CacheState = 'ready' | 'offline' | 'unsupported';

/** The app's pyodide/ folder, absolute. */
export function pyodideBaseUrl(): string {
  return new URL('pyodide/', document.baseURI).href;
}

async function fetchFresh(url: string): Promise<Response> {
  const fresh = new URL(url);
  fresh.searchParams.set(FRESH_PARAM, String(Date.now()));
  const response = await fetch(fresh, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}

/** Brings the cached copy up to date with the server's assets.json (files whose SHA-256 changed are fetched again). */
export async function cachePyodideFiles(baseUrl = pyodideBaseUrl()): Promise<CacheState> {
  if (!('caches' in self)) return 'unsupported';
  const cache = await caches.open(PYODIDE_CACHE);
  const indexUrl = new URL('assets.json', baseUrl).href;
  let index: Response;
  try {
    index = await fetchFresh(indexUrl);
  } catch {
    return (await cache.match(indexUrl)) ? 'ready' : 'offline';
  }
  const assets = (await index.clone().json()) as Assets;
  const cachedIndex = await cache.match(indexUrl);
  const cachedAssets = cachedIndex ? ((await cachedIndex.json()) as Assets) : null;
  for (const [name, meta] of Object.entries(assets.files)) {
    const url = new URL(name, baseUrl).href;
    if (cachedAssets?.files[name]?.sha256 === meta.sha256 && (await cache.match(url))) continue;
    await cache.put(url, await fetchFresh(url));
  }
  // Files an older build had and this one has not.
  for (const request of await cache.keys()) {
    const name = new URL(request.url).pathname.split('/').pop() ?? '';
    if (request.url !== indexUrl && !(name in assets.files)) await cache.delete(request);
  }
  await cache.put(indexUrl, index);
  return 'ready';
}
