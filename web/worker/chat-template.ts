// A bundle's chat template is untrusted: it renders under the bounds of the Python renderer
// (python/worldmodel/model/chat.py): time, output, sequence size, and `range()` of at most 100,000 items.
// @huggingface/jinja's interpreter has no limits of its own, so every `evaluate` goes through a budget.

import { Environment, Interpreter, Template } from '@huggingface/jinja';

const TIME_LIMIT_MS = 2000;
const VALUE_LIMIT = 1 << 20; // characters of one string, items of one list
const TOTAL_LIMIT = 1 << 24; // characters produced by all evaluations together (nested output counts per level)
const RANGE_LIMIT = 100_000; // Jinja's own sandbox limit (MAX_RANGE)

export class ChatTemplateError extends Error {}

type Statement = Parameters<Interpreter['evaluate']>[0];

class BoundedInterpreter extends Interpreter {
  private readonly deadline = performance.now() + TIME_LIMIT_MS;
  private produced = 0;

  evaluate(statement: Statement, environment: Environment) {
    if (performance.now() > this.deadline) throw new ChatTemplateError(`rendering took longer than ${TIME_LIMIT_MS / 1000} s`);
    const value = super.evaluate(statement, environment);
    const raw = value.value as unknown;
    const size = typeof raw === 'string' ? raw.length : Array.isArray(raw) ? raw.length : 0;
    if (size > VALUE_LIMIT) throw new ChatTemplateError(`a value passed ${VALUE_LIMIT} characters or items`);
    this.produced += size;
    if (this.produced > TOTAL_LIMIT) throw new ChatTemplateError(`rendering produced more than ${TOTAL_LIMIT} characters`);
    return value;
  }
}

function range(start: number, stop?: number, step = 1): number[] {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0) throw new ChatTemplateError('range() step must not be zero');
  const count = Math.max(0, Math.ceil((stop - start) / step));
  if (count > RANGE_LIMIT) throw new ChatTemplateError(`range() of more than ${RANGE_LIMIT} items`);
  return Array.from({ length: count }, (_, i) => start + i * step);
}

export class ChatTemplate {
  private readonly template: Template;

  /** Compiles `source` and renders one conversation, so a template that fails or explodes fails now. */
  constructor(source: string) {
    try {
      this.template = new Template(source);
    } catch (e) {
      throw new ChatTemplateError(`does not compile: ${(e as Error).message}`);
    }
    this.render({ messages: [{ role: 'user', content: 'What is 17 times 23?' }], add_generation_prompt: true });
  }

  render(items: Record<string, unknown>): string {
    // Template.render's globals (strftime_now left out: a template gets no clock, as in Python), then the items.
    const env = new Environment();
    const globals: Record<string, unknown> = { false: false, true: true, none: null, False: false, True: true, None: null, range };
    globals.raise_exception = (message: unknown) => {
      throw new ChatTemplateError(`raised: ${String(message)}`);
    };
    for (const [key, value] of Object.entries({ ...globals, ...items })) env.set(key, value);
    try {
      return String(new BoundedInterpreter(env).run(this.template.parsed).value);
    } catch (e) {
      if (e instanceof ChatTemplateError) throw e;
      throw new ChatTemplateError(`failed: ${(e as Error).message}`);
    }
  }
}
