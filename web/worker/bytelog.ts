// ByteLog → WAT in the browser: a port of python/worldmodel/bytelog (program.py, codegen.py) that writes
// the same module text byte for byte, around the same evaluator (engine.wat, imported unchanged).
// e2e/conformance.spec.ts holds the two to it. The parser is hand-written because lark has no JavaScript
// port; it accepts exactly bytelog.lark (basic lexer: keywords reserved, tokens read one at a time as
// lark's LALR loop reads them) and its errors carry the same kinds, positions and messages.

import ENGINE_WAT from '../../python/worldmodel/bytelog/engine.wat?raw';

/** python/worldmodel/bytelog/program.py Limits' defaults. */
export const LIMITS = { sourceBytes: 100 * 1024, facts: 10_000, rules: 1_000, relations: 50, nameChars: 128 };
const INT_MIN = -(2n ** 63n);
const INT_MAX = 2n ** 63n - 1n;
const KEYWORDS = new Set(['REL', 'FACT', 'RULE', 'SCAN', 'JOIN', 'EMIT', 'MATCH', 'SOLVE', 'QUERY']);
const STATEMENTS = new Set(['REL', 'FACT', 'RULE', 'SOLVE', 'QUERY']);
const OP_KINDS = { scan: 0, join: 1, scan_match: 2 } as const;
const LITERALS = ['(', ', ', ')', 'true', 'false'];
const HEADER_WORDS = 13;
const RT_IMPORTS: [string, string][] = [
  ['alloc', '(param i32) (result i32)'],
  ['write_str', '(param i32)'],
  ['print_str', '(param i32)'],
  ['print_i64', '(param i64)'],
];

export class ByteLogError extends Error {
  constructor(
    readonly kind: string,
    readonly detail: string,
    readonly line = 0,
    readonly column = 0,
  ) {
    super(`${line ? `line ${line}, col ${column}: ` : ''}${kind}: ${detail}`);
  }
}

interface Token {
  type: string; // a keyword, NAME, INTEGER, VAR, COLON, COMMA, QMARK or $END
  text: string;
  line: number;
  column: number;
}

/** program.py's Value: an integer or an atom; integers sort first, by value, then atoms by name. */
interface Value { atom: boolean; number: bigint; name: string }
type OpKind = keyof typeof OP_KINDS;
interface Op { kind: OpKind; relation: string; match: number | null; binds: number }
interface Rule { head: string; body: Op[]; emit: [number, number] }
interface Query { relation: string; a: Value | null; b: Value | null }
export interface Program { relations: string[]; facts: [string, Value, Value][]; rules: Rule[]; queries: Query[] }

const valueText = (v: Value) => (v.atom ? v.name : v.number.toString());
const valueKey = (v: Value) => (v.atom ? `a:${v.name}` : `i:${v.number}`);
function compareValues(x: Value, y: Value): number {
  if (x.atom !== y.atom) return x.atom ? 1 : -1;
  if (x.number !== y.number) return x.number < y.number ? -1 : 1;
  return x.name < y.name ? -1 : x.name > y.name ? 1 : 0;
}

// ---- lexer (bytelog.lark's terminals) ----

const TOKEN_RE = /([ \t\f\r\n]+)|((?:;|\/\/)[^\n]*)|(\$[0-9]+)|(-?[0-9]+)|([A-Za-z_][A-Za-z0-9_]*)|(:)|(,)|(\?)/y;

function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if ((text.charCodeAt(i) & 0xfc00) !== 0xdc00) n += 1; // skip low surrogates
  return n;
}

/** Tokens on demand, like lark's lexer inside its LALR loop: a syntax error before a bad character wins. */
class Lexer {
  private at = 0;
  private line = 1;
  private column = 1; // in code points, as lark counts; kept as it goes (a 100 KB line stays linear)
  constructor(private readonly source: string) {}

