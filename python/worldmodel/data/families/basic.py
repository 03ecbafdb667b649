"""Stage "basic": arithmetic of every kind, big numbers, powers, roots, order of operations, percentages."""

from __future__ import annotations

import math
import random
import re
from decimal import Decimal
from fractions import Fraction

from worldmodel.data import phrasing
from worldmodel.data.families.plan import stated
from worldmodel.data.families.texts import texts
from worldmodel.data.spec import Family, lit, program, real

FINALS_NUMBER = texts("basic")["FINALS_NUMBER"]


def _printed(expression: str):
    """The solution that prints `expression` with its {slots} filled by the question's numbers, as literals."""
    names = re.findall(r"\{(\w+)\}", expression)
    return lambda p: program(f"print({expression.format(**{name: lit(p[name]) for name in names})})")


def _sized(rng: random.Random, low_digits: int, high_digits: int) -> int:
    digits = rng.randint(low_digits, high_digits)
    return rng.randint(10 ** (digits - 1), 10**digits - 1)


def _two_sized(rng: random.Random) -> dict:
    return {"a": _sized(rng, 1, 6), "b": _sized(rng, 1, 5)}


ADDITION = Family(
    name="addition", stage="basic", **texts("addition"),
    finals=FINALS_NUMBER + ("The sum is {v}.", "The total is {v}."), exact=True,
    sample=_two_sized,
    solution=_printed("{a} + {b}"),
    truth=lambda p: sum((p["a"], p["b"])),
)

SUBTRACTION = Family(
    name="subtraction", stage="basic", **texts("subtraction"),
    finals=FINALS_NUMBER + ("The difference is {v}.", "{v} is left."), exact=True,
    sample=lambda rng: (lambda a, b: {"a": max(a, b), "b": min(a, b)})(_sized(rng, 2, 6), _sized(rng, 1, 6)),
    solution=_printed("{a} - {b}"),
    truth=lambda p: int(Fraction(p["a"]) - Fraction(p["b"])),
)

MULTIPLICATION = Family(
    name="multiplication", stage="basic", **texts("multiplication"),
    finals=FINALS_NUMBER + ("The product is {v}.",), exact=True,
    sample=lambda rng: {"a": _sized(rng, 1, 5), "b": _sized(rng, 1, 4)},
    solution=_printed("{a} * {b}"),
    truth=lambda p: math.prod((p["a"], p["b"])),
)


def _division_sample(rng: random.Random) -> dict:
    b = _sized(rng, 1, 3)
    return {"a": b * _sized(rng, 1, 4), "b": b}


DIVISION = Family(
    name="division", stage="basic", **texts("division"),
    finals=FINALS_NUMBER + ("The quotient is {v}.", "Each gets {v}."), exact=True,
    sample=_division_sample,
    solution=_printed("{a} // {b}"),
    truth=lambda p: int(Fraction(p["a"], p["b"])),
)

REMAINDER = Family(
    name="remainder", stage="basic", **texts("remainder"),
    finals=FINALS_NUMBER + ("The remainder is {v}.", "{v} left over."), exact=True,
    sample=lambda rng: {"a": _sized(rng, 2, 6), "b": rng.randint(3, 97)},
    solution=_printed("{a} % {b}"),
    truth=lambda p: p["a"] - p["b"] * math.floor(Fraction(p["a"], p["b"])),
)


def _decimal_sample(rng: random.Random) -> dict:
    return {"a": round(rng.uniform(0.1, 500), rng.choice((1, 2))), "b": round(rng.uniform(0.1, 50), rng.choice((1, 2)))}


DECIMALS = Family(
    name="decimals", stage="basic", **texts("decimals"),
    finals=FINALS_NUMBER + ("Rounded to two decimals, it's {v}.",), rel_tol=1e-3,
    sample=_decimal_sample,
    solution=_printed("round({a} * {b}, 2)"),
    truth=lambda p: float(Decimal(str(p["a"])) * Decimal(str(p["b"]))),
)


def _big_sample(rng: random.Random) -> dict:
    a = rng.randint(11, 999) * 10 ** rng.randint(4, 7)
    return {"a": a, "b": rng.randint(2, 900)}


BIG_NUMBERS = Family(
    name="big_numbers", stage="basic", **texts("big_numbers"),
    finals=FINALS_NUMBER + ("The total is {v}.",), exact=True,
    sample=_big_sample,
    solution=_printed("{a} * {b}"),
    truth=lambda p: int(Fraction(p["a"]) * p["b"]),
)


def _power_sample(rng: random.Random) -> dict:
    base = rng.randint(2, 30)
    top = max(2, int(math.log(10**15) / math.log(base)))
    return {"a": base, "b": rng.randint(2, min(top, 20))}


POWERS = Family(
    name="powers", stage="basic", **texts("powers"), exact=True,
    sample=_power_sample,
    solution=_printed("{a} ** {b}"),
    truth=lambda p: math.prod([p["a"]] * p["b"]),
    render=lambda p, rng: {"a": phrasing.say_number(p["a"], rng), "b": str(p["b"]), "bth": phrasing.ordinal(p["b"])},
)


def _root_sample(rng: random.Random) -> dict:
    if rng.random() < 0.5:
        return {"x": rng.randint(2, 999) ** 2}
    return {"x": rng.randint(2, 99999)}


SQUARE_ROOTS = Family(
    name="square_roots", stage="basic", **texts("square_roots"), rel_tol=1e-4,
    sample=_root_sample,
    solution=_printed("round({x} ** 0.5, 4)"),
    truth=lambda p: float(Decimal(p["x"]).sqrt()),
)


