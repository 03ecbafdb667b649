// The inference worker: loads a bundle, owns the ONNX Runtime session, the tokenizer and the KV cache,
// and decodes until EOS, a stop string, the token budget or an abort. The answer protocol (running the
// WAT module and injecting <computed>) is driven by the page-side WorldModel API, which continues this
// context with the computed block; the KV cache stays here between those calls.

import * as ort from 'onnxruntime-web/wasm';
// The runtime's JS glue and wasm are separate assets (not inlined into this worker's bundle): ORT's
// thread pool starts its pthread workers from the glue's own URL.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import ortGlueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import { Tokenizer } from '@huggingface/tokenizers';
import { loadBundle, BundleError } from './bundle-loader';
import { ChatTemplate, ChatTemplateError } from './chat-template';
import { CONTEXT_BUDGET, fitHistory } from './chat-context';
import type { Manifest } from './manifest';
import type { ChatMessage, DecodeOptions, DecodeStats, FromWorker, LoadInfo, StopReason, StopString, ToWorker } from './messages';
import { makeRandom, sampleToken } from './sampling';
import { ProgramConstraint, tokenizerVocab } from './grammar';

const post = (message: FromWorker) => (self as unknown as Worker).postMessage(message);

interface ModelState {
  manifest: Manifest;
  session: ort.InferenceSession;
  tokenizer: Tokenizer;
  template: ChatTemplate | null;
  specialTokens: Record<string, string>;
  eos: Set<number>;
  idsType: 'int64' | 'int32';
  kvType: ort.Tensor.Type;
  inputNames: Set<string>;
  /** Tokens by id, for the grammar's TokenizerInfo. */
  vocabTokens: string[];
  /** Prompt tokens for earlier chat turns, as the model was trained (chat-context.ts). */
  contextBudget: number;
}

/** The context held in the KV cache. */
interface Context {
  past: ort.Tensor[] | null;
  length: number;
  logits: Float32Array | null;
  /** Text of the token that hit a stop string (not forwarded yet), fed with the continuation. */
  carry: string;
  random: () => number;
}

let model: ModelState | null = null;
let context: Context | null = null;
let abortedId = -1;
/** Shared with the page when it is cross-origin isolated: read each token, it needs no message delivery. */
let abortFlag: Int32Array | null = null;
let busy: Promise<void> = Promise.resolve();

// session.run resolves without a trip through the task queue, so a decode loop would never see an 'abort'
// message; a MessageChannel round trip yields to it each token (setTimeout(0) would be clamped to 4 ms).
// Firefox may still run the channel's task first, so an isolated page also shares `abortFlag`.
const yieldChannel = new MessageChannel();
const yieldToMessages = () =>
  new Promise<void>((resolve) => {
    yieldChannel.port1.onmessage = () => resolve();
    yieldChannel.port2.postMessage(null);
  });

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  if (msg.type === 'abort') {
    abortedId = msg.id; // read between decode steps
    if (batchInbox?.id === msg.id) batchInbox.wake(); // a batch whose rows all wait for their modules
    return;
  }
  if ((msg.type === 'continue' && msg.row !== undefined) || msg.type === 'end-row') {
    // A row of the running batch: delivered now (the batch loop is the job in progress and waits for it). A
    // continue for a batch that has ended (aborted) ends at once, so the page's loop for that row ends too.
    if (!(batchInbox?.id === msg.id && batchInbox.deliver(msg)) && msg.type === 'continue') {
      post({ type: 'stopped', id: msg.id, row: msg.row, reason: 'aborted', stats: emptyStats(0) });
    }
    return;
  }
  // One job at a time: a 'continue' must see the state its 'start' left behind.
  busy = busy.then(() => handle(msg)).catch(() => {});
};

async function handle(msg: ToWorker) {
  if (msg.type === 'load') {
    abortFlag = msg.abortFlag ?? null;
    try {
      post({ type: 'loaded', info: await load(msg.manifestUrl, msg.threads) });
    } catch (e) {
      const code = e instanceof BundleError ? e.code : 'runtime';
      post({ type: 'load-error', code, message: e instanceof Error ? e.message : String(e) });
    }
    return;
  }
  if (msg.type === 'start' || msg.type === 'continue') {
    try {
      if (!model) throw new Error('The model is not loaded yet.');
      await decode(msg);
    } catch (e) {
      post({ type: 'error', id: msg.id, message: e instanceof Error ? e.message : String(e) });
    }
  }
}

