// The WorldModel app: chat, math solver and code completion on top of the WorldModel API.
import './style.css';
import { registerSW } from 'virtual:pwa-register';
import { Sandbox } from '../worker/sandbox';
import { CONTEXT_BUDGET, SINGLE_QUESTION, SINGLE_QUESTION_NOTE, WorldModel, clearBundleCache, fitHistory, type GenerateOptions, type GenerationStats, type LoadProgress, type RunResult } from '../worker/worldmodel';
import { computedBlock, parseAnswer } from '../worker/protocol';
import { voteSummary } from '../worker/voting';
import { highlightInto } from './highlight';
import { renderFinal } from './render';
import { setPerf, showGenerationStats, showLoadInfo } from './perf';
import { loadSettings, saveSettings, type Settings } from './settings';
import { loadChat, loadUi, saveChat, saveUi, type StoredTurn } from './chat-store';
import { TurnView, outcome, partialAnswer } from './turn-view';
import { ReleaseUpdates, clientId, type UpdateNotice } from './updates';
import { cachePyodideFiles } from './pyodide-cache';
import { programFromHash } from './share-link';
import type { PythonPane } from './python-pane';
import { UsageCounts } from './analytics';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
let settings: Settings = loadSettings();
const usage = new UsageCounts(settings.analytics);
let model: WorldModel | null = null;
let busy = false;
/** performance.now() when the model became ready: page navigation to first possible answer. */
let readyAt: number | null = null;
/** The Python pane, created when its mode is first opened (it may be the mode restored at startup). */
let pythonPane: Promise<PythonPane> | null = null;
/** The pane's own WAT sandbox worker: it runs converted programs whether or not the model has loaded. */
let paneSandbox: Sandbox | null = null;

// ---------- service worker (offline) ----------
if ('serviceWorker' in navigator) registerSW({ immediate: true });
const showNetwork = () => {
  $('network-state').textContent = navigator.onLine ? 'online' : 'offline';
  $('network-state').className = `badge ${navigator.onLine ? 'ok' : 'warn'}`;
};
addEventListener('online', showNetwork);
addEventListener('offline', showNetwork);
showNetwork();

// ---------- modes, drafts and panels (the mode and unsent text survive a reload) ----------
const ui = loadUi();
function showMode(mode: string) {
  for (const t of document.querySelectorAll<HTMLButtonElement>('[data-mode]')) {
    t.setAttribute('aria-selected', String(t.dataset.mode === mode));
    t.tabIndex = t.dataset.mode === mode ? 0 : -1;
  }
  for (const section of document.querySelectorAll<HTMLElement>('.mode')) section.hidden = section.id !== `mode-${mode}`;
  ui.mode = mode;
  saveUi(ui);
  if (mode === 'python') void openPythonPane();
}
const tabs = [...document.querySelectorAll<HTMLButtonElement>('[data-mode]')];
for (const tab of tabs) {
  tab.addEventListener('click', () => showMode(tab.dataset.mode!));
  // The tab list's keyboard pattern: arrows move between tabs and select them.
  tab.addEventListener('keydown', (event) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    const next = tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length];
    showMode(next.dataset.mode!);
    next.focus();
  });
}
// A share link (#python=…) opens the Python pane with its program.
showMode(programFromHash() !== null ? 'python' : document.querySelector(`[data-mode="${ui.mode}"]`) ? ui.mode : 'chat');
function saveDraft(id: string, value: string) {
  ui.drafts[id] = value;
  saveUi(ui);
}
for (const id of ['chat-input', 'solver-question']) {
  const input = $<HTMLTextAreaElement>(id);
  input.value = ui.drafts[id] ?? '';
  input.addEventListener('input', () => saveDraft(id, input.value));
}
for (const [button, panel] of [['toggle-perf', 'perf'], ['toggle-settings', 'settings']] as const) {
  $(button).addEventListener('click', () => {
    $(panel).hidden = !$(panel).hidden;
    $(button).setAttribute('aria-expanded', String(!$(panel).hidden));
  });
}

// ---------- release channel: updates, rollback, A/B variant (updates.ts) ----------
function showReleaseNotice(notice: UpdateNotice) {
  const status = $('release-status');
  status.dataset.kind = notice.kind;
  status.textContent = notice.text;
  if (notice.switchNow) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Switch now';
    button.addEventListener('click', () => location.reload()); // the start switches to the downloaded version
    status.append(' ', button);
  }
}
function followChannel(): ReleaseUpdates | null {
  if (!settings.channel) return null;
  try {
    return new ReleaseUpdates(settings.channel, settings.channelName, settings.variant, showReleaseNotice);
  } catch (e) {
    showReleaseNotice({ text: `The release channel setting is not a URL (${(e as Error).message}); loading the bundle setting instead.`, kind: 'error' });
    return null;
  }
}
const updates = followChannel();