# Order of operations: a random expression tree over + - * and parentheses.
def _expression(rng: random.Random, depth: int) -> tuple[str, Fraction]:
    if depth == 0 or rng.random() < 0.3:
        n = rng.randint(1, 20)
        return str(n), Fraction(n)
    op = rng.choice("+-*")
    left, lv = _expression(rng, depth - 1)
    right, rv = _expression(rng, depth - 1)
    value = {"+": lv + rv, "-": lv - rv, "*": lv * rv}[op]
    return f"({left} {op} {right})", value


def _ops_sample(rng: random.Random) -> dict:
    while True:
        text, value = _expression(rng, 3)
        text = text[1:-1] if text.startswith("(") else text
        if text.count(" ") >= 4:
            break
    return {"expr": text, "_value": int(value)}


ORDER_OF_OPERATIONS = Family(
    name="order_of_operations", stage="basic", **texts("order_of_operations"), exact=True,
    sample=_ops_sample,
    solution=lambda p: program(f"print({p['expr']})"),
    truth=lambda p: p["_value"],
    render=lambda p, rng: {"expr": p["expr"]},
)


def _percent_sample(rng: random.Random) -> dict:
    return {
        "p": rng.choice((5, 10, 12.5, 15, 20, 25, 30, 33, 40, 45, 60, 75, 80, rng.randint(1, 99))),
        "x": rng.choice((rng.randint(10, 999), rng.randint(1000, 99999), round(rng.uniform(10, 999), 2))),
    }


PERCENT_OF = Family(
    name="percent_of", stage="basic", **texts("percent_of"), rel_tol=1e-3,
    sample=_percent_sample,
    solution=lambda p: program(f"print(round({real(p['x'])} * {real(p['p'])} / 100, 2))"),
    truth=lambda p: float(Fraction(str(p["x"])) * Fraction(str(p["p"])) / 100),
    render=lambda p, rng: {"pc": phrasing.say_percent(p["p"], rng)},
)


def _ratio_sample(rng: random.Random) -> dict:
    b = rng.randint(20, 5000)
    # At least 10 %: the answer is rounded to 2 decimals, so its relative error stays below 5e-4.
    return {"a": rng.randint(max(1, b // 10), b), "b": b}


PERCENT_RATIO = Family(
    name="percent_ratio", stage="basic", **texts("percent_ratio"), rel_tol=1e-3,
    sample=_ratio_sample,
    solution=_printed("round({a} / {b} * 100, 2)"),
    truth=lambda p: float(Fraction(p["a"] * 100, p["b"])),
    units=lambda p: "%",
)


def _signed_sample(rng: random.Random) -> dict:
    a, b = rng.randint(-99, 99), rng.randint(-99, -1)
    return {"a": a, "b": b, "city": rng.choice(("Oslo", "Denver", "Toronto", "Moscow", "Helsinki", "Calgary"))}


def _signed_render(p: dict, rng: random.Random) -> dict:
    # Negative numbers are written with a minus sign or a "minus" word, never with words for the digits.
    minus = rng.choice(("-", "−", "minus "))
    return {"a": phrasing.plain(p["a"]), "b": f"{minus}{-p['b']}", "drop": str(-p["b"])}


SIGNED_NUMBERS = Family(
    name="signed_numbers", stage="basic", **texts("signed_numbers"), finals=FINALS_NUMBER, exact=True,
    sample=_signed_sample, render=_signed_render,
    solution=lambda p: program(f"print({p['a']} + ({p['b']}))"),
    truth=lambda p: int(Fraction(p["a"]) + Fraction(p["b"])),
)


def _fraction_sample(rng: random.Random) -> dict:
    b, d = rng.choice((2, 3, 4, 5, 6, 8, 10, 12)), rng.choice((2, 3, 4, 5, 6, 8, 10, 12))
    a, c = rng.randint(1, 2 * b), rng.randint(1, 2 * d)
    if a % b == 0:  # "4/4" is a whole number in disguise; keep real fractions
        a += 1
    if c % d == 0:
        c += 1
    return {"a": a, "b": b, "c": c, "d": d}


FRACTION_SUM = Family(
    name="fraction_sum", stage="basic", **texts("fraction_sum"), finals=FINALS_NUMBER, rel_tol=1e-3,
    sample=_fraction_sample,
    solution=lambda p: program(f"print(round({p['a']} / {p['b']} + {p['c']} / {p['d']}, 4))"),
    truth=lambda p: float(Fraction(p["a"], p["b"]) + Fraction(p["c"], p["d"])),
    render=lambda p, rng: {k: str(v) for k, v in p.items()},
)

def _square_sample(rng: random.Random) -> dict:
    exponent = rng.choice((2, 2, 3))
    return {"a": rng.choice((rng.randint(2, 40), rng.randint(2, 999))), "b": exponent}


SQUARES = Family(
    name="squares", stage="basic", **texts("squares"), finals=FINALS_NUMBER, exact=True,
    sample=_square_sample,
    solution=lambda p: program(f"print({lit(p['a'])} ** {p['b']})"),
    truth=lambda p: math.prod([p["a"]] * p["b"]),
    render=lambda p, rng: {"power_word": "squared" if p["b"] == 2 else "cubed"},
)


# Straight-line programs: the think step is the plan read off the program.
FAMILIES = [stated(family) for family in (
    ADDITION,
    SUBTRACTION,
    MULTIPLICATION,
    DIVISION,
    REMAINDER,
    DECIMALS,
    BIG_NUMBERS,
    POWERS,
    SQUARES,
    SQUARE_ROOTS,
    ORDER_OF_OPERATIONS,
    PERCENT_OF,
    PERCENT_RATIO,
    SIGNED_NUMBERS,
    FRACTION_SUM,
)]