function simdSupported(): boolean {
  // The smallest module using a v128 instruction; validate() says whether this engine has SIMD.
  return WebAssembly.validate(
    new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]),
  );
}

async function load(manifestUrl: string, requestedThreads: number): Promise<LoadInfo> {
  const t0 = performance.now();
  const bundle = await loadBundle(manifestUrl, (progress) => post({ type: 'progress', progress }));
  const t1 = performance.now();
  const { manifest, files } = bundle;
  const text = (path: string) => new TextDecoder().decode(files.get(path)!);
  const configFile = manifest.tokenizer.files.find((f) => f.endsWith('tokenizer_config.json'));
  const tokenizerConfig = configFile ? JSON.parse(text(configFile)) : {};
  // The template is untrusted: compiled and probed before anything is built, refused as a manifest fault.
  const chatTemplate = manifest.tokenizer.chat_template ?? tokenizerConfig.chat_template ?? null;
  let template: ChatTemplate | null = null;
  try {
    template = chatTemplate ? new ChatTemplate(chatTemplate) : null;
  } catch (e) {
    if (e instanceof ChatTemplateError) throw new BundleError('manifest', `Invalid bundle: chat template: ${e.message}`);
    throw e;
  }

  // WebKitGTK reports crossOriginIsolated yet has no SharedArrayBuffer: threads need both.
  const isolated = self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
  // Threads need SharedArrayBuffer, which only a cross-origin isolated page has.
  const threads = isolated ? Math.max(1, requestedThreads) : 1;
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.wasmPaths = { wasm: new URL(ortWasmUrl, self.location.href).href, mjs: new URL(ortGlueUrl, self.location.href).href };

  const graph = files.get(manifest.graph)!;
  const externalData = manifest.files
    .filter((f) => f.role === 'weights')
    .map((f) => ({ path: f.path.split('/').pop()!, data: files.get(f.path)! }));
  // Session config entries from the manifest (disable_quant_qdq keeps an int8 graph at fp32 speed).
  const sessionConfig: Record<string, string> = {};
  for (const [key, value] of Object.entries(manifest.onnx?.session_options ?? {}))
    sessionConfig[key] = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  post({ type: 'progress', progress: { kind: 'stage', stage: 'session' } });
  const session = await ort.InferenceSession.create(graph, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    externalData,
    extra: { session: sessionConfig },
  });
  const t2 = performance.now();

  const tokenizerFile = manifest.tokenizer.files.find((f) => f.endsWith('tokenizer.json')) ?? 'tokenizer.json';
  const tokenizerJson = JSON.parse(text(tokenizerFile));
  const tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
  const specialTokens: Record<string, string> = {};
  for (const key of ['bos_token', 'eos_token', 'unk_token', 'pad_token']) {
    const v = tokenizerConfig[key];
    if (typeof v === 'string') specialTokens[key] = v;
    else if (v && typeof v.content === 'string') specialTokens[key] = v.content;
  }
  files.clear(); // ORT holds its own copy of the weights now

  const metadata = new Map(session.inputMetadata.map((m) => [m.name, m]));
  const typeOf = (name: string) => {
    const m = metadata.get(name);
    return m && m.isTensor ? m.type : undefined;
  };
  model = {
    manifest,
    session,
    tokenizer,
    template,
    specialTokens,
    eos: new Set(manifest.generation.eos_token_ids),
    idsType: typeOf('input_ids') === 'int32' ? 'int32' : 'int64',
    kvType: ((typeOf('past_key_values.0.key') ?? manifest.onnx?.kv_dtype ?? 'float32') as ort.Tensor.Type),
    inputNames: new Set(session.inputNames),
    vocabTokens: tokenizerVocab(tokenizerJson),
    contextBudget: manifest.generation.context_budget ?? CONTEXT_BUDGET,
  };
  context = null;
  return {
    modelId: manifest.model.id,
    modelVersion: manifest.model.version,
    quantization: manifest.model.quantization ?? '',
    loadMs: t2 - t0,
    downloadMs: t1 - t0,
    sessionMs: t2 - t1,
    downloadedBytes: bundle.downloadedBytes,
    cachedFiles: bundle.cachedFiles,
    totalFiles: manifest.files.length,
    threads,
    simd: simdSupported(),
    crossOriginIsolated: isolated,
    maxNewTokens: manifest.generation.max_new_tokens,
    defaultTemperature: manifest.generation.temperature,
    defaultTopP: manifest.generation.top_p,
    stopStrings: manifest.generation.stop_strings,
    contextBudget: model.contextBudget,
  };
}

