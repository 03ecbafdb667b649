"""The runtime library as plain CPython against CPython's builtins and math (llm.c style: the reference beside
the port).  tests/test_rtlib_compiled.py then checks the compiled port against this reference.
Larger runs and the accuracy figures: python -m benchmarks.rtlib_accuracy
"""

from __future__ import annotations

import math
import random
import struct
from fractions import Fraction

import pytest

from worldmodel.wat.runtime import formatting
from worldmodel.wat.runtime.math import mathlib
from worldmodel.wat.runtime.tools.accuracy import DOMAINS, measure, ulp_distance

SPECIAL_FLOATS = [0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, 0.1, 0.2, 0.3, 1 / 3, 2 / 3, 0.125, 0.375, 9.995,
                  1e16, 1e15, 9999999999999998.0, 1e17, 1e22, 1e23, 1e-4, 1e-5, 123456789.0, 5e-324, 1e-310,
                  2.2250738585072014e-308, 2.225073858507201e-308, 1.7976931348623157e308, 2.0**-1022,
                  2.0**-1074, 2.0**63, 2.0**52 + 1, 2.0**53, math.pi, math.e, math.inf, -math.inf, math.nan]


def random_double(rng: random.Random) -> float:
    """Every exponent range: raw bit patterns, moderate values, powers of two, short decimals."""
    c = rng.random()
    if c < 0.35:
        return struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
    if c < 0.55:
        return rng.uniform(-1e6, 1e6)
    if c < 0.65:
        return rng.choice((1.0, -1.0)) * 2.0 ** rng.randint(-1074, 1023)
    if c < 0.85:
        return round(rng.uniform(-1000, 1000), rng.randint(0, 8))
    return rng.uniform(-1, 1) * 10.0 ** rng.randint(-30, 30)


def same_float(a: float, b: float) -> bool:
    return struct.pack("<d", a) == struct.pack("<d", b) or (math.isnan(a) and math.isnan(b))


def outcome(f, *args):
    """A comparable result: the value, or the exception's class and message."""
    try:
        r = f(*args)
    except (ValueError, OverflowError, ZeroDivisionError) as e:
        return f"{type(e).__name__}: {e}"
    if isinstance(r, float):
        return "nan" if math.isnan(r) else struct.pack("<d", r)
    return r


# ---------------------------------------------------------------- repr / str

def test_float_repr_special_values():
    for x in SPECIAL_FLOATS:
        assert formatting.float_repr(x) == repr(x)
        assert formatting.float_repr(-x) == repr(-x)


def test_float_repr_random_doubles():
    rng = random.Random(1)
    for _ in range(4000):
        x = random_double(rng)
        assert formatting.float_repr(x) == repr(x), x


def test_float_repr_neighbours_of_powers_of_two_and_ten():
    # the asymmetric rounding interval at powers of two, and the 1e16 / 1e-4 layout switches
    for e in list(range(-1074, 1024, 7)) + [-1022, -1021, 52, 53, 54]:
        p = 2.0**e
        for x in (p, math.nextafter(p, 0), math.nextafter(p, math.inf)):
            assert formatting.float_repr(x) == repr(x)
    for k in range(-20, 25):
        p = 10.0**k
        for x in (p, math.nextafter(p, 0), math.nextafter(p, math.inf)):
            assert formatting.float_repr(x) == repr(x)


def test_int_to_str():
    rng = random.Random(2)
    for x in [0, 1, -1, 9, 10, -10, 2**63 - 1, -(2**63)] + [rng.randint(-(2**63), 2**63 - 1) for _ in range(2000)]:
        assert formatting.int_to_str(x) == str(x)


# ---------------------------------------------------------------- format(x, spec)

def spec_and_fields(rng: random.Random, kinds: list):
    """A random format spec and the pre-parsed fields the converter passes."""
    align = rng.choice([None, "<", ">", "^", "="])
    fill = rng.choice([None, "*", "0", "é", " "]) if align else None
    sign = rng.choice([None, "+", "-", " "])
    alt = rng.random() < 0.3
    zero = rng.random() < 0.3
    width = rng.choice([0, 0, 1, 5, 12, 20])
    grouping = rng.choice([None, None, ",", "_"])
    precision = rng.choice([None, None, 0, 1, 2, 3, 6, 10, 17, 25])
    kind = rng.choice(kinds)
    spec = ((fill or "") + align if align else "") + (sign or "") + ("#" if alt else "") + ("0" if zero else "")
    spec += (str(width) if width else "") + (grouping or "") + ("" if precision is None else f".{precision}")
    spec += kind or ""
    fields = (ord(fill) if fill else 0, ord(align) if align else 0, ord(sign) if sign else 0, alt, zero, width,
              ord(grouping) if grouping else 0, -1 if precision is None else precision, ord(kind) if kind else 0)
    return spec, fields


