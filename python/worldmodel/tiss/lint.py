"""`worldmodel tiss lint`: errors and warnings with line, column and a rule id, before anything runs.

Rules: the parser's (syntax, unknown-command, unclosed-block, unclosed-heredoc, not-supported,
script-too-large) and undefined-variable, assert-before-run, unreachable-step, shell-syntax,
interpolated-program, needs-approval, unknown-budget, empty-block.
"""

from __future__ import annotations

import shlex
from types import SimpleNamespace
from dataclasses import asdict, dataclass

from worldmodel.tiss import nodes as n
from worldmodel.tiss.errors import TissError, TissSyntaxError
from worldmodel.tiss.interpolate import check_shell_syntax, placeholders
from worldmodel.tiss.parser import parse
from worldmodel.tiss.sandbox import DEFAULT_ALLOW
from worldmodel.tiss.tools import DEFAULT_AGENT_VARIABLE, SetBudgetTool


@dataclass
class Diagnostic:
    severity: str  # error | warning
    rule: str
    line: int
    column: int
    message: str

    def format(self, path: str) -> str:
        return f"{path}:{self.line}:{self.column}: {self.severity} [{self.rule}] {self.message}"

    def to_dict(self) -> dict:
        return asdict(self)


def lint(source: str, allow=DEFAULT_ALLOW) -> list[Diagnostic]:
    try:
        script = parse(source)
    except TissSyntaxError as error:
        return [Diagnostic("error", error.kind.replace("_", "-").replace("-error", ""), error.line or 1,
                           error.column or 1, error.message)]
    linter = _Linter(allow)
    linter.block(script.body, reachable=True)
    return sorted(linter.diagnostics, key=lambda d: (d.line, d.column, d.rule))


def _constant(expr) -> bool | None:
    """The value of an expression made only of literals, else None."""
    from worldmodel.tiss.expressions import evaluate

    if any(isinstance(node, (n.VarRef, n.LastRun, n.FileExists)) for node in n.expression_nodes(expr)):
        return None
    if any(isinstance(node, n.Literal) and isinstance(node.value, str) and placeholders(node.value)
           for node in n.expression_nodes(expr)):
        return None
    try:
        return evaluate(expr, SimpleNamespace(variables={}, last_run=None, root=None))
    except TissError:
        return None


class _Linter:
    def __init__(self, allow):
        self.allow = allow
        self.diagnostics: list[Diagnostic] = []
        self.defined: set[str] = set()
        self.seen_run = False

    def report(self, severity, rule, node, message):
        self.diagnostics.append(Diagnostic(severity, rule, node.line, node.column, message))

    def block(self, body: list[n.Node], reachable: bool) -> None:
        for node in body:
            if not reachable:
                self.report("warning", "unreachable-step", node,
                            f"{node.keyword} can never run: an earlier statement always fails or a branch is never taken")
                reachable = True  # one warning per dead stretch
            reachable = self.statement(node) and reachable

    def statement(self, node: n.Node) -> bool:
        """Check one statement; False when nothing after it in the same block can run."""
        if isinstance(node, n.Block):
            if not node.body and not isinstance(node, n.Task):
                self.report("warning", "empty-block", node, f"{node.keyword} {node.title!r} has no statements")
            self.block(node.body, True)
            return True
        if isinstance(node, n.If):
            self.expression(node.condition, node)
            value = _constant(node.condition)
            self.block(node.then, value is not False)
            if node.otherwise is not None:
                self.block(node.otherwise, value is not True)
            return True
        if isinstance(node, n.Try):
            self.block(node.body, True)
            self.defined.update({"LAST_ERROR.kind", "LAST_ERROR.message", "LAST_ERROR.line"})
            self.block(node.catch, True)
            return True
        if isinstance(node, n.Run):
            self.strings(node, node.command)
            try:
                check_shell_syntax(node.command)
                program = shlex.split(node.command)[0]
            except TissError as error:
                self.report("error", "shell-syntax", node, error.message)
                return True
            except (ValueError, IndexError):
                self.report("error", "syntax", node, "RUN needs a command with balanced quotes")
                return True
            if placeholders(program):
                self.report("error", "interpolated-program", node, "the program name cannot come from a variable")
            elif program not in self.allow or "/" in program:
                self.report("warning", "needs-approval", node,
                            f"{program} is not on the allow-list: it runs only after REQUEST_REVIEW or with --yes")
            self.seen_run = True
            return True
        if isinstance(node, n.Write):
            self.strings(node, node.path, node.content if node.interpolate else "")
        elif isinstance(node, n.Read):
            self.strings(node, node.path)
            self.defined.add(node.name)
        elif isinstance(node, n.Assert):
            self.expression(node.condition, node)
            if _constant(node.condition) is False:
                self.report("error", "assert-always-fails", node, f"ASSERT {node.source} can never hold")
                return False
        elif isinstance(node, n.Var):
            self.operand(node.value, node)
            self.defined.add(node.name)
        elif isinstance(node, n.SetBudget):
            self.operand(node.value, node)
            if node.name.lower() not in SetBudgetTool.UNITS:
                self.report("error", "unknown-budget", node,
                            f"unknown budget {node.name!r}: SET_BUDGET takes {', '.join(SetBudgetTool.UNITS)}")
        elif isinstance(node, n.PromptAgent):
            self.strings(node, node.prompt)
            name = node.into or DEFAULT_AGENT_VARIABLE
            self.defined.update({name, f"{name}.computed", f"{name}.error"})
        elif isinstance(node, n.Message):
            self.strings(node, node.message)
        return True

    def strings(self, node, *texts: str) -> None:
        for text in texts:
            for name in placeholders(text):
                if name not in self.defined:
                    self.report("error", "undefined-variable", node, f"{{{{{name}}}}} is not defined before this line")

    def operand(self, operand, node) -> None:
        if isinstance(operand, n.VarRef) and operand.name not in self.defined:
            self.report("error", "undefined-variable", operand, f"{operand.name} is not defined before this line")
        elif isinstance(operand, n.Literal) and isinstance(operand.value, str):
            self.strings(operand, operand.value)
        elif isinstance(operand, n.LastRun) and not self.seen_run:
            self.report("error", "assert-before-run", operand,
                        f"LAST_RUN.{operand.field_name} is read before any RUN")

    def expression(self, expr, node) -> None:
        for part in n.expression_nodes(expr):
            if isinstance(part, (n.VarRef, n.LastRun, n.Literal)):
                self.operand(part, node)
            elif isinstance(part, n.FileExists):
                self.strings(part, part.path)