function renderPrompt(m: ModelState, messages: ChatMessage[]): string {
  if (!m.template) {
    // No chat template in the bundle: a plain transcript still lets a base model continue.
    return messages.map((x) => `${x.role}: ${x.content}\n`).join('') + 'assistant: ';
  }
  return m.template.render({ messages, add_generation_prompt: true, ...m.specialTokens });
}

function idsTensor(m: ModelState, values: number[], dims: number[]): ort.Tensor {
  return m.idsType === 'int64'
    ? new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims)
    : new ort.Tensor('int32', Int32Array.from(values), dims);
}

function emptyPast(m: ModelState): ort.Tensor[] {
  const { num_layers, num_kv_heads, head_dim } = m.manifest.architecture;
  const dims = [1, num_kv_heads, 0, head_dim];
  const empty = m.kvType === 'float16' ? new Uint16Array(0) : new Float32Array(0);
  return Array.from({ length: 2 * num_layers }, () => new ort.Tensor(m.kvType, empty, dims));
}

/** Appends `ids` to the cached context and keeps the last position's logits. */
async function forward(m: ModelState, ctx: Context, ids: number[]) {
  const total = ctx.length + ids.length;
  const positions = ids.map((_, i) => ctx.length + i);
  const { logits, present } = await runGraph(m, ids, new Array(total).fill(1), positions, 1, ctx.past ?? emptyPast(m));
  for (const t of ctx.past ?? []) t.dispose();
  ctx.past = present;
  ctx.length = total;
  ctx.logits = logits[0];
}

/**
 * One session.run: `rows` rows of `ids.length / rows` new tokens each after `past` (`mask`: rows × every slot,
 * `positions`: rows × new tokens, row-major). The last position's logits of each row and the new KV cache; `past`
 * is the caller's to dispose.
 */
async function runGraph(m: ModelState, ids: number[], mask: number[], positions: number[], rows: number, past: ort.Tensor[]): Promise<{ logits: Float32Array[]; present: ort.Tensor[] }> {
  const layers = m.manifest.architecture.num_layers;
  const width = ids.length / rows;
  const feeds: Record<string, ort.Tensor> = {
    input_ids: idsTensor(m, ids, [rows, width]),
    attention_mask: idsTensor(m, mask, [rows, mask.length / rows]),
  };
  if (m.inputNames.has('position_ids')) feeds.position_ids = idsTensor(m, positions, [rows, width]);
  // Only the last position's logits are needed (saves a seq × vocab projection during prefill).
  if (m.inputNames.has('num_logits_to_keep')) feeds.num_logits_to_keep = new ort.Tensor('int64', BigInt64Array.from([1n]), []);
  for (let i = 0; i < layers; i++) {
    feeds[`past_key_values.${i}.key`] = past[2 * i];
    feeds[`past_key_values.${i}.value`] = past[2 * i + 1];
  }
  const out = await m.session.run(feeds);
  const data = out.logits.data as Float32Array;
  const vocab = out.logits.dims[out.logits.dims.length - 1];
  const perRow = data.length / rows;
  const logits = Array.from({ length: rows }, (_, r) => data.slice((r + 1) * perRow - vocab, (r + 1) * perRow));
  out.logits.dispose();
  const present: ort.Tensor[] = [];
  for (let i = 0; i < layers; i++) present.push(out[`present.${i}.key`], out[`present.${i}.value`]);
  return { logits, present };
}

/** Length of the text that can be shown now: never a prefix of a stop string, never half a UTF-8 sequence. */
function safeLength(text: string, stops: string[]): number {
  let end = text.length;
  while (end > 0 && text[end - 1] === '\uFFFD') end--;
  for (const s of stops) {
    for (let k = Math.min(s.length - 1, end); k > 0; k--) {
      if (text.slice(end - k, end) === s.slice(0, k)) {
        end -= k;
        break;
      }
    }
  }
  return end;
}

/**
 * One stream of generated text between pauses (a 'start' or a 'continue'): chooses each next token from the
 * logits, applies the grammar and jump-forward, streams the text, matches the stop strings, and says which tokens
 * to forward next. The single-context loop (`decode`) and the batch loop (`decodeBatch`) both drive it.
 */
class Stream {
  readonly generated: number[] = [];
  readonly stats: DecodeStats;
  text = '';
  private shown = 0;
  private readonly holdBack: string[];
  private started = performance.now();

