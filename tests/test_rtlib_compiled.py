"""The compiled runtime library against its CPython reference (tests/test_rtlib_reference.py checks
that reference against CPython itself): programs that print floats, format specs, float(str),
round() and math results run in wasmtime and must print what the runtime library functions give in CPython.
"""

from __future__ import annotations

import math
import random
import struct
from pathlib import Path

import pytest

from worldmodel.runtime import Limits, run_wat
from worldmodel.wat import convert
from worldmodel.wat.library import load
from worldmodel.wat.runtime import formatting
from worldmodel.wat.runtime.math import mathlib

RUNTIME = Path(__file__).resolve().parents[1] / "python" / "worldmodel" / "wat" / "runtime"
LIMITS = Limits(max_output_bytes=1 << 20, timeout_s=60.0, fuel=20_000_000_000)


def run(source: str) -> str:
    result = run_wat(convert(source), LIMITS)
    assert result.ok, (result.error_kind, result.error_message)
    return result.stdout


def sample_doubles(seed: int, n: int) -> list[float]:
    rng = random.Random(seed)
    out = [0.0, -0.0, 0.1, 1e16, 1e-5, 2.0**60, 5e-324, 1.7976931348623157e308, 0.30000000000000004, 2.675]
    while len(out) < n:
        c = rng.random()
        if c < 0.2:
            x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
            if not math.isfinite(x) or abs(x) < 1e-200 or abs(x) > 1e200:
                continue  # extreme exponents are slow in WASM too; a few are in the fixed list
        elif c < 0.6:
            x = rng.uniform(-1e6, 1e6)
        else:
            x = round(rng.uniform(-1000, 1000), rng.randint(0, 6))
        out.append(x)
    return out


def literal_list(xs: list[float]) -> str:
    return "[" + ", ".join(repr(x) for x in xs) + "]"


def runtime_modules() -> list[Path]:
    """The rt-subset files of the runtime library (the CPython-only tools/ and the typed_lists template aside)."""
    return [path for path in sorted(RUNTIME.glob("**/*.py"))
            if path.name not in ("__init__.py", "typed_lists.py") and "tools" not in path.parts]


def test_every_runtime_function_compiles():
    import ast
    functions = set()
    for path in runtime_modules():
        functions |= {n.name for n in ast.parse(path.read_text()).body if isinstance(n, ast.FunctionDef)}
    assert len(functions) > 250  # the glob found every topic (286 functions today)
    assert functions <= set(load().funcs)


def test_module_constants_do_not_clash():
    """The runtime library is one flat namespace: a constant defined twice must mean one value."""
    import ast
    values: dict[str, tuple] = {}
    for path in runtime_modules():
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                if not isinstance(target, ast.Name) or node.value is None:
                    continue
                try:
                    value = eval(compile(ast.Expression(node.value), "<const>", "eval"), {"float": float, "int": int},
                                 {k: v for k, (v, _) in values.items()})
                except Exception:
                    continue
                if target.id in values:
                    assert values[target.id][0] == value, (target.id, path.name, values[target.id][1])
                values[target.id] = (value, path.name)


def test_compiled_repr_matches_reference():
    xs = sample_doubles(1, 150)
    out = run(f"for x in {literal_list(xs)}:\n    print(x)\n")
    assert out.splitlines() == [formatting.float_repr(x) for x in xs]
    assert out.splitlines() == [repr(x) for x in xs]


FLOAT_SPECS = [".2f", ",.2f", "e", ".3e", "g", ".10g", "%", ".1%", "+012,.3f", "*^15.4g", "_", "", ".0f", "#.0f",
               "E", "G", "n", "=+10", " .5"]


