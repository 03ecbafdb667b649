// Typed locals: the twin of python/worldmodel/grammar/scope.py (read its docstring for the why).
//
// Once a function's header and declarations are written and its body has begun, `functionScope` reads the
// declarations off the module text and `specialize` rewrites the generated grammar so that `local_i32`,
// `local_i64` and `local_f64` list exactly the declared names of each type (a type with none loses its uses), and
// `root` continues from the body.
// e2e/grammar-conformance.spec.ts holds this port to Python's masks.

const VALUE_TYPES = ['i32', 'i64', 'f64'] as const;
const DECLARATIONS = new Set(['export', 'param', 'result', 'local']);
const LEXEME = /\s+|\(|\)|"[^"]*"?|[^\s()"]+/g;
const CLOSE_TAG = '</wat_model>';
const LOCAL_RULE = 'local_';
const TAILS = { main_first: '( ws func )? ows ")"', helper_first: 'ws main_func ows ")"', last: 'ows ")"' } as const;

export interface FunctionScope {
  /** Offset in the module text just past the function's last declaration. */
  bodyStart: number;
  /** Parameters and locals as [name, type] in declaration order. */
  locals: [string, string][];
  /** The function's result type, or null. */
  result: string | null;
  tail: keyof typeof TAILS;
}

interface OpenFunction {
  isMain: boolean;
  bodyStarted: boolean;
  bodyStart: number;
  locals: [string, string][];
  result: string | null;
}

/** The scope of the function whose body `text` (a module prefix, as written after <wat_model>) is in, or null. */
export function functionScope(text: string): FunctionScope | null {
  let depth = 0;
  let functions = 0;
  let current: OpenFunction | null = null;
  let form: string[] | null = null;
  let headPending = false;
  for (const match of text.matchAll(LEXEME)) {
    const lexeme = match[0];
    const end = match.index! + lexeme.length;
    if (/^\s+$/.test(lexeme)) continue;
    if (lexeme === '(') {
      depth++;
      headPending = true;
      continue;
    }
    if (lexeme === ')') {
      if (current && depth === 3 && form) {
        declare(current, form);
        current.bodyStart = end;
        form = null;
      } else if (current && depth === 2) {
        current = null;
      }
      depth--;
      headPending = false;
      continue;
    }
    const complete = end < text.length; // an atom at the very end may still grow
    if (headPending) {
      headPending = false;
      if (depth === 2 && lexeme === 'func' && complete) {
        current = { isMain: false, bodyStarted: false, bodyStart: end, locals: [], result: null };
        functions++;
      } else if (depth === 3 && current && !current.bodyStarted && complete) {
        if (DECLARATIONS.has(lexeme)) form = [lexeme];
        else current.bodyStarted = true;
      }
      continue;
    }
    if (form && depth === 3) form.push(lexeme);
    else if (current && depth === 2 && !current.bodyStarted && complete) current.bodyStart = end; // its own name
  }
  if (!current || !current.bodyStarted) return null;
  const tail = functions > 1 ? 'last' : current.isMain ? 'main_first' : 'helper_first';
  return { bodyStart: current.bodyStart, locals: current.locals, result: current.result, tail };
}

function declare(fn: OpenFunction, form: string[]): void {
  const [head, ...rest] = form;
  const isType = (t: string | undefined) => t !== undefined && (VALUE_TYPES as readonly string[]).includes(t);
  if (head === 'export') fn.isMain = true;
  else if (head === 'result' && isType(rest[0])) fn.result = rest[0];
  else if ((head === 'param' || head === 'local') && rest.length === 2 && rest[0].startsWith('$') && isType(rest[1])) {
    if (!fn.locals.some(([name]) => name === rest[0])) fn.locals.push([rest[0], rest[1]]);
  }
}

/**
 * `grammar` (the generated one) continuing from `scope`'s body with its locals typed. A type without a local loses
 * its local.get/local.tee/local.set alternatives, so decoding is never led into a use it cannot finish.
 */
export function specialize(grammar: string, scope: FunctionScope): string {
  const result = scope.result ? ` ws expr_${scope.result}` : '';
  const replaced = new Map<string, string>([['root', `( ws stmt )*${result} ows ")" ${TAILS[scope.tail]} ows "${CLOSE_TAG}"`]]);
  const removed = new Map<string, string[]>([['stmt', []]]); // rule -> references to drop from its alternatives
  for (const type of VALUE_TYPES) {
    const names = scope.locals.filter(([, declared]) => declared === type).map(([name]) => quote(name));
    if (names.length) {
      replaced.set(LOCAL_RULE + type, names.join(' | '));
    } else {
      removed.get('stmt')!.push(`local_set_${type} | `);
      removed.set(`expr_${type}`, [` | local_use_${type}`]);
    }
  }
  const lines = grammar.split('\n').map((line) => {
    const rule = line.split(' ::= ', 1)[0];
    if (!line.includes(' ::= ')) return line;
    const body = replaced.get(rule);
    if (body !== undefined) {
      replaced.delete(rule);
      line = `${rule} ::= ${body}`;
    }
    for (const reference of removed.get(rule) ?? []) {
      if (!line.includes(reference)) throw new Error(`the grammar's rule ${rule} has no ${reference.replace(/[ |]/g, '')} to remove`);
      line = line.replace(reference, '');
    }
    return line;
  });
  if (replaced.size) throw new Error(`the grammar has no rule ${[...replaced.keys()].sort().join(', ')} to specialize`);
  return lines.join('\n');
}

function quote(text: string): string {
  return '"' + text.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/** GPT-2's byte-level alphabet inverted: each token string as the text it writes (non-ASCII bytes as U+FFFD). */
export function tokenTexts(vocab: string[]): string[] {
  const decoder = new Map<string, number>();
  let extra = 0;
  for (let byte = 0; byte < 256; byte++) {
    const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
    decoder.set(String.fromCharCode(printable ? byte : 256 + extra++), byte);
  }
  return vocab.map((token) => {
    const chars = [...token];
    if (!chars.every((c) => decoder.has(c))) return token;
    return chars.map((c) => {
      const byte = decoder.get(c)!;
      return byte < 0x80 ? String.fromCharCode(byte) : '\ufffd';
    }).join('');
  });
}
