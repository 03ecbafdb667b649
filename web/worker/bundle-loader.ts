// Downloads a model bundle: parallel shard downloads with byte-level progress, SHA-256 verification,
// Brotli decode, persistence in Cache Storage and resume at file (shard) granularity.
//
// Every verified file is stored decompressed in Cache Storage under its SHA-256 alone, so a closed tab or a
// dropped connection only costs the files that were still in flight, and a new bundle version (on any origin)
// reuses every file that is byte-identical to one already saved: an update downloads only changed shards.
// A file whose digest does not match is fetched again (bypassing HTTP caches) and never used. A download cut
// short resumes with a Range request from the bytes already received.

import { MAX_MANIFEST_BYTES, incompatibility, parseManifest, type BundleFile, type Manifest } from './manifest';

export const BUNDLE_CACHE = 'worldmodel-bundle-v1';
const PARALLEL_DOWNLOADS = 4;
const MAX_ATTEMPTS = 3;

export type LoadProgress =
  | { kind: 'manifest'; url: string; fromCache: boolean }
  | { kind: 'bytes'; loaded: number; total: number; file: string; filesDone: number; filesTotal: number }
  | { kind: 'cached'; file: string; filesDone: number; filesTotal: number }
  | { kind: 'integrity'; file: string; attempt: number; message: string }
  | { kind: 'retry'; file: string; attempt: number; message: string }
  | { kind: 'warning'; message: string }
  // The step now under way: download, verify (SHA-256), decompress (Brotli), create the inference session.
  | { kind: 'stage'; stage: LoadStage; file?: string };

export type LoadStage = 'download' | 'verify' | 'decompress' | 'session';

export class BundleError extends Error {
  constructor(
    readonly code: 'integrity' | 'network' | 'quota' | 'manifest' | 'http' | 'incompatible',
    message: string,
  ) {
    super(message);
    this.name = 'BundleError';
  }
}

export interface LoadedBundle {
  manifest: Manifest;
  manifestUrl: string;
  /** Decompressed, verified bytes by manifest path. */
  files: Map<string, Uint8Array>;
  downloadedBytes: number;
  /** Files fetched over the network (the rest came from Cache Storage). */
  downloadedFiles: number;
  cachedFiles: number;
}

export interface LoadBundleOptions {
  /** false: only make sure every file is verified in Cache Storage (a background update); `files` stays empty. */
  keepFiles?: boolean;
}

const hex = (buf: ArrayBuffer) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

type BrotliModule = Awaited<(typeof import('brotli-dec-wasm'))['default']>;
let brotliModule: Promise<BrotliModule> | null = null;
const DECODE_CHUNK = 4 * 1024 * 1024;

/**
 * Brotli-decodes `bytes`, which must expand to exactly `size` bytes, in chunks: a bomb (a few hundred bytes
 * that expand to gigabytes) stops as soon as the output passes the declared size. Chromium has no native
 * Brotli DecompressionStream, so brotli-dec-wasm decodes everywhere (one path).
 */
async function brotliDecodeExact(bytes: Uint8Array, size: number, name: string): Promise<Uint8Array> {
  brotliModule ??= import('brotli-dec-wasm').then((m) => m.default);
  const brotli = await brotliModule;
  const stream = new brotli.BrotliDecStream();
  const chunks: Uint8Array[] = [];
  let written = 0;
  let offset = 0;
  try {
    for (;;) {
      let result;
      try {
        result = stream.dec(bytes.subarray(offset), DECODE_CHUNK);
      } catch (e) {
        throw new BundleError('manifest', `${name} is not a valid Brotli stream (${String(e)})`);
      }
      offset += result.input_offset;
      const piece = result.buf;
      const code = result.code;
      result.free();
      written += piece.byteLength;
      if (written > size) throw new BundleError('manifest', `${name} decompresses to more than the ${size} bytes the manifest declares`);
      chunks.push(piece);
      if (code === brotli.BrotliStreamResultCode.ResultSuccess) break;
      if (code === brotli.BrotliStreamResultCode.NeedsMoreInput && offset >= bytes.byteLength)
        throw new BundleError('manifest', `${name}: the Brotli stream is truncated`);
    }
  } finally {
    stream.free();
  }
  if (written !== size) throw new BundleError('manifest', `${name} decompresses to ${written} bytes, the manifest declares ${size}`);
  return concat(chunks, written);
}

