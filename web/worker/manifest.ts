// Bundle manifest (docs/bundle.md): the contract between the exporter and this worker.
import { APP_VERSION, isRange, isSemver, satisfies } from './versions';

export interface CompressedFile {
  path: string;
  encoding: 'br';
  size: number;
  sha256: string;
}

export interface BundleFile {
  path: string;
  role: 'graph' | 'weights' | 'tokenizer' | 'config' | string;
  size: number;
  sha256: string;
  compressed?: CompressedFile | null;
}

export interface Manifest {
  format_version: number;
  model: { id: string; version: string; source?: string; quantization?: string };
  protocol_version: number;
  architecture: { num_layers: number; num_kv_heads: number; head_dim: number; vocab_size: number; hidden_size?: number };
  generation: {
    max_new_tokens: number;
    temperature: number;
    top_p: number;
    eos_token_ids: number[];
    stop_strings: string[];
    /** Prompt tokens for earlier chat turns, as the model was trained (0: each question alone; absent: CONTEXT_BUDGET). */
    context_budget?: number;
  };
  tokenizer: { files: string[]; chat_template?: string | null };
  graph: string;
  onnx?: {
    opset?: number;
    inputs?: string[];
    outputs?: string[];
    kv_dtype?: string;
    /** e.g. {"disable_quant_qdq": true}: passed to onnxruntime-web as session config entries. */
    session_options?: Record<string, boolean | number | string>;
  };
  files: BundleFile[];
  /** The semantic model version and the app and protocol versions it works with (absent in older bundles). */
  release?: Release | null;
  /** Expected results of the benchmark suite on this bundle (docs/leaderboard.md); absent: a run cannot be proven. */
  benchmark?: BenchmarkExpectation | null;
}

/** What `python -m export` measured: a greedy prompt's stable token prefix and each sandbox module's stdout. */
export interface BenchmarkExpectation {
  suite: string;
  suite_sha256: string;
  /** `tokens`: generated tokens before the first near tie; `sha256`: of those ids as decimals joined by ",". */
  greedy: { id: string; tokens: number; sha256: string }[];
  sandbox: { id: string; stdout_sha256: string }[];
}

export interface Release {
  version: string;
  compatibility: { app: string; protocol: string };
}

export const SUPPORTED_FORMAT_VERSION = 1;
export const SUPPORTED_PROTOCOL_VERSION = 1;

// The same rules as the Python reader (python/worldmodel/model/bundle.py); tests/hostile/bundles.py
// holds the manifests both must refuse, and e2e/hostile.spec.ts runs them here.
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
const MAX_FILES = 4096;
const SEGMENT = /^[A-Za-z0-9._+-]+$/;
const SHA256 = /^[0-9a-f]{64}$/;
const ROLES = new Set(['graph', 'weights', 'tokenizer', 'config']);

/** A relative POSIX path of plain names: no `..`, no absolute path, no backslash, nothing outside the bundle. */
export function isBundlePath(path: unknown): path is string {
  return (
    typeof path === 'string' &&
    path.length > 0 &&
    path.length <= 512 &&
    path.split('/').every((part) => part !== '.' && part !== '..' && SEGMENT.test(part))
  );
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown, max = Number.MAX_SAFE_INTEGER): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;
const isPositive = (v: unknown) => Number.isInteger(v) && (v as number) > 0;

/**
 * Parses and checks manifest.json's bytes; throws with a clear message on the first problem. The raw text
 * is needed as well as the parsed value: `"format_version": 1.0` parses to 1 in JavaScript.
 */
export function parseManifest(bytes: Uint8Array, url: string): Manifest {
  const fail = (what: string): never => {
    throw new Error(`Invalid bundle manifest at ${url}: ${what}`);
  };
  if (bytes.byteLength > MAX_MANIFEST_BYTES) fail(`larger than ${MAX_MANIFEST_BYTES} bytes`);
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    fail('not UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    fail(`not valid JSON (${String(e)})`);
  }
  if (isObject(value) && !/"format_version"\s*:\s*1\s*[,}]/.test(text)) fail(`format_version must be the integer ${SUPPORTED_FORMAT_VERSION}`);
  return validateManifest(value, url);
}

