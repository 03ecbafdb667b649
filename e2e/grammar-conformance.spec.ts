// Python's XGrammar vs the browser's web-xgrammar on the same typed WAT grammar (e2e/make_grammar_corpus.py, run by
// e2e/serve.sh): replaying the same recorded token streams, every step's allowed-token count, mask hash and
// jump-forward string must be identical, and a token Python's matcher refused must be refused here too.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { openApp } from './app-helpers';

interface Case {
  text: string;
  stream: number[];
  counts: number[];
  hashes: string[];
  jumps: string[];
  specializations: number;
}

interface Corpus {
  vocab_size: number;
  stop_ids: number[];
  vocab: string[];
  tokenizer: unknown;
  cases: Case[];
}

type Replay = { counts: number[]; hashes: string[]; jumps: string[]; specializations: number }[];
type GrammarModule = {
  admitsPrefix(text: string): Promise<boolean>;
  tokenizerVocab(json: unknown): string[];
  replayMasks(vocab: string[], vocabSize: number, stopIds: number[], streams: number[][]): Promise<Replay>;
};

test('the browser computes the same token masks as Python on recorded token streams', async ({ page }) => {
  test.setTimeout(300_000);
  const corpus: Corpus = JSON.parse(readFileSync('build/e2e/grammar.json', 'utf-8'));
  expect(corpus.cases.length).toBeGreaterThan(20);
  // Some streams leave the grammar halfway: the replay must stop at the same token.
  expect(corpus.cases.some((c) => c.hashes.length <= c.stream.length)).toBe(true);
  // Most modules declare locals: the grammar is specialized to them (typed locals) on both sides.
  expect(corpus.cases.filter((c) => c.specializations > 0).length).toBeGreaterThan(10);
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
    if (c.specializations !== r.specializations) mismatches.push(`stream ${i}: python specialized ${c.specializations} times, browser ${r.specializations}`);
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

test('with the grammar on, the inference worker writes only what the grammar admits', async ({ page, browserName }) => {
  test.setTimeout(300_000);
  await openApp(page, browserName);
  // The tiny random model never opens a module by itself: a prefix opens one and the grammar must carry it on.
  const prefix = '<think>Multiply.</think>\n<wat_model>\n(module\n  (func $main (export "main")\n    (call $print_i64 (call $int_mul (i64.const 17) (i64.const 2';
  const out = await page.evaluate(async (prefix) => {
    type Done = { type: 'done'; text: string; stats: { generatedTokens: number; decodeSteps: number; jumpTokens: number; maskMs: number[] } };
    const wm = (window as unknown as { worldmodel: { model: { generate(q: string, o: object): AsyncIterable<{ type: string }> }; grammar(): Promise<GrammarModule> } }).worldmodel;
    let done: Done | null = null;
    for await (const event of wm.model.generate('What is 17 times 23?', { assistantPrefix: prefix, grammar: true, jumpForward: true, maxTokens: 48, temperature: 0 }))
      if (event.type === 'done') done = event as Done;
    const grammar = await wm.grammar();
    const program = done!.text.split('<wat_model>')[1].split('</wat_model>')[0] + (done!.text.includes('</wat_model>') ? '</wat_model>' : '');
    return { text: done!.text, stats: done!.stats, admitted: await grammar.admitsPrefix(program) };
  }, prefix);
  console.log(`grammar in the worker: ${out.stats.generatedTokens} tokens, ${out.stats.decodeSteps} steps, ${out.stats.jumpTokens} jumped, ${out.stats.maskMs.length} masks`);
  expect(out.text.startsWith(prefix)).toBe(true);
  expect(out.admitted, out.text).toBe(true);
  expect(out.stats.maskMs.length).toBeGreaterThan(0);
  expect(out.stats.decodeSteps).toBeLessThanOrEqual(out.stats.generatedTokens);
});

test('jump-forward without the grammar masks nothing: the model writes its own module', async ({ page, browserName }) => {
  test.setTimeout(300_000);
  await openApp(page, browserName);
  const prefix = '<think>Multiply.</think>\n<wat_model>\n(module\n  (func $main (export "main")\n    (call $print_i64 (call $int_mul (i64.const 17) (i64.const 2';
  const out = await page.evaluate(async (prefix) => {
    type Done = { type: 'done'; text: string; stats: { generatedTokens: number; jumpTokens: number; maskMs: number[] } };
    const wm = (window as unknown as { worldmodel: { model: { generate(q: string, o: object): AsyncIterable<{ type: string }> } } }).worldmodel;
    const run = async (options: object) => {
      let done: Done | null = null;
      for await (const event of wm.model.generate('What is 17 times 23?', { assistantPrefix: prefix, maxTokens: 32, temperature: 0, ...options }))
        if (event.type === 'done') done = event as Done;
      return done!;
    };
    return { guided: await run({ jumpForward: true }), plain: await run({}) };
  }, prefix);
  expect(out.guided.stats.maskMs).toEqual([]);
  expect(out.guided.text.startsWith(prefix)).toBe(true);
  // The random model leaves the grammar at once (it is then off for the answer): with nothing jumped before that,
  // the answer is exactly the unguided one.
  if (out.guided.stats.jumpTokens === 0) expect(out.guided.text).toBe(out.plain.text);
  else expect(out.guided.stats.jumpTokens).toBeLessThan(out.guided.stats.generatedTokens);
});
