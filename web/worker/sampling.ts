// Next-token choice from the last position's logits: greedy, or temperature + nucleus (top-p) sampling.

/** Small seeded PRNG (mulberry32) so a given seed reproduces a generation. */
export function makeRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function argmax(logits: Float32Array, offset = 0, length = logits.length - offset): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < length; i++) {
    const v = logits[offset + i];
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

export function sampleToken(
  logits: Float32Array,
  offset: number,
  vocab: number,
  temperature: number,
  topP: number,
  random: () => number,
): number {
  if (temperature <= 0) return argmax(logits, offset, vocab);
  let max = -Infinity;
  for (let i = 0; i < vocab; i++) max = Math.max(max, logits[offset + i]);
  const probs = new Float64Array(vocab);
  let sum = 0;
  for (let i = 0; i < vocab; i++) {
    const p = Math.exp((logits[offset + i] - max) / temperature);
    probs[i] = p;
    sum += p;
  }
  // Nucleus: the smallest set of most likely tokens whose mass reaches top_p. Sorting only candidates
  // above a tiny floor keeps this cheap for a 49k vocabulary.
  const floor = (sum * 1e-7) / vocab;
  const candidates: number[] = [];
  for (let i = 0; i < vocab; i++) if (probs[i] > floor) candidates.push(i);
  candidates.sort((a, b) => probs[b] - probs[a]);
  const limit = Math.min(Math.max(topP, 0), 1) * sum;
  let kept = 0;
  let mass = 0;
  while (kept < candidates.length && (kept === 0 || mass < limit)) mass += probs[candidates[kept++]];
  let r = random() * mass;
  for (let k = 0; k < kept; k++) {
    r -= probs[candidates[k]];
    if (r <= 0) return candidates[k];
  }
  return candidates[kept - 1];
}
