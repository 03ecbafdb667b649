"""Parse TissLang source into the tree of nodes.py, with lark (LALR, contextual lexer) and tisslang.lark.

Heredoc bodies are cut out first (`extract_heredocs`): their end depends on their own delimiter, which a
context-free grammar cannot express. Their lines are blanked, not removed, so every position stays true.
Errors come out as TissSyntaxError with the line, the column and what the parser expected there.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lark import Lark, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from worldmodel.tiss import nodes as n
from worldmodel.tiss.errors import TissError, TissSyntaxError
from worldmodel.tiss.quoting import outside_quotes

MAX_SCRIPT_BYTES = 2 * 1024 * 1024  # a script larger than this is refused before parsing (script_too_large)
UNSUPPORTED = {
    "PARALLEL": "PARALLEL is not supported: write the commands one after the other",
    "CHOOSE": "CHOOSE/OPTION is not supported: use IF … THEN { } ELSE { }",
    "OPTION": "CHOOSE/OPTION is not supported: use IF … THEN { } ELSE { }",
    "ESTIMATE_COST": "ESTIMATE_COST is not supported: use SET_BUDGET to cap time, output or tokens",
}
STATEMENT_KEYWORDS = ("TASK", "SETUP", "STEP", "RUN", "WRITE", "READ", "ASSERT", "VAR", "SET_BUDGET", "LOG", "IF",
                      "TRY", "PROMPT_AGENT", "REQUEST_REVIEW", "PAUSE")
LAST_RUN_FIELDS = ("STDOUT", "STDERR", "EXIT_CODE", "EXECUTION_TIME")
_HEREDOC_OPENER = re.compile(r"<<-?(?P<quote>['\"]?)(?P<delim>[A-Za-z_][A-Za-z0-9_]*)(?P=quote)\s*(#.*)?$")
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}


@dataclass
class Heredoc:
    line: int
    delimiter: str
    content: str
    interpolate: bool


@lru_cache(maxsize=1)
def _lark() -> Lark:
    grammar = (Path(__file__).parent / "tisslang.lark").read_text()
    return Lark(grammar, parser="lalr", lexer="contextual", propagate_positions=True, maybe_placeholders=False)


def code_end(line: str) -> int:
    """Index where the comment of `line` starts (or its length): a `#` outside a quoted string."""
    return next((index for index in outside_quotes(line) if line[index] == "#"), len(line))


def extract_heredocs(source: str) -> tuple[str, dict[int, Heredoc]]:
    """Blank every heredoc body (and its terminator line); return the source and the heredocs by opener line."""
    lines = source.split("\n")
    heredocs: dict[int, Heredoc] = {}
    index = 0
    while index < len(lines):
        code = lines[index][: code_end(lines[index])]
        opener = _HEREDOC_OPENER.search(code.rstrip()) if "<<" in code else None
        if opener is None:
            index += 1
            continue
        delimiter = opener.group("delim")
        end = next((j for j in range(index + 1, len(lines)) if lines[j].strip() == delimiter), None)
        if end is None:
            raise TissSyntaxError(f"heredoc <<{delimiter} is never closed: expected a line holding only {delimiter}",
                                  index + 1, opener.start() + 1, [delimiter], kind="unclosed_heredoc")
        body = lines[index + 1:end]
        content = textwrap.dedent("\n".join(body) + "\n") if body else ""
        heredocs[index + 1] = Heredoc(index + 1, delimiter, content, interpolate=not opener.group("quote"))
        for j in range(index + 1, end + 1):
            lines[j] = ""
        index = end + 1
    return "\n".join(lines), heredocs


def unquote(token: str) -> str:
    """A STRING token's value: quotes removed, escapes (\\n \\t \\\\ \\" \\') resolved, others kept."""
    body = token[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), body)


def _pos(item) -> dict:
    return {"line": item.line, "column": item.column}


def _item(item):
    return item


def _node(node_class, *converters, **fixed):
    """The transformer method of a rule whose node takes the rule's items in order, each through its converter,
    then the `fixed` keyword values (negated=True) and the rule's position."""
    @v_args(meta=True)
    def method(self, meta, items):
        return node_class(*(convert(item) for convert, item in zip(converters, items)), **fixed, **_pos(meta))
    return method