def spec_fields(spec: str) -> tuple:
    """The fields the converter pre-parses (only what FLOAT_SPECS uses)."""
    fill, align = 0, 0
    if len(spec) >= 2 and spec[1] in "<>^=":
        fill, align, spec = ord(spec[0]), ord(spec[1]), spec[2:]
    elif spec[:1] in ("<", ">", "^", "="):
        align, spec = ord(spec[0]), spec[1:]
    sign = ord(spec[0]) if spec[:1] in ("+", "-", " ") else 0
    spec = spec[1:] if sign else spec
    alt = spec.startswith("#")
    spec = spec[1:] if alt else spec
    zero = spec.startswith("0")
    spec = spec[1:] if zero else spec
    width = ""
    while spec[:1].isdigit():
        width, spec = width + spec[0], spec[1:]
    grouping = ord(spec[0]) if spec[:1] in (",", "_") else 0
    spec = spec[1:] if grouping else spec
    precision = -1
    if spec.startswith("."):
        digits = spec[1:].rstrip("eEfFgGn%")
        precision, spec = int(digits), spec[1 + len(digits):]
    return fill, align, sign, alt, zero, int(width or 0), grouping, precision, ord(spec) if spec else 0


def test_compiled_format_specs_match_reference():
    xs = sample_doubles(2, 40) + [math.inf, -math.inf, math.nan]
    lines = [f"    print(f'{{x:{spec}}}')" for spec in FLOAT_SPECS]
    source = f"for x in {literal_list(xs[:-3])} + [float('inf'), float('-inf'), float('nan')]:\n" + "\n".join(lines) + "\n"
    expected = [formatting.format_float(x, *spec_fields(spec)) for x in xs for spec in FLOAT_SPECS]
    assert run(source).splitlines() == expected
    assert expected == [format(x, spec) for x in xs for spec in FLOAT_SPECS]


def test_compiled_int_and_str_formatting():
    source = """
for n in [0, 7, -42, 1234567, -9223372036854775807 - 1, 9223372036854775807, 255]:
    print(f"{n:,} {n:_x} {n:#o} {n:+010d} {n:^12} {n:b} {n:X} {n:.2e} {n:.1%}")
for s in ["abc", "héllo", ""]:
    print(f"[{s:>6}] [{s:*^7}] [{s:.2}] [{s:<4}]")
print(str(-9223372036854775807 - 1), 10 ** 18)
"""
    expected = []
    for n in [0, 7, -42, 1234567, -(2**63), 2**63 - 1, 255]:
        expected.append(f"{n:,} {n:_x} {n:#o} {n:+010d} {n:^12} {n:b} {n:X} {n:.2e} {n:.1%}")
    for s in ["abc", "héllo", ""]:
        expected.append(f"[{s:>6}] [{s:*^7}] [{s:.2}] [{s:<4}]")
    expected.append(f"{-(2**63)} {10**18}")
    assert run(source).splitlines() == expected


def test_compiled_parse_and_round_match_reference():
    strings = ["0.1", "  -2.5e-3 ", "1_000.5", "inf", "-Infinity", "nan", "1e400", "1e-400", "2.4703282292062328e-324",
               "9007199254740993", "1.7976931348623159e308", "123456789012345678901234567890e-10", ".5", "7."]
    rounds = [(2.675, 2), (0.125, 2), (2.5, 0), (-0.001, 2), (1234.5678, -2), (1e300, -300), (5e-324, 323),
              (0.1 + 0.2, 15), (1.0005, 3)]
    source = f"for s in {strings!r}:\n    print(float(s))\n"
    source += "".join(f"print(round({x!r}, {n}))\n" for x, n in rounds)
    expected = [formatting.float_repr(formatting.parse_float(s)) for s in strings]
    expected += [formatting.float_repr(formatting.round_float(x, n)) for x, n in rounds]
    assert run(source).splitlines() == expected


