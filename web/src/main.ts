// The WorldModel app: chat, math solver and code completion on top of the WorldModel API.
import './style.css';
import { registerSW } from 'virtual:pwa-register';
import { Sandbox } from '../worker/sandbox';
import { WorldModel, clearBundleCache, type ChatMessage, type GenerateOptions, type GenerationEvent, type LoadProgress, type RunResult } from '../worker/worldmodel';
import { computedBlock, parseAnswer } from '../worker/protocol';
import { highlightInto } from './highlight';
import { renderFinal } from './render';
import { setPerf, showGenerationStats, showLoadInfo } from './perf';
import { loadSettings, saveSettings, type Settings } from './settings';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
let settings: Settings = loadSettings();
let model: WorldModel | null = null;
let busy = false;
/** performance.now() when the model became ready: page navigation to first possible answer. */
let readyAt: number | null = null;

// ---------- service worker (offline) ----------
if ('serviceWorker' in navigator) registerSW({ immediate: true });
const showNetwork = () => {
  $('network-state').textContent = navigator.onLine ? 'online' : 'offline';
  $('network-state').className = `badge ${navigator.onLine ? 'ok' : 'warn'}`;
};
addEventListener('online', showNetwork);
addEventListener('offline', showNetwork);
showNetwork();

// ---------- modes and panels ----------
for (const tab of document.querySelectorAll<HTMLButtonElement>('[data-mode]')) {
  tab.addEventListener('click', () => {
    for (const t of document.querySelectorAll<HTMLButtonElement>('[data-mode]')) t.setAttribute('aria-selected', String(t === tab));
    for (const section of document.querySelectorAll<HTMLElement>('.mode')) section.hidden = section.id !== `mode-${tab.dataset.mode}`;
  });
}
for (const [button, panel] of [['toggle-perf', 'perf'], ['toggle-settings', 'settings']] as const) {
  $(button).addEventListener('click', () => {
    $(panel).hidden = !$(panel).hidden;
    $(button).setAttribute('aria-expanded', String(!$(panel).hidden));
  });
}

// ---------- settings ----------
const settingInputs = {
  temperature: $<HTMLInputElement>('set-temperature'),
  topP: $<HTMLInputElement>('set-top-p'),
  maxTokens: $<HTMLInputElement>('set-max-tokens'),
  threads: $<HTMLInputElement>('set-threads'),
  timeoutMs: $<HTMLInputElement>('set-timeout'),
  bundle: $<HTMLInputElement>('set-bundle'),
};
for (const [key, input] of Object.entries(settingInputs)) input.value = String(settings[key as keyof Settings]);
if (!settings.maxTokens) settingInputs.maxTokens.value = ''; // empty: the bundle's default, shown as the placeholder
$('settings-form').addEventListener('submit', (event) => {
  event.preventDefault();
  settings = {
    temperature: Number(settingInputs.temperature.value),
    topP: Number(settingInputs.topP.value),
    maxTokens: Number(settingInputs.maxTokens.value),
    threads: Number(settingInputs.threads.value),
    timeoutMs: Number(settingInputs.timeoutMs.value),
    bundle: settingInputs.bundle.value.trim() || 'bundle/manifest.json',
  };
  saveSettings(settings);
  if (model) Object.assign(model.sandbox.limits, { timeoutMs: settings.timeoutMs });
});
$('clear-model').addEventListener('click', async () => {
  await clearBundleCache();
  $('load-status').textContent = 'The downloaded model was deleted; reload to download it again.';
});

const generateOptions = (extra: Partial<GenerateOptions> = {}): GenerateOptions => ({
  maxTokens: settings.maxTokens || undefined, // undefined: the bundle's default
  temperature: settings.temperature,
  topP: settings.topP,
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
}

async function loadModel() {
  $('load-status').textContent = 'Fetching the model manifest…';
  try {
    model = await WorldModel.load(settings.bundle, { onProgress, threads: settings.threads, sandboxLimits: { timeoutMs: settings.timeoutMs } });
    const info = model.info;
    readyAt = performance.now();
    setPerf('Time to ready', `${(readyAt / 1000).toFixed(2)} s since navigation`);
    $('load-status').textContent = `Model ready: ${info.modelId} (${(info.loadMs / 1000).toFixed(1)} s)`;
    $('loader').dataset.state = 'ready';
    showLoadInfo(info);
    settingInputs.maxTokens.placeholder = String(info.maxNewTokens);
  } catch (e) {
    $('loader').dataset.state = 'error';
    $('load-status').textContent = `Could not load the model: ${(e as Error).message}`;
  }
  setBusy(false);
}

// ---------- chat ----------
const history: ChatMessage[] = [];

function addBubble(role: 'user' | 'assistant', text: string): HTMLElement {
  const li = document.createElement('li');
  li.className = `message ${role}`;
  const body = document.createElement('div');
  body.className = 'body';
  body.textContent = text;
  li.append(body);
  $('chat-history').append(li);
  li.scrollIntoView({ block: 'end' });
  return li;
}

/** Streams one answer into a chat bubble; module runs appear inline with their computed value. */
async function streamInto(bubble: HTMLElement, events: AsyncGenerator<GenerationEvent>): Promise<string> {
  const body = bubble.querySelector<HTMLElement>('.body')!;
  let text = '';
  for await (const event of events) {
    if (event.type === 'token') {
      text += event.text;
      body.textContent = text;
    } else if (event.type === 'computed') {
      text += `\n${event.block}\n`;
      body.textContent = text;
      const badge = document.createElement('div');
      badge.className = `computed ${event.result.ok ? 'ok' : 'error'}`;
      badge.textContent = event.result.ok ? `computed: ${event.result.computedText}` : `module failed (${event.result.errorKind}): ${event.result.errorMessage}`;
      bubble.append(badge);
    } else if (event.type === 'done') {
      text = event.text;
      body.textContent = text;
      bubble.dataset.reason = event.reason;
      showGenerationStats(event.stats);
    }
  }
  return text;
}

async function answerChat() {
  if (!model) return;
  setBusy(true);
  const bubble = addBubble('assistant', '');
  bubble.classList.add('streaming');
  try {
    const text = await streamInto(bubble, model.generate([...history], generateOptions()));
    history.push({ role: 'assistant', content: text });
  } catch (e) {
    bubble.querySelector('.body')!.textContent = `Error: ${(e as Error).message}`;
  } finally {
    bubble.classList.remove('streaming');
    setBusy(false);
  }
}

$('chat-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $<HTMLTextAreaElement>('chat-input');
  const text = input.value.trim();
  if (!text || busy || !model) return;
  input.value = '';
  history.push({ role: 'user', content: text });
  addBubble('user', text);
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
  if (busy || history.at(-1)?.role !== 'assistant') return;
  history.pop();
  $('chat-history').lastElementChild?.remove();
  void answerChat();
});
$('chat-clear').addEventListener('click', () => {
  if (busy) return;
  history.length = 0;
  $('chat-history').replaceChildren();
  setBusy(false);
});