class _ToTree(Transformer):
    def __init__(self, source: str, heredocs: dict[int, Heredoc]):
        super().__init__()
        self.source = source
        self.heredocs = heredocs

    def _text(self, meta) -> str:
        return " ".join(self.source[meta.start_pos:meta.end_pos].split())

    def start(self, items):
        directives = {d.name: d.value for d in items if isinstance(d, n.Directive)}
        return n.Script(body=list(items), directives=directives)

    def block(self, items):
        return list(items)

    # Rules that map item for item onto one node: each item through its converter (`_item` keeps it as it is).
    setup = _node(n.Setup, unquote, _item)
    step = _node(n.Step, unquote, _item)
    run = _node(n.Run, unquote)
    read = _node(n.Read, unquote, str)
    var = _node(n.Var, str, _item)
    set_budget = _node(n.SetBudget, str, _item)
    log = _node(n.Log, unquote)
    try_stmt = _node(n.Try, _item, _item)
    review = _node(n.RequestReview, unquote)
    pause = _node(n.Pause, unquote)
    # ... and assertion expressions
    negation = _node(n.Not, _item)
    compare = _node(n.Compare, _item, str, _item)
    contains = _node(n.Contains, _item, _item)
    not_contains = _node(n.Contains, _item, _item, negated=True)
    is_empty = _node(n.IsEmpty, _item)
    is_not_empty = _node(n.IsEmpty, _item, negated=True)
    file_exists = _node(n.FileExists, unquote)
    file_missing = _node(n.FileExists, unquote, negated=True)

    @v_args(meta=True)
    def task(self, meta, items):
        return n.Task(unquote(items[0]), items[1] if len(items) > 1 else [], **_pos(meta))

    @v_args(meta=True)
    def write(self, meta, items):
        path, opener = items
        heredoc = self.heredocs.get(opener.line)
        if heredoc is None:  # `<<EOF` not at the end of its line (something follows it): no body was cut out
            raise TissSyntaxError("a heredoc opener must end its line", opener.line, opener.column,
                                  ["end of line after " + str(opener)])
        return n.Write(unquote(path), heredoc.content, heredoc.interpolate, **_pos(meta))

    @v_args(meta=True)
    def assert_stmt(self, meta, items):
        return n.Assert(items[0], self._text(meta)[len("ASSERT"):].strip(), **_pos(meta))

    @v_args(meta=True)
    def if_stmt(self, meta, items):
        condition = items[0]
        source = self._text(meta)[2:].split(" THEN")[0].strip()
        return n.If(condition, items[1], items[2] if len(items) > 2 else None, source, **_pos(meta))

    @v_args(meta=True)
    def prompt(self, meta, items):
        return n.PromptAgent(unquote(items[0]), str(items[1]) if len(items) > 1 else None, **_pos(meta))

    def directive(self, items):
        token = items[0]
        text = token[: code_end(token)].strip()
        name, _, value = text[1:].partition(" ")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = unquote(value)
        return n.Directive(name, value, line=token.line, column=token.column)

    def unsupported(self, items):
        token = items[0]
        raise TissSyntaxError(UNSUPPORTED[str(token)], token.line, token.column, kind="not_supported")

    # expressions
    @v_args(meta=True)
    def or_expr(self, meta, items):
        return self._chain("OR", meta, items)

    @v_args(meta=True)
    def and_expr(self, meta, items):
        return self._chain("AND", meta, items)

    def _chain(self, op, meta, items):
        result = items[0]
        for item in items[1:]:
            result = n.Logical(op, result, item, **_pos(meta))
        return result

    def last_run(self, items):
        token = items[0]
        return n.LastRun(token.split(".", 1)[1], line=token.line, column=token.column)

    def string(self, items):
        return n.Literal(unquote(items[0]), **_pos(items[0]))

    def number(self, items):
        text = str(items[0])
        return n.Literal(float(text) if "." in text else int(text), **_pos(items[0]))

    def boolean(self, items):
        return n.Literal(items[0] == "TRUE", **_pos(items[0]))

    def variable(self, items):
        token = items[0]
        if token.startswith("LAST_RUN."):
            raise TissSyntaxError(f"unknown field {token}: LAST_RUN has {', '.join(LAST_RUN_FIELDS)}",
                                  token.line, token.column, [f"LAST_RUN.{f}" for f in LAST_RUN_FIELDS])
        return n.VarRef(str(token), **_pos(token))