function showVariants() {
  if (!updates) return;
  const select = $<HTMLSelectElement>('set-variant');
  select.replaceChildren(new Option(`assigned (${updates.assignedVariant || '?'})`, ''), ...updates.variants.map((v) => new Option(v.name, v.name)));
  select.value = updates.variants.some((v) => v.name === settings.variant) ? settings.variant : '';
  $('variant-assigned').textContent = `${updates.assignedVariant || '?'} (browser id ${clientId().slice(0, 8)}…)`;
  const current = updates.current;
  if (current) setPerf('Model release', `${current.version} · channel ${updates.channelName} · variant ${current.variant}`);
}

// ---------- settings ----------
const settingInputs = {
  temperature: $<HTMLInputElement>('set-temperature'),
  topP: $<HTMLInputElement>('set-top-p'),
  maxTokens: $<HTMLInputElement>('set-max-tokens'),
  threads: $<HTMLInputElement>('set-threads'),
  timeoutMs: $<HTMLInputElement>('set-timeout'),
  bundle: $<HTMLInputElement>('set-bundle'),
  votes: $<HTMLInputElement>('set-votes'),
  retries: $<HTMLInputElement>('set-retries'),
};
const settingChecks = { grammar: $<HTMLInputElement>('set-grammar'), jumpForward: $<HTMLInputElement>('set-jump-forward'), analytics: $<HTMLInputElement>('set-analytics') };
for (const [key, input] of Object.entries(settingInputs)) input.value = String(settings[key as keyof Settings]);
for (const [key, input] of Object.entries(settingChecks)) input.checked = settings[key as keyof typeof settingChecks];
if (!settings.maxTokens) settingInputs.maxTokens.value = ''; // empty: the bundle's default, shown as the placeholder
const releaseInputs = { channel: $<HTMLInputElement>('set-channel'), channelName: $<HTMLSelectElement>('set-channel-name'), variant: $<HTMLSelectElement>('set-variant') };
releaseInputs.channel.value = settings.channel;
releaseInputs.channelName.value = settings.channelName;
$('settings-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const channel = releaseInputs.channel.value.trim();
  const channelName = releaseInputs.channelName.value === 'beta' ? 'beta' : 'stable';
  const variant = releaseInputs.variant.value;
  const needsReload =
    Number(settingInputs.threads.value) !== settings.threads ||
    (settingInputs.bundle.value.trim() || 'bundle/manifest.json') !== settings.bundle ||
    channel !== settings.channel ||
    channelName !== settings.channelName;
  const variantChanged = variant !== settings.variant;
  settings = {
    channel,
    channelName,
    variant,
    temperature: Number(settingInputs.temperature.value),
    topP: Number(settingInputs.topP.value),
    maxTokens: Number(settingInputs.maxTokens.value),
    threads: Number(settingInputs.threads.value),
    timeoutMs: Number(settingInputs.timeoutMs.value),
    bundle: settingInputs.bundle.value.trim() || 'bundle/manifest.json',
    grammar: settingChecks.grammar.checked,
    jumpForward: settingChecks.jumpForward.checked,
    votes: Math.max(1, Math.round(Number(settingInputs.votes.value) || 1)),
    retries: Math.max(0, Math.round(Number(settingInputs.retries.value) || 0)),
    analytics: settingChecks.analytics.checked,
  };
  saveSettings(settings);
  usage.setEnabled(settings.analytics);
  if (model) Object.assign(model.sandbox.limits, { timeoutMs: settings.timeoutMs });
  if (updates && variantChanged && !needsReload) {
    // The other variant downloads in the background and is offered like an update.
    updates.variantOverride = variant;
    void updates.checkForUpdate().then(showVariants);
  }
  if (paneSandbox) Object.assign(paneSandbox.limits, { timeoutMs: settings.timeoutMs });
  $('settings-saved').textContent = `Saved at ${new Date().toLocaleTimeString()}.${needsReload ? ' Threads and the bundle apply after a reload. ' : ''}`;
  if (needsReload) {
    const reload = document.createElement('button');
    reload.type = 'button';
    reload.textContent = 'Reload now';
    reload.addEventListener('click', () => location.reload());
    $('settings-saved').append(reload);
  }
});
$('clear-model').addEventListener('click', async () => {
  await clearBundleCache();
  $('load-status').textContent = 'The downloaded model was deleted; reload to download it again.';
});

