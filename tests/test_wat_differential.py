"""Differential test: random programs of the subset print the same under CPython and as WASM.

The reference is CPython with the converter's 64-bit limits made explicit (differential.run_cpython):
a program whose int values leave 64 bits must end with OverflowError in WASM, never a wrong number.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worldmodel.wat import ConversionError
from worldmodel.wat.differential import run_cpython, run_wasm

INT_VARS = ["i0", "i1", "i2"]
FLOAT_VARS = ["f0", "f1"]
FLOAT_SPECS = [".2f", ",", ">10", "e", ".3%", "+.1f", "<9.2f", "^11", ",.2f", "g", ".3g", "08.2f", ".0f", "_.1f"]
INT_SPECS = [",", ">6", "x", "d", "+d", "08d", "_", "^7", "b", ".2f", "e"]
STR_SPECS = [">6", "<5", "^7", "*^8", ".2"]

small_ints = st.integers(-40, 40)
big_ints = st.sampled_from([2**62, -(2**62), 2**63 - 1, -(2**63), 3037000500, 10**18, -(10**18)])
floats = st.one_of(st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False).map(lambda v: round(v, 3)),
                   st.sampled_from([0.1, 0.5, 2.5, -0.0, 1e-7, 1e16, 123456.789, 3.0]))


class Gen:
    """Draws typed expressions and statements; every program it makes is in the subset."""

    def __init__(self, draw):
        self.draw = draw

    def pick(self, seq):
        return self.draw(st.sampled_from(seq))

    def compound(self, kinds, operand, depth, forms) -> str:
        """A compound expression: its kind, then two operands, then the kind's form of them (a lambda each, so
        that only the chosen form draws more)."""
        kind = self.pick(kinds)
        a, b = operand(depth + 1), operand(depth + 1)
        return forms(a, b)[kind]()

    def int_expr(self, depth=0) -> str:
        leaf = depth >= 2 or self.draw(st.booleans())
        if leaf:
            kind = self.pick(["lit", "lit", "var", "var", "big", "len"])
            if kind == "lit":
                v = self.draw(small_ints)
                return f"({v})" if v < 0 else str(v)
            if kind == "big":
                return f"({self.draw(big_ints)})"
            if kind == "len":
                return self.pick(["len(xs)", "len(s0)"])
            return self.pick(INT_VARS)
        kinds = ["bin", "bin", "bin", "pow", "abs", "minmax", "int", "round", "sum", "index", "call", "ifexp"]
        return self.compound(kinds, self.int_expr, depth, lambda a, b: {
            "bin": lambda: f"({a} {self.pick(['+', '-', '*', '//', '%'])} {b})",
            "pow": lambda: f"({a} ** {self.draw(st.integers(0, 4))})",
            "abs": lambda: f"abs({a})",
            "minmax": lambda: f"{self.pick(['min', 'max'])}({a}, {b})",
            "int": lambda: f"int({self.float_expr(depth + 1)})",
            "round": lambda: f"round({self.float_expr(depth + 1)})",
            "sum": lambda: "sum(xs)",
            "index": lambda: f"xs[{self.draw(st.integers(-4, 4))}]",
            "call": lambda: f"scale({a})",
            "ifexp": lambda: f"({a} if {self.bool_expr(depth + 1)} else {b})",
        })

    def float_expr(self, depth=0) -> str:
        leaf = depth >= 2 or self.draw(st.booleans())
        if leaf:
            if self.draw(st.booleans()):
                v = self.draw(floats)
                return f"({v!r})" if str(v).startswith("-") else repr(v)
            return self.pick(FLOAT_VARS)
        kinds = ["bin", "bin", "mixed", "div", "float", "sqrt", "round", "call"]
        return self.compound(kinds, self.float_expr, depth, lambda a, b: {
            "bin": lambda: f"({a} {self.pick(['+', '-', '*'])} {b})",
            "mixed": lambda: f"({a} {self.pick(['+', '-', '*'])} {self.int_expr(depth + 1)})",
            "div": lambda: f"({self.pick([a, self.int_expr(depth + 1)])} / {self.pick([b, self.int_expr(depth + 1)])})",
            "float": lambda: f"float({self.int_expr(depth + 1)})",
            "sqrt": lambda: f"math.sqrt(abs({a}))",
            "round": lambda: f"round({a}, {self.draw(st.integers(0, 3))})",
            "call": lambda: f"scale({a})",
        })

    def bool_expr(self, depth=0) -> str:
        kind = self.pick(["cmp", "cmp", "chain", "logic", "not", "in", "var"])
        if kind == "var" or depth >= 2:
            return "b0"
        num = self.int_expr if self.draw(st.booleans()) else self.float_expr
        ops = ["<", "<=", ">", ">=", "==", "!="]
        forms = {
            "cmp": lambda: f"({num(depth + 1)} {self.pick(ops)} {self.int_expr(depth + 1)})",
            "chain": lambda: f"({num(depth + 1)} {self.pick(ops)} {num(depth + 1)} {self.pick(ops)} {num(depth + 1)})",
            "logic": lambda: f"({self.bool_expr(depth + 1)} {self.pick(['and', 'or'])} {self.bool_expr(depth + 1)})",
            "not": lambda: f"(not {self.bool_expr(depth + 1)})",
            "in": lambda: f"({self.pick(['s0', repr('a')])} in {self.pick(['s0', repr('abc')])})",
        }
        return forms[kind]()

    def str_expr(self, depth=0) -> str:
        kind = self.pick(["var", "lit", "concat", "str", "method", "fstring"])
        if kind == "var" or depth >= 2:
            return "s0"
        forms = {
            "lit": lambda: repr(self.draw(st.text("abcXY ±°", max_size=5))),
            # one side a literal: strings grow linearly, never by doubling inside loops
            "concat": lambda: f"({self.str_expr(depth + 1)} + {self.draw(st.text('ab±', max_size=3))!r})",
            "str": lambda: f"str({self.pick([self.int_expr, self.float_expr, self.bool_expr])(depth + 1)})",
            "method": lambda: f"{self.str_expr(depth + 1)}.{self.pick(['upper()', 'lower()', 'title()', 'strip()'])}",
            "fstring": lambda: self.fstring(depth + 1),
        }
        return forms[kind]()

    def fstring(self, depth) -> str:
        parts = []
        for _ in range(self.draw(st.integers(1, 3))):
            kind = self.pick(["int", "float", "str", "plain"])
            if kind == "plain":
                parts.append(self.pick(["x=", " | ", "°C ", "%"]))
                continue
            # a replacement field: its format spec first, then its value
            specs, value = {"int": (INT_SPECS, self.int_expr), "float": (FLOAT_SPECS, self.float_expr),
                            "str": (STR_SPECS, lambda depth: "s0")}[kind]
            spec = self.pick(specs + [""])
            parts.append("{" + value(depth) + (":" + spec if spec else "") + "}")
        return 'f"' + "".join(parts) + '"'

    def stmt(self, depth=0, indent="") -> list[str]:
        kinds = ["assign_int", "assign_float", "assign_str", "assign_bool", "aug", "print", "print", "append",
                 "listops", "strops", "num"]
        if depth < 2:
            kinds += ["if", "for", "while"]
        kind = self.pick(kinds)
        if kind == "assign_int":
            return [f"{indent}{self.pick(INT_VARS)} = {self.int_expr()}"]
        if kind == "assign_float":
            return [f"{indent}{self.pick(FLOAT_VARS)} = {self.float_expr()}"]
        if kind == "assign_str":
            return [f"{indent}s0 = {self.str_expr()}"]
        if kind == "assign_bool":
            return [f"{indent}b0 = {self.bool_expr()}"]
        if kind == "aug":
            if self.draw(st.booleans()):
                return [f"{indent}{self.pick(INT_VARS)} {self.pick(['+=', '-=', '*='])} {self.int_expr(1)}"]
            return [f"{indent}{self.pick(FLOAT_VARS)} {self.pick(['+=', '-=', '*='])} {self.float_expr(1)}"]
        if kind == "append":
            return [f"{indent}xs.append({self.int_expr(1)})"]
        if kind == "listops":
            return [f"{indent}" + self.pick([
                "print(sorted(xs, reverse=b0), sum(xs), [v % 3 for v in xs if v > 0], xs[1:3], xs[::-1])",
                "print(sum(v * 1.5 for v in xs), max(xs), min(v for v in xs), len([v for v in xs if v]))",
                "print(xs.copy() + [i0], 3 in xs, xs.count(1), [[v, -v] for v in xs[:2]])",
                f"ys = [f0, f1, {self.float_expr(1)}]\n{indent}print(sorted(ys), sum(ys), max(ys), ys)"])]
        if kind == "strops":
            return [f"{indent}" + self.pick([
                "print(s0.split(), s0.replace('a', 'b'), s0.count('a'), s0.find('b'), '-'.join([s0, 'x']))",
                "print(s0.upper().lower(), s0.strip(), s0[1:], s0[::-1], len(s0), 'X' in s0, s0.startswith('a'))",
                "print([c for c in s0 if c != ' '], s0.title(), s0 * 2, str(i0) + s0, repr(s0), s0.isalpha())"])]
        if kind == "num":
            # t0 starts as the int 0 and may become a float: a num, printed exactly like Python
            return [f"{indent}t0 += {self.pick([self.int_expr, self.float_expr])(1)}",
                    f"{indent}print(t0, t0 > 1, f'{{t0}}')"]
        if kind == "print":
            args = [self.pick([self.int_expr, self.float_expr, self.str_expr, self.bool_expr])()
                    for _ in range(self.draw(st.integers(0, 3)))]
            if self.draw(st.booleans()):
                args.append(self.pick(["xs", "[f0, f1]", "[s0, 'q']"]))
            kw = self.pick(["", "sep='-'", "end=' '", "sep='', end='!\\n'"])
            return [f"{indent}print({', '.join(args + ([kw] if kw else []))})"]
        body = self.block(depth + 1, indent + "    ")
        if kind == "if":
            out = [f"{indent}if {self.bool_expr()}:"] + body
            if self.draw(st.booleans()):
                out += [f"{indent}else:"] + self.block(depth + 1, indent + "    ")
            return out
        if kind == "for":
            var = "k" + str(depth)
            it = self.pick([f"range({self.draw(st.integers(0, 4))})", f"range(3, {self.draw(st.integers(-3, 3))}, -1)",
                            "xs.copy()", "[1, 2]"])
            return [f"{indent}for {var} in {it}:", f"{indent}    i2 = i2 + {var}"] + body
        counter = "n" + str(depth)
        return ([f"{indent}{counter} = 0", f"{indent}while {counter} < {self.draw(st.integers(0, 3))}:",
                 f"{indent}    {counter} += 1"] + body)

    def block(self, depth, indent) -> list[str]:
        out = []
        for _ in range(self.draw(st.integers(1, 3))):
            out += self.stmt(depth, indent)
        return out


@st.composite
def programs(draw) -> str:
    g = Gen(draw)
    lines = ["import math", "def scale(v, k=3):", "    return v * k - 1"]
    for v in INT_VARS:
        lines.append(f"{v} = {draw(small_ints)}")
    for v in FLOAT_VARS:
        lines.append(f"{v} = {draw(floats)!r}")
    lines += [f"s0 = {draw(st.text('abc XY', max_size=4))!r}", f"b0 = {draw(st.booleans())}",
              f"xs = {draw(st.lists(small_ints, max_size=4))}", "t0 = 0"]
    for _ in range(draw(st.integers(2, 6))):
        lines += g.stmt()
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(programs())
def test_random_programs_match_cpython(source):
    expected = run_cpython(source)
    try:
        got = run_wasm(source, standalone=False)
    except ConversionError as e:
        raise AssertionError(f"converter rejected a subset program: {e}\n{source}") from None
    assert got == expected, source


def test_overflow_is_an_error_never_a_number():
    source = "x = 3037000500\nprint(x * x)\n"
    assert run_cpython(source, checked=False).stdout == "9223372037000250000\n"
    assert run_wasm(source).error == "OverflowError"
    assert run_cpython(source).error == "OverflowError"
