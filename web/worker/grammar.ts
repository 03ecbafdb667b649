// Grammar-constrained decoding in the browser: the twin of python/worldmodel/grammar/constraint.py.
//
// The typed WAT grammar (python/worldmodel/grammar/wat.ebnf, generated from rt's exports; bundled here as text,
// so it works offline) is compiled by @mlc-ai/web-xgrammar, XGrammar's C++ core compiled to WebAssembly: the
// same engine as the Python package, with no WebGPU and nothing fetched at run time. The grammar applies only
// between <wat_model> and </wat_model>; e2e/grammar-conformance.spec.ts holds the masks to Python's.

import * as xgr from '@mlc-ai/web-xgrammar';
import WAT_GRAMMAR from '../../python/worldmodel/grammar/wat.ebnf?raw';
import { branchFilter, moduleScope, sameScope, specialize, tokenTexts, type Scope } from './grammar-scope';
import { WAT_CLOSE, WAT_OPEN } from './protocol';

export { WAT_GRAMMAR };

/** The tokens of a tokenizer.json ordered by id (byte-level BPE strings, as XGrammar's TokenizerInfo wants). */
export function tokenizerVocab(tokenizerJson: { model: { vocab: Record<string, number> }; added_tokens?: { id: number; content: string }[] }): string[] {
  const entries: [string, number][] = Object.entries(tokenizerJson.model.vocab);
  for (const added of tokenizerJson.added_tokens ?? []) entries.push([added.content, added.id]);
  const size = Math.max(...entries.map(([, id]) => id)) + 1;
  const tokens = new Array<string>(size).fill('');
  for (const [token, id] of entries) tokens[id] = token;
  return tokens;
}

const compilers = new Map<string, Promise<xgr.GrammarCompiler>>();
const compiled = new Map<string, Promise<xgr.CompiledGrammar>>();
const COMPILED_KEPT = 64; // the generic grammar and the specializations recent answers needed

/** The grammar compiled for a vocabulary (cached per vocabulary and grammar text: compiling takes about a second). */
export function compileGrammar(vocab: string[], vocabSize: number, stopIds: number[], grammar = WAT_GRAMMAR): Promise<xgr.CompiledGrammar> {
  const vocabKey = `${vocab.length}:${vocabSize}:${stopIds.join(',')}`;
  let compiler = compilers.get(vocabKey);
  if (!compiler) {
    compiler = (async () => xgr.GrammarCompiler.createGrammarCompiler(
      await xgr.TokenizerInfo.createTokenizerInfo(vocab, 'byte_level', false, vocabSize, stopIds), false))();
    compilers.set(vocabKey, compiler);
  }
  const key = `${vocabKey}\n${grammar}`;
  let result = compiled.get(key);
  if (!result) {
    result = compiler.then((c) => c.compileGrammar(grammar, 'root'));
    if (compiled.size >= COMPILED_KEPT) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, result);
  }
  return result;
}

const textsOf = new WeakMap<string[], string[]>();

/** What each token of `vocab` writes (cached per vocabulary array). */
function textsFor(vocab: string[]): string[] {
  let texts = textsOf.get(vocab);
  if (!texts) textsOf.set(vocab, (texts = tokenTexts(vocab)));
  return texts;
}

/**
 * A matcher over one module that follows what the module has imported and declared (grammar-scope.ts): after
 * each accepted token it reads the scope off the module text, and when the scope changes (an import or a local
 * declared, a body begun) it continues with the grammar specialized to it. Twin of constraint.py's ModuleMatcher.
 */
export class ModuleMatcher {
  private text = '';
  private scope: Scope | null = null;
  specializations = 0;
  compileMs = 0;

  private constructor(
    private matcher: xgr.GrammarMatcher,
    private readonly compile: (grammar: string) => Promise<xgr.CompiledGrammar>,
    private readonly grammar: string,
    private readonly texts: string[],
    /** Accept a token by its text: the grammar was compiled without the vocabulary (no mask is computed). */
    private readonly byText: boolean,
  ) {}

  static async create(compile: (grammar: string) => Promise<xgr.CompiledGrammar>, grammar: string, texts: string[], byText = false): Promise<ModuleMatcher> {
    const started = performance.now();
    const matcher = await xgr.GrammarMatcher.createGrammarMatcher(await compile(grammar), undefined, true);
    const module = new ModuleMatcher(matcher, compile, grammar, texts, byText);
    module.compileMs += performance.now() - started;
    return module;
  }

  /** Accepts `text` whole or says false (the matcher is then spent); per character where a branch may begin. */
  async acceptString(text: string): Promise<boolean> {
    if (!text.includes('(') && branchFilter(this.text) === null) {
      if (!this.matcher._acceptString(text)) return false;
      this.text += text;
      await this.rescope();
      return true;
    }
    for (const char of text) {
      const admits = branchFilter(this.text);
      if ((admits && !admits(char)) || !this.matcher._acceptString(char)) return false;
      this.text += char;
      await this.rescope();
    }
    return true;
  }