def parse(source: str) -> n.Script:
    """The script's tree, or TissSyntaxError naming the line, the column and what was expected."""
    if len(source.encode("utf-8", "surrogatepass")) > MAX_SCRIPT_BYTES:
        raise TissSyntaxError(f"the script is larger than {MAX_SCRIPT_BYTES // (1024 * 1024)} MiB", 1, 1,
                              kind="script_too_large")
    text, heredocs = extract_heredocs(source)
    try:
        tree = _lark().parse(text)
        return _ToTree(text, heredocs).transform(tree)
    except VisitError as error:  # a transformer method raised (not-supported form, bad heredoc…)
        if isinstance(error.orig_exc, TissError):
            raise error.orig_exc from None
        raise
    except UnexpectedInput as error:
        raise _syntax_error(text, error) from None


def parse_file(path: str | Path) -> n.Script:
    return parse(Path(path).read_text(encoding="utf-8"))


def _describe(terminal: str) -> str:
    names = {"STRING": 'a "string"', "NAME": "a name", "NUMBER": "a number", "HEREDOC": "a heredoc (<<EOF)",
             "LAST_RUN_FIELD": "LAST_RUN.<field>", "COMP_OP": "a comparison (== != < <= > >=)",
             "BOOLEAN": "TRUE or FALSE", "DIRECTIVE": "@directive", "$END": "end of script",
             "UNSUPPORTED": "a statement"}
    if terminal in names:
        return names[terminal]
    for definition in _lark().terminals:
        if definition.name == terminal and definition.pattern.type == "str":
            return f'"{definition.pattern.value}"' if not definition.pattern.value.isalpha() and \
                "_" not in definition.pattern.value else definition.pattern.value
    return terminal


def _expected(names) -> list[str]:
    described = sorted({_describe(name) for name in names})
    statements = [k for k in STATEMENT_KEYWORDS if k in described]
    if len(statements) > 3:  # "a statement" instead of fifteen keywords
        described = [d for d in described if d not in STATEMENT_KEYWORDS and d != "@directive"] + ["a statement"]
    return sorted(set(described))


def _syntax_error(text: str, error: UnexpectedInput) -> TissSyntaxError:
    expected_names = set(getattr(error, "expected", None) or getattr(error, "allowed", None) or ())
    expected = _expected(expected_names)
    if isinstance(error, UnexpectedEOF) or (isinstance(error, UnexpectedToken) and error.token.type == "$END"):
        opener = _unclosed_brace(text)
        if opener is not None:
            line, column = opener
            return TissSyntaxError(f"block opened at line {line}, column {column} is never closed: expected '}}' "
                                   "before the end of the script", line, column, ['"}"'], kind="unclosed_block")
        line, column = _end_position(text)
        return TissSyntaxError(f"the script ends too early: expected {' or '.join(expected)}", line, column, expected)
    line, column = error.line, error.column
    offset = error.pos_in_stream if getattr(error, "pos_in_stream", None) is not None else 0
    word = re.match(r"[A-Za-z_][A-Za-z0-9_]*", text[offset:]) if isinstance(error, UnexpectedCharacters) \
        else (re.match(r"[A-Za-z_][A-Za-z0-9_]*$", str(error.token)) if isinstance(error, UnexpectedToken) else None)
    found = word.group(0) if word else (str(error.token) if isinstance(error, UnexpectedToken)
                                        else text[offset:offset + 1])
    if word and found.isupper() and "a statement" in expected:
        return TissSyntaxError(f"unknown command {found}: expected {' or '.join(expected)}", line, column,
                               expected, kind="unknown_command")
    return TissSyntaxError(f"unexpected {found!r}: expected {' or '.join(expected)}", line, column, expected)


def _tokens(text: str):
    try:
        yield from _lark().lex(text)
    except UnexpectedInput:
        return


def _unclosed_brace(text: str) -> tuple[int, int] | None:
    stack = []
    for token in _tokens(text):
        if token.type == "LBRACE":
            stack.append((token.line, token.column))
        elif token.type == "RBRACE" and stack:
            stack.pop()
    return stack[-1] if stack else None


def _end_position(text: str) -> tuple[int, int]:
    lines = text.rstrip().split("\n")
    return len(lines), len(lines[-1]) + 1

