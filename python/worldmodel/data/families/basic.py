"""Stage "basic": arithmetic of every kind, big numbers, powers, roots, order of operations, percentages."""

from __future__ import annotations

import math
import random
import re
from decimal import Decimal
from fractions import Fraction

from worldmodel.data import phrasing
from worldmodel.data.families.plan import stated
from worldmodel.data.spec import Family, lit, program, real

FINALS_NUMBER = (
    "The answer is {v}.",
    "{v}.",
    "It's {v}.",
    "That gives {v}.",
    "The result is {v}.",
    "It comes out to {v}.",
    "That equals {v}.",
)


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
    name="addition",
    stage="basic",
    templates=(
        "What is {a} + {b}?",
        "What is {a} plus {b}?",
        "Add {a} and {b}.",
        "Calculate {a} + {b}.",
        "What's the sum of {a} and {b}?",
        "{a} + {b} = ?",
        "If I have {a} marbles and get {b} more, how many do I have?",
        "Find the total of {a} and {b}.",
        "A shop sold {a} items on Monday and {b} on Tuesday. How many in total?",
        "What do you get when you add {b} to {a}?",
        "Sum {a} and {b} for me.",
        "how much is {a} + {b}",
    ),
    sample=_two_sized,
    solution=_printed("{a} + {b}"),
    truth=lambda p: sum((p["a"], p["b"])),
    think=("Add the two numbers.", "This is a sum of two numbers.", "Add them up."),
    finals=FINALS_NUMBER + ("The sum is {v}.", "The total is {v}."),
    exact=True,
    refusals=(
        (
            "I had some marbles and got {b} more. How many do I have now?",
            "I can't tell without knowing how many marbles you started with. How many did you have before you got the extra ones?",
        ),
    ),
)

SUBTRACTION = Family(
    name="subtraction",
    stage="basic",
    templates=(
        "What is {a} - {b}?",
        "What is {a} minus {b}?",
        "Subtract {b} from {a}.",
        "Calculate {a} − {b}.",
        "What's the difference between {a} and {b}?",
        "{a} - {b} = ?",
        "Take {b} away from {a}. What's left?",
        "I had {a} points and lost {b}. How many points do I have now?",
        "How much is {a} less {b}?",
        "What remains when {b} is subtracted from {a}?",
        "Work out {a} minus {b}.",
        "whats {a} take away {b}",
    ),
    sample=lambda rng: (lambda a, b: {"a": max(a, b), "b": min(a, b)})(_sized(rng, 2, 6), _sized(rng, 1, 6)),
    solution=_printed("{a} - {b}"),
    truth=lambda p: int(Fraction(p["a"]) - Fraction(p["b"])),
    think=("Subtract the second number from the first.", "Take the difference.", "Subtract."),
    finals=FINALS_NUMBER + ("The difference is {v}.", "{v} is left."),
    exact=True,
    refusals=(
        (
            "I had some points and lost {b}. How many do I have now?",
            "I need your starting number of points to work that out. How many did you have before losing some?",
        ),
    ),
)

MULTIPLICATION = Family(
    name="multiplication",
    stage="basic",
    templates=(
        "What is {a} times {b}?",
        "Multiply {a} by {b}.",
        "Calculate {a} × {b}.",
        "What's the product of {a} and {b}?",
        "{a} * {b} = ?",
        "If one box holds {b} pencils, how many pencils are in {a} boxes?",
        "What is {a} x {b}?",
        "Work out {a} multiplied by {b}.",
        "How much is {b} times {a}?",
        "Compute {a}*{b}.",
        "A theater has {a} rows with {b} seats each. How many seats is that?",
        "whats {a} times {b}",
    ),
    sample=lambda rng: {"a": _sized(rng, 1, 5), "b": _sized(rng, 1, 4)},
    solution=_printed("{a} * {b}"),
    truth=lambda p: math.prod((p["a"], p["b"])),
    think=("Multiply the two numbers.", "This is a product.", "Multiply them."),
    finals=FINALS_NUMBER + ("The product is {v}.",),
    exact=True,
    refusals=(
        (
            "A theater has {a} rows of seats. How many seats does it have?",
            "I'd need to know how many seats are in each row. How many seats does one row have?",
        ),
    ),
)


def _division_sample(rng: random.Random) -> dict:
    b = _sized(rng, 1, 3)
    return {"a": b * _sized(rng, 1, 4), "b": b}


