"""Stage "system": currency conversion, clock times and dates, averages, ratios, rounding, unit prices."""

from __future__ import annotations

import datetime
import random
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from worldmodel.data import phrasing
from worldmodel.data.families.plan import stated
from worldmodel.data.spec import Family, lit, print_money, program, real

def _currency_sample(rng: random.Random) -> dict:
    source, target = rng.sample(("$", "€", "£", "¥"), 2)
    if source == "¥":
        source, target = target, source
    rate = {"¥": round(rng.uniform(100, 170), 2)}.get(target, round(rng.uniform(0.5, 1.6), 4))
    return {
        "amount": rng.choice((rng.randint(5, 5000), round(rng.uniform(1, 999), 2))),
        "rate": rate,
        "src": source,
        "dst": target,
    }


_CURRENCY_NAMES = {
    "$": ("dollar", "dollars", "USD"),
    "€": ("euro", "euros", "EUR"),
    "£": ("pound", "pounds", "GBP"),
    "¥": ("yen", "yen", "JPY"),
}

CURRENCY_CONVERSION = Family(
    name="currency_conversion",
    stage="system",
    templates=(
        "If 1 {src_one} is {rate} {dst_many}, how many {dst_many} do I get for {money}?",
        "The exchange rate is 1 {src_code} = {rate} {dst_code}. Convert {money} to {dst_many}.",
        "With 1 {src_code} = {rate} {dst_code}, what is {money} worth in {dst_many}?",
        "I'm traveling and one {src_one} buys {rate} {dst_many}. How much is {money} in {dst_many}?",
        "Convert {money} into {dst_code} at a rate of {rate} {dst_code} per {src_code}.",
        "At {rate} {dst_many} per {src_one}, how many {dst_many} is {money}?",
        "How many {dst_many} can I buy with {money} if each {src_one} is worth {rate} {dst_many}?",
        "Exchange {money} to {dst_many}; the rate is {rate}.",
        "Using 1 {src_code} = {rate} {dst_code}, change {money} into {dst_code}.",
        "I have {money}. One {src_one} is {rate} {dst_many} today. How many {dst_many} is that?",
    ),
    sample=_currency_sample,
    solution=lambda p: program(print_money(f"{real(p['amount'])} * {lit(p['rate'])}")),
    truth=lambda p: float(Fraction(str(p["amount"])) * Fraction(str(p["rate"]))),
    think=("Multiply the amount by the exchange rate.", "Amount times rate, rounded to cents."),
    finals=("You get {q}.", "That's {q}.", "{q}.", "It comes to {q}.", "It is worth {q}."),
    units=lambda p: p["dst"],
    render=lambda p, rng: {
        "money": phrasing.say_money(p["amount"], rng, p["src"]),
        "rate": phrasing.plain(p["rate"]),
        "src_one": _CURRENCY_NAMES[p["src"]][0],
        "dst_many": _CURRENCY_NAMES[p["dst"]][1],
        "src_code": _CURRENCY_NAMES[p["src"]][2],
        "dst_code": _CURRENCY_NAMES[p["dst"]][2],
    },
    refusals=(
        (
            "How many {dst_many} is {money}?",
            "Exchange rates change all the time and I don't have a current one. Tell me the rate (how many {dst_many} per {src_one}) and I'll convert it.",
        ),
    ),
)


def _clock(h: int, m: int, twelve_hour: bool, rng: random.Random) -> str:
    if not twelve_hour:
        return f"{h}:{m:02d}"
    suffix = rng.choice(("am", "a.m.", "AM")) if h < 12 else rng.choice(("pm", "p.m.", "PM"))
    return f"{(h - 1) % 12 + 1}:{m:02d} {suffix}"


def _clock_hour(h: int, twelve_hour: bool) -> str:
    """The hour as the program writes it: the clock's own digits, with "+ 12" after noon on a 12-hour clock.

    The model copies what the question says and lets the program do the conversion, instead of turning
    "8:26 pm" into 20 in its head.
    """
    if not twelve_hour:
        return str(h)
    if h == 0:
        return "0"  # 12 am
    shown = (h - 1) % 12 + 1
    return f"({shown} + 12)" if h > 12 else str(shown)