  async acceptToken(token: number): Promise<boolean> {
    const admits = branchFilter(this.text);
    if (admits && !admits(this.texts[token])) return false;
    if (!(this.byText ? this.matcher._acceptString(this.texts[token]) : this.matcher.acceptToken(token))) return false;
    this.text += this.texts[token];
    await this.rescope();
    return true;
  }

  async getNextTokenBitmask(): Promise<Int32Array> {
    const bitmask = await this.matcher.getNextTokenBitmask();
    const admits = branchFilter(this.text);
    if (admits) {
      for (let id = 0; id < this.texts.length; id++) {
        if (allowed(bitmask, id) && !admits(this.texts[id])) bitmask[id >>> 5] &= ~(1 << (id & 31));
      }
    }
    return bitmask;
  }

  findJumpForwardString(): string {
    return this.matcher.findJumpForwardString();
  }

  isTerminated(): boolean {
    return this.matcher.isTerminated();
  }

  dispose(): void {
    this.matcher.dispose();
  }

  private async rescope(): Promise<void> {
    const scope = moduleScope(this.text);
    if (!scope || sameScope(scope, this.scope)) return;
    this.scope = scope;
    const started = performance.now();
    const matcher = await xgr.GrammarMatcher.createGrammarMatcher(await this.compile(specialize(this.grammar, scope)), undefined, true);
    this.compileMs += performance.now() - started;
    // What follows the scope's start cannot name a local or an import yet (a body's first head, the start of a
    // declaration or import at most), so this always fits.
    if (matcher._acceptString(this.text.slice(scope.start))) {
      this.matcher.dispose();
      this.matcher = matcher;
      this.specializations++;
    } else {
      matcher.dispose();
    }
  }
}

/** Whether token `id` is allowed by an XGrammar bitmask (bit i of word j = token 32*j+i). */
export function allowed(bitmask: Int32Array, id: number): boolean {
  return ((bitmask[id >>> 5] >>> (id & 31)) & 1) === 1;
}

/**
 * The grammar's state for one answer: off until <wat_model>, then masks logits, off again after </wat_model>.
 * With `masking` false it masks nothing and only guides jump-forward: the first token it does not admit turns it
 * off for the rest of the answer, so the model writes what it would write alone except where text was forced.
 */
export class ProgramConstraint {
  private matcher: ModuleMatcher | null = null;
  private finished = false;
  /** The text at the opening tag did not fit the grammar: decoding went on unconstrained. */
  failed = false;
  readonly maskMs: number[] = [];
  jumpTokens = 0;

  /** One per module opened: its specializations and compile time. */
  readonly modules: ModuleMatcher[] = [];

  private constructor(
    private readonly compile: (grammar: string) => Promise<xgr.CompiledGrammar>,
    private readonly grammar: string,
    private readonly texts: string[],
    private readonly jumpForwardEnabled: boolean,
    private readonly encode: (text: string) => number[],
    private readonly masking: boolean,
  ) {}

  /** `vocab` as tokenizerVocab gives it; the grammar is compiled now, not at the opening tag. */
  static async create(vocab: string[], vocabSize: number, stopIds: number[], jumpForward: boolean, encode: (text: string) => number[], grammar = WAT_GRAMMAR, masking = true): Promise<ProgramConstraint> {
    // Unmasked, no token mask is ever computed: a one-token vocabulary compiles each specialization at once
    // (the real one costs ~0.5 s each) and tokens are accepted by their text.
    const compile = masking
      ? (text: string) => compileGrammar(vocab, vocabSize, stopIds, text)
      : (text: string) => compileGrammar(['a'], 1, [], text);
    await compile(grammar);
    return new ProgramConstraint(compile, grammar, textsFor(vocab), jumpForward, encode, masking);
  }

  get active(): boolean {
    return this.matcher !== null;
  }

  /** An assistant prefix that opened a module and left it unfinished: the grammar continues from there. */
  async observePrefix(prefix: string): Promise<void> {
    if (prefix.includes(WAT_OPEN) && !prefix.includes(WAT_CLOSE)) await this.observe(prefix, -1);
  }