const generateOptions = (extra: Partial<GenerateOptions> = {}): GenerateOptions => ({
  maxTokens: settings.maxTokens || undefined, // undefined: the bundle's default
  temperature: settings.temperature,
  topP: settings.topP,
  grammar: settings.grammar,
  jumpForward: settings.jumpForward,
  votes: settings.votes,
  retries: settings.retries,
  ...extra,
});

function setBusy(value: boolean) {
  busy = value;
  const ready = model !== null && !busy;
  for (const id of ['chat-send', 'chat-regenerate', 'solver-solve', 'solver-run', 'solver-continue', 'code-complete'])
    $<HTMLButtonElement>(id).disabled = !ready;
  for (const id of ['chat-stop', 'solver-stop', 'code-stop']) $<HTMLButtonElement>(id).disabled = !busy;
  if (!history.length) $<HTMLButtonElement>('chat-regenerate').disabled = true;
}

// ---------- loading ----------
const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
function logLoadEvent(text: string, kind: string) {
  const li = document.createElement('li');
  li.textContent = text;
  li.className = kind;
  $('load-events').append(li);
}

const STAGE_WORDS: Record<Extract<LoadProgress, { kind: 'stage' }>['stage'], string> = {
  download: 'Downloading',
  verify: 'Verifying (SHA-256)',
  decompress: 'Decompressing',
  session: 'Creating the inference session (compiling the model for this device)',
};

function onProgress(p: LoadProgress) {
  const bar = $<HTMLProgressElement>('load-progress');
  if (p.kind === 'manifest') $('load-status').textContent = `Loading the model${p.fromCache ? ' (offline copy)' : ''}…`;
  else if (p.kind === 'bytes') {
    bar.max = p.total;
    bar.value = p.loaded;
    $('load-detail').textContent = `${mb(p.loaded)} / ${mb(p.total)} · ${p.filesDone}/${p.filesTotal} files`;
  } else if (p.kind === 'integrity') logLoadEvent(`Integrity check failed: ${p.message} (attempt ${p.attempt})`, 'integrity');
  else if (p.kind === 'retry') logLoadEvent(`Retrying ${p.file}: ${p.message}`, 'retry');
  else if (p.kind === 'warning') logLoadEvent(p.message, 'warning');
  else if (p.kind === 'stage') $('load-stage').textContent = `${STAGE_WORDS[p.stage]}${p.file ? ` ${p.file}` : ''}…`;
}

/** The manifest to load: the release channel's current version when one is set, else the bundle setting. */
async function startupManifest(): Promise<string> {
  return updates ? await updates.startupManifest() : settings.bundle;
}

async function loadModel() {
  $('load-status').textContent = 'Fetching the model manifest…';
  try {
    let manifestUrl = await startupManifest();
    for (;;) {
      try {
        model = await WorldModel.load(manifestUrl, { onProgress, threads: settings.threads, sandboxLimits: { timeoutMs: settings.timeoutMs } });
        break;
      } catch (e) {
        // A new version that fails to load is rolled back to the one it replaced (updates.ts says so).
        const previous = updates?.rollback(manifestUrl, e as Error & { code?: string });
        if (!previous) throw e;
        manifestUrl = previous.manifestUrl;
      }
    }
    const info = model.info;
    readyAt = performance.now();
    setPerf('Time to ready', `${(readyAt / 1000).toFixed(2)} s since navigation`);
    $('load-status').textContent = `Model ready: ${info.modelId} (${(info.loadMs / 1000).toFixed(1)} s)`;
    $('loader').dataset.state = 'ready';
    showLoadInfo(info);
    settingInputs.maxTokens.placeholder = String(info.maxNewTokens);
    // A model trained on single questions is sent each question alone (chat-context.ts): say so where people type.
    $('chat-note').textContent = info.contextBudget === SINGLE_QUESTION ? SINGLE_QUESTION_NOTE : '';
    $('chat-note').hidden = info.contextBudget !== SINGLE_QUESTION;
    if (updates) {
      showVariants();
      void updates.checkForUpdate().then(showVariants);
    }
  } catch (e) {
    usage.count('load_error');
    $('loader').dataset.state = 'error';
    $('load-status').textContent = `Could not load the model: ${(e as Error).message}`;
    const retry = document.createElement('button');
    retry.type = 'button';
    retry.textContent = 'Try again';
    retry.addEventListener('click', () => location.reload()); // files already saved are kept: only the rest is fetched
    $('load-status').append(' ', retry);
  }
  $('load-stage').textContent = '';
  setBusy(false);
  // Only now, with the model loaded, the Python pane's files are copied for offline use (never competing with it).
  setTimeout(() => {
    cachePyodideFiles()
      .then((state) => (document.documentElement.dataset.pythonOffline = state))
      .catch(() => (document.documentElement.dataset.pythonOffline = 'failed'));
  }, 0);
}