DIVISION = Family(
    name="division",
    stage="basic",
    templates=(
        "What is {a} divided by {b}?",
        "Divide {a} by {b}.",
        "Calculate {a} ÷ {b}.",
        "If {b} friends share {a} marbles equally, how many marbles does each friend get?",
        "How many times does {b} go into {a}?",
        "Share {a} candies equally among {b} kids. How many does each get?",
        "What's {a} over {b}?",
        "Work out {a} / {b}.",
        "If {a} dollars are split evenly between {b} people, how much does each get?",
        "What is the quotient of {a} and {b}?",
        "{a} split into {b} equal groups is how many per group?",
    ),
    sample=_division_sample,
    solution=_printed("{a} // {b}"),
    truth=lambda p: int(Fraction(p["a"], p["b"])),
    think=("Divide the first number by the second; it divides evenly.", "Divide.", "This is an exact division."),
    finals=FINALS_NUMBER + ("The quotient is {v}.", "Each gets {v}."),
    exact=True,
    refusals=(
        (
            "Share {a} candies equally among the kids in my class. How many does each get?",
            "How many kids are in your class? I need that number to divide the candies.",
        ),
    ),
)

REMAINDER = Family(
    name="remainder",
    stage="basic",
    templates=(
        "What is the remainder when {a} is divided by {b}?",
        "What is {a} mod {b}?",
        "Find {a} modulo {b}.",
        "What's left over when you divide {a} by {b}?",
        "Compute {a} % {b}.",
        "{a} eggs are packed in cartons of {b}. How many eggs are left over?",
        "If {a} students form teams of {b}, how many students are left without a team?",
        "Give me the remainder of {a} ÷ {b}.",
        "{a} mod {b} = ?",
        "Divide {a} by {b}. What is the remainder?",
        "{a} cookies go into bags of {b}. How many cookies don't fit in a full bag?",
        "How many are left over if {a} is split into groups of {b}?",
        "{a} divided by {b} leaves what remainder?",
        "What remains after dividing {a} by {b} as evenly as possible?",
        "I share {a} stickers equally among {b} kids. How many stickers are left over?",
        "Find the remainder of {a} over {b}.",
        "After filling as many boxes of {b} as possible from {a} items, how many items remain?",
    ),
    sample=lambda rng: {"a": _sized(rng, 2, 6), "b": rng.randint(3, 97)},
    solution=_printed("{a} % {b}"),
    truth=lambda p: p["a"] - p["b"] * math.floor(Fraction(p["a"], p["b"])),
    think=("Take the remainder of the division.", "Use the modulo operation."),
    finals=FINALS_NUMBER + ("The remainder is {v}.", "{v} left over."),
    exact=True,
    refusals=(
        (
            "Some eggs are packed in cartons of {b}. How many are left over?",
            "I need the total number of eggs to find what's left over. How many eggs are there?",
        ),
    ),
)


def _decimal_sample(rng: random.Random) -> dict:
    return {"a": round(rng.uniform(0.1, 500), rng.choice((1, 2))), "b": round(rng.uniform(0.1, 50), rng.choice((1, 2)))}


DECIMALS = Family(
    name="decimals",
    stage="basic",
    templates=(
        "What is {a} times {b}?",
        "Multiply {a} by {b}.",
        "Calculate {a} × {b}.",
        "What number do you get by multiplying {a} and {b}?",
        "What's the product of {a} and {b}?",
        "Rope costs {b} dollars per meter. What do {a} meters cost, in dollars?",
        "How much is {a} multiplied by {b}?",
        "Work out {a} x {b} to two decimal places.",
        "One kilogram costs {b} dollars. What do {a} kilograms cost in dollars?",
        "Find {a} multiplied by {b}, rounded to 2 decimals.",
        "A pump moves {b} liters per minute. How many liters does it move in {a} minutes?",
    ),
    sample=_decimal_sample,
    solution=_printed("round({a} * {b}, 2)"),
    truth=lambda p: float(Decimal(str(p["a"])) * Decimal(str(p["b"]))),
    think=("Multiply the decimals and round to two places.", "Multiply, then round to 2 decimals."),
    finals=FINALS_NUMBER + ("Rounded to two decimals, it's {v}.",),
    rel_tol=1e-3,
    refusals=(
        (
            "One kilogram costs {b} dollars. What does my bag of apples cost?",
            "How much does your bag of apples weigh? With the weight in kilograms I can multiply by the price.",
        ),
    ),
)


