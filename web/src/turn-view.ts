// One assistant answer rendered as the protocol's steps (think, module, computed with its provenance, final
// answer), built from the text as it streams; the raw text stays one click away. Used by chat bubbles.
import { BYTELOG_OPEN, THINK_OPEN, WAT_OPEN, parseAnswer, type Answer } from '../worker/protocol';
import type { RunResult } from '../worker/sandbox-types';
import { highlightInto } from './highlight';
import { renderFinal } from './render';

/** Error kinds that mean the program never ran (docs/protocol.md section 3), as opposed to failing while running. */
const COMPILE_KINDS = new Set(['wat_syntax', 'invalid_module', 'module_too_large', 'unknown_import', 'missing_main', 'conversion_error', 'syntax_error']);

export interface PartialAnswer {
  think: string | null;
  /** The program's text so far (closed or still being written). */
  program: string | null;
  programClosed: boolean;
  computed: string | null;
  computedError: string | null;
  /** Empty while a block is still open. */
  final: string;
}

/** The blocks of a turn that may still be streaming: an open `<think>` or program shows what was written so far. */
export function partialAnswer(text: string): PartialAnswer {
  const a = parseAnswer(text);
  const after = (tag: string) => (text.includes(tag) ? text.slice(text.lastIndexOf(tag) + tag.length).trim() : null);
  const think = a.think ?? after(THINK_OPEN);
  const closedProgram = a.wat ?? a.bytelog;
  const program = closedProgram ?? (a.think !== null || !text.includes(THINK_OPEN) ? (after(WAT_OPEN) ?? after(BYTELOG_OPEN)) : null);
  const open = (a.think === null && think !== null) || (closedProgram === null && program !== null);
  return { think, program, programClosed: closedProgram !== null, computed: a.computed, computedError: a.computedError, final: open ? '' : withoutTagStart(a.final) };
}

const OPENING_TAGS = [THINK_OPEN, WAT_OPEN, BYTELOG_OPEN, '<computed'];

/** Text without a tag that is still arriving at its end ("<wat_m"): it is not part of the answer. */
function withoutTagStart(text: string): string {
  const at = text.lastIndexOf('<');
  if (at < 0) return text;
  const tail = text.slice(at);
  return OPENING_TAGS.some((tag) => tag.startsWith(tail) || tail.startsWith(tag)) ? text.slice(0, at).trimEnd() : text;
}

export type TurnState = 'streaming' | 'done' | 'stopped' | 'cut' | 'compile_error' | 'runtime_error' | 'unfinished';

/** The honest state of a finished answer and the words for it ('' when it simply finished). */
export function outcome(reason: string, answer: Answer, generatedTokens?: number): { state: TurnState; label: string } {
  const kind = answer.computedError;
  if (reason === 'aborted') return { state: 'stopped', label: 'Stopped: you stopped this answer before it was finished.' };
  if (kind && kind !== 'unclosed_program') {
    return COMPILE_KINDS.has(kind)
      ? { state: 'compile_error', label: `The module did not compile (${kind}): nothing was run.` }
      : { state: 'runtime_error', label: `The module failed while running (${kind}).` };
  }
  if (reason === 'max_tokens') {
    const count = generatedTokens === undefined ? '' : ` (${generatedTokens} tokens)`;
    const what = kind === 'unclosed_program' ? ' while the module was still being written: nothing was run' : '';
    return { state: 'cut', label: `Cut at the token limit${count}${what}. Raise “Max new tokens” in Settings for a whole answer.` };
  }
  if (kind === 'unclosed_program') return { state: 'unfinished', label: 'The model never finished its module: nothing was run.' };
  return { state: 'done', label: '' };
}

function part<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, parent: HTMLElement): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.className = className;
  parent.append(element);
  return element;
}

export class TurnView {
  readonly element: HTMLLIElement;
  private readonly status: HTMLParagraphElement;
  private readonly think: HTMLDetailsElement;
  private readonly module: HTMLDetailsElement;
  private readonly computed: HTMLDivElement;
  private readonly final: HTMLDivElement;
  private readonly raw: HTMLPreElement;
  private running = false;
  private pending = '';
  private frame = 0;
  private shownProgram = '';

