// Release versions and compatibility ranges (docs/bundle.md, "release"): the twin of
// python/worldmodel/model/versions.py, with the same small grammar so both sides agree exactly.
//   version: MAJOR.MINOR.PATCH; range: comparators joined by commas, all must hold (">=0.1.0,<1.0.0", ">=1,<2").

const SEMVER = /^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})$/;
const NUMBERS = /^(0|[1-9][0-9]{0,8})(\.(0|[1-9][0-9]{0,8})){0,2}$/;
const COMPARATOR = /^(>=|<=|>|<|==)\s*(\S+)$/;
const MAX_RANGE_LENGTH = 128;

/** The web app's own version (package.json, put in by Vite), compared with a bundle's `release.compatibility.app`. */
export const APP_VERSION: string = typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : '0.0.0';

export function parseVersion(text: string): [number, number, number] {
  if (typeof text !== 'string' || !NUMBERS.test(text)) throw new Error(`version ${JSON.stringify(text)} must be one to three dot-separated numbers`);
  const numbers = text.split('.').map(Number);
  return [numbers[0], numbers[1] ?? 0, numbers[2] ?? 0];
}

export function isSemver(text: unknown): text is string {
  return typeof text === 'string' && SEMVER.test(text);
}

function compare(a: [number, number, number], b: [number, number, number]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

export function parseRange(text: string): Array<[string, [number, number, number]]> {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_RANGE_LENGTH)
    throw new Error(`range ${JSON.stringify(text)} must be a non-empty string of at most ${MAX_RANGE_LENGTH} characters`);
  return text.split(',').map((part) => {
    const match = COMPARATOR.exec(part.trim());
    if (!match) throw new Error(`range ${JSON.stringify(text)}: ${JSON.stringify(part.trim())} is not a comparator such as >=1.0.0 or <2`);
    return [match[1], parseVersion(match[2])];
  });
}

export function isRange(text: unknown): text is string {
  try {
    parseRange(text as string);
    return true;
  } catch {
    return false;
  }
}

/** Whether `version` lies in the range (every comparator holds). */
export function satisfies(version: string, range: string): boolean {
  const value = parseVersion(version);
  return parseRange(range).every(([op, bound]) => {
    const c = compare(value, bound);
    return op === '>=' ? c >= 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : op === '<' ? c < 0 : c === 0;
  });
}

/** Whether version `a` is later than `b`. */
export function isNewer(a: string, b: string): boolean {
  return compare(parseVersion(a), parseVersion(b)) > 0;
}
