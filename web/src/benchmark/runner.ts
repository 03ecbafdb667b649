// Runs the suite (docs/leaderboard.md) on one bundle: cold and warm load, greedy speed, sandbox latency, task
// accuracy. Each step reports progress; an AbortSignal stops the run between steps and inside a generation.
import { WorldModel, clearBundleCache, computedValue, type GenerationEvent, type LoadInfo } from '../../worker/worldmodel';
import { answerMatches, type Suite } from './suite';

export interface GreedyResult {
  id: string;
  prompt_tokens: number;
  generated_tokens: number;
  prefill_ms: number;
  decode_ms: number;
  tokenIds: number[];
}

export interface SandboxResult {
  id: string;
  runs: number;
  p50_ms: number;
  p99_ms: number;
  /** Every run's wall time, page side (what a module costs the user). */
  latencies: number[];
  stdout: string;
  /** Whether every run printed the same stdout and succeeded. */
  consistent: boolean;
}

export interface QuestionResult {
  id: string;
  expected: string;
  computed: string | null;
  correct: boolean;
}

export interface RunMeasurements {
  info: LoadInfo;
  load: { cold_ms: number; warm_ms: number };
  greedy: GreedyResult[];
  sandbox: SandboxResult[];
  questions: QuestionResult[];
  total_ms: number;
}

export interface StepProgress {
  /** 1-based index of the step starting now, of `total`. */
  index: number;
  total: number;
  name: string;
}

export interface RunOptions {
  manifestUrl: string;
  threads: number;
  /** Tokens per question with the tool loop (default: the bundle's max_new_tokens). */
  questionTokens?: number;
  signal: AbortSignal;
  onStep: (step: StepProgress) => void;
  /** Said before the bundle cache is deleted for the cold load. */
  onNotice: (text: string) => void;
}

export class RunCancelled extends Error {
  constructor() {
    super('The run was cancelled.');
  }
}

/** Nearest-rank percentile of `values` (p in 0..100). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export async function runSuite(suite: Suite, options: RunOptions): Promise<RunMeasurements> {
  const { signal } = options;
  const started = performance.now();
  const total = 2 + suite.greedy.length + suite.sandbox.length + suite.questions.length;
  let index = 0;
  const step = (name: string) => {
    if (signal.aborted) throw new RunCancelled();
    options.onStep({ index: ++index, total, name });
  };

  // A load cannot be interrupted inside the worker: on cancel the run ends now and the model is disposed when ready.
  const load = async (): Promise<{ model: WorldModel; ms: number }> => {
    const t0 = performance.now();
    const loading = WorldModel.load(options.manifestUrl, { threads: options.threads });
    const cancelled = new Promise<never>((_, reject) => {
      const onAbort = () => reject(new RunCancelled());
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      void loading.finally(() => signal.removeEventListener('abort', onAbort)).catch(() => {});
    });
    try {
      const model = await Promise.race([loading, cancelled]);
      return { model, ms: performance.now() - t0 };
    } catch (e) {
      if (e instanceof RunCancelled) void loading.then((m) => m.dispose(), () => {});
      throw e;
    }
  };

  step('Cold load (the downloaded model is deleted first)');
  options.onNotice('Deleting the downloaded model from this browser so that the cold load downloads it again.');
  // No worker of this page holds the cache yet: each load's worker opens it afresh.
  await clearBundleCache();
  const cold = await load();
  cold.model.dispose();

  step('Warm load (from the browser cache)');
  const warm = await load();
  const model = warm.model;
  try {
    const greedy: GreedyResult[] = [];
    for (const prompt of suite.greedy) {
      step(`Greedy speed: ${prompt.id}`);
      const done = await finish(model.generate(prompt.question, { temperature: 0, execute: false, maxTokens: prompt.max_new_tokens, votes: 1, retries: 0, signal }), signal);
      const s = done.stats;
      greedy.push({ id: prompt.id, prompt_tokens: s.promptTokens, generated_tokens: s.generatedTokens, prefill_ms: s.prefillMs, decode_ms: s.decodeMs, tokenIds: s.tokenIds });
    }

    const sandbox: SandboxResult[] = [];
    for (const module of suite.sandbox) {
      step(`Sandbox latency: ${module.id} (${module.runs} runs)`);
      const latencies: number[] = [];
      let stdout: string | null = null;
      let consistent = true;
      for (let run = 0; run < module.runs; run++) {
        if (signal.aborted) throw new RunCancelled();
        const t0 = performance.now();
        const result = await model.runWat(module.wat);
        latencies.push(performance.now() - t0);
        if (result.errorKind === 'stopped') throw new RunCancelled();
        consistent &&= result.ok && (stdout === null || stdout === result.stdout);
        stdout ??= result.stdout;
      }
      sandbox.push({ id: module.id, runs: module.runs, p50_ms: percentile(latencies, 50), p99_ms: percentile(latencies, 99), latencies, stdout: stdout ?? '', consistent });
    }

    const questions: QuestionResult[] = [];
    for (const q of suite.questions) {
      step(`Task accuracy: ${q.id}`);
      const done = await finish(model.generate(q.question, { temperature: 0, execute: true, maxTokens: options.questionTokens, votes: 1, retries: 0, signal }), signal);
      const computed = computedValue(done);
      questions.push({ id: q.id, expected: q.answer, computed, correct: answerMatches(computed, q.answer) });
    }
    return { info: model.info, load: { cold_ms: cold.ms, warm_ms: warm.ms }, greedy, sandbox, questions, total_ms: performance.now() - started };
  } finally {
    model.dispose();
  }
}

/** Drains a generation to its `done` event; a generation that ended by abort is a cancelled run. */
async function finish(events: AsyncGenerator<GenerationEvent>, signal: AbortSignal) {
  let done: Extract<GenerationEvent, { type: 'done' }> | null = null;
  for await (const event of events) if (event.type === 'done') done = event;
  if (signal.aborted || !done || done.reason === 'aborted') throw new RunCancelled();
  return done;
}