// ---------- chat ----------
/** Regenerate samples even when the settings are greedy (temperature 0 would repeat the same answer). */
const REGENERATE_TEMPERATURE = 0.7;
const history: StoredTurn[] = loadChat();

function addUserBubble(text: string) {
  const li = document.createElement('li');
  li.className = 'message user';
  const body = document.createElement('div');
  body.className = 'body';
  body.textContent = text;
  li.append(body);
  $('chat-history').append(li);
  li.scrollIntoView({ block: 'end' });
}

/** One generation with the buttons set for it; `failed` shows an error it throws. Nothing runs before a model loads. */
async function generating(failed: (message: string) => void, run: (running: WorldModel) => Promise<void>) {
  const running = model;
  if (!running) return;
  setBusy(true);
  try {
    await run(running);
  } catch (e) {
    failed(`Error: ${(e as Error).message}`);
  } finally {
    setBusy(false);
  }
}

/** A finished generation: its speeds in the perf panel, and the moment a waiting update may be offered. */
function generationDone(stats: GenerationStats) {
  showGenerationStats(stats);
  void updates?.answered();
}

function addAnswerBubble(attempt = 1): TurnView {
  const view = new TurnView(attempt);
  $('chat-history').append(view.element);
  view.element.scrollIntoView({ block: 'end' });
  return view;
}

for (const turn of history) {
  if (turn.role === 'user') addUserBubble(turn.content);
  else addAnswerBubble(turn.attempt).finish(turn.content, turn.reason ?? 'eos', turn.generatedTokens);
}

async function answerChat(attempt = 1) {
  if (!model) return;
  const view = addAnswerBubble(attempt);
  const extra: Partial<GenerateOptions> =
    attempt > 1 ? { temperature: settings.temperature > 0 ? settings.temperature : REGENERATE_TEMPERATURE, seed: Math.floor(Math.random() * 2 ** 31) } : {};
  let text = '';
  await generating((message) => view.finish(message, 'error'), async (running) => {
    const messages = history.map(({ role, content }) => ({ role, content }));
    for await (const event of running.generate(messages, generateOptions(extra))) {
      if (event.type === 'context') setPerf('Chat context', `${event.messages.length} message${event.messages.length === 1 ? '' : 's'}, ${event.promptTokens} prompt tokens`);
      else if (event.type === 'token') view.update((text += event.text));
      else if (event.type === 'wat') view.setRunning();
      else if (event.type === 'vote') view.setVote(voteSummary(event.vote));
      else if (event.type === 'computed') {
        if (!event.result.ok) usage.count('compute_error');
        view.setResult(event.result);
        view.update((text += `\n${event.block}\n`));
      } else if (event.type === 'done') {
        text = event.text;
        view.finish(text, event.reason, event.stats.generatedTokens);
        history.push({ role: 'assistant', content: text, reason: event.reason, generatedTokens: event.stats.generatedTokens, attempt });
        saveChat(history);
        if (event.reason !== 'aborted') usage.count('answer');
        generationDone(event.stats);
      }
    }
  });
}

$('chat-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $<HTMLTextAreaElement>('chat-input');
  const text = input.value.trim();
  if (!text || busy || !model) return;
  input.value = '';
  saveDraft('chat-input', '');
  history.push({ role: 'user', content: text });
  saveChat(history);
  addUserBubble(text);
  void answerChat();
});
$('chat-input').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    $<HTMLFormElement>('chat-form').requestSubmit();
  }
});
$('chat-stop').addEventListener('click', () => model?.stop());
$('chat-regenerate').addEventListener('click', () => {
  const last = history.at(-1);
  if (busy || last?.role !== 'assistant') return;
  history.pop();
  $('chat-history').lastElementChild?.remove();
  void answerChat((last.attempt ?? 1) + 1);
});
$('chat-clear').addEventListener('click', () => {
  if (busy) return;
  history.length = 0;
  saveChat(history);
  $('chat-history').replaceChildren();
  setBusy(false);
  $('chat-input').focus();
});