  constructor(
    private readonly m: ModelState,
    private readonly id: number,
    private readonly row: number | undefined,
    readonly options: DecodeOptions,
    private readonly random: () => number,
    private readonly constraint: ProgramConstraint | null,
    promptTokens: number,
  ) {
    this.stats = emptyStats(promptTokens, this.generated);
    this.holdBack = options.stops.map((s) => s.text);
  }

  /** Decoding starts now (after the prefill). */
  begin(prefillMs: number): void {
    this.stats.prefillMs = prefillMs;
    this.started = performance.now();
  }

  /**
   * The next tokens to forward, or the reason decoding stops; `carry` is the text of a token that hit a stop
   * string and was not forwarded (fed again with the continuation).
   */
  async next(logits: Float32Array): Promise<{ forward: number[] } | { stop: StopReason; carry: string }> {
    const { m, options } = this;
    const vocab = m.manifest.architecture.vocab_size;
    if (this.generated.length >= options.maxTokens) {
      this.show(this.text.length);
      return { stop: 'max_tokens', carry: '' };
    }
    if (this.constraint) await this.constraint.mask(logits, Math.min(vocab, logits.length));
    const next = sampleToken(logits, 0, Math.min(vocab, logits.length), options.temperature, options.topP, this.random);
    if (m.eos.has(next)) {
      this.show(this.text.length);
      return { stop: 'eos', carry: '' };
    }
    const forwarded = this.text; // the text of the tokens already in the KV cache
    this.generated.push(next);
    const step = [next]; // tokens not forwarded yet
    this.text = m.tokenizer.decode(this.generated, { skip_special_tokens: false });
    if (this.constraint) {
      await this.constraint.observe(this.text, next);
      const forced = await this.constraint.jumpForward(options.maxTokens - this.generated.length);
      if (forced.length > 0) {
        this.generated.push(...forced);
        step.push(...forced);
        this.text = m.tokenizer.decode(this.generated, { skip_special_tokens: false });
      }
    }
    this.stats.generatedTokens = this.generated.length;
    // Stop strings are matched on decoded text (a tag spans several tokens; a token may run past it),
    // before the new token is forwarded, exactly as worldmodel.generate does.
    let hit: { at: number; stop: StopString } | null = null;
    for (const s of options.stops) {
      const at = this.text.indexOf(s.text);
      if (at >= 0 && (!hit || at < hit.at)) hit = { at, stop: s };
    }
    if (hit) {
      const cut = hit.stop.keep ? hit.at + hit.stop.text.length : hit.at;
      this.show(cut);
      // The last token is not in the cache: its text up to the cut is fed again with whatever follows.
      return { stop: hit.stop.reason, carry: this.text.slice(Math.min(forwarded.length, cut), cut) };
    }
    this.show(safeLength(this.text, this.holdBack)); // stream the token before computing the next one
    return { forward: step };
  }

  /** Posts the 'stopped' message with this stream's figures. */
  finish(reason: StopReason): void {
    if (this.constraint) {
      this.stats.jumpTokens = this.constraint.jumpTokens;
      this.stats.maskMs = this.constraint.maskMs;
      this.stats.grammarCompileMs = this.constraint.compileMs;
      this.constraint.dispose();
    }
    this.stats.decodeMs = performance.now() - this.started;
    post({ type: 'stopped', id: this.id, row: this.row, reason, stats: this.stats });
  }

  private show(upTo: number): void {
    if (upTo > this.shown) post({ type: 'text', id: this.id, row: this.row, text: this.text.slice(this.shown, upTo) });
    this.shown = Math.max(this.shown, upTo);
  }
}

/** `tokenIds` is the list being filled: posted once with the 'stopped' message, no copy per token. */
function emptyStats(promptTokens: number, tokenIds: number[] = []): DecodeStats {
  return { promptTokens, generatedTokens: 0, prefillMs: 0, decodeMs: 0, decodeSteps: 0, jumpTokens: 0, maskMs: [], grammarCompileMs: 0, tokenIds };
}

const aborted = (id: number) => abortedId === id || (abortFlag !== null && Atomics.load(abortFlag, 0) === id);

/** The token ids of `text` (no special tokens added). */
function encodeText(m: ModelState, text: string): number[] {
  return m.tokenizer.encode(text, { add_special_tokens: false }).ids;
}

