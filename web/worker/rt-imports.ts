// Implicit runtime-library imports (ABI 2, docs/protocol.md section 2a): the line-for-line twin of
// python/worldmodel/rt_imports.py, which is the reference. A linked-form module may call `$name` for any `rt`
// export without importing it, and use memory without importing rt's; the import lines are added right after
// `(module` (and its `$name`) on the same line, so assembler line numbers still point at the written text.
// The Python-vs-browser conformance corpus holds the two to the same results.

const CALLS = new Set(['call', 'return_call']);
const MEMORY_USE = /^(?:[if](?:32|64)\.(?:load|store)\w*|memory\.\w+)$/;
const TOKEN = /\(;|;;[^\n]*|"(?:[^"\\]|\\.)*"|\(|\)|[^\s()";]+|;/g;

/** [token, start offset] pairs; comments are skipped, a block comment `(; … ;)` may nest. */
function* tokens(text: string): Generator<[string, number]> {
  let position = 0;
  for (;;) {
    TOKEN.lastIndex = position;
    const match = TOKEN.exec(text);
    if (!match) return;
    const token = match[0];
    if (token === '(;') {
      let depth = 1;
      position = match.index + 2;
      while (depth && position < text.length) {
        if (text.startsWith('(;', position)) {
          depth += 1;
          position += 2;
        } else if (text.startsWith(';)', position)) {
          depth -= 1;
          position += 2;
        } else position += 1;
      }
      continue;
    }
    position = match.index + token.length;
    if (!token.startsWith(';;')) yield [token, match.index];
  }
}

export interface Scan {
  called: string[];
  defined: Set<string>;
  usesMemory: boolean;
  hasMemory: boolean;
  insertAt: number;
}

export function scan(text: string): Scan {
  const called: string[] = [];
  const defined = new Set<string>();
  let usesMemory = false;
  let hasMemory = false;
  let insertAt = 0;
  const heads: string[] = []; // head atom of every open form ("" until it is read)
  let previous = '';
  for (const [token, start] of tokens(text)) {
    if (token === '(') heads.push('');
    else if (token === ')') heads.pop();
    else if (heads.length && heads[heads.length - 1] === '') {
      heads[heads.length - 1] = token;
      if (token === 'module' && heads.length === 1) insertAt = start + token.length;
      else if (token === 'memory' && heads.length >= 2 && (heads[heads.length - 2] === 'module' || heads[heads.length - 2] === 'import')) hasMemory = true;
      else if (token === 'data' || MEMORY_USE.test(token)) usesMemory = true;
    } else {
      const atModuleName = previous === 'module' && heads.length === 1 && heads[0] === 'module';
      if (token.startsWith('$') && !atModuleName) {
        const head = heads.length ? heads[heads.length - 1] : '';
        const parent = heads.length >= 2 ? heads[heads.length - 2] : null;
        if (head === 'func' && previous === 'func' && (parent === null || parent === 'module' || parent === 'import')) defined.add(token.slice(1));
        else if (CALLS.has(previous) && !called.includes(token.slice(1))) called.push(token.slice(1));
      } else if (token.startsWith('$')) {
        insertAt = start + token.length; // `(module $name …`: the imports go after the name
      } else if (MEMORY_USE.test(token)) usesMemory = true;
    }
    previous = token;
  }
  return { called, defined, usesMemory, hasMemory, insertAt };
}

/** `(param i64 i64) (result i64)` as an import line writes it. */
export function signatureText(params: string[], results: string[]): string {
  const parts: string[] = [];
  if (params.length) parts.push(`(param ${params.join(' ')})`);
  if (results.length) parts.push(`(result ${results.join(' ')})`);
  return parts.join(' ');
}

/** `text` with an import for every called rt export it does not define or import, and for rt's memory when it
 * uses memory without having one. `signatures` maps rt's function exports to `signatureText`. */
export function completeImports(text: string, signatures: Map<string, string>): string {
  const { called, defined, usesMemory, hasMemory, insertAt } = scan(text);
  const lines: string[] = [];
  if (usesMemory && !hasMemory) lines.push('(import "rt" "memory" (memory 1))');
  for (const name of called) {
    const signature = signatures.get(name);
    if (!defined.has(name) && signature !== undefined) lines.push(`(import "rt" "${name}" (func $${name}${signature ? ' ' + signature : ''}))`);
  }
  if (!lines.length) return text;
  return text.slice(0, insertAt) + ' ' + lines.join(' ') + text.slice(insertAt);
}
