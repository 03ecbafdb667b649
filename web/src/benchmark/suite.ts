// The benchmark suite (docs/leaderboard.md): one JSON file per version, shared with the export and the server.
// Imported from its one source as text (?raw): the page parses it and hashes the file's own bytes.
import suiteText from '../../../python/worldmodel/benchmark_suite/v1.json?raw';
import { sha256Hex } from './proof';

export interface GreedyPrompt {
  id: string;
  question: string;
  max_new_tokens: number;
}
export interface SandboxModule {
  id: string;
  wat: string;
  runs: number;
}
export interface SuiteQuestion {
  id: string;
  question: string;
  answer: string;
}
export interface Suite {
  suite: string;
  greedy: GreedyPrompt[];
  sandbox: SandboxModule[];
  questions: SuiteQuestion[];
}

export const SUITE: Suite = JSON.parse(suiteText) as Suite;

/** SHA-256 of the suite file's bytes: the manifest's expectations are valid for exactly this file. */
export function suiteSha256(): Promise<string> {
  return sha256Hex(new TextEncoder().encode(suiteText));
}

/** docs/leaderboard.md: a computed number is right within this relative tolerance of the answer. */
const ANSWER_REL_TOL = 1e-6;

/** Python's float() after removing commas: sign, digits (underscores between them), point, exponent, inf/nan. */
function asNumber(text: string): number | null {
  const t = text.replace(/,/g, '').replace(/(?<=\d)_(?=\d)/g, '');
  if (!/^[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?|inf(inity)?|nan)$/i.test(t)) return null;
  return Number(t.replace(/^([+-]?)inf(inity)?$/i, '$1Infinity').replace(/^[+-]?nan$/i, 'NaN'));
}

/** The suite's rule (docs/leaderboard.md; only the page scores questions): numbers within the tolerance, else trimmed text. */
export function answerMatches(computed: string | null, expected: string): boolean {
  if (computed === null) return false;
  const got = computed.trim();
  const want = expected.trim();
  const a = asNumber(got);
  const b = asNumber(want);
  if (a === null || b === null) return got === want;
  return Number.isFinite(a) && Math.abs(a - b) <= Math.max(ANSWER_REL_TOL * Math.max(Math.abs(a), Math.abs(b)), 1e-9);
}
