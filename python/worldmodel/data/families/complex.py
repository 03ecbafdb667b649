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
    name="acceleration",
    stage="complex",
    templates=(
        "A car starts at {u} and accelerates at {a} for {t}. How far does it travel?",
        "An object moving at {u} speeds up at {a} for {t}. What distance does it cover?",
        "Find the displacement: initial speed {u}, acceleration {a}, time {t}.",
        "A drone at {u} accelerates uniformly at {a} for {t}. How many meters does it fly in that time?",
        "With u = {u}, a = {a} and t = {t}, what is the distance traveled?",
        "A rocket sled begins at {u} and accelerates at {a}. How far does it go in {t}?",
        "How far does a bike go in {t} if it starts at {u} and accelerates at {a}?",
        "Use s = ut + ½at² for u = {u}, a = {a}, t = {t}.",
        "A 1200 kg car starts at {u} and accelerates at {a} for {t}. How far does it go? (The mass doesn't matter here.)",
        "Starting speed {u}, constant acceleration {a}, duration {t}: how many meters are covered?",
    ),
    sample=lambda rng: {"u": rng.randint(0, 30), "a": _nice(rng, 0.5, 6), "t": rng.randint(2, 30)},
    solution=lambda p: program(
        f"u = {lit(p['u'])}", f"a = {real(p['a'])}", f"t = {lit(p['t'])}", "print(round(u * t + 0.5 * a * t ** 2, 2))"
    ),
    # Average speed times time: (u + v) / 2 * t with v = u + a t.
    truth=lambda p: float((F(p["u"]) + (F(p["u"]) + F(p["a"]) * p["t"])) / 2 * p["t"]),
    think=("Use s = u t + a t² / 2.", "Distance under constant acceleration: s = ut + ½at²."),
    finals=("It travels {q}.", "{q}.", "The distance is {q}.", "s = {q}.", "That's {q}."),
    units=lambda p: "m",
    render=lambda p, rng: {
        "u": _q(p["u"], "m/s", rng),
        "a": f"{phrasing.plain(p['a'])} {rng.choice(('m/s²', 'm/s^2', 'meters per second squared'))}",
        "t": _q(p["t"], "s", rng),
    },
    refusals=(
        (
            "A car starts at {u} and accelerates at {a}. How far does it travel?",
            "I need the duration of the acceleration. For how many seconds does it accelerate?",
        ),
    ),
)

WORK_POWER = Family(
    name="work_power",
    stage="complex",
    templates=(
        "A motor lifts {m} up {h} in {t}. What power does it deliver, in watts?",
        "A crane raises a {m} load by {h} in {t}. Find the power.",
        "How many watts to lift {m} through {h} in {t}?",
        "An elevator lifts {m} by {h} in {t}. What is its power output (g = 9.81)?",
        "A winch pulls a {m} load up {h} in {t}. What average power does it produce?",
        "Power needed to raise {m} a height of {h} within {t}?",
        "Compute the power for lifting {m} by {h} over {t}.",
        "A hoist carries {m} of bricks up {h} in {t}. What is the average power in watts?",
        "Lifting {m} by {h} takes {t}. How much power is that?",
        "What power in watts lifts {m} through {h} in {t}?",
    ),
    sample=lambda rng: {"m": rng.randint(1, 2000), "h": _nice(rng, 0.5, 50), "t": rng.randint(1, 120)},
    solution=lambda p: program(
        f"m = {lit(p['m'])}", f"h = {real(p['h'])}", f"t = {lit(p['t'])}", "print(round(m * 9.81 * h / t, 2))"
    ),
    truth=lambda p: float(F(p["m"]) * F(G) * F(p["h"]) / p["t"]),
    think=("Power is the work m g h divided by the time.", "Work = mgh, power = work / time."),
    finals=("It delivers {q}.", "{q}.", "The power is {q}.", "P = {q}.", "About {q}."),
    units=lambda p: "W",
    render=lambda p, rng: {"m": _q(p["m"], "kg", rng), "h": _q(p["h"], "m", rng), "t": _q(p["t"], "s", rng)},
    refusals=(
        (
            "A motor lifts {m} up {h}. What power does it deliver?",
            "Power depends on how fast it lifts. How many seconds does the lift take?",
        ),
    ),
)

