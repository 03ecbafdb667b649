// The benchmark page (docs/leaderboard.md): runs the suite on the bundle the app uses, shows the figures and
// whether the run is proven against the manifest's expectations, and submits the result only when asked to.
import '../pages.css';
import { parseManifest, type Manifest } from '../../worker/manifest';
import { loadSettings } from '../settings';
import { UsageCounts } from '../analytics';
import { barChart } from '../charts';
import { fillDefinitionList } from '../render';
import { deviceFacts, type DeviceFacts } from './device';
import { stdoutSha256, verifyRun, type Verdict } from './proof';
import { RunCancelled, runSuite, type RunMeasurements, type StepProgress } from './runner';
import { buildSubmission, sendSubmission, speeds, type Submission } from './submission';
import { SUITE, suiteSha256 } from './suite';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const settings = loadSettings();
const manifestUrl = new URL(settings.bundle, location.href).href;
const params = new URLSearchParams(location.search);
/** Tokens per question (a testing knob: the tiny e2e model never stops on its own); default: the bundle's. */
const questionTokens = Number(params.get('questionTokens')) || undefined;
const submitUrl = new URL('api/v1/results', location.href).href;
/** The app's opt-in usage counts (off unless the user turned them on in the app's settings). */
const usage = new UsageCounts(settings.analytics);

let controller: AbortController | null = null;
let pendingSubmission: Submission | null = null;

$('question-count').textContent = String(SUITE.questions.length);
$('bench-bundle').textContent = manifestUrl;
$('bench-suite').textContent = `${SUITE.suite}: ${SUITE.greedy.length} greedy prompts, ${SUITE.sandbox.length} sandbox modules, ${SUITE.questions.length} questions`;

async function fetchManifest(): Promise<Manifest> {
  const response = await fetch(manifestUrl, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`${manifestUrl}: HTTP ${response.status}`);
  return parseManifest(new Uint8Array(await response.arrayBuffer()), manifestUrl);
}

async function describeProof() {
  try {
    const manifest = await fetchManifest();
    $('bench-provable').textContent = manifest.benchmark
      ? `this bundle (${manifest.model.id} ${manifest.model.version}) has expected results for suite ${manifest.benchmark.suite}: a run can be proven and submitted`
      : `this bundle (${manifest.model.id} ${manifest.model.version}) has no expected results: a run cannot be proven and cannot be submitted`;
  } catch (e) {
    $('bench-provable').textContent = `the manifest could not be read (${(e as Error).message})`;
  }
}
void describeProof();

