// The result a page sends (docs/leaderboard.md, "A result"), built from a finished, proven run, and the POST.
import type { Manifest } from '../../worker/manifest';
import type { DeviceFacts } from './device';
import { percentile, type RunMeasurements } from './runner';

export interface Submission {
  schema: 1;
  suite: string;
  run_id: string;
  app_version: string;
  bundle: { model_id: string; model_version: string; release_version: string | null };
  device: DeviceFacts;
  results: {
    load: { cold_ms: number; warm_ms: number };
    greedy: { id: string; prompt_tokens: number; generated_tokens: number; prefill_ms: number; decode_ms: number; tokens: number; sha256: string }[];
    prefill_tokens_per_s: number;
    decode_tokens_per_s: number;
    sandbox: { id: string; runs: number; p50_ms: number; p99_ms: number; stdout_sha256: string }[];
    sandbox_p50_ms: number;
    sandbox_p99_ms: number;
    questions: { total: number; correct: number };
    total_ms: number;
  };
}

/** Figures to 1 µs (0.001 tok/s): readable, and a server recomputing a rate from them lands on the same value. */
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Σ prompt tokens / Σ prefill ms and Σ (generated − 1) / Σ decode ms: the first token comes from the prefill. */
export function speeds(run: RunMeasurements): { prefill: number; decode: number } {
  const prefillMs = sum(run.greedy.map((g) => g.prefill_ms));
  const decodeMs = sum(run.greedy.map((g) => g.decode_ms));
  return {
    prefill: prefillMs > 0 ? (sum(run.greedy.map((g) => g.prompt_tokens)) * 1000) / prefillMs : 0,
    decode: decodeMs > 0 ? (sum(run.greedy.map((g) => Math.max(0, g.generated_tokens - 1))) * 1000) / decodeMs : 0,
  };
}

export function buildSubmission(
  run: RunMeasurements,
  manifest: Manifest,
  device: DeviceFacts,
  suiteName: string,
  greedyPrefix: Map<string, { tokens: number; sha256: string }>,
  stdoutSha256: Map<string, string>,
): Submission {
  // The rates come from the rounded figures the server is sent, so it can recompute them exactly.
  const rounded: RunMeasurements = { ...run, greedy: run.greedy.map((g) => ({ ...g, prefill_ms: round3(g.prefill_ms), decode_ms: round3(g.decode_ms) })) };
  const { prefill, decode } = speeds(rounded);
  const allRuns = run.sandbox.flatMap((s) => s.latencies);
  return {
    schema: 1,
    suite: suiteName,
    run_id: crypto.randomUUID(),
    app_version: __APP_VERSION__,
    bundle: { model_id: manifest.model.id, model_version: manifest.model.version, release_version: manifest.release?.version ?? null },
    device,
    results: {
      load: { cold_ms: round3(run.load.cold_ms), warm_ms: round3(run.load.warm_ms) },
      greedy: rounded.greedy.map((g) => ({
        id: g.id,
        prompt_tokens: g.prompt_tokens,
        generated_tokens: g.generated_tokens,
        prefill_ms: g.prefill_ms,
        decode_ms: g.decode_ms,
        tokens: greedyPrefix.get(g.id)?.tokens ?? 0,
        sha256: greedyPrefix.get(g.id)?.sha256 ?? '',
      })),
      prefill_tokens_per_s: round3(prefill),
      decode_tokens_per_s: round3(decode),
      sandbox: run.sandbox.map((s) => ({ id: s.id, runs: s.runs, p50_ms: round3(s.p50_ms), p99_ms: round3(s.p99_ms), stdout_sha256: stdoutSha256.get(s.id) ?? '' })),
      sandbox_p50_ms: round3(percentile(allRuns, 50)),
      sandbox_p99_ms: round3(percentile(allRuns, 99)),
      questions: { total: run.questions.length, correct: run.questions.filter((q) => q.correct).length },
      // Rounded up: the server checks that the total is at least the sum of its parts.
      total_ms: Math.ceil(run.total_ms * 1000) / 1000,
    },
  };
}

export type ServerAnswer =
  | { ok: true; id: string | number; status: string }
  | { ok: false; error: string; detail: string; httpStatus: number };

/** POSTs to the leaderboard (`api/v1/results` beside this page) and reads its answer in either form. */
export async function sendSubmission(url: string, submission: Submission): Promise<ServerAnswer> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(submission) });
  } catch (e) {
    return { ok: false, error: 'network', detail: `The server could not be reached (${(e as Error).message}).`, httpStatus: 0 };
  }
  let body: Record<string, unknown> = {};
  try {
    body = await response.json();
  } catch {
    // a proxy's HTML error page: the status says enough
  }
  if (response.ok) return { ok: true, id: (body.id as string | number) ?? '', status: String(body.status ?? 'accepted') };
  return { ok: false, error: String(body.error ?? `http_${response.status}`), detail: String(body.detail ?? response.statusText), httpStatus: response.status };
}
