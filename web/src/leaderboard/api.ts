// Reads the leaderboard API (docs/leaderboard.md, "The API"): accepted results and per-group aggregates. The
// rows are read defensively (nested as submitted, or flattened), since they are data from a server.

export interface Filters {
  browser: string;
  os: string;
  device_class: string;
  model_version: string;
}

export interface ResultRow {
  id: string;
  browser: string;
  browserVersion: string;
  os: string;
  deviceClass: string;
  cores: number | null;
  threads: number | null;
  modelVersion: string;
  releaseVersion: string;
  decode: number | null;
  prefill: number | null;
  sandboxP50: number | null;
  warmLoadS: number | null;
  accuracy: number | null;
  submitted: string;
}

export interface GroupStats {
  browser: string;
  deviceClass: string;
  count: number;
  decodeMedian: number | null;
  decodeP90: number | null;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const str = (...vs: unknown[]) => String(vs.find((v) => typeof v === 'string' || typeof v === 'number') ?? '');
const num = (...vs: unknown[]): number | null => {
  const v = vs.find((x) => typeof x === 'number' && Number.isFinite(x));
  return typeof v === 'number' ? v : null;
};

/** A list in any of the usual envelopes: a bare array, or {results|items|rows|groups|stats: [...]}. */
function listOf(body: unknown): Json[] {
  if (Array.isArray(body)) return body.map(obj);
  const b = obj(body);
  for (const key of ['results', 'items', 'rows', 'groups', 'stats']) if (Array.isArray(b[key])) return (b[key] as unknown[]).map(obj);
  return [];
}

export function query(filters: Partial<Filters>, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filters, ...extra })) if (v) params.set(k, v);
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function getJson(path: string): Promise<unknown> {
  const response = await fetch(new URL(path, location.href), { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

export function toRow(raw: Json): ResultRow {
  const device = obj(raw.device);
  const bundle = obj(raw.bundle);
  const results = obj(raw.results);
  const load = obj(results.load);
  const questions = obj(results.questions);
  const correct = num(questions.correct, raw.questions_correct);
  const total = num(questions.total, raw.questions_total);
  const warmMs = num(load.warm_ms, raw.warm_ms, raw.load_warm_ms);
  return {
    id: str(raw.id),
    browser: str(device.browser, raw.browser),
    browserVersion: str(device.browser_version, raw.browser_version),
    os: str(device.os, raw.os),
    deviceClass: str(device.device_class, raw.device_class),
    cores: num(device.cores, raw.cores),
    threads: num(device.threads, raw.threads),
    modelVersion: str(bundle.model_version, raw.model_version),
    releaseVersion: str(bundle.release_version, raw.release_version),
    decode: num(results.decode_tokens_per_s, raw.decode_tokens_per_s),
    prefill: num(results.prefill_tokens_per_s, raw.prefill_tokens_per_s),
    sandboxP50: num(results.sandbox_p50_ms, raw.sandbox_p50_ms),
    warmLoadS: warmMs === null ? null : warmMs / 1000,
    accuracy: correct !== null && total ? correct / total : null,
    submitted: str(raw.created_at, raw.submitted_at, raw.received_at, raw.created),
  };
}

/** The newest this many accepted results are listed (the stats cover all of them). */
export const RESULTS_LIMIT = 200;

export async function fetchResults(filters: Partial<Filters>): Promise<ResultRow[]> {
  return listOf(await getJson(`api/v1/results${query(filters, { limit: String(RESULTS_LIMIT) })}`)).map(toRow);
}

export async function fetchStats(filters: Partial<Filters>): Promise<GroupStats[]> {
  return listOf(await getJson(`api/v1/stats${query(filters)}`)).map((g) => {
    const decode = obj(g.decode_tokens_per_s ?? g.decode);
    return {
      browser: str(g.browser),
      deviceClass: str(g.device_class),
      count: num(g.count) ?? 0,
      decodeMedian: num(decode.median, g.decode_median, g.median_decode_tokens_per_s, g.decode_tokens_per_s_median),
      decodeP90: num(decode.p90, g.decode_p90, g.p90_decode_tokens_per_s, g.decode_tokens_per_s_p90),
    };
  });
}