/** The prompt of a 'start' (the chat fitted to its budget, posted back as 'context'), or of a 'continue'. */
function promptOf(m: ModelState, msg: Extract<ToWorker, { type: 'start' | 'continue' }>): number[] {
  const encode = (s: string) => encodeText(m, s);
  if (msg.type === 'continue') {
    if (!context || !context.logits) throw new Error('Nothing to continue: start a generation first.');
    const ids = encode(context.carry + msg.text);
    context.carry = '';
    return ids;
  }
  let prompt = msg.raw ?? '';
  if (msg.messages) {
    const count = (messages: ChatMessage[]) => encode(renderPrompt(m, messages)).length;
    const messages = fitHistory(msg.messages, count, msg.contextBudget ?? m.contextBudget);
    prompt = renderPrompt(m, messages);
    post({ type: 'context', id: msg.id, messages, promptTokens: count(messages) });
  }
  return encode(prompt + (msg.prefix ?? ''));
}

async function makeConstraint(m: ModelState, options: DecodeOptions, prefix?: string): Promise<ProgramConstraint | null> {
  if (!options.grammar) return null;
  const encode = (s: string) => encodeText(m, s);
  const constraint = await ProgramConstraint.create(m.vocabTokens, m.manifest.architecture.vocab_size, [...m.eos], options.grammar.jumpForward, encode, undefined, options.grammar.mask);
  if (prefix) await constraint.observePrefix(prefix);
  return constraint;
}

async function decode(msg: Extract<ToWorker, { type: 'start' | 'continue' }>) {
  const m = model!;
  if (msg.type === 'start') {
    for (const t of context?.past ?? []) t.dispose();
    context = { past: null, length: 0, logits: null, carry: '', random: makeRandom(msg.options.seed ?? Date.now()) };
  }
  const promptIds = promptOf(m, msg);
  const ctx = context!;
  if (msg.type === 'start' && msg.rows && msg.rows.length > 1) return decodeBatch(m, msg, promptIds);
  const constraint = await makeConstraint(m, msg.options, msg.type === 'start' ? msg.prefix : undefined);
  const stream = new Stream(m, msg.id, undefined, msg.options, ctx.random, constraint, promptIds.length);
  const t = performance.now();
  if (promptIds.length > 0) await forward(m, ctx, promptIds);
  stream.begin(performance.now() - t);
  for (;;) {
    await yieldToMessages();
    if (aborted(msg.id)) return stream.finish('aborted');
    const step = await stream.next(ctx.logits!);
    if ('stop' in step) {
      ctx.carry = step.carry;
      return stream.finish(step.stop);
    }
    await forward(m, ctx, step.forward);
    stream.stats.decodeSteps++;
  }
}

// ---- Several answers to one prompt in one batch (votes) -------------------------------------------------------

/** A row of a batch: its stream, and what it waits for. */
interface BatchRow {
  stream: Stream | null;
  random: () => number;
  /** Tokens to forward at the next step (the first sampled, or a continuation's text). */
  pending: number[] | null;
  logits: Float32Array;
  state: 'decoding' | 'paused' | 'done';
  carry: string;
}

/** The batch being decoded: 'continue'/'end-row' messages for its rows are delivered here, not queued. */
let batchInbox: {
  id: number;
  /** False when the row is not waiting for it. */
  deliver: (msg: Extract<ToWorker, { type: 'continue' | 'end-row' }>) => boolean;
  wake: () => void;
} | null = null;

/**
 * Answers one prompt `msg.rows.length` times in one batch: the prompt is prefilled once, its KV cache copied to
 * every row, and each step forwards every row's next tokens in one session.run — the graph takes a batch dimension
 * and a decode step reads each weight once whatever the batch. Rows append different numbers of tokens (a
 * jump-forward, a computed block, or none while paused for the page to run their module): each row's tokens go
 * at the end of the step and the slots before them are padding, hidden by attention_mask from every later query,
 * while position_ids keep each row's own positions (the twin of python/worldmodel/model/onnx_backend.py's
 * OnnxBatch). A row that closes its program pauses, posting 'stopped'; the page runs the module and sends a
 * 'continue' (or 'end-row') with that row's number.
 */
