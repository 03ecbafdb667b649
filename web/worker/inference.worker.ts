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
import type { ChatMessage, DecodeStats, FromWorker, LoadInfo, StopReason, StopString, ToWorker } from './messages';
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
  const layers = m.manifest.architecture.num_layers;
  const past = ctx.past ?? emptyPast(m);
  const total = ctx.length + ids.length;
  const feeds: Record<string, ort.Tensor> = {
    input_ids: idsTensor(m, ids, [1, ids.length]),
    attention_mask: idsTensor(m, new Array(total).fill(1), [1, total]),
  };
  if (m.inputNames.has('position_ids')) feeds.position_ids = idsTensor(m, ids.map((_, i) => ctx.length + i), [1, ids.length]);
  // Only the last position's logits are needed (saves a seq × vocab projection during prefill).
  if (m.inputNames.has('num_logits_to_keep')) feeds.num_logits_to_keep = new ort.Tensor('int64', BigInt64Array.from([1n]), []);
  for (let i = 0; i < layers; i++) {
    feeds[`past_key_values.${i}.key`] = past[2 * i];
    feeds[`past_key_values.${i}.value`] = past[2 * i + 1];
  }
  const out = await m.session.run(feeds);
  const logits = out.logits;
  const vocab = logits.dims[logits.dims.length - 1];
  const data = logits.data as Float32Array;
  const last = data.slice(data.length - vocab);
  logits.dispose();
  const present: ort.Tensor[] = [];
  for (let i = 0; i < layers; i++) present.push(out[`present.${i}.key`], out[`present.${i}.value`]);
  for (const t of ctx.past ?? []) t.dispose();
  ctx.past = present;
  ctx.length = total;
  ctx.logits = last;
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

async function decode(msg: Extract<ToWorker, { type: 'start' | 'continue' }>) {
  const m = model!;
  const { options, id } = msg;
  let promptIds: number[];
  if (msg.type === 'start') {
    for (const t of context?.past ?? []) t.dispose();
    context = { past: null, length: 0, logits: null, carry: '', random: makeRandom(options.seed ?? Date.now()) };
    let prompt = msg.raw ?? '';
    if (msg.messages) {
      const count = (messages: ChatMessage[]) => m.tokenizer.encode(renderPrompt(m, messages), { add_special_tokens: false }).ids.length;
      const messages = fitHistory(msg.messages, count, msg.contextBudget ?? CONTEXT_BUDGET);
      prompt = renderPrompt(m, messages);
      post({ type: 'context', id, messages, promptTokens: count(messages) });
    }
    promptIds = m.tokenizer.encode(prompt + (msg.prefix ?? ''), { add_special_tokens: false }).ids;
  } else {
    if (!context || !context.logits) throw new Error('Nothing to continue: start a generation first.');
    promptIds = m.tokenizer.encode(context.carry + msg.text, { add_special_tokens: false }).ids;
    context.carry = '';
  }
  const ctx = context!;
  const generated: number[] = [];
  // `tokenIds` is the list being filled: posted once with the 'stopped' message, no copy per token.
  const stats: DecodeStats = { promptTokens: promptIds.length, generatedTokens: 0, prefillMs: 0, decodeMs: 0, decodeSteps: 0, jumpTokens: 0, maskMs: [], grammarCompileMs: 0, tokenIds: generated };
  const vocab = m.manifest.architecture.vocab_size;
  const encode = (s: string) => m.tokenizer.encode(s, { add_special_tokens: false }).ids;
  const constraint = options.grammar
    ? await ProgramConstraint.create(m.vocabTokens, vocab, [...m.eos], options.grammar.jumpForward, encode)
    : null;
  if (constraint && msg.type === 'start' && msg.prefix) await constraint.observePrefix(msg.prefix);
  let t = performance.now();
  const stop = (reason: StopReason) => {
    constraint?.dispose();
    stats.decodeMs = performance.now() - t;
    post({ type: 'stopped', id, reason, stats });
  };
  if (promptIds.length > 0) await forward(m, ctx, promptIds);
  stats.prefillMs = performance.now() - t;

  let text = '';
  let shown = 0;
  const show = (upTo: number) => {
    if (upTo > shown) post({ type: 'text', id, text: text.slice(shown, upTo) });
    shown = Math.max(shown, upTo);
  };
  const holdBack = options.stops.map((s) => s.text);
  t = performance.now();
  for (;;) {
    await yieldToMessages();
    if (abortedId === id || (abortFlag !== null && Atomics.load(abortFlag, 0) === id)) return stop('aborted');
    if (generated.length >= options.maxTokens) {
      show(text.length);
      return stop('max_tokens');
    }
    const logits = ctx.logits!;
    if (constraint) await constraint.mask(logits, Math.min(vocab, logits.length));
    const next = sampleToken(logits, 0, Math.min(vocab, logits.length), options.temperature, options.topP, ctx.random);
    if (m.eos.has(next)) {
      show(text.length);
      return stop('eos');
    }
    const forwarded = text; // the text of the tokens already in the KV cache
    generated.push(next);
    const step = [next]; // tokens not forwarded yet
    text = m.tokenizer.decode(generated, { skip_special_tokens: false });
    if (constraint) {
      await constraint.observe(text, next);
      const forced = await constraint.jumpForward(options.maxTokens - generated.length);
      if (forced.length > 0) {
        generated.push(...forced);
        step.push(...forced);
        text = m.tokenizer.decode(generated, { skip_special_tokens: false });
      }
      stats.jumpTokens = constraint.jumpTokens;
      stats.maskMs = constraint.maskMs;
      stats.grammarCompileMs = constraint.compileMs;
    }
    stats.generatedTokens = generated.length;
    // Stop strings are matched on decoded text (a tag spans several tokens; a token may run past it),
    // before the new token is forwarded, exactly as worldmodel.generate does.
    let hit: { at: number; stop: StopString } | null = null;
    for (const s of options.stops) {
      const at = text.indexOf(s.text);
      if (at >= 0 && (!hit || at < hit.at)) hit = { at, stop: s };
    }
    if (hit) {
      const cut = hit.stop.keep ? hit.at + hit.stop.text.length : hit.at;
      show(cut);
      // The last token is not in the cache: its text up to the cut is fed again with whatever follows.
      ctx.carry = text.slice(Math.min(forwarded.length, cut), cut);
      return stop(hit.stop.reason);
    }
    show(safeLength(text, holdBack)); // stream the token before computing the next one
    await forward(m, ctx, step);
    stats.decodeSteps++;
  }
}
