"""Typed locals: the declarations of the function being written, and the grammar specialized to them.

A context-free grammar cannot know which locals a function declared, nor their types (wat_ebnf.py), so the grammar
routes every use of a local through rules per type (`local_set_T`, `local_use_T` and the name rule `local_T`, any
`local_name` in the generated grammar), and decoding specializes it as the module is written:

- after each import, further imports only of rt functions not imported yet (a second import of one is an error);
- after each local declaration, `root` continues with further declarations whose names are none of those taken
  (`fresh_name_rules`: the complement of a finite set of names is regular), then the body;
- once the body has begun, `local_T` lists exactly the names declared with type T (a type with none loses its uses)
  and `root` continues from the body: the rest of the function, then what the module still needs.

`module_scope` reads the declarations off the module text; `specialize` rewrites the generated grammar. A matcher
of the specialized grammar, fed the text written since the scope's start, carries on where the previous one was: a
duplicate import or declaration, a local that was never declared or one of the wrong type can no longer be written. The
prefix is not part of the specialized grammar, so compiling it costs what the generic one does (cached per text).

Labels are declared inside the body, where no specialization can start (the grammar would have to resume inside
open blocks), so a branch is checked token by token instead: `branch_filter` says, when the module ends inside a
`(br`/`(br_if` form, which continuations keep its label one of the enclosing blocks' (without a result) or loops'
(and, with none, that no branch can begin). The matchers apply it to the mask and to every accepted token.

Twin: web/worker/grammar-scope.ts (the same scan and rewrite); e2e/make_grammar_corpus.py records masks with it
and e2e/grammar-conformance.spec.ts requires the browser's to be identical.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from worldmodel.grammar.wat_ebnf import CLOSE_TAG, IDENT_TAIL, LOCAL_RULE, VALUE_TYPES

DECLARATIONS = ("export", "param", "result", "local")
_LEXEME = re.compile(r'\s+|\(|\)|"[^"]*"?|[^\s()"]+')
# What the module still needs after the function being written closes (wat_ebnf.py's `module` rule).
TAILS = {"main_first": '( ws func )? ows ")"', "helper_first": 'ws main_func ows ")"', "last": 'ows ")"'}
# What the module needs after its imports (the rest of wat_ebnf.py's `module` rule).
MODULE_REST = '( ws main_func ( ws func )? | ws func ws main_func ) ows ")"'
# The characters of wat_ebnf.py's `ident` classes, spelled out to take their complement.
_FIRST = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"
_REST = _FIRST + "0123456789."


@dataclass(frozen=True)
class Scope:
    """Where the module being written stands. `phase`: "imports" (it has imported `imports` and no function has
    begun), "declaring" (a function's body has not begun and its last declaration was a local) or "body". `start`:
    the offset in the module text just past the last import or declaration. For a function: `locals`, its
    parameters and locals as (name, type) in declaration order; `result`, its result type (None: no result);
    `tail`, what the module needs after it (a key of TAILS)."""

    phase: str
    start: int
    locals: tuple[tuple[str, str], ...] = ()
    result: str | None = None
    tail: str = ""
    imports: tuple[str, ...] = ()


class _Function:
    def __init__(self, start: int):
        self.is_main = False
        self.body_started = False
        self.start = start
        self.locals: list[tuple[str, str]] = []
        self.result: str | None = None
        self.last_declaration = ""

    def declare(self, form: list[str], end: int) -> None:
        head, *rest = form
        self.start, self.last_declaration = end, head
        if head == "export":
            self.is_main = True
        elif head == "result" and rest and rest[0] in VALUE_TYPES:
            self.result = rest[0]
        elif head in ("param", "local") and len(rest) == 2 and rest[0].startswith("$") and rest[1] in VALUE_TYPES:
            if all(name != rest[0] for name, _ in self.locals):
                self.locals.append((rest[0], rest[1]))


def module_scope(text: str) -> Scope | None:
    """Where `text` (a module prefix, as written after `<wat_model>`) stands: after an import (until a function
    begins), in a function once it has declared a local or begun its body; None otherwise."""
    depth = 0
    functions = 0
    imports: list[str] = []
    imports_end = 0
    current: _Function | None = None  # the function at depth 2, while open
    form: list[str] | None = None  # the lexemes of the declaration (depth 3) or import (depth 2) being read
    head_pending = False  # the last "(" opened a form whose head has not been read yet
    for match in _LEXEME.finditer(text):
        lexeme, end = match.group(), match.end()
        if lexeme.isspace():
            continue
        if lexeme == "(":
            depth += 1
            head_pending = True
            continue
        if lexeme == ")":
            if current is not None and depth == 3 and form is not None:
                current.declare(form, end)
                form = None
            elif current is not None and depth == 2:
                current = None
            elif current is None and depth == 2 and form is not None:  # an import
                if len(form) > 2 and form[2].endswith('"') and len(form[2]) > 1:
                    imports.append(form[2].strip('"'))
                imports_end, form = end, None
            depth -= 1
            head_pending = False
            continue
        complete = end < len(text)  # an atom at the very end may still grow
        if head_pending:
            head_pending = False
            if depth == 2 and lexeme == "func" and complete:
                current = _Function(end)
                functions += 1
            elif depth == 2 and lexeme == "import" and complete and not functions:
                form = [lexeme]
            elif depth == 3 and current is not None and not current.body_started and complete:
                if lexeme in DECLARATIONS:
                    form = [lexeme]
                else:
                    current.body_started = True
            continue
        if form is not None and depth in (2, 3):
            form.append(lexeme)
        elif current is not None and depth == 2 and not current.body_started and complete:
            current.start = end  # the function's own name
    if current is None:
        return Scope("imports", imports_end, imports=tuple(imports)) if imports and not functions else None
    if not (current.body_started or current.last_declaration == "local"):
        return None
    tail = "last" if functions > 1 else ("main_first" if current.is_main else "helper_first")
    return Scope("body" if current.body_started else "declaring", current.start, tuple(current.locals),
                 current.result, tail)


def specialize(grammar: str, scope: Scope) -> str:
    """`grammar` (the generated one) continuing from `scope`: after imports, further imports only of names not
    imported yet; while declaring, further locals only under names not taken; in the body, uses of locals typed. A
    type without a local loses its `local.get`/`local.tee`/`local.set` alternatives, so decoding is never led into a
    use it cannot finish."""
    replaced: dict[str, str] = {}
    removed: dict[str, list[str]] = {}  # rule -> references to drop from its alternatives
    extra: list[str] = []
    if scope.phase == "imports":
        replaced["root"] = f'( ws import )* {MODULE_REST} ows "{CLOSE_TAG}"'
        if "memory" in scope.imports:
            removed["import"] = ['"(import \\"rt\\" \\"memory\\" (memory 1))" | ']
        taken = {f'"(import \\"rt\\" \\"{name}\\" ' for name in scope.imports}
        for line in grammar.split("\n"):
            if line.startswith("rt_import ::= "):
                kept = [option for option in line[len("rt_import ::= "):].split(" | ")
                        if not any(option.startswith(prefix) for prefix in taken)]
                if kept:
                    replaced["rt_import"] = " | ".join(kept)
                else:  # every rt function imported: no further import
                    replaced["root"] = f'{MODULE_REST} ows "{CLOSE_TAG}"'
                    removed.pop("import", None)
    else:
        result = f" ws expr_{scope.result}" if scope.result else ""
        declarations = "( ws local_decl_fresh )* " if scope.phase == "declaring" else ""
        replaced["root"] = f'{declarations}( ws stmt )*{result} ows ")" {TAILS[scope.tail]} ows "{CLOSE_TAG}"'
    if scope.phase == "declaring":
        extra = ['local_decl_fresh ::= "(local" ws "$" fresh_0 ws valtype ")"',
                 *fresh_name_rules([name[1:] for name, _ in scope.locals]), f"fresh_tail ::= {IDENT_TAIL}"]
    if scope.phase == "body":
        removed["stmt"] = []
        for value_type in VALUE_TYPES:
            names = [_quote(name) for name, declared in scope.locals if declared == value_type]
            if names:
                replaced[LOCAL_RULE + value_type] = " | ".join(names)
            else:
                removed["stmt"].append(f"local_set_{value_type} | ")
                removed[f"expr_{value_type}"] = [f" | local_use_{value_type}"]
    lines = []
    for line in grammar.split("\n"):
        rule = line.split(" ::= ", 1)[0]
        if " ::= " in line and rule in replaced:
            line = f"{rule} ::= {replaced.pop(rule)}"
        for reference in removed.get(rule, []) if " ::= " in line else []:
            if reference not in line:
                raise ValueError(f"the grammar's rule {rule} has no {reference.strip(' |')} to remove")
            line = line.replace(reference, "", 1)
        lines.append(line)
    if replaced:
        raise ValueError(f"the grammar has no rule {', '.join(sorted(replaced))} to specialize")
    return "\n".join(lines + extra)


def fresh_name_rules(taken: list[str]) -> list[str]:
    """Rules `fresh_0`, `fresh_1`, … for an identifier (wat_ebnf.py's `ident`) that is none of `taken`: one rule per
    node of the trie of the taken names; a character off the trie leaves it for any identifier tail."""
    nodes = {"": 0}
    for name in taken:
        for end in range(1, len(name) + 1):
            nodes.setdefault(name[:end], len(nodes))
    rules = []
    for prefix, number in nodes.items():
        children = sorted({name[len(prefix)] for name in nodes if len(name) == len(prefix) + 1
                           and name.startswith(prefix)})
        options = ['""'] if prefix and prefix not in taken else []
        options += [f'"{char}" fresh_{nodes[prefix + char]}' for char in children]
        others = [char for char in (_REST if prefix else _FIRST) if char not in children]
        options.append(f"[{_char_ranges(others)}] fresh_tail")
        rules.append(f"fresh_{number} ::= " + " | ".join(options))
    return rules


def _char_ranges(chars: list[str]) -> str:
    """A character class body for `chars`, consecutive runs as ranges (`a-su-z`)."""
    codes = sorted(ord(char) for char in chars)
    runs: list[list[int]] = []
    for code in codes:
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(chr(a) if a == b else f"{chr(a)}{chr(b)}" if b == a + 1 else f"{chr(a)}-{chr(b)}" for a, b in runs)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_BRANCH = re.compile(r"\((br_if|br)(\s*)(\$[A-Za-z0-9_.]*)?(.*)\Z", re.S)
_BRANCH_STATE = re.compile(r"\((b|br|br_|br_i|br_if)?(\s+\$?[A-Za-z0-9_.]*)?\Z")


def branch_labels(text: str) -> list[str]:
    """The labels a branch at the end of `text` may name: those of the enclosing blocks without a result (a branch
    to one with a result would need a value) and loops, innermost first."""
    stack: list[dict] = []
    for match in _LEXEME.finditer(text):
        lexeme = match.group()
        if lexeme.isspace():
            continue
        if lexeme == "(":
            stack.append({"head": None, "label": None, "result": False, "atoms": 0})
        elif lexeme == ")":
            if stack:
                stack.pop()
        elif stack:
            form = stack[-1]
            if form["head"] is None:
                form["head"] = lexeme
                if lexeme == "result" and len(stack) > 1 and stack[-2]["head"] == "block":
                    stack[-2]["result"] = True
            else:
                if form["atoms"] == 0 and form["head"] in ("block", "loop") and lexeme.startswith("$"):
                    form["label"] = lexeme
                form["atoms"] += 1
    return [form["label"] for form in reversed(stack) if form["label"]
            and (form["head"] == "loop" or (form["head"] == "block" and not form["result"]))]


def branch_filter(text: str):
    """None unless `text` ends inside a branch form (from its "(" through its label); then a predicate over a
    token's text: False when the token would name a label no enclosing block or loop declared, or begin a branch
    where there is no label to name (a dead end the mask could not leave)."""
    start = text.rfind("(")
    if start < 0 or not _BRANCH_STATE.match(text, start):
        return None
    tail = text[start:]
    labels = branch_labels(text[:start])

    def admits(token_text: str) -> bool:
        match = _BRANCH.match(tail + token_text)
        if not match:
            return True  # not a branch (yet): the grammar decides
        label, rest = match.group(3), match.group(4)
        if not labels:
            return False
        if label is None:
            return True
        return any(name.startswith(label) for name in labels) if rest == "" else label in labels

    return admits
