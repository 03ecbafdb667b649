"""Number questions as a catalogue: counting (factorials, permutations, combinations), divisibility (gcd,
lcm, number of divisors) and sequences (nth terms, sums of arithmetic and geometric series)."""

from __future__ import annotations

import math
import random

from worldmodel.data import phrasing
from worldmodel.data.families.plan import Plan, planned
from worldmodel.data.families.texts import texts
from worldmodel.data.spec import drawn_for_held_out

FINALS = texts("numbers")["FINALS"]

# Counting: kind -> (questions with {n} {k} {things}, plan step, program name of n, truth).
_COUNTING = {
    "factorial": (
        (
            "What is {n} factorial?",
            "Compute {n}!",
            "In how many different orders can {n} {things} be arranged in a row?",
            "How many ways can {n} runners finish a race, with no ties?",
            "How many ways can I line up {n} {things} on a shelf?",
        ),
        ("ways", "math.factorial(n)"),
        lambda n, k: math.prod(range(1, n + 1)),
    ),
    "permutation": (
        (
            "How many ways can a club of {n} members choose a president, a treasurer and so on for {k} different posts?",
            "In how many ways can {k} of {n} {things} be arranged in order?",
            "How many different ordered podiums of {k} places can {n} racers make?",
            "How many permutations of {k} items can be taken from {n}?",
            "Compute P({n}, {k}).",
        ),
        ("ways", "math.perm(n, k)"),
        lambda n, k: math.prod(range(n - k + 1, n + 1)),
    ),
    "combination": (
        (
            "How many ways can I choose {k} {things} from {n}, if the order doesn't matter?",
            "What is {n} choose {k}?",
            "A committee of {k} is picked from {n} people. How many committees are possible?",
            "How many different groups of {k} can be made from {n} students?",
            "Compute C({n}, {k}).",
        ),
        ("ways", "math.comb(n, k)"),
        lambda n, k: math.factorial(n) // (math.factorial(k) * math.factorial(n - k)),
    ),
}
_THINGS = ("books", "photos", "toys", "cards", "flags", "songs", "people", "paintings")


def _counting_sample(rng: random.Random) -> dict:
    kind = rng.choice(list(_COUNTING))
    n = rng.randint(3, 12) if kind == "factorial" else rng.randint(4, 30)
    k = rng.randint(2, min(n - 1, 6))
    return {"kind": kind, "n": n, "k": k, "things": rng.choice(_THINGS)}


def _counting_plan(p: dict) -> tuple[Plan, str]:
    plan = Plan()
    plan.given("n", p["n"], whole=True)
    if p["kind"] != "factorial":
        plan.given("k", p["k"], whole=True)
    return plan, plan.step(*_COUNTING[p["kind"]][1])


# Wrappers around the kind's phrasing number (template index mod 5; texts/numbers.toml).
COUNTING_TEMPLATES = texts("counting")["templates"]


def _counting_render(p: dict, rng: random.Random) -> dict:
    phrasing_index = COUNTING_TEMPLATES.index(p.get("_template", COUNTING_TEMPLATES[0])) % 5
    question = _COUNTING[p["kind"]][0][phrasing_index].format(n=p["n"], k=p["k"], things=p["things"])
    return {"question": question}


COUNTING = planned(
    name="counting", stage="complex", **texts("counting"), finals=FINALS + ("There are {v} ways.",), exact=True,
    sample=_counting_sample, plan=_counting_plan, render=_counting_render,
    truth=lambda p: _COUNTING[p["kind"]][2](p["n"], p["k"]),
)


def _held_or_train(phrasings: tuple[str, ...], templates: tuple[str, ...], p: dict, rng: random.Random) -> str:
    """The last phrasing for a held-out template, one of the others for training."""
    return phrasings[-1] if drawn_for_held_out(templates, p) else rng.choice(phrasings[:-1])


# Divisibility: gcd, lcm, number of divisors, sum of digits.
def _divisibility_sample(rng: random.Random) -> dict:
    kind = rng.choice(("gcd", "lcm", "divisors", "digit_sum"))
    g = rng.randint(1, 30)
    a, b = g * rng.randint(1, 40), g * rng.randint(1, 40)
    return {"kind": kind, "a": a, "b": b, "n": rng.randint(10, 5000), "big": rng.randint(100, 999999)}


def _divisibility_plan(p: dict) -> tuple[Plan, str]:
    plan = Plan()
    if p["kind"] in ("gcd", "lcm"):
        plan.given("a", p["a"], whole=True)
        plan.given("b", p["b"], whole=True)
        return plan, plan.step(p["kind"], f"math.{p['kind']}(a, b)")
    if p["kind"] == "digit_sum":
        plan.given("number", p["big"], whole=True)
        return plan, plan.step("total", "sum(int(digit) for digit in str(number))")
    plan.given("n", p["n"], whole=True)
    return plan, plan.step("count", "sum(1 for d in range(1, n + 1) if n % d == 0)")


def _divisor_count(n: int) -> int:
    count, d = 0, 1
    while d * d <= n:
        if n % d == 0:
            count += 1 if d * d == n else 2
        d += 1
    return count