// ---------- solver ----------
function resetSolver() {
  for (const id of ['solver-think', 'solver-computed', 'solver-final', 'solver-wat', 'solver-raw', 'solver-provenance']) $(id).textContent = '';
  $('solver-vote').hidden = true;
  $('solver-provenance').className = 'badge';
  for (const step of document.querySelectorAll<HTMLElement>('.step')) step.dataset.state = 'pending';
}

function showComputed(result: RunResult, origin: string) {
  $('step-computed').dataset.state = result.ok ? 'done' : 'error';
  $('solver-computed').textContent = result.ok
    ? result.computedText
    : result.errorKind === 'stopped'
      ? 'Stopped: you stopped the module before it finished.'
      : result.errorKind === 'timeout'
      ? `Stopped: the module ran longer than ${model?.sandbox.limits.timeoutMs ?? '?'} ms (timeout: ${result.errorMessage}). The sandbox was restarted.`
      : `${result.errorKind}: ${result.errorMessage}`;
  const badge = $('solver-provenance');
  badge.textContent = result.ok ? `executed ${origin} · ${result.ms.toFixed(1)} ms` : `failed: ${result.errorKind}`;
  badge.className = `badge ${result.ok ? 'ok' : 'warn'}`;
  badge.title = computedBlock(result);
}

function showWat(wat: string) {
  highlightInto($('solver-wat'), wat, 'wasm');
  $<HTMLTextAreaElement>('solver-wat-input').value = wat;
  $('step-wat').dataset.state = 'done';
}

/** `userModule`: the module came from the editor, so its failure is the user's, not the model's. */
async function solve(question: string, options: GenerateOptions, userModule = false) {
  let raw = '';
  let computedText: string | null = null;
  let shownWat = '';
  await generating((message) => ($('solver-final').textContent = message), async (running) => {
    for await (const event of running.generate(question, generateOptions(options))) {
      if (event.type === 'token') {
        raw += event.text;
        $('solver-raw').textContent = raw;
        // The think line and the module appear as they are written.
        const partial = partialAnswer(raw);
        if (partial.think !== null && $('step-think').dataset.state !== 'done') $('solver-think').textContent = partial.think;
        if (partial.program !== null && !partial.programClosed && partial.program !== shownWat) {
          shownWat = partial.program;
          highlightInto($('solver-wat'), shownWat, 'wasm');
          $('step-wat').dataset.state = 'streaming';
        }
      } else if (event.type === 'think') {
        $('solver-think').textContent = event.text;
        $('step-think').dataset.state = 'done';
      } else if (event.type === 'wat') {
        showWat(event.wat);
        $('step-computed').dataset.state = 'streaming';
        $('solver-computed').textContent = 'running…';
      } else if (event.type === 'computed') {
        raw += `\n${event.block}\n`;
        if (!event.result.ok) usage.count('compute_error');
        computedText = event.result.ok ? event.result.computedText : null;
        showComputed(event.result, userModule ? 'your module, in this browser' : 'in this browser');
      } else if (event.type === 'vote') {
        $('solver-vote').textContent = voteSummary(event.vote);
        $('solver-vote').hidden = false;
      } else if (event.type === 'done') {
        if (event.reason !== 'aborted') usage.count('answer');
        $('solver-raw').textContent = event.text;
        const a = event.answer;
        if (!$('solver-vote').hidden && a.wat !== null) {
          // The chosen program may be another than the one streamed: show the one the answer used.
          showWat(a.wat);
          if (a.computed !== null && a.computedError === null) $('solver-computed').textContent = (computedText = a.computed);
        }
        if (a.think !== null && !$('solver-think').textContent) $('solver-think').textContent = a.think;
        if (a.wat !== null && $('step-wat').dataset.state !== 'done') showWat(a.wat);
        const { state, label } = outcome(event.reason, a, event.stats.generatedTokens);
        $('step-final').dataset.state = state === 'done' ? 'done' : 'error';
        if (state === 'done') {
          $('solver-final').dataset.marked = String(renderFinal($('solver-final'), a.final || event.text, computedText));
          if (a.wat === null && a.bytelog === null) $('solver-computed').textContent = 'The model answered without writing a module.';
        } else {
          const said = userModule && (state === 'runtime_error' || state === 'compile_error') ? label.replace('The module', 'Your module') : label;
          $('solver-final').textContent = state === 'cut' && a.final ? `${said}\nWritten so far: ${a.final}` : said;
          if ($('step-wat').dataset.state === 'streaming') $('step-wat').dataset.state = 'error';
          if (!$('solver-computed').textContent) $('solver-computed').textContent = 'Nothing was run.';
        }
        generationDone(event.stats);
      }
    }
  });
}