  next(): Token {
    const source = this.source;
    while (this.at < source.length) {
      TOKEN_RE.lastIndex = this.at;
      const m = TOKEN_RE.exec(source);
      if (!m) {
        const char = String.fromCodePoint(source.codePointAt(this.at)!);
        throw new ByteLogError('syntax_error', `unexpected character ${pyRepr(char)} (names are letters, digits and _; variables $0, $1, ...; comments start with ; or //)`, this.line, this.column);
      }
      const text = m[0];
      const { line, column } = this;
      const lastNewline = text.lastIndexOf('\n');
      if (lastNewline < 0) this.column += codePoints(text);
      else {
        this.line += text.split('\n').length - 1;
        this.column = codePoints(text.slice(lastNewline + 1)) + 1;
      }
      this.at += text.length;
      if (m[1] || m[2]) continue; // whitespace, comment
      let type = m[3] ? 'VAR' : m[4] ? 'INTEGER' : m[5] ? 'NAME' : m[6] ? 'COLON' : m[7] ? 'COMMA' : 'QMARK';
      if (type === 'NAME' && KEYWORDS.has(text.toUpperCase())) type = text.toUpperCase();
      return { type, text, line, column };
    }
    return { type: '$END', text: '', line: this.line, column: this.column };
  }
}

/** Python's repr of a one-character string (what the Python compiler's messages show). */
function pyRepr(text: string): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  const printable = escaped.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return printable.includes("'") && !printable.includes('"') ? `"${printable}"` : `'${printable.replace(/'/g, "\\'")}'`;
}

// ---- parser: a syntax tree of tokens, as lark's ----

type Statement =
  | { type: 'REL'; at: Token; name: Token }
  | { type: 'FACT'; at: Token; name: Token; values: Token[] }
  | { type: 'RULE'; at: Token; name: Token; ops: { at: Token; relation: Token; variable: Token | null }[]; emit: { at: Token; relation: Token; variables: Token[] } }
  | { type: 'SOLVE'; at: Token }
  | { type: 'QUERY'; at: Token; name: Token; args: Token[] };

const DESCRIBE: Record<string, string> = { NAME: 'a name', INTEGER: 'an integer', VAR: 'a variable like $0', QMARK: "'?'", COLON: "':'", COMMA: "','", $END: 'the end of the program' };