def test_format_float_spec_grid():
    rng = random.Random(3)
    for _ in range(6000):
        x = rng.choice(SPECIAL_FLOATS) if rng.random() < 0.2 else random_double(rng)
        spec, fields = spec_and_fields(rng, [None, "e", "E", "f", "F", "g", "G", "n", "%"])
        assert outcome(formatting.format_float, x, *fields) == outcome(format, x, spec), (x, spec)


def test_format_float_rounds_exact_ties_half_even():
    for x, spec in [(0.125, ".2f"), (0.375, ".2f"), (2.5, ".0f"), (1.5, ".0f"), (0.5, ".0f"), (2.675, ".2f"),
                    (1e22, ",.2f"), (5e-324, ".3e"), (1.0005, ".3f"), (123.456, ".0e"), (0.0001, ".2%")]:
        fields = (0, 0, 0, False, False, 0, ord(",") if "," in spec else 0, int(spec.split(".")[1][:-1]),
                  ord(spec[-1]))
        assert formatting.format_float(x, *fields) == format(x, spec)


def test_format_int_spec_grid():
    rng = random.Random(4)
    for _ in range(6000):
        x = rng.choice([0, 1, -1, rng.randint(-(10**6), 10**6), rng.randint(-(2**63), 2**63 - 1), -(2**63),
                        2**63 - 1, rng.randint(0, 0x10FFFF)])
        spec, fields = spec_and_fields(rng, [None, "d", "b", "o", "x", "X", "c", "n", "e", "f", "g", "%"])
        assert outcome(formatting.format_int, x, *fields) == outcome(format, x, spec), (x, spec)


def test_format_str():
    for s in ["abc", "héllo", "日本語テキスト", "", "a" * 30]:
        for fill, align, width, precision in [(32, 0, 0, -1), (32, 0, 10, -1), (32, ord("<"), 10, -1),
                                              (32, ord(">"), 10, -1), (32, ord("^"), 11, -1), (ord("*"), ord("^"), 9, -1),
                                              (32, 0, 0, 2), (32, 0, 10, 3), (ord("é"), ord("<"), 7, 4)]:
            spec = (chr(fill) + chr(align) if align else "") + (str(width) if width else "")
            spec += f".{precision}" if precision >= 0 else ""
            assert formatting.format_str(s, fill, align, width, precision) == format(s, spec)


# ---------------------------------------------------------------- float(str), round

def halfway_strings(rng: random.Random, n: int) -> list[str]:
    """Exact decimal midpoints between neighbouring doubles, and strings just beside them."""
    out = []
    for _ in range(n):
        x = abs(random_double(rng))
        if not math.isfinite(x) or x == 0 or x > 1e300:
            continue
        mid = (Fraction(x) + Fraction(math.nextafter(x, math.inf))) / 2
        k = 0
        den = mid.denominator
        while den % 2 == 0:
            den //= 2
            k += 1
        digits = str(mid.numerator * 5**k)
        out += [f"{digits}e-{k}", f"{digits}1e-{k + 1}", f"{digits[:-1]}{int(digits[-1]) - 1}9e-{k + 1}"]
    return out


def test_parse_float_correctly_rounded():
    rng = random.Random(5)
    cases = halfway_strings(rng, 400)
    for _ in range(1500):
        x = random_double(rng)
        if math.isfinite(x):
            cases += [repr(x), f"{x:.25e}", f"{x:.17g}", f"{x:.12g}"]
    cases += ["4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
              "1.7976931348623158e308", "1.7976931348623159e308", "9007199254740993", "0.1", "1e400", "1e-400",
              "123456789012345678901234567890e-10", "0" * 400 + "1", "0." + "0" * 330 + "5"]
    for s in cases:
        assert outcome(formatting.parse_float, s) == outcome(float, s), s