def _big_sample(rng: random.Random) -> dict:
    a = rng.randint(11, 999) * 10 ** rng.randint(4, 7)
    return {"a": a, "b": rng.randint(2, 900)}


BIG_NUMBERS = Family(
    name="big_numbers",
    stage="basic",
    templates=(
        "What is {a} times {b}?",
        "Multiply {a} by {b}.",
        "A city has {a} people and each uses {b} liters of water a day. How many liters is that per day?",
        "I need {a} multiplied by {b}, as an exact number.",
        "If a company earns {a} dollars per month, how much is that over {b} months?",
        "Calculate {b} times {a}.",
        "There are {b} warehouses with {a} items each. How many items in total?",
        "Compute the product of {a} and {b}.",
        "A stadium sells {a} tickets at {b} dollars each. What is the revenue in dollars?",
        "How much is {a} multiplied by {b}?",
    ),
    sample=_big_sample,
    solution=_printed("{a} * {b}"),
    truth=lambda p: int(Fraction(p["a"]) * p["b"]),
    think=("Multiply; the result is a large whole number.", "Multiply the big number by the small one."),
    finals=FINALS_NUMBER + ("The total is {v}.",),
    exact=True,
    refusals=(
        (
            "A city has {a} people. How many liters of water do they use per day?",
            "I'd need to know how much water one person uses per day. How many liters per person?",
        ),
    ),
)


def _power_sample(rng: random.Random) -> dict:
    base = rng.randint(2, 30)
    top = max(2, int(math.log(10**15) / math.log(base)))
    return {"a": base, "b": rng.randint(2, min(top, 20))}


POWERS = Family(
    name="powers",
    stage="basic",
    templates=(
        "What is {a} to the power of {b}?",
        "Calculate {a}^{b}.",
        "What is {a} raised to the {bth} power?",
        "What number is {a} with an exponent of {b}?",
        "What's {a} to the {b}?",
        "Raise {a} to the power {b}.",
        "How much is {a} multiplied by itself {b} times?",
        "Evaluate {a}^{b}.",
        "Give the value of the power with base {a} and exponent {b}.",
        "Compute {a} to the power {b}.",
        "Start from 1 and multiply by {a} again and again, {b} times. What do you get?",
        "What is {b} copies of {a} multiplied together?",
        "pow({a}, {b}) = ?",
        "Work out {a} to the {bth}.",
    ),
    sample=_power_sample,
    solution=_printed("{a} ** {b}"),
    truth=lambda p: math.prod([p["a"]] * p["b"]),
    think=("Raise the base to the exponent.", "This is a power."),
    render=lambda p, rng: {"a": phrasing.say_number(p["a"], rng), "b": str(p["b"]), "bth": phrasing.ordinal(p["b"])},
    exact=True,
    refusals=(("What is {a} raised to some power?", "Which power? Tell me the exponent and I'll compute it."),),
)


def _root_sample(rng: random.Random) -> dict:
    if rng.random() < 0.5:
        return {"x": rng.randint(2, 999) ** 2}
    return {"x": rng.randint(2, 99999)}


SQUARE_ROOTS = Family(
    name="square_roots",
    stage="basic",
    templates=(
        "What is the square root of {x}?",
        "Find √{x}.",
        "Calculate sqrt({x}).",
        "What's the square root of {x}?",
        "A square has an area of {x} square meters. How long is its side in meters?",
        "Compute the square root of {x} to 4 decimal places.",
        "What number times itself gives {x}?",
        "sqrt of {x}?",
        "Take the square root of {x}.",
        "What is the positive root of x² = {x}?",
        "Square root of {x}, please.",
    ),
    sample=_root_sample,
    solution=_printed("round({x} ** 0.5, 4)"),
    truth=lambda p: float(Decimal(p["x"]).sqrt()),
    think=("Take the square root and round to 4 decimals.", "Square root, rounded to 4 places."),
    rel_tol=1e-4,
    refusals=(
        (
            "A square has the same area as my garden. How long is its side?",
            "What's the area of your garden? I need that to find the side of the square.",
        ),
    ),
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
    name="order_of_operations",
    stage="basic",
    templates=(
        "What is {expr}?",
        "Evaluate {expr}.",
        "Calculate {expr}.",
        "Compute {expr} using the order of operations.",
        "{expr} = ?",
        "Work out {expr}.",
        "What does {expr} come to?",
        "Simplify {expr}.",
        "Solve: {expr}",
        "Please evaluate the expression {expr}.",
        "Find the value of {expr}.",
        "What's {expr}?",
        "Using PEMDAS, what is {expr}?",
        "Quick one: {expr}",
    ),
    sample=_ops_sample,
    solution=lambda p: program(f"print({p['expr']})"),
    truth=lambda p: p["_value"],
    think=(
        "Evaluate the expression; multiplication before addition and subtraction.",
        "Follow the order of operations.",
    ),
    render=lambda p, rng: {"expr": p["expr"]},
    exact=True,
    refusals=(("What is 3 + x * 4?", "That depends on x, which you haven't given. What is the value of x?"),),
)


