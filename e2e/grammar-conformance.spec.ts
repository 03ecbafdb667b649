// Python's XGrammar vs the browser's web-xgrammar on the same typed WAT grammar (e2e/make_grammar_corpus.py, run by
// e2e/serve.sh): replaying the same recorded token streams, every step's allowed-token count, mask hash and
// jump-forward string must be identical, and a token Python's matcher refused must be refused here too.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

interface Case {
  text: string;
  stream: number[];
  counts: number[];
  hashes: string[];
  jumps: string[];
}

interface Corpus {
  vocab_size: number;
  stop_ids: number[];
  vocab: string[];
  tokenizer: unknown;
  cases: Case[];
}

type Replay = { counts: number[]; hashes: string[]; jumps: string[] }[];
type GrammarModule = {
  tokenizerVocab(json: unknown): string[];
  replayMasks(vocab: string[], vocabSize: number, stopIds: number[], streams: number[][]): Promise<Replay>;
};

test('the browser computes the same token masks as Python on recorded token streams', async ({ page }) => {
  test.setTimeout(300_000);
  const corpus: Corpus = JSON.parse(readFileSync('build/e2e/grammar.json', 'utf-8'));
  expect(corpus.cases.length).toBeGreaterThan(20);
  // Some streams leave the grammar halfway: the replay must stop at the same token.
  expect(corpus.cases.some((c) => c.hashes.length <= c.stream.length)).toBe(true);
  await page.goto('/?threads=1');
  await page.waitForFunction(() => 'worldmodel' in window);
  const { sameVocab, replay } = await page.evaluate(async (c) => {
    const grammar: GrammarModule = await (window as unknown as { worldmodel: { grammar(): Promise<GrammarModule> } }).worldmodel.grammar();
    const vocab = grammar.tokenizerVocab(c.tokenizer);
    const sameVocab = vocab.length === c.vocab.length && vocab.every((token, i) => token === c.vocab[i]);
    return { sameVocab, replay: await grammar.replayMasks(c.vocab, c.vocab_size, c.stop_ids, c.cases.map((x) => x.stream)) };
  }, corpus);
  expect(sameVocab).toBe(true);
  const mismatches: string[] = [];
  corpus.cases.forEach((c, i) => {
    const r = replay[i];
    const steps = Math.max(c.hashes.length, r.hashes.length);
    for (let step = 0; step < steps; step++) {
      if (c.hashes[step] !== r.hashes[step] || c.counts[step] !== r.counts[step] || c.jumps[step] !== r.jumps[step]) {
        mismatches.push(`stream ${i} step ${step}: python ${c.counts[step]} allowed, jump ${JSON.stringify(c.jumps[step])} | browser ${r.counts[step]} allowed, jump ${JSON.stringify(r.jumps[step])}`);
        break;
      }
    }
  });
  const masks = corpus.cases.reduce((n, c) => n + c.hashes.length, 0);
  console.log(`grammar conformance: ${corpus.cases.length - mismatches.length}/${corpus.cases.length} streams identical, ${masks} masks`);
  expect(mismatches, mismatches.join('\n')).toEqual([]);
});
