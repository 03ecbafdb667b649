// Votes in the app (issue 13): k programs written in one batch by the inference worker — the prompt prefilled
// once, one forward pass per step for all k — compute what k answers written one after another compute.
import { expect, test } from '@playwright/test';
import { openApp } from './app-helpers';

type Run = { texts: string[]; starts: number; rows: number[]; vote: { k: number; failed: number } | null; reason: string };

test('a vote writes its programs in one batch, each as it would be written alone', async ({ page, browserName }) => {
  await page.addInitScript(() => {
    const starts: unknown[] = [];
    (window as unknown as { starts: unknown[] }).starts = starts;
    const Original = window.Worker;
    window.Worker = class extends Original {
      postMessage(message: unknown, transfer?: unknown) {
        if ((message as { type?: string })?.type === 'start') starts.push(message);
        return transfer === undefined ? super.postMessage(message) : super.postMessage(message, transfer as Transferable[]);
      }
    };
  });
  await openApp(page, browserName);
  const question = 'What is 17 times 23?';
  const voted: Run = await page.evaluate(async (q) => {
    const w = window as unknown as { worldmodel: { model: any }; starts: { rows?: unknown[] }[] };
    w.starts.length = 0;
    let vote = null;
    let texts: string[] = [];
    let reason = '';
    for await (const e of w.worldmodel.model.generate(q, { votes: 3, voteTemperature: 1, temperature: 0, seed: 11, maxTokens: 12 })) {
      if (e.type === 'vote') ({ vote, texts } = e);
      if (e.type === 'done') reason = e.reason;
    }
    return { texts, starts: w.starts.length, rows: w.starts.map((s) => s.rows?.length ?? 1), vote, reason };
  }, question);
  // One start for the three programs: the worker prefilled the prompt once and decoded them together.
  expect(voted.starts).toBe(1);
  expect(voted.rows).toEqual([3]);
  expect(voted.vote).toMatchObject({ k: 3 });
  expect(voted.texts).toHaveLength(3);

  const alone: string[] = await page.evaluate(async (q) => {
    const w = window as unknown as { worldmodel: { model: any } };
    const texts: string[] = [];
    for (const [temperature, seed] of [[0, 11], [1, 12], [1, 13]]) {
      for await (const e of w.worldmodel.model.generate(q, { temperature, seed, maxTokens: 12 })) if (e.type === 'done') texts.push(e.text);
    }
    return texts;
  }, question);
  expect(voted.texts).toEqual(alone);
  expect(new Set(alone).size).toBeGreaterThan(1); // the sampled programs differ: each row kept its own sampling
});

test('stopping a vote in one batch stops every program and the app keeps working', async ({ page, browserName }) => {
  await openApp(page, browserName);
  const reasons: string[] = await page.evaluate(async () => {
    const w = window as unknown as { worldmodel: { model: any } };
    const model = w.worldmodel.model;
    const reasons: string[] = [];
    let tokens = 0;
    for await (const e of model.generate('Tell me a very long story.', { votes: 3, voteTemperature: 1, temperature: 1, seed: 3, maxTokens: 4000 })) {
      if (e.type === 'token' && ++tokens === 5) model.stop();
      if (e.type === 'done') reasons.push(e.reason);
    }
    for await (const e of model.generate('What is 2 plus 2?', { maxTokens: 4 })) if (e.type === 'done') reasons.push(e.reason);
    return reasons;
  });
  expect(reasons).toEqual(['aborted', 'max_tokens']);
});