# The last phrasing of each kind is kept for the held-out templates.
_DIVISIBILITY_QUESTIONS = {
    "gcd": ("the greatest common divisor of {a} and {b}", "the GCD of {a} and {b}", "the highest common factor of {a} and {b}"),
    "lcm": ("the least common multiple of {a} and {b}", "the LCM of {a} and {b}", "the smallest number divisible by both {a} and {b}"),
    "divisors": ("the number of divisors of {n}", "how many factors {n} has", "how many whole numbers divide {n} exactly"),
    "digit_sum": ("the sum of the digits of {big}", "the digit sum of {big}", "the total of the digits in {big}"),
}

DIVISIBILITY_TEMPLATES = texts("divisibility")["templates"]

DIVISIBILITY = planned(
    name="divisibility", stage="complex", **texts("divisibility"), finals=FINALS, exact=True,
    sample=_divisibility_sample, plan=_divisibility_plan,
    truth=lambda p: {
        "gcd": lambda: math.gcd(p["a"], p["b"]),
        "lcm": lambda: p["a"] * p["b"] // math.gcd(p["a"], p["b"]),
        "divisors": lambda: _divisor_count(p["n"]),
        "digit_sum": lambda: sum(map(int, str(p["big"]))),
    }[p["kind"]](),
    render=lambda p, rng: {
        "what": _held_or_train(_DIVISIBILITY_QUESTIONS[p["kind"]], DIVISIBILITY_TEMPLATES, p, rng).format(
            a=phrasing.say_number(p["a"], rng, short=False), b=phrasing.say_number(p["b"], rng, short=False),
            n=phrasing.say_number(p["n"], rng, short=False), big=phrasing.plain(p["big"])),
    },
)


# Sequences: nth terms and sums.
def _sequence_sample(rng: random.Random) -> dict:
    kind = rng.choice(("arithmetic_term", "geometric_term", "natural_sum", "geometric_sum"))
    ratio = rng.randint(2, 4)
    return {"kind": kind, "first": rng.randint(1, 30), "step": rng.randint(2, 15), "ratio": ratio,
            "n": rng.randint(5, 100) if "arithmetic" in kind or kind == "natural_sum" else rng.randint(3, 12)}


def _terms(p: dict, count: int) -> str:
    if p["kind"].startswith("arithmetic"):
        values = [p["first"] + i * p["step"] for i in range(count)]
    else:
        values = [p["first"] * p["ratio"] ** i for i in range(count)]
    return ", ".join(map(str, values))


def _sequence_plan(p: dict) -> tuple[Plan, str]:
    plan = Plan()
    if p["kind"] == "natural_sum":
        plan.given("n", p["n"], whole=True)
        return plan, plan.step("total", "n * (n + 1) // 2")
    plan.given("first", p["first"], whole=True)
    plan.given("step" if p["kind"] == "arithmetic_term" else "ratio", p["step"] if p["kind"] == "arithmetic_term" else p["ratio"], whole=True)
    plan.given("n", p["n"], whole=True)
    if p["kind"] == "arithmetic_term":
        return plan, plan.step("term", "first + (n - 1) * step")
    if p["kind"] == "geometric_term":
        return plan, plan.step("term", "first * ratio ** (n - 1)")
    return plan, plan.step("total", "first * (ratio ** n - 1) // (ratio - 1)")


def _sequence_truth(p: dict) -> int:
    if p["kind"] == "natural_sum":
        return sum(range(1, p["n"] + 1))
    if p["kind"] == "arithmetic_term":
        return p["first"] + sum(p["step"] for _ in range(p["n"] - 1))
    terms = [p["first"] * p["ratio"] ** i for i in range(p["n"])]
    return terms[-1] if p["kind"] == "geometric_term" else sum(terms)


def _sequence_render(p: dict, rng: random.Random) -> dict:
    n = p["n"]
    phrasings = {
        "arithmetic_term": (f"the {phrasing.ordinal(n)} term of the sequence that begins {_terms(p, 3)}",
                            f"term number {n} of an arithmetic sequence that starts at {p['first']} and goes up by {p['step']}",
                            f"the number in position {n} if you start at {p['first']} and keep adding {p['step']}"),
        "geometric_term": (f"the {phrasing.ordinal(n)} term of the sequence that begins {_terms(p, 3)}",
                           f"term {n} of a geometric sequence with first term {p['first']} and ratio {p['ratio']}",
                           f"the number in position {n} if you start at {p['first']} and keep multiplying by {p['ratio']}"),
        "natural_sum": (f"the sum of all whole numbers from 1 to {n}", f"1 + 2 + 3 + ... + {n}",
                        f"the total when you add up every counting number up to {n}"),
        "geometric_sum": (f"the sum of the first {n} terms of the sequence that begins {_terms(p, 3)}",
                          f"the total of {n} terms of a geometric series starting at {p['first']} with ratio {p['ratio']}",
                          f"the total if you add {n} numbers, starting at {p['first']} and multiplying by {p['ratio']} each time"),
    }[p["kind"]]
    what = _held_or_train(phrasings, SEQUENCE_TEMPLATES, p, rng)
    return {"what": what}


SEQUENCE_TEMPLATES = texts("sequences")["templates"]

SEQUENCES = planned(
    name="sequences", stage="complex", **texts("sequences"), finals=FINALS, exact=True,
    sample=_sequence_sample, plan=_sequence_plan, truth=_sequence_truth, render=_sequence_render,
)

FAMILIES = [COUNTING, DIVISIBILITY, SEQUENCES]