  constructor(attempt = 1) {
    this.element = document.createElement('li');
    this.element.className = 'message assistant';
    this.element.dataset.state = 'streaming';
    if (attempt > 1) part('span', 'badge attempt', this.element).textContent = `attempt ${attempt} (sampled)`;
    this.status = part('p', 'turn-status', this.element);
    this.think = part('details', 'turn-think', this.element);
    part('summary', '', this.think).textContent = 'Thought';
    part('div', 'turn-think-text', this.think);
    this.module = part('details', 'turn-module', this.element);
    part('summary', '', this.module).textContent = 'Module';
    part('code', 'language-wasm', part('pre', '', this.module));
    this.module.open = true;
    this.computed = part('div', 'turn-computed', this.element);
    this.final = part('div', 'turn-final', this.element);
    const rawDetails = part('details', 'turn-raw', this.element);
    part('summary', '', rawDetails).textContent = 'Raw text';
    this.raw = part('pre', 'body', rawDetails);
    this.render('');
  }

  /**
   * Shows the text so far at the next frame: rendering is O(length), so rendering every token of a long answer
   * would fall behind the decoder (and a Stop click would wait behind the backlog).
   */
  update(text: string): void {
    this.pending = text;
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.render(this.pending);
      });
    }
  }

  /** Renders the steps from the text now. */
  render(text: string): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    const list = this.element.parentElement;
    const following = list !== null && list.scrollHeight - list.scrollTop - list.clientHeight < 80; // reader at the end
    this.raw.textContent = text;
    const a = partialAnswer(text);
    this.think.hidden = a.think === null;
    this.think.querySelector('.turn-think-text')!.textContent = a.think ?? '';
    this.module.hidden = a.program === null;
    if (a.program !== null && a.program !== this.shownProgram) {
      this.shownProgram = a.program;
      highlightInto(this.module.querySelector('code')!, a.program, 'wasm');
    }
    this.showComputed(a);
    renderFinal(this.final, a.final, a.computedError === null ? a.computed : null);
    if (following) list.scrollTop = list.scrollHeight;
  }

  /** The module closed and runs now. */
  setRunning(): void {
    this.running = true;
    this.computed.hidden = false;
    this.computed.replaceChildren('Computed: running…');
  }

  /** The run's result (its duration shows in the badge). */
  setResult(result: RunResult): void {
    this.running = false;
    this.computed.dataset.ms = result.ms.toFixed(1);
  }

  private showComputed(a: PartialAnswer): void {
    if (a.computed === null) {
      this.computed.hidden = !this.running;
      return;
    }
    this.running = false;
    this.computed.hidden = false;
    const ok = a.computedError === null;
    const value = document.createElement('span');
    value.className = 'computed-value';
    value.textContent = ok ? a.computed : `${a.computedError}: ${a.computed}`;
    const badge = document.createElement('span');
    const ms = this.computed.dataset.ms ? ` · ${this.computed.dataset.ms} ms` : '';
    badge.className = `badge ${ok ? 'ok' : 'warn'}`;
    badge.textContent = ok ? `executed in this browser${ms}` : `failed: ${a.computedError}`;
    this.computed.className = `turn-computed ${ok ? 'ok' : 'error'}`;
    this.computed.replaceChildren('Computed: ', value, ' ', badge);
  }

  /** How the programs voted ("3 of 5 programs agreed"), shown beside the computed value. */
  setVote(summary: string): void {
    let badge = this.element.querySelector<HTMLSpanElement>('.badge.vote');
    if (!badge) {
      badge = document.createElement('span');
      badge.className = 'badge vote';
      this.element.insertBefore(badge, this.final);
    }
    badge.textContent = summary;
  }

  /** The final state: `reason` is the generation's stop reason. */
  finish(text: string, reason: string, generatedTokens?: number): TurnState {
    this.running = false;
    this.render(text);
    const answer = parseAnswer(text);
    const partial = partialAnswer(text);
    if (partial.program !== null && !partial.programClosed) answer.computedError = 'unclosed_program';
    const { state, label } = outcome(reason, answer, generatedTokens);
    this.element.dataset.state = state;
    this.element.dataset.reason = reason;
    this.status.textContent = label;
    this.module.open = false;
    return state;
  }
}