MATH_ONE = ["sqrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "asin", "acos",
            "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "cbrt", "fabs", "degrees", "radians"]


def math_inputs(name: str, rng: random.Random, n: int) -> list[float]:
    from worldmodel.wat.runtime.tools.accuracy import DOMAINS
    return [DOMAINS[name](rng)[0] if name in DOMAINS else rng.uniform(-100, 100) for _ in range(n)]


def test_compiled_math_matches_reference():
    rng = random.Random(3)
    source, expected = "import math\n", []
    for name in MATH_ONE:
        xs = math_inputs(name, rng, 12) + ([1e22, 1e300, -1e10] if name in ("sin", "cos", "tan") else [])
        source += f"for x in {literal_list(xs)}:\n    print(math.{name}(x))\n"
        expected += [formatting.float_repr(getattr(mathlib, name)(x)) for x in xs]
    pairs = [(rng.uniform(-10, 10), rng.uniform(-10, 10)) for _ in range(12)] + [(2.0, 0.5), (10.0, -3.0)]
    for name in ["atan2", "hypot", "fmod", "pow", "copysign"]:
        firsts = [abs(a) if name == "pow" else a for a, _ in pairs]
        seconds = [b for _, b in pairs]
        source += f"xs = {literal_list(firsts)}\nys = {literal_list(seconds)}\n"
        source += f"for i in range(len(xs)):\n    print(math.{name}(xs[i], ys[i]))\n"
        expected += [formatting.float_repr(getattr(mathlib, name)(a, b)) for a, b in zip(firsts, seconds)]
    ops = [(1.5, 2.0), (2.0, 0.5), (-2.0, 3.0), (7.5, -2.0)]
    source += f"xs = {literal_list([a for a, _ in ops])}\nys = {literal_list([b for _, b in ops])}\n"
    source += "for i in range(len(xs)):\n    a = xs[i]\n    b = ys[i]\n    print(a ** b, a % b, a // b)\n"
    for a, b in ops:
        expected.append(" ".join(formatting.float_repr(v) for v in (mathlib.float_pow(a, b), formatting.float_mod(a, b),
                                                              formatting.float_floordiv(a, b))))
    source += "print(math.factorial(20), math.gcd(84, -36), math.lcm(4, 6), math.isqrt(10**18), math.comb(60, 30))\n"
    source += "print(math.perm(10, 3), math.floor(-2.5), math.ceil(2.1), math.trunc(-7.9), math.isclose(0.1 + 0.2, 0.3))\n"
    expected.append(f"{math.factorial(20)} 12 12 {10**9} {math.comb(60, 30)}")
    expected.append("720 -3 3 -7 True")
    assert run(source).splitlines() == expected


@pytest.mark.parametrize("statement, kind, message", [
    ("import math\nprint(math.sqrt(-1.0))", "ValueError", "math domain error"),
    ("import math\nprint(math.log(0.0))", "ValueError", "math domain error"),
    ("import math\nprint(math.exp(1000.0))", "OverflowError", "math range error"),
    ("import math\nprint(math.sin(float('inf')))", "ValueError", "math domain error"),
    ("import math\nprint(math.floor(float('nan')))", "ValueError", "cannot convert float NaN to integer"),
    ("import math\nprint(math.factorial(21))", "OverflowError", "integer result does not fit in 64 bits"),
    ("print(float('abc'))", "ValueError", "could not convert string to float: 'abc'"),
    ("x = 0.0\nprint(1.5 % x)", "ZeroDivisionError", "float modulo"),
    ("x = 0.0\nprint(1.5 // x)", "ZeroDivisionError", "float floor division by zero"),
    # float ** compiles to the runtime's float_pow (operator rules), not pow (math.pow rules)
    ("x = 0.0\nprint(x ** -1.0)", "ZeroDivisionError", "0.0 cannot be raised to a negative power"),
    ("x = -8.0\nprint(x ** (1 / 3))", "ValueError", "negative number cannot be raised to a fractional power"),
    ("x = 10.0\nprint(x ** 400.0)", "OverflowError", "(34, 'Numerical result out of range')"),
    ("print(0 ** -1)", "ZeroDivisionError", "0.0 cannot be raised to a negative power"),
    ("print(round(1.7976931348623157e308, -308))", "OverflowError", "rounded value too large to represent"),
])
def test_compiled_errors_match_cpython(statement, kind, message):
    result = run_wat(convert(statement), LIMITS)
    assert not result.ok
    assert (result.error_kind, result.error_message) == (kind, message)


def test_compiled_math_calls_allocate_nothing():
    """The runtime has no garbage collector: math calls must not allocate (80000 calls fit in 1 MB)."""
    source = ("import math\nt = 0.0\nfor i in range(20000):\n"
              "    t += math.sin(0.001 * i) + math.pow(1.0 + 0.001 * i, 1.5) + math.sqrt(0.5 * i)"
              " + math.atan2(0.001 * i, 3.0)\nprint(t)\n")
    result = run_wat(convert(source), Limits(memory_bytes=1 << 20))
    assert result.ok, (result.error_kind, result.error_message)
