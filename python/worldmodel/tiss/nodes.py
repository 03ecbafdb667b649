"""The TissLang syntax tree: statements (what the engine walks) and assertion expressions (what it evaluates).

Every node keeps the line and column it starts at, so runtime errors name the statement that caused them.
Strings are kept raw: `{{name}}` interpolation happens when the statement runs (see interpolate.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Union


@dataclass
class Node:
    line: int = field(default=0, kw_only=True)
    column: int = field(default=0, kw_only=True)
    keyword: ClassVar[str] = ""  # the command type: ToolRegistry key and name in logs


# --- assertion expressions -------------------------------------------------------------------------------------

@dataclass
class LastRun(Node):
    field_name: str  # STDOUT | STDERR | EXIT_CODE | EXECUTION_TIME


@dataclass
class Literal(Node):
    value: Union[str, int, float, bool]


@dataclass
class VarRef(Node):
    name: str  # may be dotted: answer.computed


Operand = Union[LastRun, Literal, VarRef]


@dataclass
class Compare(Node):
    left: Operand
    op: str  # == != < <= > >=
    right: Operand


@dataclass
class Contains(Node):
    haystack: Operand
    needle: Operand
    negated: bool = False


@dataclass
class IsEmpty(Node):
    operand: Operand
    negated: bool = False


@dataclass
class FileExists(Node):
    path: str
    negated: bool = False


@dataclass
class Logical(Node):
    op: str  # AND | OR
    left: "Expr"
    right: "Expr"


@dataclass
class Not(Node):
    operand: "Expr"


Expr = Union[Compare, Contains, IsEmpty, FileExists, Logical, Not]


# --- statements ------------------------------------------------------------------------------------------------

@dataclass
class Block(Node):
    title: str
    body: list[Node]


# The kinds of block differ only in their keyword (no fields of their own, so no @dataclass).
class Task(Block):
    keyword: ClassVar[str] = "TASK"


class Setup(Block):
    keyword: ClassVar[str] = "SETUP"


class Step(Block):
    keyword: ClassVar[str] = "STEP"


@dataclass
class If(Node):
    condition: Expr
    then: list[Node]
    otherwise: list[Node] | None = None
    source: str = ""  # the condition as written, for logs and the dry run
    keyword: ClassVar[str] = "IF"


@dataclass
class Try(Node):
    body: list[Node]
    catch: list[Node]
    keyword: ClassVar[str] = "TRY"


@dataclass
class Run(Node):
    command: str
    keyword: ClassVar[str] = "RUN"


@dataclass
class Write(Node):
    path: str
    content: str
    interpolate: bool = True  # False for a quoted delimiter: <<'EOF'
    keyword: ClassVar[str] = "WRITE"


@dataclass
class Read(Node):
    path: str
    name: str
    keyword: ClassVar[str] = "READ"


@dataclass
class Assert(Node):
    condition: Expr
    source: str = ""
    keyword: ClassVar[str] = "ASSERT"


@dataclass
class Assignment(Node):
    """A name given a value: VAR and SET_BUDGET."""
    name: str
    value: Operand


class Var(Assignment):
    keyword: ClassVar[str] = "VAR"


class SetBudget(Assignment):
    keyword: ClassVar[str] = "SET_BUDGET"


@dataclass
class Message(Node):
    """A statement that shows one (interpolated) message: LOG, REQUEST_REVIEW and PAUSE."""
    message: str


class Log(Message):
    keyword: ClassVar[str] = "LOG"


@dataclass
class PromptAgent(Node):
    prompt: str
    into: str | None = None
    keyword: ClassVar[str] = "PROMPT_AGENT"


class RequestReview(Message):
    keyword: ClassVar[str] = "REQUEST_REVIEW"


class Pause(Message):
    keyword: ClassVar[str] = "PAUSE"


@dataclass
class Directive(Node):
    name: str
    value: str
    keyword: ClassVar[str] = "DIRECTIVE"


@dataclass
class Script:
    body: list[Node]
    directives: dict[str, str] = field(default_factory=dict)


CONTROL_NODES = (Task, Setup, Step, If, Try)


def walk(body: list[Node]):
    """Every statement in document order, nested blocks included."""
    for node in body:
        yield node
        if isinstance(node, Block):
            yield from walk(node.body)
        elif isinstance(node, If):
            yield from walk(node.then)
            yield from walk(node.otherwise or [])
        elif isinstance(node, Try):
            yield from walk(node.body)
            yield from walk(node.catch)


def expression_nodes(expr):
    """The expression and all its sub-expressions and operands."""
    yield expr
    for child in (getattr(expr, name, None) for name in ("left", "right", "haystack", "needle", "operand")):
        if isinstance(child, Node):
            yield from expression_nodes(child)