function parseManifestOrThrow(bytes: Uint8Array, url: string): Manifest {
  let manifest: Manifest;
  try {
    manifest = parseManifest(bytes, url);
  } catch (e) {
    throw new BundleError('manifest', (e as Error).message);
  }
  const reason = incompatibility(manifest);
  if (reason) throw new BundleError('incompatible', reason);
  return manifest;
}

async function openCache(onProgress: (p: LoadProgress) => void): Promise<Cache | null> {
  try {
    return await caches.open(BUNDLE_CACHE);
  } catch (e) {
    onProgress({ kind: 'warning', message: `Cache Storage is unavailable (${String(e)}); the model will not work offline.` });
    return null;
  }
}

async function fetchManifest(url: string, cache: Cache | null, onProgress: (p: LoadProgress) => void): Promise<Manifest> {
  let response: Response | undefined;
  let networkError: unknown;
  try {
    response = await fetch(url, { cache: 'no-cache' });
  } catch (e) {
    networkError = e;
  }
  if (response?.ok) {
    const bytes = await readAll(response, MAX_MANIFEST_BYTES, `the bundle manifest ${url}`);
    const manifest = parseManifestOrThrow(bytes, url);
    await cache?.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/json' } })).catch(() => {});
    onProgress({ kind: 'manifest', url, fromCache: false });
    return manifest;
  }
  // Offline (or the server is gone): the manifest saved by the previous load keeps the model usable.
  const cached = await cache?.match(url);
  if (cached) {
    onProgress({ kind: 'manifest', url, fromCache: true });
    return parseManifestOrThrow(new Uint8Array(await cached.arrayBuffer()), url);
  }
  if (response) throw new BundleError('http', `Could not fetch the bundle manifest ${url}: HTTP ${response.status}.`);
  throw new BundleError('network', `Could not fetch the bundle manifest ${url}: the network is unreachable (${String(networkError)}).`);
}