/** Checks every field this worker relies on, with the types and bounds of the Python schema. */
export function validateManifest(value: unknown, url: string): Manifest {
  const fail = (what: string): never => {
    throw new Error(`Invalid bundle manifest at ${url}: ${what}`);
  };
  if (!isObject(value)) fail('not a JSON object');
  const m = value as unknown as Manifest;
  if (m.format_version !== SUPPORTED_FORMAT_VERSION)
    fail(`format_version ${JSON.stringify(m.format_version)} is not supported (expected ${SUPPORTED_FORMAT_VERSION})`);
  if (m.protocol_version !== SUPPORTED_PROTOCOL_VERSION)
    fail(`protocol_version ${JSON.stringify(m.protocol_version)} is not supported (expected ${SUPPORTED_PROTOCOL_VERSION})`);
  if (!isObject(m.model) || typeof m.model.id !== 'string' || typeof m.model.version !== 'string') fail('model.id and model.version must be strings');
  const a = m.architecture as unknown as Record<string, unknown>;
  if (!isObject(a) || !['num_layers', 'num_kv_heads', 'head_dim', 'vocab_size'].every((k) => isPositive(a[k])))
    fail('architecture.num_layers/num_kv_heads/head_dim/vocab_size must be positive integers');
  const g = m.generation;
  if (!isObject(g) || !Array.isArray(g.eos_token_ids) || g.eos_token_ids.length === 0 || !g.eos_token_ids.every((t) => isCount(t)))
    fail('generation.eos_token_ids must be a list of token ids');
  if (!isPositive(g.max_new_tokens) || typeof g.temperature !== 'number' || !(g.temperature >= 0) || typeof g.top_p !== 'number' || !(g.top_p > 0 && g.top_p <= 1))
    fail('generation.max_new_tokens/temperature/top_p out of range');
  if (!Array.isArray(g.stop_strings) || !g.stop_strings.every((s) => typeof s === 'string')) fail('generation.stop_strings must be strings');
  if (g.context_budget !== undefined && !isCount(g.context_budget)) fail('generation.context_budget must be a whole number of tokens >= 0');
  if (!isObject(m.tokenizer) || !Array.isArray(m.tokenizer.files) || m.tokenizer.files.length === 0) fail('tokenizer.files must be a list');
  if (m.tokenizer.chat_template != null && typeof m.tokenizer.chat_template !== 'string') fail('tokenizer.chat_template must be a string');
  if (!Array.isArray(m.files) || m.files.length === 0 || m.files.length > MAX_FILES) fail(`files must be a list of 1 to ${MAX_FILES} entries`);
  const seen = new Set<string>(['manifest.json']);
  const claim = (path: string) => {
    if (seen.has(path)) fail(`file ${path} is listed twice`);
    seen.add(path);
  };
  for (const [i, f] of m.files.entries()) {
    if (!isObject(f)) fail(`files.${i} is not an object`);
    if (!isBundlePath(f.path)) fail(`file path ${JSON.stringify(f.path)} must be relative, use '/' and plain names, and stay inside the bundle`);
    if (!ROLES.has(f.role)) fail(`files.${i}.role ${JSON.stringify(f.role)} is not one of ${[...ROLES].join(', ')}`);
    if (!isCount(f.size, MAX_FILE_BYTES)) fail(`files.${i}.size must be an integer from 0 to ${MAX_FILE_BYTES}`);
    if (typeof f.sha256 !== 'string' || !SHA256.test(f.sha256)) fail(`files.${i}.sha256 must be a lowercase SHA-256 hex digest`);
    claim(f.path);
    const c = f.compressed;
    if (c != null) {
      if (!isObject(c)) fail(`files.${i}.compressed is not an object`);
      if (c.encoding !== 'br') fail(`files.${i}.compressed.encoding must be "br"`);
      if (!isBundlePath(c.path)) fail(`compressed path ${JSON.stringify(c.path)} must be relative, use '/' and plain names, and stay inside the bundle`);
      if (!isCount(c.size, MAX_FILE_BYTES)) fail(`files.${i}.compressed.size must be an integer from 0 to ${MAX_FILE_BYTES}`);
      if (typeof c.sha256 !== 'string' || !SHA256.test(c.sha256)) fail(`files.${i}.compressed.sha256 must be a lowercase SHA-256 hex digest`);
      claim(c.path);
    }
  }
  if (!isBundlePath(m.graph)) fail(`graph ${JSON.stringify(m.graph)} must be relative, use '/' and plain names, and stay inside the bundle`);
  if (!m.files.some((f) => f.path === m.graph && f.role === 'graph')) fail(`graph ${m.graph} is not listed with role 'graph'`);
  for (const t of m.tokenizer.files) {
    if (!isBundlePath(t)) fail(`tokenizer file ${JSON.stringify(t)} must be relative, use '/' and plain names, and stay inside the bundle`);
    if (!m.files.some((f) => f.path === t)) fail(`tokenizer files [${t}] are not listed in files`);
  }
  if (m.release != null) {
    const r = m.release as unknown as Record<string, unknown>;
    const c = r.compatibility as Record<string, unknown> | undefined;
    if (!isObject(r) || !isSemver(r.version)) fail('release.version must be MAJOR.MINOR.PATCH');
    if (!isObject(c) || !isRange(c.app) || !isRange(c.protocol)) fail('release.compatibility.app and .protocol must be version ranges such as ">=0.1.0,<1.0.0"');
  }
  if (m.benchmark != null) {
    const b = m.benchmark as unknown as Record<string, unknown>;
    if (!isObject(b) || typeof b.suite !== 'string' || typeof b.suite_sha256 !== 'string' || !SHA256.test(b.suite_sha256))
      fail('benchmark.suite must be a string and benchmark.suite_sha256 a SHA-256 hex digest');
    const greedy = b.greedy as unknown[];
    if (!Array.isArray(greedy) || !greedy.every((g) => isObject(g) && typeof g.id === 'string' && isCount(g.tokens) && typeof g.sha256 === 'string' && SHA256.test(g.sha256)))
      fail('benchmark.greedy must be a list of {id, tokens, sha256}');
    const sandbox = b.sandbox as unknown[];
    if (!Array.isArray(sandbox) || !sandbox.every((x) => isObject(x) && typeof x.id === 'string' && typeof x.stdout_sha256 === 'string' && SHA256.test(x.stdout_sha256)))
      fail('benchmark.sandbox must be a list of {id, stdout_sha256}');
  }
  return m;
}

/**
 * Why this app cannot run the bundle, in words for the user, or null when it can. A bundle without a
 * release block is judged by format and protocol version alone (validateManifest did that).
 */
export function incompatibility(m: Manifest, appVersion = APP_VERSION): string | null {
  if (!m.release) return null;
  const { version, compatibility } = m.release;
  if (!satisfies(appVersion, compatibility.app))
    return `Model ${m.model.id} ${version} needs app version ${compatibility.app}; this app is ${appVersion}. Reload to update the app, or keep the current model.`;
  if (!satisfies(String(SUPPORTED_PROTOCOL_VERSION), compatibility.protocol))
    return `Model ${m.model.id} ${version} speaks answer protocol ${compatibility.protocol}; this app speaks protocol ${SUPPORTED_PROTOCOL_VERSION}.`;
  return null;
}
