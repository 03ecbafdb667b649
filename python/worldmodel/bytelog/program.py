"""ByteLog source → a checked program (docs/bytelog.md): parse with lark, then check names, variables,
arity and limits, so that every error is found before anything runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import lark

INT_MIN, INT_MAX = -(2**63), 2**63 - 1


@dataclass(frozen=True)
class Limits:
    """What a program may declare (docs/bytelog.md "Limits"); the browser's port (web/worker/bytelog) repeats
    the defaults. Running time and memory are the sandbox's limits (worldmodel.runtime.Limits)."""

    source_bytes: int = 100 * 1024
    facts: int = 10_000
    rules: int = 1_000
    relations: int = 50
    name_chars: int = 128


class ByteLogError(Exception):
    """A program that is rejected before running. `kind` names the error (docs/bytelog.md "Errors");
    `line` and `column` are 1-based (0 when the error concerns the whole source)."""

    def __init__(self, kind: str, message: str, line: int = 0, column: int = 0):
        self.kind, self.message, self.line, self.column = kind, message, line, column
        where = f"line {line}, col {column}: " if line else ""
        super().__init__(f"{where}{kind}: {message}")


@dataclass(frozen=True, order=True)
class Value:
    """An integer or an atom; they never compare equal (`1` is not `one`, nor an atom id)."""

    is_atom: bool  # integers sort before atoms
    number: int = 0
    name: str = ""

    def __str__(self) -> str:
        return self.name if self.is_atom else str(self.number)


@dataclass(frozen=True)
class Op:
    kind: str  # "scan" | "join" | "scan_match"
    relation: str
    match: int | None  # the variable a JOIN or SCAN MATCH compares column A with
    binds: int  # the first variable this operation binds ($binds = column A for a scan, column B for a join)


@dataclass(frozen=True)
class Rule:
    head: str
    body: tuple[Op, ...]
    emit: tuple[int, int]

    @property
    def variables(self) -> int:
        last = self.body[-1]
        return last.binds + (1 if last.kind == "join" else 2)


@dataclass(frozen=True)
class Query:
    relation: str
    a: Value | None  # None: `?`
    b: Value | None


@dataclass
class Program:
    relations: list[str] = field(default_factory=list)  # in declaration order
    facts: list[tuple[str, Value, Value]] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    queries: list[Query] = field(default_factory=list)

    def values(self) -> list[Value]:
        """Every constant of the program in output order: integers ascending, then atoms by name."""
        found = {v for _, a, b in self.facts for v in (a, b)}
        found |= {v for q in self.queries for v in (q.a, q.b) if v is not None}
        return sorted(found)


@lru_cache(maxsize=1)
def _parser() -> lark.Lark:
    grammar = (Path(__file__).parent / "bytelog.lark").read_text()
    # The basic lexer makes keywords reserved everywhere ("REL query" is an error) and parses 4x faster
    # than the contextual one; positions come from tokens, so the tree needs none of its own.
    return lark.Lark(grammar, parser="lalr", lexer="basic")


_DESCRIBE = {"NAME": "a name", "INTEGER": "an integer", "VAR": "a variable like $0", "QMARK": "'?'",
             "COLON": "':'", "COMMA": "','", "$END": "the end of the program"}


def _describe(terminals) -> str:
    names = sorted({_DESCRIBE.get(t, t) for t in terminals if not t.startswith("__")})
    statements = {"REL", "FACT", "RULE", "SOLVE", "QUERY"}
    if statements <= set(terminals):  # after a complete statement: "a statement", not five keywords
        names = [n for n in names if n not in statements] + ["a statement"]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def parse(source: str, limits: Limits = Limits()) -> Program:
    """Parse and check a ByteLog program; raises ByteLogError."""
    size = len(source.encode("utf-8"))
    if size > limits.source_bytes:
        raise ByteLogError("source_too_large", f"the program is {size:,} bytes; the limit is {limits.source_bytes:,}")
    try:
        tree = _parser().parse(source)
    except lark.exceptions.UnexpectedToken as error:
        line, column = (error.line, error.column) if error.token.type != "$END" else _end_of(source)
        found = "the end of the program" if error.token.type == "$END" else repr(str(error.token))
        raise ByteLogError("syntax_error", f"expected {_describe(error.expected)}, found {found}", line, column) from None
    except lark.exceptions.UnexpectedCharacters as error:  # the basic lexer knows no parser state to say more
        char = source[error.pos_in_stream]
        raise ByteLogError("syntax_error", f"unexpected character {char!r} (names are letters, digits and _; "
                           "variables $0, $1, ...; comments start with ; or //)", error.line, error.column) from None
    return _Checker(limits).check(tree)