def _clock_sample(rng: random.Random) -> dict:
    h1, m1 = rng.randint(0, 20), rng.randrange(0, 60, rng.choice((1, 5)))
    start = h1 * 60 + m1
    end = rng.randint(start + 5, 23 * 60 + 59)
    twelve_hour = rng.random() < 0.5  # one clock style per question, as people write it
    return {"h1": h1, "m1": m1, "h2": end // 60, "m2": end % 60, "_twelve_hour": twelve_hour}


def _clock_solution(p: dict) -> str:
    h1, h2 = (_clock_hour(p[key], p["_twelve_hour"]) for key in ("h1", "h2"))
    return program(f"print(({h2} * 60 + {p['m2']}) - ({h1} * 60 + {p['m1']}))")


CLOCK_DURATION = Family(
    name="clock_duration",
    stage="system",
    templates=(
        "How many minutes are there between {t1} and {t2}?",
        "A movie starts at {t1} and ends at {t2}. How many minutes long is it?",
        "I left at {t1} and arrived at {t2}. How many minutes did the trip take?",
        "How long is it from {t1} to {t2}, in minutes?",
        "The meeting runs from {t1} to {t2}. How many minutes is that?",
        "Minutes from {t1} until {t2}?",
        "A store is open from {t1} to {t2}. How many minutes is it open?",
        "Work out the minutes elapsed between {t1} and {t2}.",
        "The bus left at {t1} and got in at {t2}. How long was the ride in minutes?",
        "I started work at {t1} and finished at {t2}. How many minutes did I work?",
        "Minutes between {t1} and {t2}, same day?",
        "From {t1} to {t2}, how many minutes pass?",
        "A class runs from {t1} until {t2}. How many minutes long is it?",
        "How many minutes from {t1} to {t2}?",
        "The flight departs at {t1} and lands at {t2} the same day. How many minutes in the air?",
        "I slept from {t1} to {t2}. How many minutes was that?",
    ),
    sample=_clock_sample,
    solution=_clock_solution,
    truth=lambda p: (
        (datetime.datetime(2001, 1, 1, p["h2"], p["m2"]) - datetime.datetime(2001, 1, 1, p["h1"], p["m1"])).seconds
        // 60
    ),
    think=(
        "Turn both times into minutes after midnight and subtract.",
        "Convert each clock time to minutes, then take the difference.",
    ),
    finals=("That's {q}.", "{q}.", "It takes {q}.", "It lasts {q}.", "The difference is {q}."),
    units=lambda p: "min",
    render=lambda p, rng: {
        "t1": _clock(p["h1"], p["m1"], p["_twelve_hour"], rng),
        "t2": _clock(p["h2"], p["m2"], p["_twelve_hour"], rng),
    },
    exact=True,
    refusals=(
        (
            "The meeting started at {t1}. How long did it last?",
            "I need to know when the meeting ended to work out how long it lasted. What time did it finish?",
        ),
    ),
)

_MONTHS = ("January February March April May June July August September October November December").split()


def _date_sample(rng: random.Random) -> dict:
    year = rng.randint(1990, 2035)
    start = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(0, 300))
    end = start + datetime.timedelta(days=rng.randint(3, 120))
    return {
        "year": year,
        "y1": start.year,
        "mo1": start.month,
        "d1": start.day,
        "y2": end.year,
        "mo2": end.month,
        "d2": end.day,
    }


# Day number of a date (Gregorian, counted from a fixed origin, March-based months so that February comes last).
# The model copies the six numbers of the two dates into the same program every time, and the program knows
# the calendar; month-by-month sums asked it to know month lengths itself. The ground truth uses datetime.
_DAY_NUMBER = (
    "def day_number(year, month, day):",
    "    if month < 3:",
    "        year -= 1",
    "        month += 12",
    "    return 365 * year + year // 4 - year // 100 + year // 400 + (153 * month - 457) // 5 + day",
)


def _date_solution(p: dict) -> str:
    return program(
        *_DAY_NUMBER,
        f"print(day_number({p['y2']}, {p['mo2']}, {p['d2']}) - day_number({p['y1']}, {p['mo1']}, {p['d1']}))",
    )