// ---------- progress ----------
const formatSeconds = (ms: number) => (ms < 60_000 ? `${(ms / 1000).toFixed(0)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);
let runStarted = 0;
let currentStep: StepProgress | null = null;
let clock: ReturnType<typeof setInterval> | null = null;

function showTime() {
  const elapsed = performance.now() - runStarted;
  let text = `Elapsed ${formatSeconds(elapsed)}`;
  // Remaining: the mean time per finished step times the steps left (loads are slower, so it falls quickly).
  if (currentStep && currentStep.index > 1) {
    const perStep = elapsed / (currentStep.index - 1);
    text += ` · about ${formatSeconds(perStep * (currentStep.total - currentStep.index + 1))} left`;
  }
  $('bench-time').textContent = text;
}

function onStep(step: StepProgress) {
  currentStep = step;
  const bar = $<HTMLProgressElement>('bench-progress');
  bar.max = step.total;
  bar.value = step.index - 1;
  $('bench-status').textContent = `Step ${step.index} of ${step.total}: ${step.name}`;
  $('bench-progress-section').dataset.step = String(step.index);
  showTime();
}

function setRunning(running: boolean) {
  $<HTMLButtonElement>('bench-start').disabled = running;
  $<HTMLButtonElement>('bench-cancel').disabled = !running;
  document.body.dataset.state = running ? 'running' : 'idle';
  if (clock) clearInterval(clock);
  clock = running ? setInterval(showTime, 500) : null;
}

// ---------- the run ----------
$('bench-start').addEventListener('click', async () => {
  if (controller) return;
  controller = new AbortController();
  pendingSubmission = null;
  $('bench-results').hidden = true;
  $('submit-answer').textContent = '';
  $('bench-notice').textContent = '';
  delete document.body.dataset.outcome;
  $<HTMLButtonElement>('submit-open').disabled = true;
  runStarted = performance.now();
  currentStep = null;
  setRunning(true);
  usage.count('benchmark_started');
  try {
    const manifest = await fetchManifest();
    const run = await runSuite(SUITE, {
      manifestUrl,
      threads: settings.threads,
      questionTokens,
      signal: controller.signal,
      onStep,
      onNotice: (text) => ($('bench-notice').textContent = text),
    });
    $<HTMLProgressElement>('bench-progress').value = $<HTMLProgressElement>('bench-progress').max;
    $('bench-status').textContent = `Finished in ${formatSeconds(run.total_ms)}.`;
    $('bench-time').textContent = '';
    await showResults(run, manifest);
    usage.count('benchmark_finished');
  } catch (e) {
    if (!(e instanceof RunCancelled)) usage.count('benchmark_failed');
    $('bench-status').textContent = e instanceof RunCancelled ? 'Cancelled. Nothing was kept; start again when you like.' : `The benchmark failed: ${(e as Error).message}`;
    document.body.dataset.outcome = e instanceof RunCancelled ? 'cancelled' : 'failed';
  } finally {
    controller = null;
    setRunning(false);
    if (document.body.dataset.outcome === 'cancelled') $('bench-time').textContent = `Stopped after ${formatSeconds(performance.now() - runStarted)}.`;
    usage.flush(); // sent now that the measurements are over: nothing competes with them
  }
});
$('bench-cancel').addEventListener('click', () => {
  $('bench-status').textContent = 'Cancelling…';
  controller?.abort();
});

// ---------- results ----------
function row(measure: string, value: string) {
  const tr = document.createElement('tr');
  const th = document.createElement('th');
  th.scope = 'row';
  th.textContent = measure;
  const td = document.createElement('td');
  td.textContent = value;
  tr.append(th, td);
  $('bench-table').querySelector('tbody')!.append(tr);
}

function showVerdict(verdict: Verdict) {
  const box = $('bench-verdict');
  box.dataset.kind = verdict.kind;
  const list = $('bench-proof-items');
  list.replaceChildren();
  if (verdict.kind === 'unproven') {
    box.textContent = `Cannot be proven: ${verdict.reason}`;
    return;
  }
  const failed = verdict.items.filter((i) => !i.ok);
  box.textContent =
    verdict.kind === 'valid'
      ? 'Valid run: the greedy tokens and the sandbox output match the bundle’s expected results.'
      : `Invalid run: ${failed.map((i) => i.item).join(', ')} ${failed.length === 1 ? 'differs' : 'differ'} from the bundle’s expected results.`;
  for (const item of verdict.items) {
    const li = document.createElement('li');
    li.className = item.ok ? 'ok' : 'bad';
    li.textContent = `${item.ok ? '✓' : '✗'} ${item.item}: ${item.detail}`;
    list.append(li);
  }
}

function showDevice(device: DeviceFacts, manifest: Manifest) {
  const facts: [string, string][] = [
    ['Browser', `${device.browser} ${device.browser_version}`],
    ['OS', device.os],
    ['Device class', device.device_class],
    ['Logical cores', String(device.cores)],
    ['Device memory', device.device_memory_gb === null ? 'not exposed' : `${device.device_memory_gb} GB`],
    ['Cross-origin isolated', device.cross_origin_isolated ? 'yes' : 'no'],
    ['Threads used', String(device.threads)],
    ['WebAssembly SIMD', device.simd ? 'yes' : 'no'],
    ['WebGPU adapter', device.webgpu ? [device.webgpu.vendor, device.webgpu.architecture, device.webgpu.device, device.webgpu.description].filter(Boolean).join(' · ') || 'present' : 'none'],
    ['Bundle', `${manifest.model.id} ${manifest.model.version}`],
    ['Release', manifest.release?.version ?? 'none'],
    ['App version', __APP_VERSION__],
    ['Suite', SUITE.suite],
  ];
  fillDefinitionList($('bench-device'), facts);
}

async function showResults(run: RunMeasurements, manifest: Manifest) {
  const stdoutHashes = new Map<string, string>();
  for (const s of run.sandbox) stdoutHashes.set(s.id, await stdoutSha256(s.stdout));
  const verdict = await verifyRun(
    manifest.benchmark,
    { name: SUITE.suite, sha256: await suiteSha256() },
    run.greedy,
    run.sandbox.map((s) => ({ id: s.id, stdoutSha256: s.consistent ? stdoutHashes.get(s.id)! : 'inconsistent' })),
  );
  const device = await deviceFacts(run.info);
  $('bench-results').hidden = false;
  showVerdict(verdict);
  showDevice(device, manifest);

  const rate = (tokens: number, ms: number) => (ms > 0 ? (tokens * 1000) / ms : 0);
  // Prefill and decode apart: prefill is often 10–50× faster, one axis would flatten the decode bars.
  barChart($<HTMLCanvasElement>('chart-prefill'), {
    title: 'Prefill speed per greedy prompt',
    labels: run.greedy.map((g) => `${g.id} (${g.prompt_tokens} tokens)`),
    series: [{ label: 'prefill tok/s', values: run.greedy.map((g) => rate(g.prompt_tokens, g.prefill_ms)) }],
    yTitle: 'tokens/s',
  });
  barChart($<HTMLCanvasElement>('chart-speed'), {
    title: 'Decode speed per greedy prompt',
    labels: run.greedy.map((g) => g.id),
    series: [{ label: 'decode tok/s', values: run.greedy.map((g) => rate(Math.max(0, g.generated_tokens - 1), g.decode_ms)) }],
    yTitle: 'tokens/s',
  });
  barChart($<HTMLCanvasElement>('chart-sandbox'), {
    title: 'Sandbox latency per module',
    labels: run.sandbox.map((s) => s.id),
    series: [
      { label: 'p50 ms', values: run.sandbox.map((s) => s.p50_ms) },
      { label: 'p99 ms', values: run.sandbox.map((s) => s.p99_ms) },
    ],
    yTitle: 'ms',
  });
  barChart($<HTMLCanvasElement>('chart-load'), {
    title: 'Model load time',
    labels: ['cold', 'warm'],
    series: [{ label: 'load s', values: [run.load.cold_ms / 1000, run.load.warm_ms / 1000] }],
    yTitle: 'seconds',
  });

  const greedyPrefix = verdict.kind === 'unproven' ? new Map() : verdict.greedyPrefix;
  const submission = buildSubmission(run, manifest, device, SUITE.suite, greedyPrefix, stdoutHashes);
  const { prefill, decode } = speeds(run);
  $('bench-table').querySelector('tbody')!.replaceChildren();
  row('Load, cold', `${(run.load.cold_ms / 1000).toFixed(2)} s`);
  row('Load, warm', `${(run.load.warm_ms / 1000).toFixed(2)} s`);
  row('Prefill', `${prefill.toFixed(1)} tokens/s`);
  row('Decode', `${decode.toFixed(1)} tokens/s`);
  for (const g of run.greedy) row(`Greedy ${g.id}`, `${g.prompt_tokens} prompt tokens in ${g.prefill_ms.toFixed(1)} ms, ${g.generated_tokens} generated in ${g.decode_ms.toFixed(1)} ms`);
  row('Sandbox p50 / p99 (all runs)', `${submission.results.sandbox_p50_ms.toFixed(2)} / ${submission.results.sandbox_p99_ms.toFixed(2)} ms`);
  for (const s of run.sandbox) row(`Sandbox ${s.id}`, `${s.runs} runs: p50 ${s.p50_ms.toFixed(2)} ms, p99 ${s.p99_ms.toFixed(2)} ms${s.consistent ? '' : ' (a run failed or printed something else)'}`);
  row('Task accuracy', `${submission.results.questions.correct} of ${submission.results.questions.total} questions right`);
  row('Total', `${(run.total_ms / 1000).toFixed(1)} s`);
  $('bench-table').dataset.decode = decode.toFixed(3);

  // Only a proven run may be submitted: the server would refuse anything else as a proof mismatch anyway.
  pendingSubmission = verdict.kind === 'valid' ? submission : null;
  $<HTMLButtonElement>('submit-open').disabled = pendingSubmission === null;
  $('submit-why').textContent =
    verdict.kind === 'valid'
      ? 'Submitting is your choice: you will see exactly what is sent first.'
      : verdict.kind === 'invalid'
        ? 'This run does not match the bundle’s expected results, so it cannot be submitted.'
        : 'This bundle cannot be proven, so its results cannot be submitted.';
  document.body.dataset.outcome = verdict.kind;
}

// ---------- submit ----------
const dialog = $<HTMLDialogElement>('submit-dialog');
$('submit-open').addEventListener('click', () => {
  if (!pendingSubmission) return;
  $('submit-url').textContent = submitUrl;
  $('submit-json').textContent = JSON.stringify(pendingSubmission, null, 2);
  $<HTMLButtonElement>('submit-send').disabled = false;
  dialog.showModal();
});
$('submit-cancel').addEventListener('click', () => dialog.close());
$('submit-send').addEventListener('click', async () => {
  if (!pendingSubmission) return;
  $<HTMLButtonElement>('submit-send').disabled = true;
  const answer = await sendSubmission(submitUrl, pendingSubmission);
  dialog.close();
  const box = $('submit-answer');
  if (answer.ok) {
    box.dataset.kind = answer.status;
    box.dataset.resultId = String(answer.id);
    box.textContent =
      answer.status === 'quarantined'
        ? `Received and held for review (quarantined, id ${answer.id}): it will appear once a maintainer accepts it.`
        : `Accepted (id ${answer.id}): it is on the leaderboard.`;
    usage.count('result_submitted');
    usage.flush();
    // A run is sent once: the server refuses its run_id a second time.
    pendingSubmission = null;
    $<HTMLButtonElement>('submit-open').disabled = true;
  } else {
    box.dataset.kind = 'error';
    box.textContent = `Not accepted: ${answer.error}${answer.httpStatus ? ` (HTTP ${answer.httpStatus})` : ''}: ${answer.detail}`;
  }
});