PARALLEL_RESISTORS = Family(
    name="parallel_resistors",
    stage="complex",
    templates=(
        "What is the total resistance of {r1} and {r2} in parallel?",
        "Two resistors, {r1} and {r2}, are connected in parallel. Find the equivalent resistance.",
        "Equivalent resistance of {r1} parallel with {r2}?",
        "I wire {r1} and {r2} side by side (parallel). What resistance do I get?",
        "Compute R for {r1} || {r2}.",
        "A circuit has {r1} and {r2} in parallel. What is the combined resistance in ohms?",
        "Parallel combination of {r1} and {r2}: total resistance?",
        "Two speakers of {r1} and {r2} are wired in parallel. What load resistance does the amplifier see?",
        "Combine {r1} and {r2} in parallel. Total?",
        "What single resistor replaces {r1} and {r2} connected in parallel?",
    ),
    sample=lambda rng: {"r1": rng.randint(1, 1000), "r2": rng.randint(1, 1000)},
    solution=lambda p: program(f"r1 = {p['r1']}", f"r2 = {p['r2']}", "print(round(1 / (1 / r1 + 1 / r2), 2))"),
    truth=lambda p: float(Fraction(p["r1"] * p["r2"], p["r1"] + p["r2"])),
    think=("For parallel resistors, add the reciprocals and invert.", "1/R = 1/R1 + 1/R2."),
    finals=("The total is {q}.", "{q}.", "R = {q}.", "It comes to {q}.", "The equivalent resistance is {q}."),
    units=lambda p: "ohm",
    render=lambda p, rng: {k: f"{p[k]} {rng.choice(('ohm', 'ohms', 'Ω'))}" for k in ("r1", "r2")},
    rel_tol=5e-3,
    refusals=(
        (
            "What is the total resistance of {r1} in parallel with another resistor?",
            "What is the other resistor's value? I need both to combine them.",
        ),
    ),
)


def _series_sample(rng: random.Random) -> dict:
    return {"first": rng.randint(-20, 50), "step": rng.randint(1, 15), "n": rng.randint(5, 200)}


ARITHMETIC_SERIES = Family(
    name="arithmetic_series",
    stage="complex",
    templates=(
        "What is the sum of the first {n} terms of the sequence that starts at {first} and goes up by {step}?",
        "Add up {n} terms: {first}, {first_2}, {first_3}, ...",
        "A sequence begins {first}, {first_2}, {first_3}. What is the sum of its first {n} terms?",
        "Sum the arithmetic series with first term {first}, common difference {step}, and {n} terms.",
        "I save {first} coins on day 1 and {step} more each day than the day before. How many coins after {n} days?",
        "Find S_{n} for a = {first}, d = {step}.",
        "What do the first {n} numbers of {first}, {first_2}, {first_3}, ... add up to?",
        "A theater's first row has {first} seats and each row has {step} more. How many seats in {n} rows?",
        "What is {first} + {first_2} + {first_3} + ... with {n} terms in total?",
        "A stack has {first} cans in the top row and {step} more in each row below. How many cans in {n} rows?",
        "What is the sum of {n} terms of an arithmetic sequence with first term {first} and difference {step}?",
        "Sum the first {n} terms: {first}, {first_2}, {first_3}, and so on.",
        "Add the arithmetic progression that starts at {first}, steps by {step}, and has {n} terms.",
        "Total of {n} terms starting at {first} with a common difference of {step}?",
        "A runner does {first} laps on day one and {step} more every day after. How many laps in {n} days altogether?",
        "Arithmetic series: a = {first}, d = {step}, n = {n}. Sum?",
    ),
    sample=_series_sample,
    solution=lambda p: program(
        "total = 0", f"for i in range({p['n']}):", f"    total += {p['first']} + i * {p['step']}", "print(total)"
    ),
    truth=lambda p: p["n"] * (2 * p["first"] + (p["n"] - 1) * p["step"]) // 2,
    think=("Loop over the terms and add them up.", "Add each term first + i·step for i from 0 to n−1."),
    finals=("The sum is {v}.", "{v}.", "They add up to {v}.", "S = {v}.", "That's {v} in total."),
    render=lambda p, rng: {
        "first": str(p["first"]),
        "step": str(p["step"]),
        "n": str(p["n"]),
        "first_2": str(p["first"] + p["step"]),
        "first_3": str(p["first"] + 2 * p["step"]),
    },
    exact=True,
    refusals=(
        (
            "What is the sum of the sequence that starts at {first} and goes up by {step}?",
            "How many terms should I add? An arithmetic sequence goes on forever, so I need the number of terms.",
        ),
    ),
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
    name="fibonacci",
    stage="complex",
    templates=(
        "What is the {nth} Fibonacci number?",
        "Find Fibonacci number {n} (F1 = F2 = 1).",
        "Compute F({n}) in the Fibonacci sequence.",
        "In the sequence 1, 1, 2, 3, 5, 8, ..., what is term number {n}?",
        "Each term is the sum of the previous two, starting 1, 1. What is the {nth} term?",
        "Rabbits breed Fibonacci-style: 1, 1, 2, 3, 5... pairs. How many pairs in month {n}?",
        "Give me the {nth} number of the Fibonacci sequence.",
        "fib({n}) = ?",
        "Starting from 1 and 1, each number is the sum of the two before it. What is number {n} in that list?",
        "Tell me F_{n}, with F_1 = F_2 = 1.",
    ),
    sample=lambda rng: {"n": rng.randint(3, 90)},
    solution=lambda p: program("a, b = 0, 1", f"for _ in range({p['n']}):", "    a, b = b, a + b", "print(a)"),
    truth=lambda p: _fibonacci_truth(p["n"]),
    think=("Step through the sequence n times keeping the last two terms.", "Iterate a, b = b, a + b."),
    finals=("It is {v}.", "{v}.", "The answer is {v}.", "That term is {v}.", "F = {v}."),
    render=lambda p, rng: {"n": str(p["n"]), "nth": phrasing.ordinal(p["n"])},
    exact=True,
    refusals=(
        (
            "What is the next Fibonacci number?",
            "The next one after which? Tell me a term (or its position) and I'll continue from there.",
        ),
    ),
)