$('solver-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const question = $<HTMLTextAreaElement>('solver-question').value.trim();
  if (!question || busy) return;
  resetSolver();
  void solve(question, {});
});
$('solver-stop').addEventListener('click', () => model?.stop());
$('solver-run').addEventListener('click', async () => {
  if (!model || busy) return;
  setBusy(true);
  try {
    const wat = $<HTMLTextAreaElement>('solver-wat-input').value;
    resetSolver(); // the steps of an earlier answer do not belong to this run
    highlightInto($('solver-wat'), wat, 'wasm');
    $('step-wat').dataset.state = 'done';
    $('step-computed').dataset.state = 'streaming';
    $('solver-computed').textContent = 'running…';
    $<HTMLTextAreaElement>('solver-wat-input').value = wat;
    showComputed(await model.runWat(wat), 'your module, in this browser');
  } finally {
    setBusy(false);
  }
});
$('solver-continue').addEventListener('click', () => {
  if (!model || busy) return;
  const question = $<HTMLTextAreaElement>('solver-question').value.trim();
  const wat = $<HTMLTextAreaElement>('solver-wat-input').value.trim();
  const think = $('solver-think').textContent ?? '';
  resetSolver();
  const prefix = `${think ? `<think>${think}</think>\n` : ''}<wat_model>\n${wat}\n</wat_model>`;
  void solve(question || 'Compute the result of this module.', { assistantPrefix: prefix }, true);
});

// ---------- Python pane (its code, CodeMirror and Pyodide load when the mode is first opened) ----------
function openPythonPane(): Promise<PythonPane> {
  pythonPane ??= import('./python-pane').then(({ PythonPane }) => {
    paneSandbox = new Sandbox({ timeoutMs: settings.timeoutMs });
    return new PythonPane({ sandbox: paneSandbox, useAsModelProgram });
  });
  return pythonPane;
}

/** The pane's module goes to the solver, which runs it and lets the model answer from the computed value. */
function useAsModelProgram(wat: string) {
  showMode('solver');
  resetSolver(); // an earlier answer's think line would otherwise become this one's prefix
  $<HTMLTextAreaElement>('solver-wat-input').value = wat;
  $<HTMLDetailsElement>('solver-edit').open = true;
  highlightInto($('solver-wat'), wat, 'wasm');
  if (model && !busy) $('solver-continue').click();
  else $('solver-final').textContent = 'The module is ready below: "Run and let the model answer" once the model has loaded.';
}

// ---------- code completion ----------
$('code-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (busy) return;
  const language = $<HTMLSelectElement>('code-language').value as 'wasm' | 'python';
  const source = $<HTMLTextAreaElement>('code-input').value;
  let completion = '';
  await generating((message) => ($('code-output').textContent = message), async (running) => {
    for await (const e of running.generate(source, generateOptions({ raw: true, execute: false }))) {
      if (e.type === 'token') {
        completion += e.text;
        const prompt = document.createElement('span');
        prompt.className = 'prompt-text';
        prompt.textContent = source;
        const added = document.createElement('span');
        added.className = 'completion-text';
        highlightInto(added, completion, language);
        $('code-output').replaceChildren(prompt, added);
      } else if (e.type === 'done') {
        generationDone(e.stats);
      }
    }
  });
});
$('code-stop').addEventListener('click', () => model?.stop());

setPerf('Hardware threads', String(navigator.hardwareConcurrency || '?'));
setBusy(false);
void loadModel();

// The e2e tests and the benchmark drive the same API the UI uses.
// `grammar` loads web-xgrammar only when asked (the grammar conformance test; the inference worker has its own copy).
(window as unknown as { worldmodel: unknown }).worldmodel = { get model() { return model; }, get readyAt() { return readyAt; }, updates, usage, WorldModel, Sandbox, parseAnswer, fitHistory, CONTEXT_BUDGET, TurnView, openPythonPane, grammar: () => import('../worker/grammar') };
