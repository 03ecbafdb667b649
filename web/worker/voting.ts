// Voting over executed programs: the twin of python/worldmodel/voting.py (same defaults, same tie rule, same
// number comparison). The answer is the first program whose computed value most programs agree on.

/** The app's defaults, as worldmodel.voting's (DEFAULT_VOTES, DEFAULT_VOTE_TEMPERATURE, DEFAULT_RETRIES). */
export const DEFAULT_VOTES = 1;
export const DEFAULT_VOTE_TEMPERATURE = 0.7;
export const DEFAULT_RETRIES = 0;

export interface Vote {
  /** Programs written. */
  k: number;
  /** Programs that computed the winning value (0 when all failed). */
  agreed: number;
  /** The winning computed text. */
  value: string | null;
  /** Another value had as many programs; the first program's value (else the first seen) won. */
  tie: boolean;
  /** Programs that did not compute. */
  failed: number;
  values: (string | null)[];
}

/** Two programs agree when their computed texts are equal, numbers compared by value (12 and 12.0 agree). */
export function valueKey(computed: string): string {
  const text = computed.trim();
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) {
    const number = Number(text);
    if (Number.isFinite(number)) return pyFloatRepr(Math.round(number * 1e9) / 1e9);
  }
  return text;
}

/** Python's repr of a float for the values valueKey produces (integers print as "12.0"). */
function pyFloatRepr(x: number): string {
  const plain = String(x === 0 ? 0 : x);
  return /^-?\d+$/.test(plain) ? `${plain}.0` : plain;
}

export function tally(values: (string | null)[]): Vote {
  const counts = new Map<string, number>();
  const firstText = new Map<string, string>();
  for (const value of values) {
    if (value === null) continue;
    const key = valueKey(value);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (!firstText.has(key)) firstText.set(key, value);
  }
  const failed = values.filter((v) => v === null).length;
  if (counts.size === 0) return { k: values.length, agreed: 0, value: null, tie: false, failed, values };
  const best = Math.max(...counts.values());
  const leaders = [...counts.keys()].filter((key) => counts.get(key) === best); // in order of first appearance
  const first = values[0] === null ? null : valueKey(values[0]);
  const winner = first !== null && leaders.includes(first) ? first : leaders[0];
  return { k: values.length, agreed: best, value: firstText.get(winner)!, tie: leaders.length > 1, failed, values };
}

/** "3 of 5 programs agreed", as worldmodel.voting.Vote.summary. */
export function voteSummary(vote: Vote): string {
  if (vote.agreed === 0) return `all ${vote.k} programs failed`;
  return `${vote.agreed} of ${vote.k} programs agreed${vote.tie ? ' (a tie, broken toward the first program)' : ''}`;
}