def _sieve(limit: int) -> list[int]:
    flags = bytearray([1]) * (limit + 1)
    flags[0:2] = b"\x00\x00"
    for i in range(2, int(limit**0.5) + 1):
        if flags[i]:
            flags[i * i :: i] = bytearray(len(flags[i * i :: i]))
    return [i for i, flag in enumerate(flags) if flag]


PRIMES_COUNT = Family(
    name="primes_count",
    stage="complex",
    templates=(
        "How many prime numbers are there below {n}?",
        "Count the primes less than {n}.",
        "How many primes are smaller than {n}?",
        "What is the number of primes under {n}?",
        "Count all prime numbers from 2 up to but not including {n}.",
        "How many integers below {n} are prime?",
        "Tell me how many primes come before {n}.",
        "π({m}) = ? (number of primes up to {m})",
        "My little brother wants to know how many primes there are under {n}.",
        "Number of primes below {n}?",
    ),
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
    think=(
        "For each number find its smallest divisor; it is prime if that is the number itself.",
        "Loop and count the numbers with no smaller divisor.",
    ),
    finals=("There are {v}.", "{v}.", "{v} primes.", "The count is {v}.", "I count {v}."),
    render=lambda p, rng: {"n": phrasing.say_number(p["n"], rng, words=False, short=False), "m": str(p["m"])},
    exact=True,
    refusals=(
        (
            "How many prime numbers are there?",
            "Infinitely many, as Euclid proved, so there is no count to compute. Give me an upper limit and I'll count the primes below it.",
        ),
    ),
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
    name="population_growth",
    stage="complex",
    templates=(
        "A town of {start} people grows by {rate} a year. After how many years does it first exceed {target}?",
        "A colony of {start} bacteria grows {rate} per hour. How many hours until there are more than {target}?",
        "My follower count is {start} and grows {rate} a month. In how many months will it pass {target}?",
        "A city of {start} grows at {rate} per year. How many whole years before it tops {target}?",
        "Starting at {start}, growing {rate} each year, when does it go above {target}? Answer in years.",
        "How many years does it take a population of {start} growing at {rate} annually to exceed {target}?",
        "Sales are {start} units and rise {rate} per quarter. After how many quarters are they over {target}?",
        "A fish population of {start} increases by {rate} every year. How many years until it is larger than {target}?",
        "Starting at {start} and growing {rate} per period, how many periods until it passes {target}?",
        "Website visits are {start} per day and grow {rate} each week. After how many weeks will they exceed {target}?",
    ),
    sample=_growth_sample,
    solution=lambda p: program(
        f"amount = {float(p['start'])!r}",
        "periods = 0",
        f"while amount <= {p['target']}:",
        f"    amount = amount * {lit(1 + p['g'] / 100)}",
        "    periods += 1",
        "print(periods)",
    ),
    truth=_growth_truth,
    think=(
        "Grow the amount step by step and count the steps until it passes the target.",
        "Loop: multiply by the growth factor until it exceeds the target.",
    ),
    finals=("After {v}.", "{v}.", "It takes {v} periods.", "The answer is {v}.", "It first exceeds it after {v}."),
    render=lambda p, rng: {
        "rate": phrasing.say_percent(p["g"], rng),
        "start": phrasing.say_number(p["start"], rng),
        "target": phrasing.say_number(p["target"], rng),
    },
    exact=True,
    refusals=(
        (
            "A town of {start} people is growing. When will it exceed {target}?",
            "How fast is it growing? Give me the growth rate (for example, percent per year).",
        ),
    ),
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
    name="average_speed",
    stage="complex",
    templates=(
        "{name} drives {d1} in {t1}, then {d2} in {t2}. What is the average speed for the whole trip?",
        "A train covers {d1} in {t1} and then {d2} in {t2}. Find its average speed in km/h.",
        "First leg: {d1} in {t1}. Second leg: {d2} in {t2}. Average speed?",
        "I drove {d1} in {t1} and {d2} more in {t2}. What was my overall average speed?",
        "{name} flew {d1} in {t1} and then {d2} in {t2}. Average speed over both flights?",
        "What's the mean speed for a trip of {d1} taking {t1} followed by {d2} taking {t2}?",
        "Total distance over total time: {d1} in {t1} plus {d2} in {t2}. Speed?",
        "On a road trip we did {d1} in {t1} and then {d2} in {t2}. What was our average speed?",
        "Leg one {d1} taking {t1}; leg two {d2} taking {t2}. Average speed in km/h?",
        "{name} drives {d1} in {t1}, stops for lunch, then drives {d2} in {t2}. Ignoring the stop, what is the average speed?",
    ),
    sample=_average_speed_sample,
    solution=lambda p: program(
        f"distance = {p['d1']} + {p['d2']}",
        f"time = {real(p['t1'])} + {real(p['t2'])}",
        "print(round(distance / time, 2))",
    ),
    truth=lambda p: float((p["d1"] + p["d2"]) / (F(p["t1"]) + F(p["t2"]))),
    think=("Average speed is total distance divided by total time.", "Add the distances, add the times, divide."),
    finals=("The average speed is {q}.", "{q}.", "About {q}.", "{name} averaged {q}.", "That's {q}."),
    units=lambda p: "km/h",
    render=lambda p, rng: {
        "d1": _q(p["d1"], "km", rng),
        "d2": _q(p["d2"], "km", rng),
        "t1": _q(p["t1"], "h", rng),
        "t2": _q(p["t2"], "h", rng),
    },
    rel_tol=5e-3,
    refusals=(
        (
            "{name} drives {d1} in {t1}, then {d2} more. What is the average speed for the whole trip?",
            "I need the time for the second part too. How long did the second {d2} take?",
        ),
    ),
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
    name="paint_cans",
    stage="complex",
    templates=(
        "A room is {l} by {w} with walls {h} high. One can of paint covers {cov} square meters. "
        "How many cans do I need for the four walls?",
        "I'm painting the walls of a {l} × {w} room, {h} tall. Each can covers {cov} m². How many cans should I buy?",
        "Four walls, room {l} long and {w} wide, ceiling height {h}. A can covers {cov} m². Cans needed (whole cans)?",
        "How many {cov} m² cans of paint cover the walls of a room measuring {l} by {w} with a height of {h}?",
        "My bedroom is {l} by {w} and {h} high. Paint comes in cans covering {cov} square meters. "
        "How many cans for the walls? Ignore the door and window.",
        "Whole cans of paint needed: walls of a {l} by {w} room, {h} high, {cov} m² per can?",
        "We repaint a hall {l} long, {w} wide and {h} high (walls only). One tin covers {cov} m². How many tins?",
        "Room: {l} × {w}, walls {h} high; coverage {cov} m² per can. How many cans?",
        "Each can of paint covers {cov} m². The walls of my {l} by {w} room are {h} high. How many cans do I need?",
        "How many cans of paint, {cov} square meters each, for the walls of a room {l} long, {w} wide and {h} high?",
        "Painting four walls: the room is {l} by {w}, the walls are {h} tall, a can does {cov} m². Number of cans?",
        "A can of paint covers {cov} m². How many cans to paint the walls of a {l} × {w} × {h} room?",
        "Walls of a room {l} by {w}, height {h}. Cans needed at {cov} m² per can?",
        "I want to paint my living room walls. It's {l} by {w} with {h} ceilings and a can covers {cov} m². How many cans?",
    ),
    sample=_paint_sample,
    solution=lambda p: program(
        "import math",
        f"area = 2 * ({real(p['l'])} + {real(p['w'])}) * {real(p['h'])}",
        f"print(math.ceil(area / {p['cov']}))",
    ),
    truth=_paint_truth,
    think=(
        "Wall area is the perimeter times the height; divide by the coverage and round up.",
        "Perimeter × height, then round up to whole cans.",
    ),
    finals=("You need {v} cans.", "{v} cans.", "Buy {v} cans.", "That takes {v} cans.", "{v} cans should do it."),
    render=lambda p, rng: {
        "l": _q(p["l"], "m", rng),
        "w": _q(p["w"], "m", rng),
        "h": _q(p["h"], "m", rng),
        "cov": str(p["cov"]),
    },
    exact=True,
    refusals=(
        (
            "A room is {l} by {w}. How many cans of paint do I need for the walls?",
            "I need the wall height and how much area one can covers. What are they?",
        ),
    ),
)