def _percent_sample(rng: random.Random) -> dict:
    return {
        "p": rng.choice((5, 10, 12.5, 15, 20, 25, 30, 33, 40, 45, 60, 75, 80, rng.randint(1, 99))),
        "x": rng.choice((rng.randint(10, 999), rng.randint(1000, 99999), round(rng.uniform(10, 999), 2))),
    }


PERCENT_OF = Family(
    name="percent_of",
    stage="basic",
    templates=(
        "What is {pc} of {x}?",
        "Calculate {pc} of {x}.",
        "Find {pc} of {x}.",
        "How much is {pc} of {x}?",
        "A {x} dollar bill needs a {pc} tip. How much is the tip in dollars?",
        "What's {pc} of {x}?",
        "{pc} of {x} = ?",
        "Take {pc} of {x}.",
        "If {pc} of {x} is set aside, how much is set aside?",
        "My phone battery is {x} mAh and {pc} is left. How many mAh remain?",
        "Work out {pc} of {x}.",
    ),
    sample=_percent_sample,
    solution=lambda p: program(f"print(round({real(p['x'])} * {real(p['p'])} / 100, 2))"),
    truth=lambda p: float(Fraction(str(p["x"])) * Fraction(str(p["p"])) / 100),
    think=("Multiply by the percentage and divide by 100.", "Percent means per hundred: x times p over 100."),
    render=lambda p, rng: {"pc": phrasing.say_percent(p["p"], rng)},
    rel_tol=1e-3,
    refusals=(
        (
            "A dinner bill needs a {pc} tip. How much is the tip?",
            "How much was the bill? The tip is a percentage of it, so I need the amount.",
        ),
    ),
)


