// The app as a person uses it (issue 17): follow-up turns and what the model is given, answers shown as steps,
// honest stopped states, persistence across reloads, phone widths. The tiny test bundle writes random text, so
// a turn with a module is put in the stored chat, exactly as the app stores a finished turn.
import { expect, test, type Page } from '@playwright/test';
import { ENDLESS, TURN_1, TURN_1_MODULE, openApp, openSolverEditor, presetChat, presetSettings } from './app-helpers';


type Sent = { type: string; messages?: { role: string; content: string }[]; promptTokens?: number };

/** Records what the page sends to the inference worker and the context the worker gives the model. */
async function recordWorkerMessages(page: Page) {
  await page.addInitScript(() => {
    const log: unknown[] = [];
    (window as unknown as { workerLog: unknown[] }).workerLog = log;
    const Original = window.Worker;
    window.Worker = class extends Original {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        this.addEventListener('message', (e: MessageEvent) => {
          if (e.data?.type === 'context') log.push(e.data);
        });
      }
      postMessage(message: unknown, transfer?: unknown) {
        if ((message as { type?: string })?.type === 'start') log.push({ ...(message as object), type: 'page-start' });
        return transfer === undefined ? super.postMessage(message) : super.postMessage(message, transfer as Transferable[]);
      }
    };
  });
}

const workerLog = (page: Page): Promise<Sent[]> => page.evaluate(() => (window as unknown as { workerLog: Sent[] }).workerLog);

async function ask(page: Page, question: string) {
  const answers = page.locator('#chat-history .message.assistant');
  const before = await answers.count();
  await page.locator('#chat-input').fill(question);
  await page.locator('#chat-input').press('Enter');
  await expect(answers).toHaveCount(before + 1);
  await expect(answers.last()).toHaveAttribute('data-reason', /eos|max_tokens/);
}