def _bounce_sample(rng: random.Random) -> dict:
    return {"h": _nice(rng, 1, 50), "pct": rng.choice((40, 50, 60, 65, 70, 75, 80, 90)), "n": rng.randint(2, 12)}


def _bounce_truth(p: dict) -> float:
    # Closed form: h + 2 h r (1 − r^(n−1)) / (1 − r).
    h, r = F(p["h"]), Fraction(p["pct"], 100)
    return float(h + 2 * h * r * (1 - r ** (p["n"] - 1)) / (1 - r))


BOUNCING_BALL = Family(
    name="bouncing_ball",
    stage="complex",
    templates=(
        "A ball is dropped from {h} and bounces back to {pct} of its height each time. "
        "How far has it traveled when it hits the ground for the {nth} time?",
        "Drop a ball from {h}; each bounce reaches {pct} of the previous height. Total distance at the {nth} impact?",
        "A rubber ball falls from {h} and rebounds to {pct} of the height it fell from. "
        "What total distance has it covered when it lands the {nth} time?",
        "Simulate a ball dropped from {h} that keeps {pct} of its height per bounce. Distance traveled by landing {n}?",
        "My kid drops a 3-gram bouncy ball from {h}. It bounces up to {pct} of its previous height. "
        "How far does it travel up and down until it hits the floor for the {nth} time?",
        "Total path length of a ball dropped from {h} with a {pct} rebound, counted up to the {nth} landing?",
        "A ball falls {h}, then bounces to {pct} of each drop. Up and down, how far has it gone by landing number {n}?",
        "How many meters does a ball dropped from {h} travel by its {nth} bounce on the ground, rebounding {pct} each time?",
    ),
    sample=_bounce_sample,
    solution=lambda p: program(
        f"height = {float(p['h'])!r}",
        "total = height",
        f"for bounce in range({p['n'] - 1}):",
        f"    height = height * {lit(p['pct'] / 100)}",
        "    total += 2 * height",
        "print(round(total, 2))",
    ),
    truth=_bounce_truth,
    think=(
        "Add the first drop, then each bounce up and down at the shrinking height.",
        "Loop over the bounces: each adds twice the new height.",
    ),
    finals=("It has traveled {q}.", "{q}.", "The total distance is {q}.", "About {q}.", "That's {q} in all."),
    units=lambda p: "m",
    render=lambda p, rng: {
        "h": _q(p["h"], "m", rng),
        "pct": phrasing.say_percent(p["pct"], rng),
        "n": str(p["n"]),
        "nth": phrasing.ordinal(p["n"]),
    },
    refusals=(
        (
            "A ball is dropped from {h} and bounces back up. How far has it traveled after {n} bounces?",
            "How high does it bounce back each time (for example, what percentage of the previous height)?",
        ),
    ),
)


FAMILIES += [stated(PAINT_CANS), BOUNCING_BALL]
