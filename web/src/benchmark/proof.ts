// Proof of a run (docs/leaderboard.md): the page's hashes of what it computed, compared with the expectations the
// export wrote into the manifest's `benchmark` block. Only the greedy prefix before the first near tie and the
// sandbox stdout are engine-independent, so only those are compared.
import type { BenchmarkExpectation } from '../../worker/manifest';

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Twin of worldmodel.benchmark_suite.token_prefix_sha256: ids as decimals joined by ",", ASCII. */
export function tokenPrefixSha256(tokenIds: number[]): Promise<string> {
  return sha256Hex(new TextEncoder().encode(tokenIds.map((t) => String(Math.trunc(t))).join(',')));
}

/** Twin of worldmodel.benchmark_suite.stdout_sha256. */
export function stdoutSha256(stdout: string): Promise<string> {
  return sha256Hex(new TextEncoder().encode(stdout));
}

export interface GreedyMeasured {
  id: string;
  tokenIds: number[];
}
export interface SandboxMeasured {
  id: string;
  stdoutSha256: string;
}

export interface ProofItem {
  /** e.g. "greedy short", "sandbox arith", "suite". */
  item: string;
  ok: boolean;
  detail: string;
}

export type Verdict =
  | { kind: 'unproven'; reason: string }
  | { kind: 'valid'; items: ProofItem[]; greedyPrefix: Map<string, { tokens: number; sha256: string }> }
  | { kind: 'invalid'; items: ProofItem[]; greedyPrefix: Map<string, { tokens: number; sha256: string }> };

/**
 * Compares a run with the manifest's expectations. `greedyPrefix` holds the page's own prefix hashes (what a
 * submission reports), computed over the number of tokens the manifest names.
 */
export async function verifyRun(
  expected: BenchmarkExpectation | null | undefined,
  suite: { name: string; sha256: string },
  greedy: GreedyMeasured[],
  sandbox: SandboxMeasured[],
): Promise<Verdict> {
  if (!expected) return { kind: 'unproven', reason: "This bundle's manifest has no benchmark block, so a run on it cannot be proven." };
  const items: ProofItem[] = [];
  const greedyPrefix = new Map<string, { tokens: number; sha256: string }>();
  const suiteOk = expected.suite === suite.name && expected.suite_sha256 === suite.sha256;
  items.push({
    item: 'suite',
    ok: suiteOk,
    detail: suiteOk ? `suite ${suite.name}` : `the bundle expects suite ${expected.suite} (${expected.suite_sha256.slice(0, 12)}…), this page runs ${suite.name} (${suite.sha256.slice(0, 12)}…)`,
  });
  for (const want of expected.greedy) {
    const got = greedy.find((g) => g.id === want.id);
    if (!got) {
      items.push({ item: `greedy ${want.id}`, ok: false, detail: 'not run' });
      continue;
    }
    const prefix = got.tokenIds.slice(0, want.tokens);
    const sha256 = await tokenPrefixSha256(prefix);
    greedyPrefix.set(want.id, { tokens: want.tokens, sha256 });
    const ok = prefix.length === want.tokens && sha256 === want.sha256;
    items.push({
      item: `greedy ${want.id}`,
      ok,
      detail: ok
        ? `first ${want.tokens} tokens match`
        : prefix.length < want.tokens
          ? `generated ${prefix.length} tokens, expected at least ${want.tokens}`
          : `the first ${want.tokens} token ids differ from the export's`,
    });
  }
  for (const want of expected.sandbox) {
    const got = sandbox.find((s) => s.id === want.id);
    const ok = got?.stdoutSha256 === want.stdout_sha256;
    items.push({ item: `sandbox ${want.id}`, ok, detail: !got ? 'not run' : ok ? 'stdout matches' : 'stdout differs from the export’s' });
  }
  return { kind: items.every((i) => i.ok) ? 'valid' : 'invalid', items, greedyPrefix };
}