async function decodeBatch(m: ModelState, msg: Extract<ToWorker, { type: 'start' }>, promptIds: number[]) {
  const ctx = context!;
  const rowsSpec = msg.rows!;
  const t = performance.now();
  await forward(m, ctx, promptIds);
  const prefillMs = performance.now() - t;
  const optionsOf = (r: number): DecodeOptions => ({ ...msg.options, ...rowsSpec[r] });
  const rows: BatchRow[] = [];
  for (let r = 0; r < rowsSpec.length; r++) {
    const options = optionsOf(r);
    const random = makeRandom(options.seed ?? Date.now() + r);
    const stream = new Stream(m, msg.id, r, options, random, await makeConstraint(m, options, msg.prefix), promptIds.length);
    stream.begin(prefillMs);
    rows.push({ stream, random, pending: null, logits: ctx.logits!, state: 'decoding', carry: '' });
  }
  const kv = new BatchCache(m, ctx, rows.length);
  context = null; // a batch leaves no single context to continue
  let wake: (() => void) | null = null;
  batchInbox = {
    id: msg.id,
    deliver: (c) => {
      const row = rows[c.row ?? -1];
      if (!row || row.state !== 'paused') return false;
      if (c.type === 'end-row') row.state = 'done';
      else {
        row.pending = encodeText(m, row.carry + c.text);
        row.stream = new Stream(m, msg.id, c.row, c.options, row.random, null, row.pending.length);
        row.state = 'decoding';
      }
      wake?.();
      return true;
    },
    wake: () => wake?.(),
  };
  try {
    for (;;) {
      await yieldToMessages();
      if (aborted(msg.id)) {
        for (const row of rows) if (row.state === 'decoding') row.stream!.finish('aborted');
        return; // paused rows: their continue is answered 'aborted' (onmessage)
      }
      for (const row of rows) {
        if (row.state !== 'decoding' || row.pending) continue;
        const step = await row.stream!.next(row.logits);
        if ('forward' in step) row.pending = step.forward;
        else {
          row.carry = step.carry;
          row.state = step.stop === 'program_closed' ? 'paused' : 'done';
          row.stream!.finish(step.stop);
        }
      }
      if (rows.every((row) => row.state === 'done')) return;
      if (!rows.some((row) => row.pending)) {
        await new Promise<void>((resolve) => (wake = resolve)); // every live row waits for its module
        wake = null;
        continue;
      }
      const logits = await kv.forward(rows.map((row) => (row.state === 'done' ? null : row.pending)));
      rows.forEach((row, r) => {
        if (!row.pending) return;
        row.logits = logits[r]!;
        row.stream!.stats.decodeSteps++;
        row.pending = null;
      });
    }
  } finally {
    batchInbox = null;
    kv.dispose();
  }
}

/** The KV cache of a batch: [rows, kv heads, slots, head dim] per layer, and which slots each row attends to. */
class BatchCache {
  private past: ort.Tensor[];
  private readonly mask: number[][];
  private readonly positions: number[];

  constructor(private readonly m: ModelState, ctx: Context, rows: number) {
    this.past = ctx.past!.map((tensor) => {
      const one = tensor.data as Float32Array | Uint16Array;
      const data = new (one.constructor as Float32ArrayConstructor | Uint16ArrayConstructor)(one.length * rows);
      for (let r = 0; r < rows; r++) data.set(one, r * one.length);
      const [, heads, slots, dim] = tensor.dims;
      tensor.dispose();
      return new ort.Tensor(m.kvType, data, [rows, heads, slots, dim]);
    });
    ctx.past = null;
    this.mask = Array.from({ length: rows }, () => new Array(ctx.length).fill(1));
    this.positions = new Array(rows).fill(ctx.length);
  }

  /** Appends requests[r] to row r (null: nothing this step); the last position's logits of each row. */
  async forward(requests: (number[] | null)[]): Promise<(Float32Array | null)[]> {
    const m = this.m;
    const rows = requests.length;
    const width = Math.max(...requests.map((tokens) => tokens?.length ?? 0));
    const ids: number[] = [];
    const positions: number[] = [];
    requests.forEach((tokens, r) => {
      const n = tokens?.length ?? 0;
      for (let i = 0; i < width; i++) {
        const real = i >= width - n;
        ids.push(real ? tokens![i - (width - n)] : 0);
        positions.push(real ? this.positions[r] + i - (width - n) : this.positions[r]);
        this.mask[r].push(real ? 1 : 0);
      }
      this.positions[r] += n;
    });
    const { logits, present } = await runGraph(m, ids, this.mask.flat(), positions, rows, this.past);
    for (const tensor of this.past) tensor.dispose();
    this.past = present;
    return requests.map((tokens, r) => (tokens ? logits[r] : null));
  }

  dispose(): void {
    for (const tensor of this.past) tensor.dispose();
  }
}
