"""Stage "complex": physics, circuits, sequences and primes, multi-step problems and small simulations with
loops (finance is in finance.py).

Ground truths use a different route from the solutions where one exists (closed forms for loops, components
for projectiles, exact fractions for money) so that a wrong solution cannot agree with its own check.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

from worldmodel.data import phrasing
from worldmodel.data.families.system import _NAMES
from worldmodel.data.families.plan import stated
from worldmodel.data.families.texts import texts
from worldmodel.data.spec import Family, lit, program, real

G = 9.81


def F(x: float | int) -> Fraction:
    """The exact value of a sampled decimal as written in the question (0.1 is 1/10, not the binary float)."""
    return Fraction(str(x))


def _q(x, unit: str, rng: random.Random) -> str:
    return phrasing.say_quantity(x, unit, rng)


def _nice(rng: random.Random, low: float, high: float, decimals: int = 1) -> float | int:
    x = round(rng.uniform(low, high), rng.choice((0, decimals)))
    return int(x) if float(x).is_integer() else x


ACCELERATION = Family(
    name="acceleration", stage="complex", **texts("acceleration"),
    sample=lambda rng: {"u": rng.randint(0, 30), "a": _nice(rng, 0.5, 6), "t": rng.randint(2, 30)},
    solution=lambda p: program(
        f"u = {lit(p['u'])}", f"a = {real(p['a'])}", f"t = {lit(p['t'])}", "print(round(u * t + 0.5 * a * t ** 2, 2))"
    ),
    # Average speed times time: (u + v) / 2 * t with v = u + a t.
    truth=lambda p: float((F(p["u"]) + (F(p["u"]) + F(p["a"]) * p["t"])) / 2 * p["t"]),
    units=lambda p: "m",
    render=lambda p, rng: {
        "u": _q(p["u"], "m/s", rng),
        "a": f"{phrasing.plain(p['a'])} {rng.choice(('m/s²', 'm/s^2', 'meters per second squared'))}",
        "t": _q(p["t"], "s", rng),
    },
)

WORK_POWER = Family(
    name="work_power", stage="complex", **texts("work_power"),
    sample=lambda rng: {"m": rng.randint(1, 2000), "h": _nice(rng, 0.5, 50), "t": rng.randint(1, 120)},
    solution=lambda p: program(
        f"m = {lit(p['m'])}", f"h = {real(p['h'])}", f"t = {lit(p['t'])}", "print(round(m * 9.81 * h / t, 2))"
    ),
    truth=lambda p: float(F(p["m"]) * F(G) * F(p["h"]) / p["t"]),
    units=lambda p: "W",
    render=lambda p, rng: {"m": _q(p["m"], "kg", rng), "h": _q(p["h"], "m", rng), "t": _q(p["t"], "s", rng)},
)

PARALLEL_RESISTORS = Family(
    name="parallel_resistors", stage="complex", **texts("parallel_resistors"), rel_tol=5e-3,
    sample=lambda rng: {"r1": rng.randint(1, 1000), "r2": rng.randint(1, 1000)},
    solution=lambda p: program(f"r1 = {p['r1']}", f"r2 = {p['r2']}", "print(round(1 / (1 / r1 + 1 / r2), 2))"),
    truth=lambda p: float(Fraction(p["r1"] * p["r2"], p["r1"] + p["r2"])),
    units=lambda p: "ohm",
    render=lambda p, rng: {k: f"{p[k]} {rng.choice(('ohm', 'ohms', 'Ω'))}" for k in ("r1", "r2")},
)


def _series_sample(rng: random.Random) -> dict:
    return {"first": rng.randint(-20, 50), "step": rng.randint(1, 15), "n": rng.randint(5, 200)}


ARITHMETIC_SERIES = Family(
    name="arithmetic_series", stage="complex", **texts("arithmetic_series"), exact=True,
    sample=_series_sample,
    solution=lambda p: program(
        "total = 0", f"for i in range({p['n']}):", f"    total += {p['first']} + i * {p['step']}", "print(total)"
    ),
    truth=lambda p: p["n"] * (2 * p["first"] + (p["n"] - 1) * p["step"]) // 2,
    render=lambda p, rng: {
        "first": str(p["first"]),
        "step": str(p["step"]),
        "n": str(p["n"]),
        "first_2": str(p["first"] + p["step"]),
        "first_3": str(p["first"] + 2 * p["step"]),
    },
)


def _fibonacci_truth(n: int) -> int:
    # Fast doubling: F(2k) = F(k)(2F(k+1) − F(k)), F(2k+1) = F(k)² + F(k+1)².
    def pair(k: int) -> tuple[int, int]:
        if k == 0:
            return 0, 1
        a, b = pair(k // 2)
        c, d = a * (2 * b - a), a * a + b * b
        return (d, c + d) if k % 2 else (c, d)

    return pair(n)[0]


FIBONACCI = Family(
    name="fibonacci", stage="complex", **texts("fibonacci"), exact=True,
    sample=lambda rng: {"n": rng.randint(3, 90)},
    solution=lambda p: program("a, b = 0, 1", f"for _ in range({p['n']}):", "    a, b = b, a + b", "print(a)"),
    truth=lambda p: _fibonacci_truth(p["n"]),
    render=lambda p, rng: {"n": str(p["n"]), "nth": phrasing.ordinal(p["n"])},
)


def _sieve(limit: int) -> list[int]:
    flags = bytearray([1]) * (limit + 1)
    flags[0:2] = b"\x00\x00"
    for i in range(2, int(limit**0.5) + 1):
        if flags[i]:
            flags[i * i :: i] = bytearray(len(flags[i * i :: i]))
    return [i for i, flag in enumerate(flags) if flag]


PRIMES_COUNT = Family(
    name="primes_count", stage="complex", **texts("primes_count"), exact=True,
    sample=lambda rng: (lambda n: {"n": n, "m": n - 1})(rng.randint(10, 3000)),
    # Smallest divisor of each k; k is prime when that is k itself. Shorter WAT than a square-root bound.
    solution=lambda p: program(
        "count = 0",
        f"for k in range(2, {p['n']}):",
        "    d = 2",
        "    while k % d:",
        "        d += 1",
        "    if d == k:",
        "        count += 1",
        "print(count)",
    ),
    truth=lambda p: len(_sieve(p["n"] - 1)),
    render=lambda p, rng: {"n": phrasing.say_number(p["n"], rng, words=False, short=False), "m": str(p["m"])},
)

def _growth_sample(rng: random.Random) -> dict:
    start = rng.randint(100, 100000)
    return {
        "start": start,
        "g": rng.choice((1, 1.5, 2, 2.5, 3, 4, 5, 7, 10)),
        "target": int(start * rng.uniform(1.2, 6)),
    }


def _growth_truth(p: dict) -> int:
    # Smallest whole number of years t with start·(1+g)^t > target, from logarithms; exact ties are not sampled.
    return max(0, math.floor(math.log(p["target"] / p["start"]) / math.log(1 + p["g"] / 100)) + 1)


POPULATION_GROWTH = Family(
    name="population_growth", stage="complex", **texts("population_growth"), exact=True,
    sample=_growth_sample, truth=_growth_truth,
    solution=lambda p: program(
        f"amount = {float(p['start'])!r}",
        "periods = 0",
        f"while amount <= {p['target']}:",
        f"    amount = amount * {lit(1 + p['g'] / 100)}",
        "    periods += 1",
        "print(periods)",
    ),
    render=lambda p, rng: {
        "rate": phrasing.say_percent(p["g"], rng),
        "start": phrasing.say_number(p["start"], rng),
        "target": phrasing.say_number(p["target"], rng),
    },
)


def _average_speed_sample(rng: random.Random) -> dict:
    return {
        "d1": rng.randint(5, 400),
        "t1": _nice(rng, 0.5, 6),
        "d2": rng.randint(5, 400),
        "t2": _nice(rng, 0.5, 6),
        "name": rng.choice(_NAMES),
    }


AVERAGE_SPEED = Family(
    name="average_speed", stage="complex", **texts("average_speed"), rel_tol=5e-3,
    sample=_average_speed_sample,
    solution=lambda p: program(
        f"distance = {p['d1']} + {p['d2']}",
        f"time = {real(p['t1'])} + {real(p['t2'])}",
        "print(round(distance / time, 2))",
    ),
    truth=lambda p: float((p["d1"] + p["d2"]) / (F(p["t1"]) + F(p["t2"]))),
    units=lambda p: "km/h",
    render=lambda p, rng: {
        "d1": _q(p["d1"], "km", rng),
        "d2": _q(p["d2"], "km", rng),
        "t1": _q(p["t1"], "h", rng),
        "t2": _q(p["t2"], "h", rng),
    },
)

FAMILIES = [
    stated(ACCELERATION),
    stated(WORK_POWER),
    stated(PARALLEL_RESISTORS),
    ARITHMETIC_SERIES,
    FIBONACCI,
    PRIMES_COUNT,
    POPULATION_GROWTH,
    stated(AVERAGE_SPEED),
]


def _paint_sample(rng: random.Random) -> dict:
    return {
        "l": _nice(rng, 2, 12),
        "w": _nice(rng, 2, 10),
        "h": rng.choice((2.4, 2.5, 2.6, 2.7, 3)),
        "cov": rng.choice((5, 8, 10, 12, 15)),
    }


def _paint_truth(p: dict) -> int:
    area = 2 * (F(p["l"]) + F(p["w"])) * F(p["h"])
    return -(-area // p["cov"])  # ceiling of an exact fraction


PAINT_CANS = Family(
    name="paint_cans", stage="complex", **texts("paint_cans"), exact=True,
    sample=_paint_sample, truth=_paint_truth,
    solution=lambda p: program(
        "import math",
        f"area = 2 * ({real(p['l'])} + {real(p['w'])}) * {real(p['h'])}",
        f"print(math.ceil(area / {p['cov']}))",
    ),
    render=lambda p, rng: {
        "l": _q(p["l"], "m", rng),
        "w": _q(p["w"], "m", rng),
        "h": _q(p["h"], "m", rng),
        "cov": str(p["cov"]),
    },
)


def _bounce_sample(rng: random.Random) -> dict:
    return {"h": _nice(rng, 1, 50), "pct": rng.choice((40, 50, 60, 65, 70, 75, 80, 90)), "n": rng.randint(2, 12)}


def _bounce_truth(p: dict) -> float:
    # Closed form: h + 2 h r (1 − r^(n−1)) / (1 − r).
    h, r = F(p["h"]), Fraction(p["pct"], 100)
    return float(h + 2 * h * r * (1 - r ** (p["n"] - 1)) / (1 - r))


BOUNCING_BALL = Family(
    name="bouncing_ball", stage="complex", **texts("bouncing_ball"),
    sample=_bounce_sample, truth=_bounce_truth,
    solution=lambda p: program(
        f"height = {float(p['h'])!r}",
        "total = height",
        f"for bounce in range({p['n'] - 1}):",
        f"    height = height * {lit(p['pct'] / 100)}",
        "    total += 2 * height",
        "print(round(total, 2))",
    ),
    units=lambda p: "m",
    render=lambda p, rng: {
        "h": _q(p["h"], "m", rng),
        "pct": phrasing.say_percent(p["pct"], rng),
        "n": str(p["n"]),
        "nth": phrasing.ordinal(p["n"]),
    },
)


FAMILIES += [stated(PAINT_CANS), BOUNCING_BALL]