  /** After each token: `text` is the text generated so far, `token` the token just added (-1: text only). */
  async observe(text: string, token: number): Promise<void> {
    if (this.matcher) {
      if (token < 0) return;
      if (!(await this.matcher.acceptToken(token))) {
        if (this.masking) throw new Error(`token ${token} was outside the grammar's mask`); // a bug: never comes
        this.dispose(); // unmasked, the model left the grammar: it goes on alone
        this.failed = true;
        return;
      }
      this.closeIfDone();
      return;
    }
    if (this.finished || this.failed || !text.includes(WAT_OPEN)) return;
    this.matcher = await ModuleMatcher.create(this.compile, this.grammar, this.texts, !this.masking);
    this.modules.push(this.matcher);
    const rest = text.slice(text.indexOf(WAT_OPEN) + WAT_OPEN.length);
    if (rest && !(await this.matcher.acceptString(rest))) {
      this.dispose();
      this.failed = true;
    }
  }

  /** Sets every logit the grammar forbids to -Infinity (nothing while the grammar is off). */
  async mask(logits: Float32Array, vocab: number): Promise<void> {
    if (!this.matcher || !this.masking) return;
    const started = performance.now();
    const bitmask = await this.matcher.getNextTokenBitmask();
    for (let id = 0; id < vocab; id++) if (!allowed(bitmask, id)) logits[id] = -Infinity;
    this.maskMs.push(performance.now() - started);
  }

  /** Tokens (at most `limit`) of the text the grammar forces next, accepted already: append them undecoded. */
  async jumpForward(limit: number): Promise<number[]> {
    if (!this.matcher || !this.jumpForwardEnabled || limit <= 0) return [];
    const forced = this.matcher.findJumpForwardString();
    if (!forced) return [];
    const accepted: number[] = [];
    // The forced text's last token stays with the model: the text may end inside a token the model writes merged
    // with what follows (forced ")" then its habitual "))" closes one form too many). Masked, it can only continue.
    for (const token of this.encode(forced).slice(0, -1).slice(0, limit)) {
      if (!(await this.matcher.acceptToken(token))) break; // a token must not cross where the grammar ends
      accepted.push(token);
    }
    this.jumpTokens += accepted.length;
    this.closeIfDone();
    return accepted;
  }

  dispose(): void {
    this.matcher?.dispose();
    this.matcher = null;
  }

  /** Grammar compile time of this answer's modules, specializations included (ms). */
  get compileMs(): number {
    return this.modules.reduce((sum, m) => sum + m.compileMs, 0);
  }

  private closeIfDone(): void {
    if (this.matcher?.isTerminated()) {
      this.dispose();
      this.finished = true;
    }
  }
}

/** Whether `text` (what follows <wat_model>) can still become a module of the grammar (a test's check). */
export async function admitsPrefix(text: string, grammar = WAT_GRAMMAR): Promise<boolean> {
  // A one-token vocabulary compiles at once; accepting a string does not depend on the vocabulary.
  const info = await xgr.TokenizerInfo.createTokenizerInfo(['a'], 'byte_level', false, 1, []);
  const compiler = await xgr.GrammarCompiler.createGrammarCompiler(info, false);
  const matcher = await xgr.GrammarMatcher.createGrammarMatcher(await compiler.compileGrammar(grammar, 'root'), undefined, true);
  const admitted = matcher._acceptString(text);
  matcher.dispose();
  return admitted;
}

/**
 * The conformance corpus's replay: for each token stream (the tokens after <wat_model>), the allowed-token count and
 * a hash of the mask at every step, and the jump-forward string there. Python writes the same for the same streams.
 */
export async function replayMasks(vocab: string[], vocabSize: number, stopIds: number[], streams: number[][]): Promise<{ counts: number[]; hashes: string[]; jumps: string[]; specializations: number }[]> {
  const compile = (text: string) => compileGrammar(vocab, vocabSize, stopIds, text);
  const out = [];
  for (const stream of streams) {
    const matcher = await ModuleMatcher.create(compile, WAT_GRAMMAR, textsFor(vocab));
    const counts: number[] = [];
    const hashes: string[] = [];
    const jumps: string[] = [];
    for (const token of [...stream, -1]) {
      const bitmask = await matcher.getNextTokenBitmask();
      let count = 0;
      for (let id = 0; id < vocabSize; id++) if (allowed(bitmask, id)) count++;
      counts.push(count);
      hashes.push(await maskHash(bitmask, vocabSize));
      jumps.push(matcher.findJumpForwardString());
      if (token < 0 || !(await matcher.acceptToken(token))) break;
    }
    matcher.dispose();
    out.push({ counts, hashes, jumps, specializations: matcher.specializations });
  }
  return out;
}

/** SHA-256 (hex) of the mask's bits over the vocabulary, as little-endian int32 words with bits past it cleared. */
export async function maskHash(bitmask: Int32Array, vocabSize: number): Promise<string> {
  const words = new Int32Array(Math.ceil(vocabSize / 32));
  words.set(bitmask.subarray(0, words.length));
  const spare = words.length * 32 - vocabSize;
  if (spare > 0) words[words.length - 1] &= -1 >>> spare;
  const digest = await crypto.subtle.digest('SHA-256', words.buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