// ---------- solver ----------
function resetSolver() {
  for (const id of ['solver-think', 'solver-computed', 'solver-final', 'solver-wat', 'solver-raw', 'solver-provenance']) $(id).textContent = '';
  $('solver-provenance').className = 'badge';
  for (const step of document.querySelectorAll<HTMLElement>('.step')) step.dataset.state = 'pending';
}

function showComputed(result: RunResult, origin: string) {
  $('step-computed').dataset.state = result.ok ? 'done' : 'error';
  $('solver-computed').textContent = result.ok
    ? result.computedText
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

async function solve(question: string, options: GenerateOptions) {
  if (!model) return;
  setBusy(true);
  let raw = '';
  let computedText: string | null = null;
  try {
    for await (const event of model.generate(question, generateOptions(options))) {
      if (event.type === 'token') {
        raw += event.text;
        $('solver-raw').textContent = raw;
      } else if (event.type === 'think') {
        $('solver-think').textContent = event.text;
        $('step-think').dataset.state = 'done';
      } else if (event.type === 'wat') showWat(event.wat);
      else if (event.type === 'computed') {
        raw += `\n${event.block}\n`;
        computedText = event.result.ok ? event.result.computedText : null;
        showComputed(event.result, 'in this browser');
      } else if (event.type === 'done') {
        $('solver-raw').textContent = event.text;
        const a = event.answer;
        if (a.think !== null && !$('solver-think').textContent) $('solver-think').textContent = a.think;
        if (a.wat !== null && !$('solver-wat').textContent) showWat(a.wat);
        const marked = renderFinal($('solver-final'), a.final || event.text, computedText);
        $('step-final').dataset.state = 'done';
        $('solver-final').dataset.marked = String(marked);
        const openModule = a.wat === null ? event.text.lastIndexOf('<wat_model>') : -1;
        if (openModule >= 0 && event.reason === 'max_tokens') {
          // Cut off mid-module: show what was written, run nothing, and say how to get a whole answer.
          showWat(event.text.slice(openModule + '<wat_model>'.length).trim());
          $('step-wat').dataset.state = 'error';
          const limit = `Stopped at the token limit (${event.stats.generatedTokens} tokens) while the model was still writing the module: nothing was run. Raise “Max new tokens” in Settings and ask again.`;
          $('solver-computed').textContent = 'Nothing was run: the module is incomplete.';
          $('solver-final').textContent = limit;
          $('step-final').dataset.state = 'error';
        } else if (a.wat === null) $('solver-computed').textContent = 'The model answered without writing a module.';
        showGenerationStats(event.stats);
      }
    }
  } catch (e) {
    $('solver-final').textContent = `Error: ${(e as Error).message}`;
  } finally {
    setBusy(false);
  }
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
    const result = await model.runWat($<HTMLTextAreaElement>('solver-wat-input').value);
    highlightInto($('solver-wat'), $<HTMLTextAreaElement>('solver-wat-input').value, 'wasm');
    showComputed(result, 'in this browser');
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
  void solve(question || 'Compute the result of this module.', { assistantPrefix: prefix });
});

// ---------- code completion ----------
$('code-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!model || busy) return;
  setBusy(true);
  const language = $<HTMLSelectElement>('code-language').value as 'wasm' | 'python';
  const source = $<HTMLTextAreaElement>('code-input').value;
  let completion = '';
  try {
    for await (const e of model.generate(source, generateOptions({ raw: true, execute: false }))) {
      if (e.type === 'token') {
        completion += e.text;
        highlightInto($('code-output'), source + completion, language);
      } else if (e.type === 'done') showGenerationStats(e.stats);
    }
  } catch (e) {
    $('code-output').textContent = `Error: ${(e as Error).message}`;
  } finally {
    setBusy(false);
  }
});
$('code-stop').addEventListener('click', () => model?.stop());

setPerf('Hardware threads', String(navigator.hardwareConcurrency || '?'));
setBusy(false);
void loadModel();

// The e2e tests and the benchmark drive the same API the UI uses.
(window as unknown as { worldmodel: unknown }).worldmodel = { get model() { return model; }, get readyAt() { return readyAt; }, WorldModel, Sandbox, parseAnswer };