def _ratio_sample(rng: random.Random) -> dict:
    b = rng.randint(20, 5000)
    # At least 10 %: the answer is rounded to 2 decimals, so its relative error stays below 5e-4.
    return {"a": rng.randint(max(1, b // 10), b), "b": b}


PERCENT_RATIO = Family(
    name="percent_ratio",
    stage="basic",
    templates=(
        "What percent of {b} is {a}?",
        "{a} is what percentage of {b}?",
        "Express {a} out of {b} as a percentage.",
        "I scored {a} out of {b}. What percentage is that?",
        "What percentage is {a} of {b}?",
        "Out of {b} people, {a} said yes. What percent said yes?",
        "Give {a}/{b} as a percent.",
        "{a} of the {b} seats are taken. What percent is that?",
        "Convert {a} out of {b} to a percent.",
        "What fraction of {b} is {a}, as a percentage?",
        "A team won {a} of its {b} games. What is its win percentage?",
    ),
    sample=_ratio_sample,
    solution=_printed("round({a} / {b} * 100, 2)"),
    truth=lambda p: float(Fraction(p["a"] * 100, p["b"])),
    think=("Divide the part by the whole and multiply by 100.", "Part over whole, times 100."),
    finals=("That's {q}.", "{q}.", "It is {q}.", "The percentage is {q}.", "You get {q}."),
    units=lambda p: "%",
    rel_tol=1e-3,
    refusals=(
        (
            "I scored {a} on the test. What percentage is that?",
            "What was the maximum score on the test? I need the total to turn your score into a percentage.",
        ),
    ),
)


def _signed_sample(rng: random.Random) -> dict:
    a, b = rng.randint(-99, 99), rng.randint(-99, -1)
    return {"a": a, "b": b, "city": rng.choice(("Oslo", "Denver", "Toronto", "Moscow", "Helsinki", "Calgary"))}


def _signed_render(p: dict, rng: random.Random) -> dict:
    # Negative numbers are written with a minus sign or a "minus" word, never with words for the digits.
    minus = rng.choice(("-", "−", "minus "))
    return {"a": phrasing.plain(p["a"]), "b": f"{minus}{-p['b']}", "drop": str(-p["b"])}


SIGNED_NUMBERS = Family(
    name="signed_numbers",
    stage="basic",
    templates=(
        "What is {a} + ({b})?",
        "Add {a} and {b}.",
        "Calculate {a} plus {b}.",
        "What do you get when you add {b} to {a}?",
        "The temperature in {city} was {a} degrees and then fell by {drop} degrees. What is it now, in degrees?",
        "{a} + {b} = ?",
        "My bank balance is {a} dollars and I spend {drop} dollars. What is the new balance in dollars?",
        "Find the sum of {a} and {b}.",
        "A submarine is at {a} meters relative to sea level and dives {drop} meters deeper. What is its new level in meters?",
        "Work out {a} + {b}, paying attention to the signs.",
    ),
    sample=_signed_sample,
    solution=lambda p: program(f"print({p['a']} + ({p['b']}))"),
    truth=lambda p: int(Fraction(p["a"]) + Fraction(p["b"])),
    think=("Add the numbers, keeping track of the signs.", "Adding a negative number is subtracting."),
    finals=FINALS_NUMBER,
    render=_signed_render,
    exact=True,
    refusals=(
        (
            "The temperature in {city} fell by {drop} degrees overnight. What is it now?",
            "What was the temperature before it fell? I need the starting value.",
        ),
    ),
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
    name="fraction_sum",
    stage="basic",
    templates=(
        "What is {a}/{b} + {c}/{d} as a decimal?",
        "Add the fractions {a}/{b} and {c}/{d}. Give a decimal.",
        "Calculate {a}/{b} plus {c}/{d}.",
        "I ate {a}/{b} of a pizza and then {c}/{d} of another. How many pizzas did I eat, as a decimal?",
        "Sum {a}/{b} and {c}/{d} and write the result as a decimal number.",
        "{a}/{b} + {c}/{d} = ? (decimal, 4 places)",
        "A recipe needs {a}/{b} cup of milk and {c}/{d} cup of water. How many cups of liquid is that?",
        "What's {a} over {b} plus {c} over {d}?",
        "Give the decimal value of {a}/{b} + {c}/{d}.",
    ),
    sample=_fraction_sample,
    solution=lambda p: program(f"print(round({p['a']} / {p['b']} + {p['c']} / {p['d']}, 4))"),
    truth=lambda p: float(Fraction(p["a"], p["b"]) + Fraction(p["c"], p["d"])),
    think=("Turn each fraction into a decimal and add, rounding to 4 places.", "Divide, add, round."),
    finals=FINALS_NUMBER,
    render=lambda p, rng: {k: str(v) for k, v in p.items()},
    rel_tol=1e-3,
    refusals=(
        (
            "I ate {a}/{b} of a pizza and then some more. How much did I eat?",
            "How much more did you eat? Tell me the second amount and I'll add them.",
        ),
    ),
)

def _square_sample(rng: random.Random) -> dict:
    exponent = rng.choice((2, 2, 3))
    return {"a": rng.choice((rng.randint(2, 40), rng.randint(2, 999))), "b": exponent}


SQUARES = Family(
    name="squares",
    stage="basic",
    templates=(
        "What is {a} {power_word}?",
        "Calculate {a} {power_word}.",
        "How much is {a} {power_word}?",
        "What's {a} {power_word}?",
        "{a} {power_word} = ?",
        "Find the value of {a} {power_word}.",
        "I need {a} {power_word}.",
        "Work out {a} {power_word}, please.",
        "What do you get when you take {a} {power_word}?",
        "Compute {a} {power_word}.",
    ),
    sample=_square_sample,
    solution=lambda p: program(f"print({lit(p['a'])} ** {p['b']})"),
    truth=lambda p: math.prod([p["a"]] * p["b"]),
    think=("Multiply the number by itself.", "Squared means times itself; cubed means three times."),
    finals=FINALS_NUMBER,
    render=lambda p, rng: {"power_word": "squared" if p["b"] == 2 else "cubed"},
    exact=True,
    refusals=(
        (
            "What is my lucky number {power_word}?",
            "I don't know your lucky number. Tell me what it is and I'll work out its value {power_word}.",
        ),
    ),
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
