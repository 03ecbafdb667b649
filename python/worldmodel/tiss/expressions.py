"""Evaluating ASSERT and IF conditions over the state: a tree walk over nodes.py, never Python's eval.

Comparisons are numeric when both sides read as numbers (the model's computed "391" equals 391); `==` and
`!=` otherwise compare text, with the trailing newline of a command's output ignored. Ordering text is an error.
"""

from __future__ import annotations

import re

from worldmodel.tiss import nodes as n
from worldmodel.tiss.errors import TissError
from worldmodel.tiss.interpolate import interpolate
from worldmodel.tiss.paths import confine

_NUMBER = re.compile(r"\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*")
_ORDER = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


def operand_value(operand, state):
    """The value an operand stands for (TissError when a variable is undefined or no RUN happened yet)."""
    if isinstance(operand, n.Literal):
        return interpolate(operand.value, state.variables) if isinstance(operand.value, str) else operand.value
    if isinstance(operand, n.VarRef):
        if operand.name not in state.variables:
            raise TissError(f"undefined variable {operand.name!r}", operand.line, operand.column,
                            kind="undefined_variable")
        return state.variables[operand.name]
    if state.last_run is None:
        raise TissError(f"LAST_RUN.{operand.field_name} before any RUN", operand.line, operand.column,
                        kind="no_last_run")
    run = state.last_run
    return {"STDOUT": run.stdout, "STDERR": run.stderr, "EXIT_CODE": run.exit_code,
            "EXECUTION_TIME": run.duration}[operand.field_name]


def _number(value):
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        return float(value)
    return None


def _text(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return "" if value is None else str(value).rstrip("\n")


def evaluate(expr, state) -> bool:
    if isinstance(expr, n.Logical):
        left = evaluate(expr.left, state)
        if expr.op == "AND":
            return left and evaluate(expr.right, state)
        return left or evaluate(expr.right, state)
    if isinstance(expr, n.Not):
        return not evaluate(expr.operand, state)
    if isinstance(expr, n.FileExists):
        path = confine(state.root, interpolate(expr.path, state.variables))
        return path.exists() != expr.negated
    if isinstance(expr, n.IsEmpty):
        return (_text(operand_value(expr.operand, state)).strip() == "") != expr.negated
    if isinstance(expr, n.Contains):
        haystack = _text(operand_value(expr.haystack, state))
        return (_text(operand_value(expr.needle, state)) in haystack) != expr.negated
    left, right = operand_value(expr.left, state), operand_value(expr.right, state)
    a, b = _number(left), _number(right)
    if expr.op in ("==", "!="):
        equal = (a == b) if a is not None and b is not None else _text(left) == _text(right)
        return equal == (expr.op == "==")
    if a is None or b is None:
        raise TissError(f"{expr.op} needs two numbers, got {_text(left)!r} and {_text(right)!r}",
                        expr.line, expr.column, kind="type_error")
    return _ORDER[expr.op](a, b)


def describe_operands(expr, state) -> str:
    """The values an expression looked at, for the failure report: `answer.computed = '390'`."""
    parts = []
    for node in n.expression_nodes(expr):
        if isinstance(node, (n.VarRef, n.LastRun)):
            label = node.name if isinstance(node, n.VarRef) else f"LAST_RUN.{node.field_name}"
            try:
                value = operand_value(node, state)
            except TissError as error:
                value = f"<{error.kind}>"
            shown = repr(value if not isinstance(value, str) or len(value) < 200 else value[:200] + "…")
            parts.append(f"{label} = {shown}")
    return ", ".join(dict.fromkeys(parts))
