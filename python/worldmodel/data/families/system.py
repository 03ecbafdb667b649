"""Stage "system": currency conversion, clock times and dates, averages, ratios, rounding, unit prices."""

from __future__ import annotations

import datetime
import random
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from worldmodel.data import phrasing
from worldmodel.data.families.plan import stated
from worldmodel.data.families.texts import texts
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
    name="currency_conversion", stage="system", **texts("currency_conversion"),
    sample=_currency_sample,
    solution=lambda p: program(print_money(f"{real(p['amount'])} * {lit(p['rate'])}")),
    truth=lambda p: float(Fraction(str(p["amount"])) * Fraction(str(p["rate"]))),
    units=lambda p: p["dst"],
    render=lambda p, rng: {
        "money": phrasing.say_money(p["amount"], rng, p["src"]),
        "rate": phrasing.plain(p["rate"]),
        "src_one": _CURRENCY_NAMES[p["src"]][0],
        "dst_many": _CURRENCY_NAMES[p["dst"]][1],
        "src_code": _CURRENCY_NAMES[p["src"]][2],
        "dst_code": _CURRENCY_NAMES[p["dst"]][2],
    },
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
    name="clock_duration", stage="system", **texts("clock_duration"), exact=True,
    sample=_clock_sample, solution=_clock_solution,
    truth=lambda p: (
        (datetime.datetime(2001, 1, 1, p["h2"], p["m2"]) - datetime.datetime(2001, 1, 1, p["h1"], p["m1"])).seconds
        // 60
    ),
    units=lambda p: "min",
    render=lambda p, rng: {
        "t1": _clock(p["h1"], p["m1"], p["_twelve_hour"], rng),
        "t2": _clock(p["h2"], p["m2"], p["_twelve_hour"], rng),
    },
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
    name="date_days", stage="system", **texts("date_days"), exact=True,
    sample=_date_sample, solution=_date_solution,
    truth=lambda p: (datetime.date(p["y2"], p["mo2"], p["d2"]) - datetime.date(p["y1"], p["mo1"], p["d1"])).days,
    units=lambda p: "days",
    render=lambda p, rng: {
        "date1": _date_text(p["y1"], p["mo1"], p["d1"], rng),
        "date2": _date_text(p["y2"], p["mo2"], p["d2"], rng),
    },
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
    name="ratios", stage="system", **texts("ratios"), exact=True,
    sample=_ratio_sample,
    solution=lambda p: program(f"print({p['total']} * {p['ra']} // ({p['ra']} + {p['rb']}))"),
    truth=lambda p: int(Fraction(p["total"]) * Fraction(p["ra"], p["ra"] + p["rb"])),
    render=lambda p, rng: {"ra": str(p["ra"]), "rb": str(p["rb"])},
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
    name="rounding", stage="system", **texts("rounding"), rel_tol=1e-9,
    sample=_rounding_sample,
    solution=lambda p: program(
        f"print(round({lit(p['x'])}))" if p["places"] == 0 else f"print(round({lit(p['x'])}, {p['places']}))"
    ),
    truth=lambda p: float(Decimal(p["x"]).quantize(Decimal(1).scaleb(-p["places"]), rounding=ROUND_HALF_EVEN)),
    render=lambda p, rng: {"x": phrasing.plain(p["x"]), "places": rng.choice(_PLACES[p["places"]])},
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
    name="unit_price", stage="system", **texts("unit_price"), rel_tol=5e-3,
    sample=_unit_price_sample,
    solution=lambda p: program(print_money(f"{lit(p['price'])} / {p['n']}")),
    truth=lambda p: float(Fraction(str(p["price"])) / p["n"]),
    units=lambda p: "$",
    render=lambda p, rng: {"money": phrasing.say_money(p["price"], rng), "n": phrasing.say_number(p["n"], rng)},
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
    name="weighted_average", stage="system", **texts("weighted_average"),
    sample=_weighted_sample,
    solution=lambda p: program(
        f"print(round(({p['s1']} * {p['w1']} + {p['s2']} * {p['w2']} + {p['s3']} * {p['w3']}) / 100, 2))"
    ),
    truth=lambda p: float(Fraction(p["s1"] * p["w1"] + p["s2"] * p["w2"] + p["s3"] * p["w3"], 100)),
    render=lambda p, rng: {k: str(v) for k, v in p.items()},
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
