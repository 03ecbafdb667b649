// Python runtime vs browser sandbox on the same modules (e2e/make_conformance_corpus.py, run by
// e2e/serve.sh): the computed text must be byte-identical, and failures must have the same error kind.
// ByteLog cases carry their source: the browser compiles it with its own port (web/worker/bytelog.ts),
// so its compile errors are compared word for word too.
// Error messages are compared too, except for assembler diagnostics (wat_syntax, invalid_module), whose
// wording belongs to the assembler (wasmtime's `wat` crate vs wabt), not to the protocol.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

interface Case {
  name: string;
  wat?: string;
  bytelog?: string;
  ok: boolean;
  error_kind: string | null;
  computed_text: string;
}

const ASSEMBLER_KINDS = new Set(['wat_syntax', 'invalid_module']);

test('the browser sandbox matches the Python runtime byte for byte', async ({ page }) => {
  test.setTimeout(300_000);
  const corpus: { counts: Record<string, number>; cases: Case[] } = JSON.parse(readFileSync('build/e2e/conformance.json', 'utf-8'));
  expect(corpus.counts.fixture).toBeGreaterThan(30);
  expect(corpus.counts.bytelog).toBeGreaterThan(50);
  await page.goto('/?threads=1');
  await page.waitForFunction(() => 'worldmodel' in window);
  const results = await page.evaluate(async (cases) => {
    type Result = Promise<{ ok: boolean; errorKind: string | null; computedText: string }>;
    const { Sandbox } = (window as unknown as { worldmodel: { Sandbox: new () => { run(wat: string): Result; runByteLog(source: string): Result } } }).worldmodel;
    const sandbox = new Sandbox();
    const out = [];
    for (const c of cases) {
      const r = c.bytelog !== undefined ? await sandbox.runByteLog(c.bytelog) : await sandbox.run(c.wat!);
      out.push({ ok: r.ok, errorKind: r.errorKind, computedText: r.computedText });
    }
    return out;
  }, corpus.cases);

  const mismatches: string[] = [];
  corpus.cases.forEach((c, i) => {
    const r = results[i];
    const sameText = r.computedText === c.computed_text || (!c.ok && ASSEMBLER_KINDS.has(c.error_kind ?? ''));
    if (r.ok !== c.ok || r.errorKind !== c.error_kind || !sameText) {
      mismatches.push(`${c.name}: python ${c.ok ? 'ok' : c.error_kind} ${JSON.stringify(c.computed_text)} | browser ${r.ok ? 'ok' : r.errorKind} ${JSON.stringify(r.computedText)}`);
    }
  });
  console.log(`conformance: ${corpus.cases.length - mismatches.length}/${corpus.cases.length} identical (${JSON.stringify(corpus.counts)})`);
  expect(mismatches, mismatches.join('\n')).toEqual([]);
});

interface ParsedTurn {
  text: string;
  think: string | null;
  wat: string | null;
  bytelog: string | null;
  computed: string | null;
  computed_error: string | null;
  final: string;
  blocks: string[];
}

test('the browser parses answers exactly like worldmodel.protocol', async ({ page }) => {
  const { answers }: { answers: ParsedTurn[] } = JSON.parse(readFileSync('build/e2e/conformance.json', 'utf-8'));
  expect(answers.length).toBeGreaterThan(7);
  await page.goto('/?threads=1');
  await page.waitForFunction(() => 'worldmodel' in window);
  const parsed = await page.evaluate((texts) => {
    const { parseAnswer } = (window as unknown as { worldmodel: { parseAnswer: (t: string) => Record<string, unknown> } }).worldmodel;
    return texts.map((t) => parseAnswer(t));
  }, answers.map((a) => a.text));
  answers.forEach((a, i) => {
    const p = parsed[i];
    expect({ think: p.think, wat: p.wat, bytelog: p.bytelog, computed: p.computed, computed_error: p.computedError, final: p.final, blocks: p.blocks }, a.text).toEqual({
      think: a.think,
      wat: a.wat,
      bytelog: a.bytelog,
      computed: a.computed,
      computed_error: a.computed_error,
      final: a.final,
      blocks: a.blocks,
    });
  });
});

interface ContextCase {
  messages: { role: 'user' | 'assistant' | 'system'; content: string }[];
  budget: number;
  sent: { role: string; content: string }[];
}

test('the browser fits a follow-up conversation exactly like worldmodel.chat_context', async ({ page }) => {
  const corpus: { contexts: ContextCase[]; context_budget: number } = JSON.parse(readFileSync('build/e2e/conformance.json', 'utf-8'));
  expect(corpus.contexts.length).toBeGreaterThan(100);
  await page.goto('/?threads=1');
  await page.waitForFunction(() => 'worldmodel' in window);
  const { sent, budget } = await page.evaluate((cases) => {
    type Message = { role: 'user' | 'assistant' | 'system'; content: string };
    const wm = (window as unknown as { worldmodel: { fitHistory: (m: Message[], count: (m: Message[]) => number, budget: number) => Message[]; CONTEXT_BUDGET: number } }).worldmodel;
    const chars = (messages: Message[]) => messages.reduce((n, m) => n + m.content.length, 0);
    return { sent: cases.map((c) => wm.fitHistory(c.messages, chars, c.budget)), budget: wm.CONTEXT_BUDGET };
  }, corpus.contexts);
  expect(budget).toBe(corpus.context_budget);
  corpus.contexts.forEach((c, i) => expect(sent[i], `budget ${c.budget}`).toEqual(c.sent));
});
