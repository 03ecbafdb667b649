"""Typed locals: the declarations of the function being written, and the grammar specialized to them.

A context-free grammar cannot know which locals a function declared, nor their types (wat_ebnf.py), so the grammar
routes every use of a local through rules per type (`local_set_T`, `local_use_T` and the name rule `local_T`, any
`local_name` in the generated grammar) and decoding specializes them: once a function's header and declarations are written and its
body has begun, `function_scope` reads the declarations off the module text and `specialize` rewrites the grammar so
that `local_T` lists exactly the declared names of type T (a type with none loses its uses), and `root` continues from the body (the rest of the
function, then what the module still needs). A matcher of that grammar, fed the text written since the
declarations, carries on where the generic one was: a local that was never declared, or of the wrong type, can no
longer be written. The prefix is not part of the specialized grammar, so compiling it costs what the generic one
does and does not grow with the module.

Not typed even so: labels (declared inside the body) and duplicate declarations (written before the body starts).

Twin: web/worker/grammar-scope.ts (the same scan and rewrite); e2e/make_grammar_corpus.py records masks with it
and e2e/grammar-conformance.spec.ts requires the browser's to be identical.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from worldmodel.grammar.wat_ebnf import CLOSE_TAG, LOCAL_RULE, VALUE_TYPES

DECLARATIONS = ("export", "param", "result", "local")
_LEXEME = re.compile(r'\s+|\(|\)|"[^"]*"?|[^\s()"]+')
# What the module still needs after the function being written closes (wat_ebnf.py's `module` rule).
TAILS = {"main_first": '( ws func )? ows ")"', "helper_first": 'ws main_func ows ")"', "last": 'ows ")"'}


@dataclass(frozen=True)
class FunctionScope:
    """The function whose body is being written: `body_start` is the offset in the module text just past its last
    declaration; `locals` its parameters and locals as (name, type) in declaration order; `result` its result type
    (None: no result); `tail` what the module needs after it (a key of TAILS)."""

    body_start: int
    locals: tuple[tuple[str, str], ...]
    result: str | None
    tail: str


def function_scope(text: str) -> FunctionScope | None:
    """The scope of the function whose body `text` (a module prefix, as written after `<wat_model>`) is in, or None
    while no function body has begun (or the last function is closed)."""
    depth = 0
    functions = []  # [is_main, closed, body_started, body_start, locals, result]
    current = None  # the function at depth 2, while open
    form: list[str] | None = None  # the lexemes of the declaration being read (depth 3)
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
                _declare(current, form)
                current[3] = end
                form = None
            elif current is not None and depth == 2:
                current[1] = True
                current = None
            depth -= 1
            head_pending = False
            continue
        complete = end < len(text)  # an atom at the very end may still grow
        if head_pending:
            head_pending = False
            if depth == 2 and lexeme == "func" and complete:
                current = [False, False, False, end, [], None]
                functions.append(current)
            elif depth == 3 and current is not None and not current[2] and complete:
                if lexeme in DECLARATIONS:
                    form = [lexeme]
                else:
                    current[2] = True
            continue
        if form is not None and depth == 3:
            form.append(lexeme)
        elif current is not None and depth == 2 and not current[2] and complete:
            current[3] = end  # the function's own name
    if current is None or not current[2]:
        return None
    is_main, _, _, body_start, locals_, result = current
    earlier = len(functions) - 1
    tail = "last" if earlier else ("main_first" if is_main else "helper_first")
    return FunctionScope(body_start, tuple(locals_), result, tail)


def _declare(function: list, form: list[str]) -> None:
    head, *rest = form
    if head == "export":
        function[0] = True
    elif head == "result" and rest and rest[0] in VALUE_TYPES:
        function[5] = rest[0]
    elif head in ("param", "local") and len(rest) == 2 and rest[0].startswith("$") and rest[1] in VALUE_TYPES:
        if all(name != rest[0] for name, _ in function[4]):
            function[4].append((rest[0], rest[1]))


def specialize(grammar: str, scope: FunctionScope) -> str:
    """`grammar` (the generated one) continuing from `scope`'s body with its locals typed. A type without a local
    loses its `local.get`/`local.tee`/`local.set` alternatives, so decoding is never led into a use it cannot finish."""
    result = f" ws expr_{scope.result}" if scope.result else ""
    replaced = {"root": f'( ws stmt )*{result} ows ")" {TAILS[scope.tail]} ows "{CLOSE_TAG}"'}
    removed: dict[str, list[str]] = {"stmt": []}  # rule -> references to drop from its alternatives
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
    return "\n".join(lines)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
