// Release channels (docs/deploy.md): channel.json names the current version of each channel and its A/B
// variants; a client is assigned a variant once, from a random id it keeps, by the variants' weights.
//
//   {"format_version": 1, "channels": {"stable": {"version": "1.2.0",
//     "variants": [{"name": "default", "weight": 1, "manifest": "worldmodel-tiny/1.2.0-3f9c0a1b2c4d/manifest.json"}]}}}

import type { PrefetchMessage } from './prefetch.worker';
import type { LoadProgress } from './bundle-loader';
import { isBundlePath } from './manifest';
import { isSemver } from './versions';

export interface Variant {
  name: string;
  weight: number;
  /** Relative to the channel file's URL. */
  manifest: string;
}

export interface ChannelEntry {
  version: string;
  variants: Variant[];
}

export interface ChannelFile {
  format_version: 1;
  channels: Record<string, ChannelEntry>;
}

const MAX_CHANNEL_BYTES = 256 * 1024;
const NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** Checks a parsed channel file; throws with the first problem. */
export function validateChannel(value: unknown, url: string): ChannelFile {
  const fail = (what: string): never => {
    throw new Error(`Invalid channel file at ${url}: ${what}`);
  };
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(value) || value.format_version !== 1) fail('format_version must be 1');
  const channels = (value as Record<string, unknown>).channels;
  if (!isObject(channels)) fail('channels must be an object');
  for (const [name, entry] of Object.entries(channels as Record<string, unknown>)) {
    if (!NAME.test(name) || !isObject(entry)) fail(`channel ${JSON.stringify(name)} is malformed`);
    const e = entry as Record<string, unknown>;
    if (!isSemver(e.version)) fail(`channels.${name}.version must be MAJOR.MINOR.PATCH`);
    if (!Array.isArray(e.variants) || e.variants.length === 0 || e.variants.length > 16) fail(`channels.${name}.variants must list 1 to 16 variants`);
    for (const v of e.variants as unknown[]) {
      const variant = v as Record<string, unknown>;
      if (!isObject(v) || typeof variant.name !== 'string' || !NAME.test(variant.name)) fail(`a variant of ${name} has no valid name`);
      if (!Number.isInteger(variant.weight) || (variant.weight as number) < 1) fail(`variant ${String(variant.name)}: weight must be a positive integer`);
      if (!isBundlePath(variant.manifest)) fail(`variant ${String(variant.name)}: manifest must be a relative path inside the release folder`);
    }
  }
  return value as unknown as ChannelFile;
}

export async function fetchChannel(url: string): Promise<ChannelFile> {
  const response = await fetch(url, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`Could not fetch the release channel ${url}: HTTP ${response.status}.`);
  const text = await response.text();
  if (text.length > MAX_CHANNEL_BYTES) throw new Error(`The release channel ${url} is larger than ${MAX_CHANNEL_BYTES} bytes.`);
  return validateChannel(JSON.parse(text), url);
}

/** A number in [0, 1) from the client id: the same id always lands on the same variant. */
export async function clientFraction(clientId: string): Promise<number> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(clientId)));
  return new DataView(digest.buffer).getUint32(0) / 2 ** 32;
}

/** The variant for this client: `override` when the channel lists it, else by weight from the client id. */
export async function chooseVariant(variants: Variant[], clientId: string, override = ''): Promise<Variant> {
  const chosen = variants.find((v) => v.name === override);
  if (chosen) return chosen;
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  let point = (await clientFraction(clientId)) * total;
  for (const v of variants) {
    if (point < v.weight) return v;
    point -= v.weight;
  }
  return variants[variants.length - 1];
}

export type PrefetchResult = Extract<PrefetchMessage, { type: 'done' }>;

/** Downloads a version into Cache Storage in a background worker; rejects with the loader's message. */
export function downloadInBackground(manifestUrl: string, onProgress: (p: LoadProgress) => void = () => {}): Promise<PrefetchResult> {
  const worker = new Worker(new URL('./prefetch.worker.ts', import.meta.url), { type: 'module', name: 'worldmodel-update' });
  return new Promise<PrefetchResult>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<PrefetchMessage>) => {
      const m = event.data;
      if (m.type === 'progress') return onProgress(m.progress);
      worker.terminate();
      if (m.type === 'done') resolve(m);
      else reject(Object.assign(new Error(m.message), { code: m.code }));
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`The update worker failed: ${e.message}`));
    };
    worker.postMessage({ manifestUrl });
  });
}