/** Reads a whole body of at most `limit` bytes (the manifest, before any size is declared). */
async function readAll(response: Response, limit: number, what: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  await readInto(response, limit, what, (chunk) => {
    chunks.push(chunk);
    length += chunk.byteLength;
  }, `${what} is larger than ${limit} bytes`);
  return concat(chunks, length);
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** Files are stored by content: the same bytes in two versions (or on two origins) are one cache entry. */
export function fileCacheKey(sha256: string): string {
  return new URL(`/.worldmodel-bundle-cache/sha256/${sha256}`, self.location.origin).href;
}

export async function loadBundle(
  manifestUrl: string,
  onProgress: (p: LoadProgress) => void = () => {},
  options: LoadBundleOptions = {},
): Promise<LoadedBundle> {
  const keepFiles = options.keepFiles ?? true;
  const url = new URL(manifestUrl, self.location.href).href;
  const cache = await openCache(onProgress);
  const manifest = await fetchManifest(url, cache, onProgress);
  const files = new Map<string, Uint8Array>();
  const filesTotal = manifest.files.length;
  const transferSize = (f: BundleFile) => f.compressed?.size ?? f.size;
  const total = manifest.files.reduce((s, f) => s + transferSize(f), 0);
  let loaded = 0;
  let filesDone = 0;
  let downloadedBytes = 0;
  let downloadedFiles = 0;
  let cachedFiles = 0;
  let persist = cache !== null;

  const loadOne = async (file: BundleFile) => {
    const key = fileCacheKey(file.sha256);
    const hit = persist ? await cache!.match(key) : undefined;
    if (hit) {
      const bytes = new Uint8Array(await hit.arrayBuffer());
      if (bytes.byteLength === file.size) {
        if (keepFiles) files.set(file.path, bytes);
        loaded += transferSize(file);
        cachedFiles += 1;
        filesDone += 1;
        onProgress({ kind: 'cached', file: file.path, filesDone, filesTotal });
        onProgress({ kind: 'bytes', loaded, total, file: file.path, filesDone, filesTotal });
        return;
      }
      await cache!.delete(key); // truncated entry: fetch it again
    }
    const bytes = await downloadVerified(url, file, (n) => {
      loaded += n;
      downloadedBytes += n;
      onProgress({ kind: 'bytes', loaded, total, file: file.path, filesDone, filesTotal });
    }, (n) => {
      loaded -= n; // a rejected attempt's bytes do not count towards progress
    }, onProgress);
    if (keepFiles) files.set(file.path, bytes);
    downloadedFiles += 1;
    filesDone += 1;
    onProgress({ kind: 'bytes', loaded, total, file: file.path, filesDone, filesTotal });
    if (persist) {
      try {
        await cache!.put(key, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/octet-stream' } }));
      } catch (e) {
        if (isQuotaError(e)) {
          persist = false;
          const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
          const need = manifest.files.reduce((s, f) => s + f.size, 0);
          onProgress({
            kind: 'warning',
            message:
              `Storage quota exceeded: the model needs ${mb(need)} but the browser allows ${estimate?.quota ? mb(estimate.quota) : 'less'}` +
              ` (${estimate?.usage ? mb(estimate.usage) : '?'} used). It runs now but will download again next time and not work offline.`,
          });
        } else throw e;
      }
    }
  };

  // A small pool: parallel enough to fill the pipe, few enough to keep memory and progress readable.
  // A file that fails does not stop the others: everything that can be saved is saved before the error
  // is reported, so the next attempt (a reload) only fetches what is missing.
  const queue = [...manifest.files];
  let firstError: unknown = null;
  const workers = Array.from({ length: Math.min(PARALLEL_DOWNLOADS, queue.length) }, async () => {
    for (let f = queue.shift(); f; f = queue.shift()) {
      try {
        await loadOne(f);
      } catch (e) {
        firstError ??= e;
      }
    }
  });
  await Promise.all(workers);
  if (firstError) throw firstError;
  return { manifest, manifestUrl: url, files, downloadedBytes, downloadedFiles, cachedFiles };
}

function isQuotaError(e: unknown): boolean {
  return e instanceof DOMException && (e.name === 'QuotaExceededError' || e.code === 22);
}

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

async function downloadVerified(
  base: string,
  file: BundleFile,
  onBytes: (n: number) => void,
  onDiscard: (n: number) => void,
  onProgress: (p: LoadProgress) => void,
): Promise<Uint8Array> {
  const source = file.compressed ?? file;
  const sourceUrl = new URL(source.path, base).href;
  let lastError: BundleError | null = null;
  // Bytes received so far: a connection that drops (or a body that ends early) resumes from here.
  let chunks: Uint8Array[] = [];
  let received = 0;
  const startOver = () => {
    onDiscard(received);
    chunks = [];
    received = 0;
  };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    try {
      // After a failed attempt bypass every HTTP cache: a corrupted copy may sit in one.
      onProgress({ kind: 'stage', stage: 'download', file: source.path });
      const headers: HeadersInit = received > 0 ? { Range: `bytes=${received}-` } : {};
      const response = await fetch(sourceUrl, { cache: attempt === 1 ? 'no-cache' : 'reload', headers });
      if (!response.ok) throw new BundleError('http', `HTTP ${response.status} for ${source.path}`);
      if (received > 0 && !resumesAt(response, received)) startOver(); // the server sent the whole file again
      await readInto(response, source.size - received, source.path, (chunk) => {
        chunks.push(chunk);
        received += chunk.byteLength;
        onBytes(chunk.byteLength);
      });
      if (received < source.size) throw new Error(`the response ended after ${received} of ${source.size} bytes`);
      const raw = concat(chunks, received);
      onProgress({ kind: 'stage', stage: 'verify', file: source.path });
      const rawDigest = await sha256Hex(raw);
      if (rawDigest !== source.sha256) {
        startOver();
        throw new BundleError('integrity', `${source.path}: SHA-256 ${rawDigest.slice(0, 12)}… does not match the manifest (${source.sha256.slice(0, 12)}…)`);
      }
      if (file.compressed) onProgress({ kind: 'stage', stage: 'decompress', file: file.path });
      const bytes = file.compressed ? await brotliDecodeExact(raw, file.size, source.path) : raw;
      if (file.compressed && (bytes.byteLength !== file.size || (await sha256Hex(bytes)) !== file.sha256)) {
        startOver();
        throw new BundleError('integrity', `${file.path}: the decompressed file does not match the manifest`);
      }
      return bytes;
    } catch (e) {
      if (e instanceof BundleError && e.code === 'integrity') {
        if (received > 0) startOver(); // a body longer than declared: nothing of it can be trusted
        lastError = e;
        onProgress({ kind: 'integrity', file: file.path, attempt, message: `${e.message}; fetching it again` });
      } else if (e instanceof BundleError && e.code === 'http') {
        startOver();
        throw new BundleError('http', `Could not download ${source.path}: ${e.message}.`);
      } else if (e instanceof BundleError && e.code === 'manifest') {
        startOver();
        throw e; // the manifest itself is wrong about this file: fetching it again cannot help
      } else {
        lastError = new BundleError('network', `The network was lost while downloading ${source.path} (${String(e)}). Files already saved are kept: reload to resume.`);
        onProgress({ kind: 'retry', file: file.path, attempt, message: lastError.message });
        await new Promise((r) => setTimeout(r, 250 * attempt));
      }
    }
  }
  startOver();
  if (lastError?.code === 'integrity') {
    throw new BundleError('integrity', `${file.path} failed its SHA-256 check ${MAX_ATTEMPTS} times; the server is serving a corrupted file.`);
  }
  throw lastError!;
}

/** Whether a response to `Range: bytes=<offset>-` continues at `offset` (206 with a matching Content-Range). */
function resumesAt(response: Response, offset: number): boolean {
  const range = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
  return response.status === 206 && range !== null && Number(range[1]) === offset;
}

/** Reads a body chunk by chunk (so progress is byte-accurate); more than `limit` bytes is an integrity fault. */
async function readInto(response: Response, limit: number, what: string, onChunk: (chunk: Uint8Array) => void,
  tooLarge = `${what} is larger than the manifest declares`): Promise<void> {
  const reader = response.body!.getReader();
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    length += value.byteLength;
    if (length > limit) {
      await reader.cancel().catch(() => {});
      throw new BundleError('integrity', tooLarge);
    }
    onChunk(value);
  }
}

/** Removes every cached bundle file (settings → "clear downloaded model"). */
export async function clearBundleCache(): Promise<boolean> {
  return caches.delete(BUNDLE_CACHE);
}

/**
 * Deletes every saved file and manifest that none of `keepManifestUrls` (read from the cache) needs: the
 * versions an update replaced. Returns how many entries were deleted.
 */
export async function pruneBundleCache(keepManifestUrls: string[]): Promise<number> {
  const cache = await caches.open(BUNDLE_CACHE);
  const keep = new Set<string>();
  for (const manifestUrl of keepManifestUrls) {
    const url = new URL(manifestUrl, self.location.href).href;
    const saved = await cache.match(url);
    if (!saved) return 0; // a version still needed is not fully known: delete nothing rather than too much
    keep.add(url);
    for (const f of parseManifest(new Uint8Array(await saved.arrayBuffer()), url).files) keep.add(fileCacheKey(f.sha256));
  }
  let deleted = 0;
  for (const request of await cache.keys()) {
    if (!keep.has(request.url) && (await cache.delete(request))) deleted += 1;
  }
  return deleted;
}
