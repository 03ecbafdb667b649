// The public JS API, shaped like transformers.js pipelines:
//
//   const model = await WorldModel.load('/bundle/manifest.json', { onProgress });
//   for await (const event of model.generate('What is 17 * 23?', { maxTokens: 256, temperature: 0 })) { ... }
//
// The inference worker decodes; this class drives the answer protocol: when the model closes
// </wat_model>, the module runs in the WAT sandbox and `\n<computed>…</computed>\n` is appended to the
// context (docs/protocol.md section 1) before decoding continues.

import type { LoadProgress } from './bundle-loader';
import type { BatchRowOptions, ChatMessage, DecodeOptions, DecodeStats, FromWorker, LoadInfo, StopReason, StopString, ToWorker } from './messages';
import { BYTELOG_CLOSE, BYTELOG_OPEN, PROGRAM_CLOSE_TAGS, THINK_CLOSE, WAT_CLOSE, WAT_OPEN, computedInjection, couldNotCompute, parseAnswer, type Answer } from './protocol';
import { Sandbox, type RunResult, type SandboxLimits } from './sandbox';
import { DEFAULT_VOTE_TEMPERATURE, tally, valueKey, type Vote } from './voting';

export type { LoadProgress, ChatMessage, LoadInfo, DecodeStats, RunResult, SandboxLimits, Answer, Vote };

export interface LoadOptions {
  onProgress?: (progress: LoadProgress) => void;
  /** ONNX Runtime threads; used only when the page is cross-origin isolated. Default: min(4, cores). */
  threads?: number;
  sandboxLimits?: Partial<SandboxLimits>;
}

export interface GenerateOptions {
  maxTokens?: number;
  /** 0 = greedy. */
  temperature?: number;
  topP?: number;
  seed?: number;
  /** Run `<wat_model>` blocks and inject `<computed>` (default true). */
  execute?: boolean;
  /**
   * After a runtime error: "template" (default, as worldmodel.generate) ends the answer with a fixed
   * could-not-compute sentence, so no number can be invented; "model" lets the model write the answer.
   */
  onError?: 'template' | 'model';
  /** Prompt tokens for earlier turns and the question (chat-context.ts; default: the model's, info.contextBudget). */
  contextBudget?: number;
  /** Treat a string prompt as raw text to continue (code completion) instead of a chat message. */
  raw?: boolean;
  /**
   * The start of the assistant's answer, to continue from (e.g. an edited WAT module): if it ends with
   * `</wat_model>` the module runs first and decoding continues after its `<computed>` block.
   */
  assistantPrefix?: string;
  /** Constrain the module to the typed WAT grammar (web/worker/grammar.ts; default false, see README "Decoding"). */
  grammar?: boolean;
  /**
   * Append the text the grammar forces in one step instead of decoding it token by token (without `grammar`, the
   * grammar masks nothing and only guides the jumps: see README "Decoding").
   */
  jumpForward?: boolean;
  /**
   * Programs written per question (voting.ts; default 1): the first streams as usual, the others are sampled at
   * `voteTemperature` and run silently; a `vote` event, then the `done` of the answer whose computed value most
   * programs agree on, end the generation.
   */
  votes?: number;
  voteTemperature?: number;
  /** With one vote: after a module that failed to compile or run, sample again up to this many times (default 0). */
  retries?: number;
  signal?: AbortSignal;
}

export type GenerationEvent =
  /** The conversation as the model is given it (earlier turns fitted to the budget), before any token. */
  | { type: 'context'; messages: ChatMessage[]; promptTokens: number }
  | { type: 'token'; text: string }
  | { type: 'think'; text: string }
  | { type: 'wat'; wat: string }
  | { type: 'computed'; result: RunResult; block: string }
  /** With `votes` > 1 or `retries`: how the programs' computed values voted, before the chosen answer's `done`. */
  | { type: 'vote'; vote: Vote; attempts: number; texts: string[] }
  | { type: 'done'; text: string; answer: Answer; reason: StopReason; stats: GenerationStats };

type DoneEvent = Extract<GenerationEvent, { type: 'done' }>;

/** The computed text of a finished answer whose program ran, else null (no program, or it failed). */
export function computedValue(done: DoneEvent): string | null {
  const a = done.answer;
  return (a.wat !== null || a.bytelog !== null) && a.computedError === null ? a.computed : null;
}

