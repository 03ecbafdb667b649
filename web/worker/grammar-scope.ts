// Typed locals: the twin of python/worldmodel/grammar/scope.py (read its docstring for the why).
//
// After each import, further imports only of rt functions not imported yet; after each local declaration, further
// declarations only under names not taken yet; once the
// body has begun, `local_i32`, `local_i64` and `local_f64` list exactly the declared names of each type (a type
// with none loses its uses) and `root` continues from the body. `moduleScope` reads all this off the text.
// e2e/grammar-conformance.spec.ts holds this port to Python's masks.

const VALUE_TYPES = ['i32', 'i64', 'f64'] as const;
const DECLARATIONS = new Set(['export', 'param', 'result', 'local']);
const LEXEME = /\s+|\(|\)|"[^"]*"?|[^\s()"]+/g;
const CLOSE_TAG = '</wat_model>';
const LOCAL_RULE = 'local_';
const TAILS = { main_first: '( ws func )? ows ")"', helper_first: 'ws main_func ows ")"', last: 'ows ")"' } as const;
// What the module needs after its imports (the rest of wat_ebnf.py's `module` rule).
const MODULE_REST = '( ws main_func ( ws func )? | ws func ws main_func ) ows ")"';

// wat_ebnf.py's `ident`: a first character, then up to 40 more.
const FIRST = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_';
const REST = FIRST + '0123456789.';
const IDENT_TAIL = '[a-zA-Z0-9_.]{0,40}';

/** Where the module being written stands (scope.py's Scope). */
export interface Scope {
  /** 'imports': it has imported `imports` and no function has begun; 'declaring': a function's body has not begun and its last declaration was a local; 'body'. */
  phase: 'imports' | 'declaring' | 'body';
  /** Offset in the module text just past the last import or declaration. */
  start: number;
  /** The function's parameters and locals as [name, type] in declaration order. */
  locals: [string, string][];
  /** The function's result type, or null. */
  result: string | null;
  tail: keyof typeof TAILS | '';
  imports: string[];
}

class OpenFunction {
  isMain = false;
  bodyStarted = false;
  locals: [string, string][] = [];
  result: string | null = null;
  lastDeclaration = '';

  constructor(public start: number) {}

  declare(form: string[], end: number): void {
    const [head, ...rest] = form;
    const isType = (t: string | undefined) => t !== undefined && (VALUE_TYPES as readonly string[]).includes(t);
    this.start = end;
    this.lastDeclaration = head;
    if (head === 'export') this.isMain = true;
    else if (head === 'result' && isType(rest[0])) this.result = rest[0];
    else if ((head === 'param' || head === 'local') && rest.length === 2 && rest[0].startsWith('$') && isType(rest[1])) {
      if (!this.locals.some(([name]) => name === rest[0])) this.locals.push([rest[0], rest[1]]);
    }
  }
}

/** Where `text` (a module prefix, as written after <wat_model>) stands, or null (scope.py's module_scope). */
export function moduleScope(text: string): Scope | null {
  let depth = 0;
  let functions = 0;
  const imports: string[] = [];
  let importsEnd = 0;
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
        current.declare(form, end);
        form = null;
      } else if (current && depth === 2) {
        current = null;
      } else if (!current && depth === 2 && form) { // an import
        if (form.length > 2 && form[2].endsWith('"') && form[2].length > 1) imports.push(form[2].replace(/^"+|"+$/g, ''));
        importsEnd = end;
        form = null;
      }
      depth--;
      headPending = false;
      continue;
    }
    const complete = end < text.length; // an atom at the very end may still grow
    if (headPending) {
      headPending = false;
      if (depth === 2 && lexeme === 'func' && complete) {
        current = new OpenFunction(end);
        functions++;
      } else if (depth === 2 && lexeme === 'import' && complete && !functions) {
        form = [lexeme];
      } else if (depth === 3 && current && !current.bodyStarted && complete) {
        if (DECLARATIONS.has(lexeme)) form = [lexeme];
        else current.bodyStarted = true;
      }
      continue;
    }
    if (form && (depth === 2 || depth === 3)) form.push(lexeme);
    else if (current && depth === 2 && !current.bodyStarted && complete) current.start = end; // its own name
  }
  if (!current) return imports.length && !functions ? { phase: 'imports', start: importsEnd, locals: [], result: null, tail: '', imports } : null;
  if (!(current.bodyStarted || current.lastDeclaration === 'local')) return null;
  const tail = functions > 1 ? 'last' : current.isMain ? 'main_first' : 'helper_first';
  return { phase: current.bodyStarted ? 'body' : 'declaring', start: current.start, locals: current.locals, result: current.result, tail, imports: [] };
}

