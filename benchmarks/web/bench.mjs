// Browser benchmark driver (headless Chromium): WorldModel's app vs transformers.js on the same bundle,
// in the same run. Started by `python -m benchmarks.web_inference`, which serves both pages.
//   node benchmarks/web/bench.mjs BASE_URL [threads] [runs] [maxTokens] [pythonTextFile] [decodingSpec]
// decodingSpec (JSON {questions, out, maxTokens}): also answer those questions in the app under each decoding
// mode (plain, grammar, grammar + jump-forward, votes k = 3) and write the records to `out` for the Python side.
import { chromium } from '../../node_modules/playwright-core/index.mjs';

const [base, threadsArg = '2', runsArg = '3', tokensArg = '64', pythonTextFile, decodingSpec] = process.argv.slice(2);
const threads = Number(threadsArg);
const runs = Number(runsArg);
const maxTokens = Number(tokensArg);
const QUESTION = 'Write a short story about a robot who learns to paint.';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

function summarize(samples) {
  // Same definitions for both: prefill = prompt tokens / time to the first generated token;
  // decode = tokens after the first / time between the first and the last token.
  return {
    prefillTokS: median(samples.map((s) => s.promptTokens / ((s.times[0] - s.t0) / 1000))),
    decodeTokS: median(samples.map((s) => (s.times.length - 1) / ((s.times.at(-1) - s.times[0]) / 1000))),
    tokens: samples[0].times.length,
    promptTokens: samples[0].promptTokens,
    text: samples[0].text,
  };
}

async function worldmodel() {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const ready = async () => {
    await page.waitForFunction(() => document.getElementById('loader').dataset.state, null, { timeout: 600_000 });
    const state = await page.getAttribute('#loader', 'data-state');
    if (state !== 'ready') throw new Error(await page.textContent('#load-status'));
    return page.evaluate(() => window.worldmodel.readyAt);
  };
  await page.goto(`${base}/?threads=${threads}`);
  const cold = await ready();
  const samples = [];
  for (let i = 0; i <= runs; i++) {
    const s = await page.evaluate(async ({ q, maxTokens }) => {
      const m = window.worldmodel.model;
      const times = [];
      let text = '';
      let promptTokens = 0;
      const t0 = performance.now();
      for await (const e of m.generate(q, { maxTokens, temperature: 0, execute: false })) {
        if (e.type === 'token') times.push(performance.now());
        if (e.type === 'done') {
          text = e.text;
          promptTokens = e.stats.promptTokens;
          // one timestamp per generated token (the worker may merge a held-back piece into the next event)
          while (times.length < e.stats.generatedTokens) times.push(times.at(-1));
        }
      }
      return { t0, times, promptTokens, text };
    }, { q: QUESTION, maxTokens });
    if (i > 0) samples.push(s); // the first generation warms up V8's wasm tiers
  }
  await page.reload();
  const warm = await ready();
  await context.close();
  return { cold, warm, ...summarize(samples) };
}

async function transformersjs() {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const load = async () => {
    await page.waitForFunction(() => window.tjsReady === true);
    await page.evaluate((t) => window.tjs.load(t), threads);
    return page.evaluate(() => performance.now());
  };
  await page.goto(`${base}/bench/tjs.html`);
  const cold = await load();
  const samples = [];
  for (let i = 0; i <= runs; i++) {
    const s = await page.evaluate(({ q, maxTokens }) => window.tjs.generate(q, maxTokens), { q: QUESTION, maxTokens });
    if (i > 0) samples.push(s);
  }
  await page.reload();
  const warm = await load();
  await context.close();
  return { cold, warm, ...summarize(samples) };
}

// The decoding modes of issue 13 as the app runs them (the inference worker's grammar, jump-forward and voting).
const MODES = {
  'no grammar': {},
  'jump only': { jumpForward: true },
  grammar: { grammar: true },
  'grammar+jump': { grammar: true, jumpForward: true },
  'vote k=3': { grammar: true, jumpForward: true, votes: 3 },
  'vote k=5': { grammar: true, jumpForward: true, votes: 5 },
};