function describe(expected: string[]): string {
  let names = [...new Set(expected.map((t) => DESCRIBE[t] ?? t))].sort();
  if ([...STATEMENTS].every((s) => expected.includes(s))) names = [...names.filter((n) => !STATEMENTS.has(n)), 'a statement'];
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

class Parser {
  private i = 0;
  private readonly tokens: Token[] = [];
  constructor(private readonly lexer: Lexer) {}

  private peek(): Token {
    if (this.i === this.tokens.length) this.tokens.push(this.lexer.next());
    return this.tokens[this.i];
  }

  private expect(...types: string[]): Token {
    const token = this.peek();
    if (!types.includes(token.type)) {
      const found = token.type === '$END' ? 'the end of the program' : pyRepr(token.text);
      throw new ByteLogError('syntax_error', `expected ${describe(types)}, found ${found}`, token.line, token.column);
    }
    this.i += 1;
    return token;
  }

  private many(types: string[], after: string[]): Token[] {
    const items = [this.expect(...types)];
    while (types.includes(this.peek().type)) items.push(this.expect(...types));
    if (![...after, '$END'].includes(this.peek().type)) this.expect(...types, ...after, '$END');
    return items;
  }

  parse(): Statement[] {
    const statements: Statement[] = [];
    while (this.peek().type !== '$END') statements.push(this.statement());
    return statements;
  }

  private statement(): Statement {
    const next = [...STATEMENTS];
    const at = this.expect(...next, '$END'); // never $END: parse() stops there; it belongs in the message
    switch (at.type) {
      case 'REL':
        return { type: 'REL', at, name: this.expect('NAME') };
      case 'SOLVE':
        return { type: 'SOLVE', at };
      case 'FACT':
        return { type: 'FACT', at, name: this.expect('NAME'), values: this.many(['NAME', 'INTEGER'], next) };
      case 'QUERY':
        return { type: 'QUERY', at, name: this.expect('NAME'), args: this.many(['NAME', 'INTEGER', 'QMARK'], next) };
      default: {
        const name = this.expect('NAME');
        this.expect('COLON');
        const ops = [];
        for (let op = this.expect('SCAN', 'JOIN'); ; op = this.expect('SCAN', 'JOIN', 'EMIT')) {
          const relation = this.expect('NAME');
          let variable: Token | null = null;
          if (op.type === 'JOIN') variable = this.expect('VAR');
          else if (this.peek().type === 'MATCH') {
            this.i += 1;
            variable = this.expect('VAR');
          }
          ops.push({ at: op, relation, variable });
          this.expect(...(op.type === 'SCAN' && !variable ? ['MATCH', 'COMMA'] : ['COMMA']));
          if (this.peek().type === 'EMIT') break;
        }
        const emitAt = this.expect('EMIT');
        return { type: 'RULE', at, name, ops, emit: { at: emitAt, relation: this.expect('NAME'), variables: this.many(['VAR'], next) } };
      }
    }
  }
}

// ---- checker (program.py _Checker, same order of checks) ----

function check(statements: Statement[]): Program {
  const program: Program = { relations: [], facts: [], rules: [], queries: [] };
  const declared = new Set<string>();
  const error = (at: Token, kind: string, message: string) => new ByteLogError(kind, message, at.line, at.column);
  const name = (token: Token) => {
    if (token.text.length > LIMITS.nameChars) throw error(token, 'name_too_long', `a name of ${token.text.length.toLocaleString('en-US')} characters; the limit is ${LIMITS.nameChars}`);
    return token.text;
  };
  const relation = (token: Token) => {
    const text = name(token);
    if (!declared.has(text)) throw error(token, 'undeclared_relation', `relation '${text}' is not declared (add: REL ${text})`);
    return text;
  };
  const value = (token: Token): Value => {
    if (token.type === 'NAME') return { atom: true, number: 0n, name: name(token) };
    const number = BigInt(token.text);
    if (number < INT_MIN || number > INT_MAX) throw error(token, 'integer_out_of_range', `${token.text} does not fit in 64 bits`);
    return { atom: false, number, name: '' };
  };
  const variable = (token: Token, bound: number) => {
    const index = Number(token.text.slice(1));
    if (index >= bound) {
      const soFar = bound === 0 ? 'no variable is bound yet' : `only $0..$${bound - 1} are bound here`;
      throw error(token, 'unbound_variable', `${token.text} is not bound: ${soFar}`);
    }
    return index;
  };

  for (const s of statements) {
    if (s.type !== 'REL') continue;
    const text = name(s.name);
    if (declared.has(text)) continue;
    if (declared.size === LIMITS.relations) throw error(s.at, 'too_many_relations', `more than ${LIMITS.relations} relations`);
    declared.add(text);
    program.relations.push(text);
  }
  for (const s of statements) {
    if (s.type === 'FACT') {
      const rel = relation(s.name);
      if (s.values.length !== 2) throw error(s.at, 'arity_error', `FACT takes a relation and 2 values, got ${s.values.length}`);
      if (program.facts.length === LIMITS.facts) throw error(s.at, 'too_many_facts', `more than ${LIMITS.facts.toLocaleString('en-US')} facts`);
      program.facts.push([rel, value(s.values[0]), value(s.values[1])]);
    } else if (s.type === 'RULE') {
      const head = relation(s.name);
      if (program.rules.length === LIMITS.rules) throw error(s.at, 'too_many_rules', `more than ${LIMITS.rules.toLocaleString('en-US')} rules`);
      const body: Op[] = [];
      let bound = 0;
      for (const op of s.ops) {
        const rel = relation(op.relation);
        const match = op.variable ? variable(op.variable, bound) : null;
        const kind: OpKind = op.at.type === 'JOIN' ? 'join' : op.variable ? 'scan_match' : 'scan';
        body.push({ kind, relation: rel, match, binds: bound });
        bound += kind === 'join' ? 1 : 2;
      }
      const emitRelation = s.emit.relation;
      if (emitRelation.text !== s.name.text) throw error(emitRelation, 'head_mismatch', `the rule derives '${s.name.text}' but EMIT names '${emitRelation.text}'`);
      if (s.emit.variables.length !== 2) throw error(s.emit.at, 'arity_error', `EMIT takes a relation and 2 variables, got ${s.emit.variables.length}`);
      program.rules.push({ head, body, emit: [variable(s.emit.variables[0], bound), variable(s.emit.variables[1], bound)] });
    } else if (s.type === 'QUERY') {
      const rel = relation(s.name);
      if (s.args.length !== 2) throw error(s.at, 'arity_error', `QUERY takes a relation and 2 arguments, got ${s.args.length}`);
      const [a, b] = s.args.map((t) => (t.type === 'QMARK' ? null : value(t)));
      program.queries.push({ relation: rel, a, b });
    }
  }
  return program;
}

export function parse(source: string): Program {
  const size = new TextEncoder().encode(source).length;
  if (size > LIMITS.sourceBytes) {
    throw new ByteLogError('source_too_large', `the program is ${size.toLocaleString('en-US')} bytes; the limit is ${LIMITS.sourceBytes.toLocaleString('en-US')}`);
  }
  return check(new Parser(new Lexer(source)).parse());
}

// ---- encoder and module (codegen.py) ----

class Words {
  private bytes: number[] = [];
  get length() {
    return this.bytes.length;
  }
  push(...words: number[]) {
    for (const w of words) this.bytes.push(w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, (w >>> 24) & 0xff);
  }
  raw(data: Uint8Array) {
    for (const b of data) this.bytes.push(b);
  }
  append(other: Words) {
    for (const b of other.bytes) this.bytes.push(b);
  }
  toBytes() {
    return Uint8Array.from(this.bytes);
  }
}

export function encode(program: Program): Uint8Array {
  const values = new Map<string, Value>();
  for (const [, a, b] of program.facts) for (const v of [a, b]) values.set(valueKey(v), v);
  for (const q of program.queries) for (const v of [q.a, q.b]) if (v) values.set(valueKey(v), v);
  const sorted = [...values.values()].sort(compareValues);
  const valueId = new Map(sorted.map((v, i) => [valueKey(v), i]));
  const relationId = new Map(program.relations.map((r, i) => [r, i]));
  const id = (v: Value | null) => (v ? valueId.get(valueKey(v))! : -1);

  const facts = new Words();
  for (const [r, a, b] of program.facts) facts.push(relationId.get(r)!, id(a), id(b));
  const rules = new Words();
  for (const rule of program.rules) {
    rules.push(relationId.get(rule.head)!, ...rule.emit, rule.body.length);
    for (const op of rule.body) rules.push(OP_KINDS[op.kind], relationId.get(op.relation)!, op.match ?? -1, op.binds);
  }
  const queries = new Words();
  for (const q of program.queries) queries.push(relationId.get(q.relation)!, id(q.a), id(q.b));

  const offsets: number[] = [];
  let at = HEADER_WORDS * 4;
  for (const section of [facts, rules, queries]) {
    offsets.push(at);
    at += section.length;
  }
  const blob = new Words();
  const utf8 = new TextEncoder();
  for (const names of [sorted.map(valueText), program.relations, LITERALS]) {
    offsets.push(at + blob.length);
    const tableEnd = at + blob.length + 4 * names.length;
    const table = new Words();
    const strings = new Words();
    for (const name of names) {
      table.push(tableEnd + strings.length);
      const data = utf8.encode(name);
      strings.push(data.length);
      strings.raw(data);
    }
    blob.append(table);
    blob.append(strings);
  }
  const header = new Words();
  header.push(program.relations.length, sorted.length, program.facts.length, program.rules.length, program.queries.length, ...offsets,
    Math.max(0, ...program.rules.map((r) => r.body[r.body.length - 1].binds + (r.body[r.body.length - 1].kind === 'join' ? 1 : 2))),
    Math.max(0, ...program.rules.map((r) => r.body.length)));
  for (const section of [facts, rules, queries, blob]) header.append(section);
  return header.toBytes();
}

/** sexpr.wat_string: printable ASCII kept (but `"` and `\`), every other byte as \hh. */
function watString(data: Uint8Array): string {
  let out = '"';
  for (const b of data) out += b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\${b.toString(16).padStart(2, '0')}`;
  return out + '"';
}

/** The linked-form module, identical to `worldmodel.bytelog.compile_to_wat(source)`. Throws ByteLogError. */
export function compileToWat(source: string): string {
  const payload = encode(parse(source));
  const lines = ['(module', '  (import "rt" "memory" (memory 2))'];
  for (const [name, signature] of RT_IMPORTS) lines.push(`  (import "rt" "${name}" (func $${name} ${signature}))`);
  lines.push(`  (global $program_size i32 (i32.const ${payload.length}))`);
  for (const line of ENGINE_WAT.replace(/\n+$/, '').split('\n')) lines.push(line ? `  ${line}` : line);
  lines.push(`  (data $program ${watString(payload)})`);
  return lines.join('\n') + '\n)\n';
}