export interface GenerationStats extends DecodeStats {
  /** Prefill tokens/s of the first prompt, decode tokens/s over all generated tokens. */
  prefillTokensPerSecond: number;
  /** Tokens of the first prompt (the rate above); `promptTokens` also counts the injected computed blocks. */
  firstPrefillTokens: number;
  decodeTokensPerSecond: number;
  sandboxMs: number;
}

/** The messages of one decoding call, waiting until its loop reads them. */
type Channel = { inbox: FromWorker[]; wake: (() => void) | null };

function deliver(channel: Channel | undefined, m: FromWorker): void {
  if (!channel) return;
  channel.inbox.push(m);
  channel.wake?.();
}

export class WorldModel {
  readonly sandbox: Sandbox;
  private nextId = 1;
  /** Channels by generation id (and row of a batch: `id/row`). */
  private channels = new Map<string, Channel>();
  private currentId = 0;

  private constructor(
    private readonly worker: Worker,
    readonly info: LoadInfo,
    sandboxLimits: Partial<SandboxLimits>,
    private readonly abortFlag: Int32Array | null,
  ) {
    this.sandbox = new Sandbox(sandboxLimits);
    this.sandbox.warmUp();
    worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
      const m = event.data;
      if (!('id' in m)) return;
      const channel = this.channels.get(listenerKey(m.id, 'row' in m ? m.row : undefined));
      if (channel) deliver(channel, m);
      else if (m.type === 'context') deliver(this.channels.get(listenerKey(m.id, 0)), m); // a batch's prompt: row 0's
      else if (m.type === 'error') for (const [key, c] of this.channels) if (key.startsWith(`${m.id}/`)) deliver(c, m); // every row's
    });
  }

  static async load(manifestUrl: string, options: LoadOptions = {}): Promise<WorldModel> {
    const worker = new Worker(new URL('./inference.worker.ts', import.meta.url), { type: 'module', name: 'worldmodel-inference' });
    const threads = options.threads ?? Math.min(4, navigator.hardwareConcurrency || 1);
    // WebKitGTK reports crossOriginIsolated yet has no SharedArrayBuffer: check both.
    const abortFlag = crossOriginIsolated && typeof SharedArrayBuffer === 'function' ? new Int32Array(new SharedArrayBuffer(4)) : null;
    const info = await new Promise<LoadInfo>((resolve, reject) => {
      const fail = (error: Error) => {
        worker.terminate(); // a failed load keeps no thread or memory alive
        reject(error);
      };
      worker.onmessage = (event: MessageEvent<FromWorker>) => {
        const m = event.data;
        if (m.type === 'progress') options.onProgress?.(m.progress);
        else if (m.type === 'loaded') resolve(m.info);
        else if (m.type === 'load-error') fail(Object.assign(new Error(m.message), { code: m.code }));
      };
      worker.onerror = (e) => fail(new Error(`The inference worker failed to start: ${e.message}`));
      const manifest = new URL(manifestUrl, location.href).href;
      worker.postMessage({ type: 'load', manifestUrl: manifest, threads, abortFlag: abortFlag ?? undefined } satisfies ToWorker);
    });
    worker.onmessage = null;
    return new WorldModel(worker, info, options.sandboxLimits ?? {}, abortFlag);
  }

  /** Stops the generation in progress (its `done` event reports reason "aborted") and any module running. */
  stop(): void {
    if (this.currentId) this.abort(this.currentId);
    this.sandbox.cancel();
  }

  /** Row `row` of batch `id` ends where it paused (nothing to do for a single answer). */
  private endRow(id: number, row: number | undefined): void {
    if (row !== undefined) this.worker.postMessage({ type: 'end-row', id, row } satisfies ToWorker);
  }

  private abort(id: number): void {
    if (this.abortFlag) Atomics.store(this.abortFlag, 0, id);
    this.worker.postMessage({ type: 'abort', id } satisfies ToWorker);
  }

  /** Runs a WAT module in the sandbox directly (the solver's "run" button, the conformance test). */
  runWat(wat: string, limits: Partial<SandboxLimits> = {}): Promise<RunResult> {
    return this.sandbox.run(wat, limits);
  }

  /** Compiles and runs a ByteLog program (docs/bytelog.md) in the sandbox, as for a `<computation>` block. */
  runByteLog(source: string, limits: Partial<SandboxLimits> = {}): Promise<RunResult> {
    return this.sandbox.runByteLog(source, limits);
  }

  dispose(): void {
    this.worker.terminate();
    this.sandbox.dispose();
  }

  /** Starts listening for the messages of generation `id` (row `row` of a batch). */
  private listen(id: number, row?: number): void {
    this.channels.set(listenerKey(id, row), { inbox: [], wake: null });
  }

  /**
   * One decoding call: streams text events, ends with the worker's `stopped` message. `row`: a row of a batch
   * (listening since before its start was posted); `send` false: the request was posted already (a batch's start).
   */
  private async *decode(request: ToWorker & { id: number }, row?: number, send = true): AsyncGenerator<FromWorker> {
    const key = listenerKey(request.id, row);
    if (!this.channels.has(key)) this.listen(request.id, row);
    const channel = this.channels.get(key)!;
    if (send) this.worker.postMessage(request);
    try {
      for (;;) {
        while (channel.inbox.length === 0) await new Promise<void>((r) => (channel.wake = r));
        channel.wake = null;
        const m = channel.inbox.shift()!;
        yield m;
        if (m.type === 'stopped' || m.type === 'error') return;
      }
    } finally {
      this.channels.delete(key);
    }
  }

  private stats(total: DecodeStats, firstPrefill: { tokens: number; ms: number }, sandboxMs: number): GenerationStats {
    return {
      ...total,
      prefillTokensPerSecond: firstPrefill.ms > 0 ? (firstPrefill.tokens * 1000) / firstPrefill.ms : 0,
      firstPrefillTokens: firstPrefill.tokens,
      decodeTokensPerSecond: total.decodeMs > 0 ? (total.generatedTokens * 1000) / total.decodeMs : 0,
      sandboxMs,
    };
  }

  async *generate(prompt: string | ChatMessage[], options: GenerateOptions = {}): AsyncGenerator<GenerationEvent> {
    const votes = Math.max(1, options.votes ?? 1);
    const retries = Math.max(0, options.retries ?? 0);
    if (votes === 1 && retries === 0) {
      yield* this.generateOnce(prompt, options);
      return;
    }
    const sampled = (index: number): GenerateOptions => ({ ...options, temperature: options.voteTemperature ?? DEFAULT_VOTE_TEMPERATURE, seed: (options.seed ?? 0) + index });
    const batched = votes > 1 && !(typeof prompt === 'string' && options.raw === true) && !this.closesProgram(options);
    const attempts: DoneEvent[] = [];
    if (batched) {
      // All k programs in one batch (the worker's decodeBatch): the prompt prefilled once, one forward pass per
      // step for every program. The first streams as usual; the others run silently beside it.
      const id = this.nextId++;
      const rows = Array.from({ length: votes }, (_, r) => (r === 0 ? options : sampled(r)))
        .map((o) => ({ temperature: o.temperature ?? this.info.defaultTemperature, seed: o.seed }));
      for (let r = 0; r < votes; r++) this.listen(id, r);
      const done: DoneEvent[] = new Array(votes);
      const silent = rows.slice(1).map(async (_, i) => {
        for await (const event of this.generateOnce(prompt, sampled(i + 1), { id, row: i + 1 })) if (event.type === 'done') done[i + 1] = event;
      });
      for await (const event of this.generateOnce(prompt, options, { id, row: 0, rows })) {
        if (event.type === 'done') done[0] = event;
        else yield event; // its `done` waits for the vote
      }
      await Promise.all(silent);
      attempts.push(...done);
    } else {
      for await (const event of this.generateOnce(prompt, options)) {
        if (event.type === 'done') attempts.push(event);
        else yield event; // the first program streams; its `done` waits for the vote
      }
    }
    const silently = async (index: number) => {
      for await (const event of this.generateOnce(prompt, sampled(index))) if (event.type === 'done') attempts.push(event);
    };
    const last = () => attempts[attempts.length - 1];
    const failedProgram = (d: DoneEvent) => (d.answer.wat !== null || d.answer.bytelog !== null) && computedValue(d) === null;
    let vote: Vote;
    let chosen: DoneEvent;
    if (votes === 1) {
      while (last().reason !== 'aborted' && failedProgram(last()) && attempts.length <= retries) await silently(attempts.length);
      chosen = last();
      vote = { ...tally([computedValue(chosen)]), failed: attempts.filter((d) => computedValue(d) === null).length };
    } else {
      while (attempts.length < votes && last().reason !== 'aborted') await silently(attempts.length);
      vote = tally(attempts.map(computedValue));
      chosen = vote.value === null ? attempts[0] : attempts.find((d) => computedValue(d) !== null && valueKey(computedValue(d)!) === valueKey(vote.value!))!;
    }
    if (attempts.length > 1) yield { type: 'vote', vote, attempts: attempts.length, texts: attempts.map((d) => d.text) };
    yield chosen;
  }

  /** A prefix that closes a program: it is only prefilled, and the program runs before anything is decoded. */
  private closesProgram(options: GenerateOptions): boolean {
    const prefix = options.assistantPrefix?.trimEnd() ?? '';
    return options.execute !== false && PROGRAM_CLOSE_TAGS.some((tag) => prefix.endsWith(tag));
  }

  /**
   * One answer: the protocol loop over the worker's decoding. `batch`: this answer is row `row` of batch `id`
   * (row 0 posts the batch's start, with every row's sampling in `rows`; the others only listen).
   */
  private async *generateOnce(prompt: string | ChatMessage[], options: GenerateOptions,
    batch?: { id: number; row: number; rows?: BatchRowOptions[] }): AsyncGenerator<GenerationEvent> {
    const raw = typeof prompt === 'string' && options.raw === true;
    const messages: ChatMessage[] = typeof prompt === 'string' ? [{ role: 'user', content: prompt }] : prompt;
    const prefix = options.assistantPrefix?.trimEnd() ?? '';
    const useTools = options.execute !== false;
    const maxTokens = options.maxTokens ?? this.info.maxNewTokens;
    // The same pauses and stops as worldmodel.generate: before the program, a closing tag pauses decoding
    // (the module runs) and a <computed written by the model ends it; after the program, <computed or a
    // second program ends it, cut before the tag.
    const closeTags = [...new Set([...PROGRAM_CLOSE_TAGS, ...this.info.stopStrings])];
    const beforeProgram: StopString[] = [
      ...closeTags.map((text) => ({ text, keep: true, reason: 'program_closed' })),
      { text: '<computed', keep: false, reason: 'model_wrote_computed' },
    ];
    const afterProgram: StopString[] = [
      { text: '<computed', keep: false, reason: 'model_wrote_computed' },
      { text: WAT_OPEN, keep: false, reason: 'second_program' },
      { text: BYTELOG_OPEN, keep: false, reason: 'second_program' },
    ];
    const decodeOptions = (remaining: number, programDone: boolean): DecodeOptions => ({
      maxTokens: remaining,
      temperature: options.temperature ?? this.info.defaultTemperature,
      topP: options.topP ?? this.info.defaultTopP,
      stops: !useTools ? [] : programDone ? afterProgram : beforeProgram,
      seed: options.seed,
      // The grammar covers the module only (the worker continues it from a prefix that left a module open).
      grammar: useTools && (options.grammar || options.jumpForward) && !programDone
        ? { mask: options.grammar === true, jumpForward: options.jumpForward === true }
        : undefined,
    });
    const id = batch?.id ?? this.nextId++;
    const row = batch?.row;
    this.currentId = id;
    const onAbort = () => this.stop();
    options.signal?.addEventListener('abort', onAbort);

    let text = prefix;
    let finished = false;
    let thinkSent = false;
    let programDone = false;
    const total: DecodeStats = { promptTokens: 0, generatedTokens: 0, prefillMs: 0, decodeMs: 0, decodeSteps: 0, jumpTokens: 0, maskMs: [], grammarCompileMs: 0, tokenIds: [] };
    let firstPrefill: { tokens: number; ms: number } | null = null;
    let sandboxMs = 0;
    const prefixClosesProgram = this.closesProgram(options);
    let request: ToWorker & { id: number } = {
      type: 'start',
      id,
      ...(raw ? { raw: prompt as string } : { messages, contextBudget: options.contextBudget }),
      prefix,
      // A prefix that closes a program is only prefilled: the program runs before anything is decoded.
      options: decodeOptions(prefixClosesProgram ? 0 : maxTokens, false),
      ...(batch?.rows ? { rows: batch.rows } : {}),
    };
    let send = row === undefined || row === 0; // a batch's start is posted once, by row 0
    const thinkEvent = (): GenerationEvent | null => {
      if (thinkSent || !text.includes(THINK_CLOSE)) return null;
      thinkSent = true;
      return { type: 'think', text: parseAnswer(text.slice(0, text.indexOf(THINK_CLOSE) + THINK_CLOSE.length)).think ?? '' };
    };
    try {
      if (prefix) yield { type: 'token', text: prefix };
      for (;;) {
        let stopped: Extract<FromWorker, { type: 'stopped' }> | null = null;
        for await (const m of this.decode(request, row, send)) {
          if (m.type === 'context') yield { type: 'context', messages: m.messages, promptTokens: m.promptTokens };
          else if (m.type === 'text') {
            text += m.text;
            yield { type: 'token', text: m.text };
            const think = thinkEvent();
            if (think) yield think;
          } else if (m.type === 'error') throw new Error(m.message);
          else if (m.type === 'stopped') stopped = m;
        }
        send = true;
        const s = stopped!;
        total.generatedTokens += s.stats.generatedTokens;
        total.promptTokens += s.stats.promptTokens;
        total.prefillMs += s.stats.prefillMs;
        total.decodeMs += s.stats.decodeMs;
        total.decodeSteps += s.stats.decodeSteps;
        total.jumpTokens += s.stats.jumpTokens;
        total.maskMs.push(...s.stats.maskMs);
        total.grammarCompileMs += s.stats.grammarCompileMs;
        total.tokenIds.push(...s.stats.tokenIds);
        firstPrefill ??= { tokens: s.stats.promptTokens, ms: s.stats.prefillMs };
        const think = thinkEvent();
        if (think) yield think;
        const closed = s.reason === 'program_closed' || (prefixClosesProgram && !programDone && s.reason === 'max_tokens');
        if (closed && !programDone) {
          programDone = true;
          const isWat = text.endsWith(WAT_CLOSE);
          const answer = parseAnswer(text);
          const source = (isWat ? answer.wat : answer.bytelog) ?? text.slice(0, text.lastIndexOf(isWat ? WAT_CLOSE : BYTELOG_CLOSE)).split(THINK_CLOSE).pop()!.trim();
          yield { type: 'wat', wat: source };
          const result = isWat ? await this.sandbox.run(source) : await this.sandbox.runByteLog(source);
          sandboxMs += result.ms;
          if (result.errorKind === 'stopped') {
            // Stopped by the user while the module ran: nothing goes into the context, the answer ends here.
            this.endRow(id, row);
            finished = true;
            yield { type: 'done', text, answer: parseAnswer(text), reason: 'aborted', stats: this.stats(total, firstPrefill, sandboxMs) };
            return;
          }
          const injection = computedInjection(result);
          yield { type: 'computed', result, block: injection.trim() };
          text += injection;
          if (!result.ok && (options.onError ?? 'template') === 'template') {
            this.endRow(id, row);
            const apology = couldNotCompute(result.errorKind ?? 'error');
            text += apology;
            yield { type: 'token', text: apology };
            finished = true;
            yield { type: 'done', text, answer: parseAnswer(text), reason: 'runtime_error', stats: this.stats(total, firstPrefill, sandboxMs) };
            return;
          }
          request = { type: 'continue', id, row, text: injection, options: decodeOptions(maxTokens - total.generatedTokens, true) };
          continue;
        }
        const answer = parseAnswer(text);
        if (useTools && answer.wat === null && answer.bytelog === null && (text.includes(WAT_OPEN) || text.includes(BYTELOG_OPEN))) {
          answer.computedError = 'unclosed_program'; // the model opened a program but never closed it: nothing ran
          answer.final = '';
        }
        const stats = this.stats(total, firstPrefill, sandboxMs);
        finished = true;
        yield { type: 'done', text, answer: useTools ? answer : { ...answer, final: text.trim() }, reason: s.reason, stats };
        return;
      }
    } finally {
      // A consumer that leaves the loop early (break, throw) must not leave the worker decoding.
      if (!finished) this.abort(id);
      options.signal?.removeEventListener('abort', onAbort);
      if (this.currentId === id) this.currentId = 0;
    }
  }
}

/** Messages of generation `id`, or of row `row` of a batch. */
function listenerKey(id: number, row?: number): string {
  return row === undefined ? String(id) : `${id}/${row}`;
}

export { CONTEXT_BUDGET, SINGLE_QUESTION, SINGLE_QUESTION_NOTE, fitHistory } from './chat-context';
export { parseAnswer, computedBlock, couldNotCompute, fromComputation, numbersIn } from './protocol';
export { clearBundleCache } from './bundle-loader';