async function decodingModes({ questions, out, maxTokens: answerTokens }) {
  const { writeFileSync } = await import('node:fs');
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(`${base}/?threads=${threads}`);
  await page.waitForFunction(() => document.getElementById('loader').dataset.state === 'ready', null, { timeout: 600_000 });
  const records = [];
  for (const [index, question] of questions.entries()) {
    for (const [mode, options] of Object.entries(MODES)) {
      const record = await page.evaluate(async ({ question, options, maxTokens }) => {
        const started = performance.now();
        let done = null;
        let vote = null;
        for await (const e of window.worldmodel.model.generate(question, { ...options, maxTokens, temperature: 0, seed: 0 })) {
          if (e.type === 'vote') vote = e.vote;
          if (e.type === 'done') done = e;
        }
        const a = done.answer;
        const programs = vote ? vote.k : a.wat !== null || a.bytelog !== null ? 1 : 0;
        const computed = vote ? vote.k - vote.failed : programs && a.computedError === null ? 1 : 0;
        return {
          final: a.final, seconds: (performance.now() - started) / 1000, programs, computed,
          tokens: done.stats.generatedTokens, steps: done.stats.decodeSteps, maskMs: done.stats.maskMs,
          grammarCompileMs: done.stats.grammarCompileMs, agreed: vote ? vote.agreed : null,
        };
      }, { question: [...(question.history ?? []), { role: 'user', content: question.question }], options, maxTokens: answerTokens });
      records.push({ index, mode, ...record });
      console.error(`[${index + 1}/${questions.length}] ${mode}: ${record.seconds.toFixed(1)} s, ${record.tokens} tokens, ${JSON.stringify(record.final.slice(0, 60))}`);
    }
  }
  await context.close();
  writeFileSync(out, JSON.stringify(records));
}

const ours = await worldmodel();
const ref = await transformersjs();
if (decodingSpec) {
  const { readFileSync } = await import('node:fs');
  await decodingModes(JSON.parse(readFileSync(decodingSpec, 'utf-8')));
}
await browser.close();

const row = (name, o, r, unit, higherIsBetter) => {
  const ratio = higherIsBetter ? o / r : r / o;
  return `${name.padEnd(22)} ${o.toFixed(1).padStart(10)} ${r.toFixed(1).padStart(16)}  ${unit.padEnd(9)} ${ratio.toFixed(2)}×`;
};
console.log(`Chromium headless, ${threads} threads, ${runs} runs (medians) after one warm-up, ${maxTokens} new tokens max, greedy`);
console.log(`prompt: ${ours.promptTokens} tokens (transformers.js: ${ref.promptTokens}); generated: ${ours.tokens} (transformers.js: ${ref.tokens})`);
console.log(`${'figure'.padEnd(22)} ${'WorldModel'.padStart(10)} ${'transformers.js'.padStart(16)}  ${'unit'.padEnd(9)} advantage`);
console.log(row('cold load', ours.cold / 1000, ref.cold / 1000, 's', false));
console.log(row('warm load', ours.warm / 1000, ref.warm / 1000, 's', false));
console.log(row('prefill', ours.prefillTokS, ref.prefillTokS, 'tokens/s', true));
console.log(row('decode', ours.decodeTokS, ref.decodeTokS, 'tokens/s', true));
console.log(`same greedy text as transformers.js: ${ours.text.trim() === ref.text.trim() ? 'yes' : 'no'}`);
if (pythonTextFile) {
  const { readFileSync } = await import('node:fs');
  const python = readFileSync(pythonTextFile, 'utf-8');
  console.log(`same greedy text as the Python ONNX backend (worldmodel.generate): ${ours.text.trim() === python.trim() ? 'yes' : 'no'}`);
  if (ours.text.trim() !== python.trim()) console.log(`  Python: ${JSON.stringify(python.slice(0, 160))}`);
}
if (ours.text.trim() !== ref.text.trim()) console.log(`  WorldModel:      ${JSON.stringify(ours.text.slice(0, 160))}\n  transformers.js: ${JSON.stringify(ref.text.slice(0, 160))}`);