def _date_text(y: int, mo: int, d: int, rng: random.Random) -> str:
    month = _MONTHS[mo - 1]
    return rng.choice(
        (f"{month} {d}, {y}", f"{d} {month} {y}", f"{month} {phrasing.ordinal(d)}, {y}", f"{y}-{mo:02d}-{d:02d}")
    )


DATE_DAYS = Family(
    name="date_days",
    stage="system",
    templates=(
        "How many days are there from {date1} to {date2}?",
        "How many days between {date1} and {date2}?",
        "If today is {date1}, how many days until {date2}?",
        "Count the days from {date1} to {date2}.",
        "My trip starts on {date1} and ends on {date2}. How many days apart are those dates?",
        "I planted seeds on {date1} and they flowered on {date2}. How many days did that take?",
        "What is the number of days between {date1} and {date2}?",
        "Days from {date1} until {date2}?",
        "A library book was borrowed on {date1} and returned on {date2}. How many days was it out?",
        "From {date1} to {date2}, how many days pass?",
        "Our 2 cats were at the vet from {date1} until {date2}. How many days is that?",
        "How many days are between {date1} and {date2}?",
        "Number of days from {date1} to {date2}?",
        "A project ran from {date1} to {date2}. How many days was that?",
        "We moved in on {date1} and the lease ended on {date2}. How many days did we live there?",
        "Between {date1} and {date2}, how many days are there?",
        "How long, in days, from {date1} until {date2}?",
    ),
    sample=_date_sample,
    solution=_date_solution,
    truth=lambda p: (datetime.date(p["y2"], p["mo2"], p["d2"]) - datetime.date(p["y1"], p["mo1"], p["d1"])).days,
    think=(
        "Turn both dates into day numbers and subtract.",
        "Number the days of the calendar and take the difference of the two dates.",
    ),
    finals=("That's {q}.", "{q}.", "There are {q} between them.", "It's {q}.", "The gap is {q}."),
    units=lambda p: "days",
    render=lambda p, rng: {
        "date1": _date_text(p["y1"], p["mo1"], p["d1"], rng),
        "date2": _date_text(p["y2"], p["mo2"], p["d2"], rng),
    },
    exact=True,
    refusals=(
        (
            "How many days until my birthday? Today is {date1}.",
            "When is your birthday? Give me the date and I'll count the days from {date1}.",
        ),
    ),
)


_NAMES = (
    "Ana",
    "Ben",
    "Chloe",
    "Dev",
    "Emma",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jon",
    "Kira",
    "Liam",
    "Maya",
    "Noah",
    "Omar",
    "Priya",
)


def _ratio_sample(rng: random.Random) -> dict:
    a, b = rng.randint(1, 9), rng.randint(1, 9)
    first, second = rng.sample(_NAMES, 2)
    # A whole multiple of the parts, so that every share is a whole number (people, marbles, scoops).
    return {"total": (a + b) * rng.randint(1, 400), "ra": a, "rb": b, "first": first, "second": second}


RATIOS = Family(
    name="ratios",
    stage="system",
    templates=(
        "{first} and {second} share {total} stickers in the ratio {ra}:{rb}. How many does {first} get?",
        "Split {total} in the ratio {ra}:{rb}. How big is the first part?",
        "Divide {total} in the ratio {ra} to {rb}. What is the first share?",
        "A recipe mixes flour and sugar {ra}:{rb}. Out of {total} scoops of mix, how many scoops are flour?",
        "{first} and {second} split {total} marbles {ra}:{rb}. How many does {first} get?",
        "Share {total} between two people in the ratio {ra}:{rb}. What is the first person's share?",
        "In a class, the ratio of girls to boys is {ra}:{rb}. There are {total} students. How many are girls?",
        "Paint is mixed {ra} parts red to {rb} parts white. How many of {total} cans are red?",
        "{total} apples are divided between {first} and {second} in a {ra}:{rb} ratio. What is {first}'s share?",
        "Split {total} in the ratio {ra}:{rb}. What is the first share?",
        "Divide {total} into two parts in the ratio {ra}:{rb}. How large is the first part?",
    ),
    sample=_ratio_sample,
    solution=lambda p: program(f"print({p['total']} * {p['ra']} // ({p['ra']} + {p['rb']}))"),
    truth=lambda p: int(Fraction(p["total"]) * Fraction(p["ra"], p["ra"] + p["rb"])),
    think=(
        "The first share is the total times its part over the sum of the parts.",
        "Divide the total into {ra} + {rb} parts and take {ra} of them.",
    ),
    finals=("The share is {v}.", "{v}.", "That's {v}.", "It comes to {v}.", "The first part is {v}."),
    render=lambda p, rng: {"ra": str(p["ra"]), "rb": str(p["rb"])},
    exact=True,
    refusals=(
        (
            "{first} and {second} share {total} dollars. How much does {first} get?",
            "That depends on how they split it. Is it equal, or in some ratio? Tell me the ratio and I'll work it out.",
        ),
    ),
)