def test_parse_float_syntax_and_errors():
    for s in ["1.5", "  -2.5e-3 ", "1_000.5", "1__0", "_1", "1_", "1e1_0", "1_e5", "inf", "-Infinity", "nAn",
              "+nan", "-nan", "1e", "1.", ".5", ".", "e5", "0x10", "", " ", "1.5x", "a'b", 'a"b\n', "\t5\x0c",
              "infinityx", "-0", "-0.0e5", "1e99999999999999999999", "0e99999999999", "+-1", "1e+"]:
        # (non-ASCII digits and whitespace, which CPython also accepts, are not supported: see wat/runtime/README.md)
        assert outcome(formatting.parse_float, s) == outcome(float, s), repr(s)


def test_round_float():
    rng = random.Random(6)
    cases = [(2.675, 2), (0.125, 2), (0.375, 2), (2.5, 0), (1.5, 0), (-0.001, 2), (1.7976931348623157e308, -308),
             (5e-324, 323), (5e-324, 324), (1e300, -300), (math.inf, 2), (math.nan, 1), (-0.0, 3)]
    for _ in range(3000):
        cases.append((random_double(rng), rng.choice([-400, -309, -308, -20, -2, -1, 0, 1, 2, 3, 5, 10, 15, 17, 300,
                                                       323, 324])))
    for x, nd in cases:
        assert outcome(formatting.round_float, x, nd) == outcome(round, x, nd), (x, nd)


def test_float_mod_and_floordiv():
    rng = random.Random(7)
    values = SPECIAL_FLOATS + [3.0, -7.25, 1e-300]
    for _ in range(3000):
        a = random_double(rng)
        b = rng.choice(values) if rng.random() < 0.3 else random_double(rng)
        assert outcome(formatting.float_mod, a, b) == outcome(lambda p, q: p % q, a, b), (a, b)
        assert outcome(formatting.float_floordiv, a, b) == outcome(lambda p, q: p // q, a, b), (a, b)


# ---------------------------------------------------------------- math

ONE_ARG = ["sqrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "asin", "acos",
           "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "cbrt", "fabs", "degrees", "radians",
           "isfinite", "isinf", "isnan", "floor", "ceil", "trunc"]
TWO_ARG = ["copysign", "atan2", "fmod", "pow", "hypot", "isclose"]
MATH_SPECIALS = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, math.inf, -math.inf, math.nan, 1e308, -1e308, 5e-324,
                 710.0, -746.0, 1e-300, 3.0, -3.0, 0.1, 100.0, 1e16, -1e16, 1e19]


def close_outcomes(ours, ref) -> bool:
    """Same error, or floats at most 1 ulp apart (glibc is not always correctly rounded)."""
    if isinstance(ours, bytes) and isinstance(ref, bytes):
        return ulp_distance(struct.unpack("<d", ours)[0], struct.unpack("<d", ref)[0]) <= 1
    return ours == ref


def i64_reference(f, *args):
    r = outcome(f, *args)
    if isinstance(r, int) and not isinstance(r, bool) and not -(2**63) <= r < 2**63:
        return "OverflowError: integer result does not fit in 64 bits"
    return r


@pytest.mark.parametrize("name", ONE_ARG)
def test_math_one_argument_special_values(name):
    for x in MATH_SPECIALS:
        assert close_outcomes(outcome(getattr(mathlib, name), x), i64_reference(getattr(math, name), x)), x


@pytest.mark.parametrize("name", TWO_ARG)
def test_math_two_argument_special_values(name):
    for x in MATH_SPECIALS:
        for y in MATH_SPECIALS:
            assert close_outcomes(outcome(getattr(mathlib, name), x, y), outcome(getattr(math, name), x, y)), (x, y)


def test_math_log_with_base():
    for x in MATH_SPECIALS:
        for base in MATH_SPECIALS:
            assert close_outcomes(outcome(mathlib.log_base, x, base), outcome(math.log, x, base)), (x, base)


def test_float_pow_operator_semantics():
    for x in MATH_SPECIALS:
        for y in MATH_SPECIALS:
            try:
                r = x**y
                ref = "complex" if isinstance(r, complex) else outcome(lambda: r)
            except (ZeroDivisionError, OverflowError) as e:
                ref = f"{type(e).__name__}: {e}"
            ours = outcome(mathlib.float_pow, x, y)
            if ref == "complex":
                assert ours == "ValueError: negative number cannot be raised to a fractional power"
            else:
                assert close_outcomes(ours, ref), (x, y)