/** Whether two scopes are the same (the matcher re-specializes only when the scope changes). */
export function sameScope(a: Scope | null, b: Scope | null): boolean {
  return a !== null && b !== null && a.phase === b.phase && a.start === b.start && a.result === b.result && a.tail === b.tail
    && a.locals.length === b.locals.length && a.locals.every(([name, type], i) => b.locals[i][0] === name && b.locals[i][1] === type)
    && a.imports.length === b.imports.length && a.imports.every((name, i) => b.imports[i] === name);
}

/**
 * `grammar` (the generated one) continuing from `scope`: after imports, further imports only of names not imported
 * yet; while declaring, further locals only under names not taken; in the body, uses of locals typed. A type
 * without a local loses its local.get/local.tee/local.set alternatives, so decoding is never led into a use it
 * cannot finish.
 */
export function specialize(grammar: string, scope: Scope): string {
  const replaced = new Map<string, string>();
  const removed = new Map<string, string[]>(); // rule -> references to drop from its alternatives
  let extra: string[] = [];
  if (scope.phase === 'imports') {
    replaced.set('root', `( ws import )* ${MODULE_REST} ows "${CLOSE_TAG}"`);
    if (scope.imports.includes('memory')) removed.set('import', ['"(import \\"rt\\" \\"memory\\" (memory 1))" | ']);
    const taken = scope.imports.map((name) => `"(import \\"rt\\" \\"${name}\\" `);
    for (const line of grammar.split('\n')) {
      if (!line.startsWith('rt_import ::= ')) continue;
      const kept = line.slice('rt_import ::= '.length).split(' | ').filter((option) => !taken.some((prefix) => option.startsWith(prefix)));
      if (kept.length) {
        replaced.set('rt_import', kept.join(' | '));
      } else { // every rt function imported: no further import
        replaced.set('root', `${MODULE_REST} ows "${CLOSE_TAG}"`);
        removed.delete('import');
      }
    }
  } else {
    const result = scope.result ? ` ws expr_${scope.result}` : '';
    const declarations = scope.phase === 'declaring' ? '( ws local_decl_fresh )* ' : '';
    replaced.set('root', `${declarations}( ws stmt )*${result} ows ")" ${TAILS[scope.tail as keyof typeof TAILS]} ows "${CLOSE_TAG}"`);
  }
  if (scope.phase === 'declaring') {
    extra = ['local_decl_fresh ::= "(local" ws "$" fresh_0 ws valtype ")"',
      ...freshNameRules(scope.locals.map(([name]) => name.slice(1))), `fresh_tail ::= ${IDENT_TAIL}`];
  }
  if (scope.phase === 'body') {
    removed.set('stmt', []);
    for (const type of VALUE_TYPES) {
      const names = scope.locals.filter(([, declared]) => declared === type).map(([name]) => quote(name));
      if (names.length) {
        replaced.set(LOCAL_RULE + type, names.join(' | '));
      } else {
        removed.get('stmt')!.push(`local_set_${type} | `);
        removed.set(`expr_${type}`, [` | local_use_${type}`]);
      }
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
  return [...lines, ...extra].join('\n');
}

/** Rules fresh_0, fresh_1, … for an identifier that is none of `taken`: one rule per node of their trie. */
export function freshNameRules(taken: string[]): string[] {
  const nodes = new Map<string, number>([['', 0]]);
  for (const name of taken) for (let end = 1; end <= name.length; end++) if (!nodes.has(name.slice(0, end))) nodes.set(name.slice(0, end), nodes.size);
  const rules: string[] = [];
  for (const [prefix, number] of nodes) {
    const children = [...new Set([...nodes.keys()].filter((name) => name.length === prefix.length + 1 && name.startsWith(prefix)).map((name) => name[prefix.length]))].sort();
    const options = prefix && !taken.includes(prefix) ? ['""'] : [];
    for (const char of children) options.push(`"${char}" fresh_${nodes.get(prefix + char)}`);
    const others = [...(prefix ? REST : FIRST)].filter((char) => !children.includes(char));
    options.push(`[${charRanges(others)}] fresh_tail`);
    rules.push(`fresh_${number} ::= ${options.join(' | ')}`);
  }
  return rules;
}

/** A character class body for `chars`, consecutive runs as ranges (a-su-z). */
function charRanges(chars: string[]): string {
  const codes = chars.map((c) => c.charCodeAt(0)).sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const code of codes) {
    if (runs.length && code === runs[runs.length - 1][1] + 1) runs[runs.length - 1][1] = code;
    else runs.push([code, code]);
  }
  const c = String.fromCharCode;
  return runs.map(([a, b]) => (a === b ? c(a) : b === a + 1 ? c(a) + c(b) : `${c(a)}-${c(b)}`)).join('');
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

const BRANCH = /^\((br_if|br)(\s*)(\$[A-Za-z0-9_.]*)?([\s\S]*)$/;
const BRANCH_STATE = /^\((b|br|br_|br_i|br_if)?(\s+\$?[A-Za-z0-9_.]*)?$/;

interface OpenForm {
  head: string | null;
  label: string | null;
  result: boolean;
  atoms: number;
}

/** The labels a branch at the end of `text` may name, innermost first (scope.py's branch_labels). */
export function branchLabels(text: string): string[] {
  const stack: OpenForm[] = [];
  for (const match of text.matchAll(LEXEME)) {
    const lexeme = match[0];
    if (/^\s+$/.test(lexeme)) continue;
    if (lexeme === '(') stack.push({ head: null, label: null, result: false, atoms: 0 });
    else if (lexeme === ')') stack.pop();
    else if (stack.length > 0) {
      const form = stack[stack.length - 1];
      if (form.head === null) {
        form.head = lexeme;
        if (lexeme === 'result' && stack.length > 1 && stack[stack.length - 2].head === 'block') stack[stack.length - 2].result = true;
      } else {
        if (form.atoms === 0 && (form.head === 'block' || form.head === 'loop') && lexeme.startsWith('$')) form.label = lexeme;
        form.atoms++;
      }
    }
  }
  return stack.reverse().filter((f) => f.label && (f.head === 'loop' || (f.head === 'block' && !f.result))).map((f) => f.label!);
}

/**
 * Null unless `text` ends inside a branch form; then whether a token's text keeps its label one an enclosing block
 * or loop declared (and begins no branch where there is none to name). scope.py's branch_filter.
 */
export function branchFilter(text: string): ((tokenText: string) => boolean) | null {
  const start = text.lastIndexOf('(');
  if (start < 0 || !BRANCH_STATE.test(text.slice(start))) return null;
  const tail = text.slice(start);
  const labels = branchLabels(text.slice(0, start));
  return (tokenText: string) => {
    const match = BRANCH.exec(tail + tokenText);
    if (!match) return true; // not a branch (yet): the grammar decides
    const label = match[3];
    if (labels.length === 0) return false;
    if (label === undefined) return true;
    return match[4] === '' ? labels.some((name) => name.startsWith(label)) : labels.includes(label);
  };
}