def _rounding_sample(rng: random.Random) -> dict:
    places = rng.choice((0, 1, 2, 2, 3))
    digits = places + rng.randint(2, 4)
    x = round(rng.uniform(0.01, 9999), digits)
    return {"x": x, "places": places}


_PLACES = {
    0: ("the nearest whole number", "0 decimal places", "the nearest integer"),
    1: ("one decimal place", "the nearest tenth", "1 decimal place"),
    2: ("two decimal places", "the nearest hundredth", "2 decimal places"),
    3: ("three decimal places", "the nearest thousandth", "3 decimals"),
}

ROUNDING = Family(
    name="rounding",
    stage="system",
    templates=(
        "Round {x} to {places}.",
        "What is {x} rounded to {places}?",
        "Round off {x} to {places}.",
        "Give {x} to {places}.",
        "If you round {x} to {places}, what do you get?",
        "{x} rounded to {places} is?",
        "Please round {x} to {places}.",
        "My calculator says {x}. What is that to {places}?",
        "Could you round {x} to {places}?",
        "Round the number {x} to {places}, please.",
    ),
    sample=_rounding_sample,
    solution=lambda p: program(
        f"print(round({lit(p['x'])}))" if p["places"] == 0 else f"print(round({lit(p['x'])}, {p['places']}))"
    ),
    truth=lambda p: float(Decimal(p["x"]).quantize(Decimal(1).scaleb(-p["places"]), rounding=ROUND_HALF_EVEN)),
    think=("Round to the requested number of decimal places.", "Use round with the right number of places."),
    finals=("{v}.", "It rounds to {v}.", "That's {v}.", "Rounded, it is {v}.", "The rounded value is {v}."),
    render=lambda p, rng: {"x": phrasing.plain(p["x"]), "places": rng.choice(_PLACES[p["places"]])},
    rel_tol=1e-9,
    refusals=(
        (
            "Round this number to two decimal places for me.",
            "Which number? Paste it and I'll round it to two decimal places.",
        ),
    ),
)


_ITEMS = (
    "pens",
    "apples",
    "batteries",
    "eggs",
    "cookies",
    "notebooks",
    "socks",
    "candles",
    "lemons",
    "bottles of water",
)


def _unit_price_sample(rng: random.Random) -> dict:
    n = rng.randint(2, 48)
    # At least $1 each: the answer is rounded to cents.
    return {"n": n, "price": round(rng.uniform(n, max(120, 5 * n)), 2), "item": rng.choice(_ITEMS)}


UNIT_PRICE = Family(
    name="unit_price",
    stage="system",
    templates=(
        "A pack of {n} {item} costs {money}. How much does one cost?",
        "{n} {item} cost {money}. What is the price per item?",
        "If {money} buys {n} {item}, what's the cost of a single one?",
        "What is the unit price when {n} {item} cost {money}?",
        "I paid {money} for {n} {item}. How much was each?",
        "How much is one of the {item} if {n} of them cost {money}?",
        "Find the price of one item: {n} {item} for {money}.",
        "Split a {money} bill for {n} {item} evenly. Cost per item?",
        "The store sells {n} {item} for {money}. What's the price of each one, in dollars?",
        "Price per item: {n} {item} for {money}?",
        "A box of {n} {item} is {money}. What does one cost?",
    ),
    sample=_unit_price_sample,
    solution=lambda p: program(print_money(f"{lit(p['price'])} / {p['n']}")),
    truth=lambda p: float(Fraction(str(p["price"])) / p["n"]),
    think=("Divide the total price by the number of items.", "Price per item is total over count."),
    finals=("Each costs {q}.", "{q} each.", "That's {q} per item.", "One costs about {q}.", "The unit price is {q}."),
    units=lambda p: "$",
    render=lambda p, rng: {"money": phrasing.say_money(p["price"], rng), "n": phrasing.say_number(p["n"], rng)},
    rel_tol=5e-3,
    refusals=(
        (
            "A pack of {item} costs {money}. How much does one cost?",
            "How many {item} are in the pack? I need the count to find the price of one.",
        ),
    ),
)