# share of bit-identical results on random inputs; python -m benchmarks.rtlib_accuracy prints them all
IDENTICAL_FLOOR = {"sqrt": 1.0, "exp": 0.99, "exp2": 0.99, "log": 0.99, "log2": 0.99, "log10": 0.99, "log1p": 0.99,
                   "expm1": 0.99, "pow": 0.99, "cbrt": 0.99, "hypot": 0.99, "fmod": 1.0, "sinh": 0.99,
                   "cosh": 0.99, "tanh": 0.99, "asinh": 0.99, "acosh": 0.99, "atanh": 0.99, "sin": 0.99,
                   "cos": 0.99, "tan": 0.99, "asin": 0.99, "acos": 0.99, "atan": 0.99, "atan2": 0.99}


@pytest.mark.parametrize("name", sorted(DOMAINS))
def test_math_accuracy_against_cpython(name):
    acc = measure(name, 1500, seed=11)
    assert acc.max_ulps <= 1, acc
    assert acc.share >= IDENTICAL_FLOOR[name], acc


def test_math_integer_functions():
    rng = random.Random(8)
    for _ in range(1500):
        a = rng.choice([rng.randint(-100, 100), rng.randint(-(2**63), 2**63 - 1), 0, -(2**63), 2**63 - 1,
                        rng.randint(0, 70)])
        b = rng.choice([rng.randint(-100, 100), rng.randint(-(2**63), 2**63 - 1), 0, rng.randint(0, 70)])
        for name in ["gcd", "lcm", "comb", "perm"]:
            if name in ("comb", "perm") and min(b, a - b) > 1000:
                continue  # CPython would compute a huge exact int for a long time
            assert outcome(getattr(mathlib, name), a, b) == i64_reference(getattr(math, name), a, b), (name, a, b)
        if a <= 25:
            assert outcome(mathlib.factorial, a) == i64_reference(math.factorial, a)
        assert outcome(mathlib.isqrt, a) == i64_reference(math.isqrt, a)


def test_math_floor_ceil_trunc_limits():
    for x in [0.5, -0.5, 1e18, -9.223372036854775808e18, 9.223372036854775808e18, 1e300, math.inf, -math.inf,
              math.nan, -0.0, 2.0**62 + 0.5]:
        for name in ["floor", "ceil", "trunc"]:
            assert outcome(getattr(mathlib, name), x) == i64_reference(getattr(math, name), x), (name, x)


def test_degrees_radians_use_cpythons_formula():
    rng = random.Random(9)
    for _ in range(500):
        x = random_double(rng)
        assert outcome(mathlib.degrees, x) == outcome(math.degrees, x)
        assert outcome(mathlib.radians, x) == outcome(math.radians, x)


def test_fsum():
    rng = random.Random(10)
    cases = [[1e-16, 1.0, 1e16], [0.1] * 10, [1e308, 1e308, -1e308], [math.inf, -math.inf], [math.inf, 1.0],
             [math.nan, 1.0], [], [-0.0], [1e100, 1.0, -1e100, 1e-100], [2.0**-1074] * 5]
    for _ in range(1000):
        cases.append([random_double(rng) for _ in range(rng.randint(0, 20))])
    for xs in cases:
        assert outcome(mathlib.fsum, xs) == outcome(math.fsum, xs), xs


def test_sqrt_is_correctly_rounded():
    from worldmodel.wat.runtime.math import libm
    rng = random.Random(12)
    xs = [0.0, -0.0, 5e-324, 1e-310, 2.2250738585072014e-308, 1.7976931348623157e308, math.inf, -1.0, math.nan]
    xs += [struct.unpack("<d", struct.pack("<Q", rng.getrandbits(63)))[0] for _ in range(20000)]
    xs += [float(m * m) * 4.0 ** rng.randint(-500, 500) for m in (rng.randint(1, 2**26) for _ in range(2000))]
    xs += [math.nextafter(2.0**k, d) for k in range(-1074, 1024, 3) for d in (0.0, math.inf)]
    for x in xs:
        ref = outcome(math.sqrt, x)
        assert outcome(libm.c_sqrt, x) == ("nan" if ref == "ValueError: math domain error" else ref), x
        assert outcome(libm.sqrt_newton, x) == ("nan" if ref == "ValueError: math domain error" else ref), x
    for x in xs[:2000]:  # the bit-by-bit fallback
        ref = outcome(math.sqrt, x)
        assert outcome(libm.sqrt_bitwise, x) == ("nan" if ref == "ValueError: math domain error" else ref), x