test('a three-turn chat: each turn gets the previous turn whole and older turns without their modules', async ({ page, browserName }) => {
  await presetSettings(page, { temperature: 1, topP: 1, maxTokens: 6 });
  await presetChat(page);
  await recordWorkerMessages(page);
  await openApp(page, browserName);

  // The stored first turn is shown as steps: think line, module, computed value with its badge, marked answer.
  const first = page.locator('#chat-history .message.assistant').first();
  await expect(first).toHaveAttribute('data-state', 'done');
  await expect(first.locator('.turn-think')).toContainText('Multiply 17 by 23.');
  await expect(first.locator('.turn-module code')).toHaveText(TURN_1_MODULE);
  await expect(first.locator('.turn-module')).not.toHaveAttribute('open', '');
  await expect(first.locator('.turn-computed .computed-value')).toHaveText('391');
  await expect(first.locator('.turn-computed .badge')).toHaveText(/executed in this browser/);
  await expect(first.locator('.turn-final mark.computed-number')).toHaveText('391');
  await expect(first.locator('.turn-final')).toHaveText('17 times 23 is 391.');
  await expect(first.locator('.turn-raw pre')).toHaveText(TURN_1); // the raw text one click away
  await expect(first.locator('.turn-raw')).not.toHaveAttribute('open', '');

  await ask(page, 'A train travels 240 km in 3 hours. How fast is it?');
  await ask(page, 'What is 15% of 80?');

  const log = await workerLog(page);
  const contexts = log.filter((m) => m.type === 'context');
  const starts = log.filter((m) => m.type === 'page-start');
  expect(contexts).toHaveLength(2);
  expect(starts[1].messages!.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
  // Turn 2: the previous turn whole (the form the model is trained on).
  expect(contexts[0].messages![1].content).toBe(TURN_1);
  // Turn 3: the first turn reduced to its computed value and answer, no module; the second turn whole.
  const third = contexts[1].messages!;
  expect(third.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
  expect(third[1].content).toBe('<computed>391</computed>\n17 times 23 is 391.');
  expect(third.map((m) => m.content).join('\n')).not.toContain('<wat_model>');
  expect(third[3].content).toBe(starts[1].messages![3].content);
  expect(third[4].content).toBe('What is 15% of 80?');
  expect(contexts[1].promptTokens).toBeGreaterThan(0);
  await page.locator('#toggle-perf').click();
  await expect(page.locator('[data-metric="Chat context"]')).toHaveText(`5 messages, ${contexts[1].promptTokens} prompt tokens`);
  await expect(page.locator('#chat-note')).toBeHidden(); // this model takes earlier turns

  // The whole chat, with how each turn ended, survives a reload; "New chat" clears it for good.
  await page.getByRole('tab', { name: 'Math solver' }).click();
  await page.reload();
  await expect(page.getByRole('tab', { name: 'Math solver' })).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('tab', { name: 'Chat' }).click();
  await expect(page.locator('#chat-history .message.user')).toHaveText(['What is 17 times 23?', 'A train travels 240 km in 3 hours. How fast is it?', 'What is 15% of 80?']);
  await expect(page.locator('#chat-history .message.assistant')).toHaveCount(3);
  await expect(page.locator('#chat-history .message.assistant').first().locator('.turn-computed .computed-value')).toHaveText('391');
  await expect(page.locator('#loader')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  await page.locator('#chat-clear').click();
  await expect(page.locator('#chat-history .message')).toHaveCount(0);
  await page.reload();
  await expect(page.locator('#loader')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  await expect(page.locator('#chat-history .message')).toHaveCount(0);
});

test('a model trained on single questions is sent each question alone, and the chat says so', async ({ page, browserName }) => {
  await presetSettings(page, { temperature: 1, topP: 1, maxTokens: 6 });
  await presetChat(page);
  await recordWorkerMessages(page);
  await openApp(page, browserName, '&bundle=/bundle/single-question/manifest.json');
  await expect(page.locator('#chat-note')).toBeVisible();
  await expect(page.locator('#chat-note')).toHaveText(/trained on single questions: it answers each one on its own/);

  await ask(page, 'A train travels 240 km in 3 hours. How fast is it?');
  const log = await workerLog(page);
  // The page still sends the whole chat; the worker gives the model the question alone (the manifest's budget 0).
  expect(log.filter((m) => m.type === 'page-start')[0].messages!.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
  const [context] = log.filter((m) => m.type === 'context');
  expect(context.messages).toEqual([{ role: 'user', content: 'A train travels 240 km in 3 hours. How fast is it?' }]);
});

test('stopping shows a stopped state, never an answer: in the chat and while a module runs', async ({ page, browserName }) => {
  await presetSettings(page, { temperature: 1, topP: 1, maxTokens: 4000, timeoutMs: 60_000 });
  await openApp(page, browserName);
  await page.locator('#chat-input').fill('Tell me a very long story.');
  await page.locator('#chat-input').press('Enter');
  const answer = page.locator('#chat-history .message.assistant');
  await expect(answer.locator('.body')).not.toBeEmpty();
  await page.locator('#chat-stop').click();
  await expect(answer).toHaveAttribute('data-state', 'stopped');
  await expect(answer.locator('.turn-status')).toHaveText('Stopped: you stopped this answer before it was finished.');

  // A module that never ends, run by the model's protocol loop: Stop ends the module, and the answer says so.
  await openSolverEditor(page);
  await page.locator('#solver-wat-input').fill(ENDLESS);
  await page.locator('#solver-continue').click();
  await expect(page.locator('#solver-computed')).toHaveText('running…');
  await page.locator('#solver-stop').click();
  await expect(page.locator('#solver-final')).toHaveText('Stopped: you stopped this answer before it was finished.');
  await expect(page.locator('#step-final')).toHaveAttribute('data-state', 'error');
  await expect(page.locator('#solver-raw')).not.toContainText('<computed');
  // The same module run by hand: Stop stops it too, and the sandbox answers the next run.
  await page.locator('#solver-run').click();
  await expect(page.locator('#solver-computed')).toHaveText('running…');
  await expect(page.locator('#solver-final')).toBeEmpty(); // the earlier answer's steps are cleared
  await page.locator('#solver-stop').click();
  await expect(page.locator('#solver-computed')).toHaveText('Stopped: you stopped the module before it finished.');
  await expect(page.locator('#solver-provenance')).toHaveText('failed: stopped');
});

test('settings persist across a reload and Save says so', async ({ page, browserName }) => {
  await openApp(page, browserName);
  await page.locator('#toggle-settings').click();
  await page.locator('#set-temperature').evaluate((input: HTMLInputElement) => {
    input.value = '0.35';
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.locator('#settings-form button[type="submit"]').click();
  await expect(page.locator('#settings-saved')).toContainText('Saved at');
  await page.reload();
  await expect(page.locator('#set-temperature')).toHaveValue('0.35');
});

// 360 px: the narrowest common phone (Android); 390 px: iPhone 12–15.
for (const width of [360, 390]) {
  test(`at ${width} px wide no mode scrolls sideways, with both panels open`, async ({ page, browserName }) => {
    await page.setViewportSize({ width, height: 800 });
    await openApp(page, browserName);
    await page.locator('#toggle-perf').click();
    await page.locator('#toggle-settings').click();
    for (const mode of ['Chat', 'Math solver', 'Code completion']) {
      await page.getByRole('tab', { name: mode }).click();
      const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect(scroll, mode).toBeLessThanOrEqual(client);
    }
    // Settings and Performance are stacked, not overlapping.
    const perf = (await page.locator('#perf').boundingBox())!;
    const settings = (await page.locator('#settings').boundingBox())!;
    expect(perf.y + perf.height).toBeLessThanOrEqual(settings.y + 1);
  });
}

test('regenerate samples a new attempt even when the settings are greedy, and says so', async ({ page, browserName }) => {
  await presetSettings(page, { temperature: 0, maxTokens: 6 });
  await recordWorkerMessages(page);
  await openApp(page, browserName);
  await ask(page, 'Hello!');
  await page.locator('#chat-regenerate').click();
  const answer = page.locator('#chat-history .message.assistant');
  await expect(answer).toHaveCount(1);
  await expect(answer).toHaveAttribute('data-reason', /eos|max_tokens/);
  await expect(answer.locator('.badge.attempt')).toHaveText('attempt 2 (sampled)');
  const starts = (await workerLog(page)).filter((m) => m.type === 'page-start') as unknown as { options: { temperature: number; seed?: number } }[];
  expect(starts.map((s) => s.options.temperature)).toEqual([0, 0.7]);
  expect(typeof starts[1].options.seed).toBe('number');
  await page.locator('#toggle-settings').click();
  await expect(page.locator('#temperature-help')).toContainText('higher values sample more varied answers');
});

test('an answer bubble streams the module as it is written and shows "running…" while it runs', async ({ page, browserName }) => {
  // The tiny model writes no module, so the test streams a real turn into the view the chat uses, in small pieces.
  await openApp(page, browserName);
  const frames = await page.evaluate((turn) => {
    type View = { element: HTMLElement; render(text: string): void; setRunning(): void; finish(text: string, reason: string): string };
    const { TurnView } = (window as unknown as { worldmodel: { TurnView: new () => View } }).worldmodel;
    const view = new TurnView();
    document.getElementById('chat-history')!.append(view.element);
    const seen: { module: string; visible: boolean; final: string; computed: string }[] = [];
    const shot = () => {
      const module = view.element.querySelector<HTMLElement>('.turn-module')!;
      seen.push({ module: module.querySelector('code')!.textContent!, visible: !module.hidden, final: view.element.querySelector('.turn-final')!.textContent!, computed: view.element.querySelector('.turn-computed')!.textContent! });
    };
    const programEnd = turn.indexOf('</wat_model>') + '</wat_model>'.length;
    for (let end = 5; end < programEnd; end += 5) {
      view.render(turn.slice(0, end)); // what each frame of a streaming answer shows
      shot();
    }
    view.render(turn.slice(0, programEnd));
    view.setRunning();
    shot();
    view.finish(turn, 'eos');
    shot();
    return seen;
  }, TURN_1);
  const growing = frames.filter((f) => f.visible).map((f) => f.module.length);
  expect(growing.length).toBeGreaterThan(10); // the module is shown while it is written, not only at the end
  expect(new Set(growing).size).toBeGreaterThan(10);
  expect(frames.slice(0, -1).every((f) => f.final === '')).toBe(true); // no half block shown as the answer
  expect(frames.at(-2)!.computed).toBe('Computed: running…');
  expect(frames.at(-1)!.module).toBe(TURN_1_MODULE);
  expect(frames.at(-1)!.final).toBe('17 times 23 is 391.');
});

test('each way an answer can end has its own words and look, never the plain "done" one', async ({ page, browserName }) => {
  const mod = (body: string) => `<wat_model>\n${body}\n</wat_model>\n`;
  const stored = [
    { content: `${mod('(module (func')}<computed error="wat_syntax">unexpected end of input</computed>\nI could not compute the answer.`, reason: 'runtime_error', state: 'compile_error', words: 'The module did not compile (wat_syntax): nothing was run.' },
    { content: `${mod(TURN_1_MODULE)}<computed error="ZeroDivisionError">division by zero</computed>\nI could not compute the answer.`, reason: 'runtime_error', state: 'runtime_error', words: 'The module failed while running (ZeroDivisionError).' },
    { content: '<think>Multiply.</think>\n<wat_model>\n(module (func (export "main")', reason: 'max_tokens', generatedTokens: 12, state: 'cut', words: 'Cut at the token limit (12 tokens) while the module was still being written: nothing was run. Raise “Max new tokens” in Settings for a whole answer.' },
    { content: 'Once upon a time', reason: 'aborted', state: 'stopped', words: 'Stopped: you stopped this answer before it was finished.' },
    { content: TURN_1, reason: 'eos', state: 'done', words: '' },
  ];
  await page.addInitScript((turns) => {
    if (location.protocol.startsWith('http') && !sessionStorage.getItem('chat-preset')) {
      localStorage.setItem('worldmodel.chat', JSON.stringify({ turns: turns.flatMap((t) => [{ role: 'user', content: 'q' }, { role: 'assistant', ...t }]) }));
      sessionStorage.setItem('chat-preset', '1');
    }
  }, stored);
  await openApp(page, browserName);
  const bubbles = page.locator('#chat-history .message.assistant');
  await expect(bubbles).toHaveCount(stored.length);
  const backgrounds = new Set<string>();
  for (const [i, turn] of stored.entries()) {
    await expect(bubbles.nth(i)).toHaveAttribute('data-state', turn.state);
    await expect(bubbles.nth(i).locator('.turn-status')).toHaveText(turn.words);
    backgrounds.add(await bubbles.nth(i).evaluate((el) => getComputedStyle(el).backgroundColor));
  }
  expect(backgrounds.size).toBe(3); // warning (stopped, cut), error (compile, runtime), done
  await expect(bubbles.nth(1).locator('.turn-computed .badge')).toHaveText('failed: ZeroDivisionError');
  await expect(bubbles.nth(1).locator('.turn-final mark')).toHaveCount(0);
});
