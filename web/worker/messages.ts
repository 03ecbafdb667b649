// Messages between the page (WorldModel API) and the inference worker.

import type { LoadProgress } from './bundle-loader';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Where decoding pauses or ends: `keep` keeps the matched text (a closing tag), else the text is cut before it. */
export interface StopString {
  text: string;
  keep: boolean;
  reason: string;
}

export interface DecodeOptions {
  maxTokens: number;
  temperature: number;
  topP: number;
  stops: StopString[];
  seed?: number;
  /**
   * Follow the module between <wat_model> and </wat_model> with the typed WAT grammar (grammar.ts): `mask`
   * constrains it, `jumpForward` appends forced text in one step (without `mask`, the grammar only guides that).
   */
  grammar?: { mask: boolean; jumpForward: boolean };
}

export interface DecodeStats {
  promptTokens: number;
  generatedTokens: number;
  prefillMs: number;
  decodeMs: number;
  /** Forward passes after the prompt (a jump-forward appends several tokens in one). */
  decodeSteps: number;
  /** Tokens appended by jump-forward instead of being decoded. */
  jumpTokens: number;
  /** Per masked token: computing and applying the grammar's mask, in ms. */
  maskMs: number[];
  /** Compiling the grammar and its specializations to each function's locals, in ms. */
  grammarCompileMs: number;
  /** The token ids generated in this call, in order (the benchmark's proof of a greedy run hashes a prefix). */
  tokenIds: number[];
}

export interface LoadInfo {
  modelId: string;
  modelVersion: string;
  quantization: string;
  loadMs: number;
  downloadMs: number;
  sessionMs: number;
  downloadedBytes: number;
  cachedFiles: number;
  totalFiles: number;
  threads: number;
  simd: boolean;
  crossOriginIsolated: boolean;
  maxNewTokens: number;
  defaultTemperature: number;
  defaultTopP: number;
  stopStrings: string[];
  /** Prompt tokens for earlier chat turns, as the model was trained (manifest generation.context_budget; 0: each question alone). */
  contextBudget: number;
}

export type ToWorker =
  // `abortFlag` (cross-origin isolated pages): the page writes the id of a generation to stop into it.
  | { type: 'load'; manifestUrl: string; threads: number; abortFlag?: Int32Array }
  // Starts a new context: the chat template renders `messages` fitted to `contextBudget` tokens (chat-context.ts)
  // or `raw` is used verbatim, and decoding begins. `prefix` is appended after the rendered prompt (an assistant
  // answer to continue from).
  // With `rows` (votes): one answer per entry, all decoded in one batch from the prompt prefilled once, each row
  // with its own sampling; every message about a row carries its number.
  | { type: 'start'; id: number; messages?: ChatMessage[]; contextBudget?: number; raw?: string; prefix?: string; options: DecodeOptions; rows?: BatchRowOptions[] }
  // Continues the current context (or row `row` of the running batch, paused after its program): `text` is
  // appended after rolling back any overshoot past the stop string.
  | { type: 'continue'; id: number; row?: number; text: string; options: DecodeOptions }
  // Row `row` of the running batch ends where it paused (its module failed, or the page stopped it).
  | { type: 'end-row'; id: number; row: number }
  | { type: 'abort'; id: number };

/** What differs between the rows of a batch. */
export interface BatchRowOptions {
  temperature: number;
  seed?: number;
}

/** `eos`, `max_tokens`, `aborted`, or the `reason` of the StopString that matched. */
export type StopReason = string;

export type FromWorker =
  | { type: 'progress'; progress: LoadProgress }
  | { type: 'loaded'; info: LoadInfo }
  | { type: 'load-error'; code: string; message: string }
  // What the model is given for a chat: the messages after fitting, and the prompt's token count.
  | { type: 'context'; id: number; messages: ChatMessage[]; promptTokens: number }
  | { type: 'text'; id: number; row?: number; text: string }
  | { type: 'stopped'; id: number; row?: number; reason: StopReason; stats: DecodeStats }
  | { type: 'error'; id: number; message: string };