def _end_of(source: str) -> tuple[int, int]:
    lines = source.split("\n")
    return len(lines), len(lines[-1]) + 1


class _Checker:
    def __init__(self, limits: Limits):
        self.limits = limits
        self.program = Program()
        self.declared: set[str] = set()

    def check(self, tree: lark.Tree) -> Program:
        statements = tree.children
        for statement in statements:  # declarations first: a relation may be used before its REL line
            if statement.data == "rel_decl":
                name = self.name(statement.children[1])
                if name not in self.declared:
                    if len(self.declared) == self.limits.relations:
                        raise self.error(statement, "too_many_relations", f"more than {self.limits.relations} relations")
                    self.declared.add(name)
                    self.program.relations.append(name)
        for statement in statements:
            getattr(self, statement.data)(statement)
        return self.program

    # --- statements ---

    def rel_decl(self, node):
        pass

    def solve(self, node):
        pass  # queries always see the fixpoint of the whole program (docs/bytelog.md)

    def fact(self, node):
        _, name, *values = node.children
        relation = self.relation(name)
        if len(values) != 2:
            raise self.error(node, "arity_error", f"FACT takes a relation and 2 values, got {len(values)}")
        if len(self.program.facts) == self.limits.facts:
            raise self.error(node, "too_many_facts", f"more than {self.limits.facts:,} facts")
        self.program.facts.append((relation, self.value(values[0]), self.value(values[1])))

    def rule(self, node):
        _, head_token, *ops, emit = node.children
        head = self.relation(head_token)
        if len(self.program.rules) == self.limits.rules:
            raise self.error(node, "too_many_rules", f"more than {self.limits.rules:,} rules")
        body, bound = [], 0
        for op in ops:
            kind_token, relation_token, *rest = op.children
            relation = self.relation(relation_token)
            match = None
            if rest:  # SCAN ... MATCH $n or JOIN rel $n
                match = self.variable(rest[-1], bound)
            kind = "join" if op.data == "join" else ("scan_match" if rest else "scan")
            body.append(Op(kind, relation, match, bound))
            bound += 1 if kind == "join" else 2
        _, emit_relation, *variables = emit.children
        if str(emit_relation) != str(head_token):
            raise self.error(emit_relation, "head_mismatch",
                             f"the rule derives '{head_token}' but EMIT names '{emit_relation}'")
        if len(variables) != 2:
            raise self.error(emit, "arity_error", f"EMIT takes a relation and 2 variables, got {len(variables)}")
        pair = (self.variable(variables[0], bound), self.variable(variables[1], bound))
        self.program.rules.append(Rule(head, tuple(body), pair))

    def query(self, node):
        _, name, *arguments = node.children
        relation = self.relation(name)
        if len(arguments) != 2:
            raise self.error(node, "arity_error", f"QUERY takes a relation and 2 arguments, got {len(arguments)}")
        a, b = (None if arg.data == "wildcard" else self.value(arg) for arg in arguments)
        self.program.queries.append(Query(relation, a, b))

    # --- parts ---

    def name(self, token: lark.Token) -> str:
        text = str(token)
        if len(text) > self.limits.name_chars:
            raise self.error(token, "name_too_long", f"a name of {len(text):,} characters; the limit is {self.limits.name_chars}")
        return text

    def relation(self, token: lark.Token) -> str:
        name = self.name(token)
        if name not in self.declared:
            raise self.error(token, "undeclared_relation", f"relation '{name}' is not declared (add: REL {name})")
        return name

    def value(self, node: lark.Tree) -> Value:
        token = node.children[0]
        if node.data == "atom":
            return Value(True, name=self.name(token))
        number = int(token)
        if not INT_MIN <= number <= INT_MAX:
            raise self.error(token, "integer_out_of_range", f"{token} does not fit in 64 bits")
        return Value(False, number=number)

    def variable(self, token: lark.Token, bound: int) -> int:
        index = int(token[1:])
        if index >= bound:
            so_far = "no variable is bound yet" if bound == 0 else f"only $0..${bound - 1} are bound here"
            raise self.error(token, "unbound_variable", f"{token} is not bound: {so_far}")
        return index

    @staticmethod
    def error(where: lark.Tree | lark.Token, kind: str, message: str) -> ByteLogError:
        """An error placed at a token, or at the first token of a statement or operation."""
        token = where if isinstance(where, lark.Token) else next(where.scan_values(lambda v: isinstance(v, lark.Token)))
        return ByteLogError(kind, message, token.line, token.column)
