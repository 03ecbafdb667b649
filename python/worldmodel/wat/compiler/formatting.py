"""f-strings, format specs, str() and repr() of values."""

from __future__ import annotations

import ast

from .. import fstring
from ..types import BOOL, BOTTOM, FLOAT, INT, NONE, NUM, STR, elem, is_list, list_of, show, suffix
from .wat_helpers import I32, call


class FormattingMixin:
    """f-string and str()/repr() compilation of `FunctionCompiler` (function.py)."""

    def expr_JoinedStr(self, node):
        return self.concatenated(self.fstring_parts(node))

    def concatenated(self, parts: list):
        """The str that joins the str values `parts` (the empty string for none)."""
        if not parts:
            return self.str_const(""), STR
        code = parts[0]
        for p in parts[1:]:
            code = call("str_concat", code, p)
        return code, STR

    def fstring_parts(self, node) -> list:
        parts = []
        for v in node.values:
            if isinstance(v, ast.Constant):
                if v.value:
                    parts.append(self.str_const(v.value))
                continue
            parts.append(self.formatted(v))
        return parts

    def formatted(self, v: ast.FormattedValue):
        code, t = self.expr(v.value)
        if t == BOTTOM:
            return ["unreachable"]
        if v.conversion not in (-1, ord("s"), ord("r")):
            self.fail(v, "FormattedValue", "only !s and !r conversions are supported")
        if v.conversion == ord("r"):
            code, t = self.repr_str(code, t, v), STR
        elif v.conversion == ord("s"):
            code, t = self.to_str(code, t, v), STR
        spec = ""
        if v.format_spec is not None:
            pieces = v.format_spec.values
            if not all(isinstance(p, ast.Constant) for p in pieces):
                self.fail(v, "FormattedValue", "nested replacement fields in a format spec are not supported")
            spec = "".join(p.value for p in pieces)
        return self.format_value(code, t, spec, v)

    def format_value(self, code, t, spec, node):
        if t == BOTTOM:
            return ["unreachable"]  # type not known yet (an earlier inference pass)
        if spec == "":
            return self.to_str(code, t, node)
        try:
            s = fstring.parse_spec(spec)
        except ValueError as e:
            self.fail(node, "format_spec", str(e))
        kind = s.kind
        samples = {INT: [0], BOOL: [True], FLOAT: [0.0], NUM: [0, 0.0], STR: [""]}.get(t, [])
        for sample in samples:
            try:
                format(sample, spec)
            except ValueError as e:  # CPython rejects this spec for the type: so do we, before running
                self.fail(node, "format_spec", f"{e} (format spec {spec!r})")
        if t == BOOL:
            code, t = ["i64.extend_i32_u", code], INT
        if t == INT:
            if kind not in fstring.INT_KINDS + fstring.FLOAT_KINDS:
                self.fail(node, "format_spec", f"Unknown format code '{chr(kind)}' for object of type 'int'")
            args = [(code, INT)] + s.numeric_args()
            return self.lib_call("format_int", args, node)[0]
        if t == FLOAT:
            if kind not in fstring.FLOAT_KINDS:
                self.fail(node, "format_spec", f"Unknown format code '{chr(kind)}' for object of type 'float'")
            return self.lib_call("format_float", [(code, FLOAT)] + s.numeric_args(), node)[0]
        if t == NUM:
            if kind not in fstring.FLOAT_KINDS:
                self.fail(node, "format_spec", f"format code '{chr(kind)}' needs a known int or float")
            return self.lib_call("format_num", [(code, NUM)] + s.numeric_args(), node)[0]
        if t == STR:
            if not s.valid_for_str():
                self.fail(node, "format_spec", f"format spec {spec!r} is not valid for a str")
            return self.lib_call("format_str", [(code, STR)] + s.str_args(), node)[0]
        if is_list(t) or t == NONE:
            # object.__format__: any non-empty spec is a TypeError in CPython
            self.fail(node, "format_spec", f"format spec {spec!r} is not supported for {show(t)} "
                      f"(CPython: TypeError: unsupported format string)")
        self.fail(node, "format_spec", f"formatting {show(t)} is not supported")

    def to_str(self, code, t, node):
        if t == STR:
            return code
        if t == INT:
            return self.lib_call("int_to_str", [(code, INT)], node)[0]
        if t == FLOAT:
            return self.lib_call("float_repr", [(code, FLOAT)], node)[0]
        if t == BOOL:
            return ["select", self.str_const("True"), self.str_const("False"), code]
        if t == NUM:
            return self.lib_call("num_to_str", [(code, NUM)], node)[0]
        if t == NONE:
            return self.str_const("None")
        if is_list(t):
            return call(self.list_repr_helper(t, node), code)
        if t == BOTTOM:
            return ["unreachable"]
        self.fail(node, "str", f"str() of {show(t)} is not supported")

    def repr_str(self, code, t, node):
        if t == STR:
            return self.lib_call("str_quote", [(code, STR)], node)[0]
        return self.to_str(code, t, node)

    def list_repr_helper(self, t, node):
        """Name of a function printing a list of type t like Python's repr (generated per type)."""
        et = elem(t)
        if et == BOTTOM:
            et = INT
        name = f"list_{suffix(et)}_repr"
        if is_list(et):
            inner = self.list_repr_helper(et, node)
            self.u.generated.setdefault(name, inner)
            return name
        self.lib_call(name, [(I32(0), list_of(et))], node)
        return name