def _weighted_sample(rng: random.Random) -> dict:
    w1 = rng.choice((10, 15, 20, 25, 30))
    w2 = rng.choice((20, 25, 30, 35, 40))
    return {
        "w1": w1,
        "w2": w2,
        "w3": 100 - w1 - w2,
        "s1": rng.randint(40, 100),
        "s2": rng.randint(40, 100),
        "s3": rng.randint(40, 100),
    }


WEIGHTED_AVERAGE = Family(
    name="weighted_average",
    stage="system",
    templates=(
        "Homework counts {w1}%, the midterm {w2}% and the final {w3}%. I got {s1}, {s2} and {s3}. What's my grade?",
        "My course grade is {w1}% labs, {w2}% quizzes and {w3}% exam. Scores: {s1}, {s2}, {s3}. Final grade?",
        "Compute the weighted average of {s1}, {s2} and {s3} with weights {w1}%, {w2}% and {w3}%.",
        "Weights {w1}/{w2}/{w3} percent, scores {s1}/{s2}/{s3}. Weighted mean?",
        "A judge panel weighs technique {w1}%, artistry {w2}% and difficulty {w3}%. A skater scores {s1}, {s2} and "
        "{s3}. Overall score?",
        "What is the weighted score if part A ({w1}%) is {s1}, part B ({w2}%) is {s2} and part C ({w3}%) is {s3}?",
        "I scored {s1} on projects worth {w1}%, {s2} on tests worth {w2}% and {s3} on the final worth {w3}%. "
        "What's my overall mark?",
        "Find the weighted average: {s1} at {w1}%, {s2} at {w2}%, {s3} at {w3}%.",
        "Grades: {s1} (weight {w1}%), {s2} (weight {w2}%), {s3} (weight {w3}%). Average?",
        "Scores {s1}, {s2} and {s3} with weights {w1}%, {w2}% and {w3}%. What is the weighted average?",
        "Weighted grade: {s1} ({w1}%), {s2} ({w2}%), {s3} ({w3}%)?",
        "My marks are {s1} (worth {w1}%), {s2} (worth {w2}%) and {s3} (worth {w3}%). What's my final grade?",
        "Average {s1}, {s2} and {s3} weighted {w1}%, {w2}% and {w3}%.",
        "Grades with weights: {s1} weighted {w1}%, {s2} weighted {w2}%, {s3} weighted {w3}%. Overall?",
        "What's the weighted mean of the scores {s1}, {s2}, {s3} if they count {w1}%, {w2}% and {w3}%?",
    ),
    sample=_weighted_sample,
    solution=lambda p: program(
        f"print(round(({p['s1']} * {p['w1']} + {p['s2']} * {p['w2']} + {p['s3']} * {p['w3']}) / 100, 2))"
    ),
    truth=lambda p: float(Fraction(p["s1"] * p["w1"] + p["s2"] * p["w2"] + p["s3"] * p["w3"], 100)),
    think=(
        "Multiply each score by its weight, add them, and divide by 100.",
        "Weighted average: sum of score × weight over 100.",
    ),
    finals=("Your grade is {v}.", "{v}.", "The weighted average is {v}.", "It comes to {v}.", "That's {v}."),
    render=lambda p, rng: {k: str(v) for k, v in p.items()},
    refusals=(
        (
            "I got {s1}, {s2} and {s3} on homework, the midterm and the final. What's my grade?",
            "How much does each part count toward the grade? Tell me the weights and I'll compute it.",
        ),
    ),
)

FAMILIES = [
    stated(CURRENCY_CONVERSION),
    stated(CLOCK_DURATION),
    DATE_DAYS,
    stated(RATIOS),
    ROUNDING,
    stated(UNIT_PRICE),
    stated(WEIGHTED_AVERAGE),
]
