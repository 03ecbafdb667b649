"""Lowering tables and builders of folded WAT s-expressions (`["i64.const", "1"]`), shared by every part of
the compiler."""

from __future__ import annotations

import ast
import math

from ..types import BOTTOM, INT, is_list, is_tuple, valtype

ANYLIST = ("list", "any")


INT_MIN, INT_MAX = -(2**63), 2**63 - 1

MATH_CONSTANTS = {"pi": math.pi, "e": math.e, "tau": math.tau, "inf": math.inf, "nan": math.nan}
# math functions whose int argument is returned unchanged (math.floor(7) == 7)
MATH_INT_IDENTITY = {"floor", "ceil", "trunc"}

BINOP_NAMES = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "truediv", ast.FloorDiv: "floordiv",
               ast.Mod: "mod", ast.Pow: "pow", ast.BitAnd: "and", ast.BitOr: "or", ast.BitXor: "xor",
               ast.LShift: "shl", ast.RShift: "shr"}
CMP_I64 = {ast.Lt: "i64.lt_s", ast.LtE: "i64.le_s", ast.Gt: "i64.gt_s", ast.GtE: "i64.ge_s", ast.Eq: "i64.eq",
           ast.NotEq: "i64.ne"}
CMP_F64 = {ast.Lt: "f64.lt", ast.LtE: "f64.le", ast.Gt: "f64.gt", ast.GtE: "f64.ge", ast.Eq: "f64.eq",
           ast.NotEq: "f64.ne"}
CMP_I32 = {ast.Lt: "i32.lt_s", ast.LtE: "i32.le_s", ast.Gt: "i32.gt_s", ast.GtE: "i32.ge_s", ast.Eq: "i32.eq",
           ast.NotEq: "i32.ne"}
SWAPPED = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE, ast.Eq: ast.Eq, ast.NotEq: ast.NotEq}
ERROR_NAMES = {"ValueError", "OverflowError", "ZeroDivisionError", "IndexError", "TypeError", "ArithmeticError",
               "RuntimeError", "KeyError", "AssertionError", "MemoryError", "NotImplementedError",
               "UnicodeEncodeError"}


def I64(v: int) -> list:
    return ["i64.const", str(v)]


def I32(v: int) -> list:
    return ["i32.const", str(v)]


def float_literal(v: float) -> str:
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(v)


def F64(v: float) -> list:
    return ["f64.const", float_literal(v)]


def call(name: str, *args) -> list:
    return ["call", "$" + name, *args]


def lget(name: str) -> list:
    return ["local.get", "$" + name]


# format_float's arguments after x for the spec ".Nf" (fstring.Spec.numeric_args): all defaults but the precision
_FIXED_SPEC_PREFIX = [I64(0), I64(0), I64(0), I32(0), I32(0), I64(0), I64(0)]


def fixed_point_format(code) -> tuple[list, list] | None:
    """(x, digits) when `code` formats a float as f"{x:.Nf}"; printing it is then one write_fixed/print_fixed call
    instead of an 11-argument format_float (the commonest format in answers: money, measures)."""
    if isinstance(code, list) and len(code) == 12 and code[:2] == ["call", "$format_float"] \
            and code[3:10] == _FIXED_SPEC_PREFIX and code[11] == I64(ord("f")):
        return code[2], code[10]
    return None


def to_i32_index(code):
    return ["i32.wrap_i64", code]


def from_bits(bits, t):
    """A list item read as raw slot bits (int) back as its own type."""
    vt = valtype(t)
    return bits if vt == "i64" else (["f64.reinterpret_i64", bits] if vt == "f64" else ["i32.wrap_i64", bits])


def to_bits(code, t):
    vt = valtype(t)
    return code if vt == "i64" else (["i64.reinterpret_f64", code] if vt == "f64" else ["i64.extend_i32_u", code])


def concrete(t):
    """The representation to use once inference is over (empty lists default to list[int])."""
    if t == BOTTOM:
        return INT
    if is_list(t):
        return ("list", concrete(t[1])) if t[1] not in (BOTTOM, "any") else ("list", INT)
    if is_tuple(t):
        return ("tuple", tuple(concrete(x) for x in t[1]))
    return t


def is_trivial(code) -> bool:
    """Code that cannot raise or print: a local/global read or a constant."""
    if not isinstance(code, list):
        return False
    if code[0] in ("local.get", "global.get", "i64.const", "f64.const", "i32.const"):
        return True
    if code[0] == "call" and code[1] in SAFE_CALLS:
        return all(is_trivial(a) for a in code[2:])
    return code[0] in PURE_OPS and all(is_trivial(a) for a in code[1:])


# Instructions and runtime calls that never trap or raise (format specs are validated at compile time).
PURE_OPS = {"select", "f64.add", "f64.sub", "f64.mul", "f64.div", "f64.neg", "f64.abs", "f64.convert_i64_s",
            "f64.convert_i32_u", "i64.extend_i32_u"}
SAFE_CALLS = {"$int_to_str", "$float_repr", "$num_to_str", "$format_int", "$format_float", "$format_str",
              "$format_num", "$num_to_float", "$list_int_repr", "$list_float_repr", "$list_bool_repr",
              "$list_num_repr"}


def const_int_code(code):
    if isinstance(code, list) and len(code) == 2 and code[0] == "i64.const":
        return int(code[1])
    return None
