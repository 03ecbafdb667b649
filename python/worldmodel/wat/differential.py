"""Run a program under CPython and as converted WebAssembly, and compare (tests, benchmarks).

The reference is CPython with the converter's documented limit made explicit: an `int` result
outside 64 bits raises OverflowError (the WASM module must then raise OverflowError too — never
print a different number).
"""

from __future__ import annotations

import ast
import contextlib
import io
from dataclasses import dataclass

INT_MIN, INT_MAX = -(2**63), 2**63 - 1


@dataclass
class Outcome:
    stdout: str
    error: str | None  # Python error class name, or None


def _check_int(v):
    if type(v) is int and not INT_MIN <= v <= INT_MAX:
        raise OverflowError("integer result does not fit in 64 bits")
    return v


class _Instrument(ast.NodeTransformer):
    """Wrap every int-producing expression in _check_int."""

    def _wrap(self, node):
        return ast.copy_location(ast.Call(func=ast.Name(id="_check_int", ctx=ast.Load()), args=[node], keywords=[]), node)

    def visit_BinOp(self, node):
        self.generic_visit(node)
        return self._wrap(node)

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        return self._wrap(node)

    def visit_Call(self, node):
        self.generic_visit(node)
        return self._wrap(node)

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        if isinstance(node.target, ast.Name):
            load = ast.Name(id=node.target.id, ctx=ast.Load())
            value = ast.BinOp(left=load, op=node.op, right=node.value)
            return ast.copy_location(ast.Assign(targets=[node.target], value=self.visit_BinOp(value)), node)
        return node


def run_cpython(source: str, checked: bool = True) -> Outcome:
    tree = ast.parse(source)
    if checked:
        tree = ast.fix_missing_locations(_Instrument().visit(tree))
    out = io.StringIO()
    env = {"__name__": "__main__", "_check_int": _check_int}
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(tree, "<program>", "exec"), env)
    except Exception as e:  # noqa: BLE001 - the error class is the observable result
        return Outcome(out.getvalue(), type(e).__name__)
    return Outcome(out.getvalue(), None)


def run_wasm(source: str, standalone: bool = True) -> Outcome:
    from worldmodel.runtime import Limits, run_wat
    from worldmodel.wat import convert

    result = run_wat(convert(source, standalone=standalone), limits=Limits(timeout_s=20.0, max_output_bytes=1 << 22))
    if result.ok:
        return Outcome(result.stdout, None)
    return Outcome(result.stdout, result.error_kind)
