"""Implicit runtime-library imports (ABI 2, docs/protocol.md section 2a).

A linked-form module may call `$name` for any export `name` of `rt` without importing it, and may use memory
without importing `rt.memory`: before assembling, the runtime adds the missing import lines, with the signatures of
rt's own export table. This saves the model writing (and possibly mistyping) ~15 tokens per imported function.

Text in, text out: the import lines are inserted right after `(module` (and its `$name`), on the same line, so every
line number in an assembler error still points at the text that was written. `web/worker/rt-imports.ts` is the twin (`scan` line for line);
the Python-vs-browser conformance corpus holds the two to the same results.

Hand-written rather than a WAT parser library: it only needs a token scan (comments, strings, parentheses) to
find which functions a module defines and calls, and must behave identically in TypeScript.
"""

from __future__ import annotations

import re

# Instructions that name a function they call.
_CALLS = frozenset({"call", "return_call"})
_MEMORY_USE = re.compile(r"^(?:[if](?:32|64)\.(?:load|store)\w*|memory\.\w+)$")
_TOKEN = re.compile(r'\(;|;;[^\n]*|"(?:[^"\\]|\\.)*"|\(|\)|[^\s()";]+|;')


def _tokens(text: str):
    """(token, start offset) pairs; comments are skipped, a block comment `(; … ;)` may nest."""
    position = 0
    while True:
        match = _TOKEN.search(text, position)
        if not match:
            return
        token = match.group()
        if token == "(;":
            depth, position = 1, match.end()
            while depth and position < len(text):
                if text.startswith("(;", position):
                    depth, position = depth + 1, position + 2
                elif text.startswith(";)", position):
                    depth, position = depth - 1, position + 2
                else:
                    position += 1
            continue
        position = match.end()
        if not token.startswith(";;"):
            yield token, match.start()


def scan(text: str) -> tuple[list[str], set[str], bool, bool, int]:
    """(called names in first-call order, defined function names, uses memory, has memory, insert offset)."""
    called: list[str] = []
    defined: set[str] = set()
    uses_memory = has_memory = False
    insert_at = 0
    heads: list[str] = []  # head atom of every open form ("" until it is read)
    previous = ""
    for token, start in _tokens(text):
        if token == "(":
            heads.append("")
        elif token == ")":
            if heads:
                heads.pop()
        elif heads and heads[-1] == "":
            heads[-1] = token
            if token == "module" and len(heads) == 1:
                insert_at = start + len(token)
            elif token == "memory" and len(heads) >= 2 and heads[-2] in ("module", "import"):
                has_memory = True
            elif token == "data" or _MEMORY_USE.match(token):
                uses_memory = True
        else:
            if token.startswith("$") and not (previous == "module" and heads == ["module"]):
                head = heads[-1] if heads else ""
                if head == "func" and previous == "func" and (len(heads) < 2 or heads[-2] in ("module", "import")):
                    defined.add(token[1:])
                elif previous in _CALLS and token[1:] not in called:
                    called.append(token[1:])
            elif token.startswith("$"):
                insert_at = start + len(token)  # `(module $name …`: the imports go after the name
            elif _MEMORY_USE.match(token):
                uses_memory = True
        previous = token
    return called, defined, uses_memory, has_memory, insert_at


def signature_text(params: list[str], results: list[str]) -> str:
    """`(param i64 i64) (result i64)` as an import line writes it."""
    parts = []
    if params:
        parts.append("(param " + " ".join(params) + ")")
    if results:
        parts.append("(result " + " ".join(results) + ")")
    return " ".join(parts)


def missing_imports(text: str, signatures: dict[str, str]) -> tuple[list[str], int]:
    """The import lines `text` lacks (rt's memory when it uses memory without having one, then every called rt
    export it does not define or import, in first-call order) and the offset they go at."""
    called, defined, uses_memory, has_memory, insert_at = scan(text)
    lines = []
    if uses_memory and not has_memory:
        lines.append('(import "rt" "memory" (memory 1))')
    for name in called:
        if name not in defined and name in signatures:
            signature = signatures[name]
            lines.append(f'(import "rt" "{name}" (func ${name}{" " + signature if signature else ""}))')
    return lines, insert_at


def complete_imports(text: str, signatures: dict[str, str]) -> str:
    """`text` with the imports it lacks (`missing_imports`) on its `(module` line. `signatures` maps rt's function
    exports to `signature_text`."""
    lines, insert_at = missing_imports(text, signatures)
    if not lines:
        return text
    return text[:insert_at] + " " + " ".join(lines) + text[insert_at:]


def explicit_imports(text: str, signatures: dict[str, str], indent: str = "  ") -> str:
    """`text` in ABI 1 form: the imports `complete_imports` would add, written as lines of their own after the
    `(module` line (the layout the converter wrote before ABI 2), so that the module states every rt signature it
    uses. Training data in this form keeps each callee's types in the model's own context (docs/training.md)."""
    lines, insert_at = missing_imports(text, signatures)
    if not lines:
        return text
    return text[:insert_at] + "".join("\n" + indent + line for line in lines) + text[insert_at:]
