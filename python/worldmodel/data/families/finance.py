"""Finance and running costs: electricity and fuel bills, compound interest, loan payments, saving and paying
off over months (loops where the concept is a month-by-month process).

Ground truths take another route than the solutions (closed forms for loops, bisection for payments).
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

from worldmodel.data import phrasing
from worldmodel.data.families.complex import F, _q
from worldmodel.data.families.plan import stated
from worldmodel.data.families.texts import texts
from worldmodel.data.spec import Family, lit, print_money, program, real


def _bisect(f, low: float, high: float) -> float:
    for _ in range(200):
        middle = (low + high) / 2
        if (f(low) <= 0) == (f(middle) <= 0):
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _energy_cost_sample(rng: random.Random) -> dict:
    while True:
        p = {
            "w": rng.choice((5, 10, 60, 100, 150, 500, 750, 1000, 1500, 2000, 2200)),
            "h": rng.randint(1, 24),
            "d": rng.randint(1, 365),
            "price": round(rng.uniform(0.08, 0.45), 2),
        }
        # At least $5: the answer is rounded to cents.
        if p["w"] * p["h"] * p["d"] * p["price"] >= 5000:
            return p


ENERGY_COST = Family(
    name="energy_cost", stage="complex", **texts("energy_cost"), rel_tol=5e-3,
    sample=_energy_cost_sample,
    solution=lambda p: program(f"kwh = {p['w']} / 1000 * {p['h']} * {p['d']}", print_money(f"kwh * {lit(p['price'])}")),
    truth=lambda p: float(Fraction(p["w"], 1000) * p["h"] * p["d"] * F(p["price"])),
    units=lambda p: "$",
    render=lambda p, rng: {"w": _q(p["w"], "W", rng), "price": phrasing.say_money(p["price"], rng)},
)


def _interest_sample(rng: random.Random) -> dict:
    return {
        "p": rng.choice((rng.randint(1, 100) * 100, rng.randint(100, 50000))),
        "r": rng.choice((1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8)),
        "n": rng.choice((1, 4, 12)),
        "years": rng.randint(1, 30),
    }


_COMPOUNDING = {
    1: ("yearly", "annually", "once a year"),
    4: ("quarterly", "every quarter"),
    12: ("monthly", "every month"),
}

COMPOUND_INTEREST = Family(
    name="compound_interest", stage="complex", **texts("compound_interest"),
    sample=_interest_sample,
    solution=lambda p: program(
        f"principal = {lit(p['p'])}",
        f"rate = {lit(p['r'] / 100)}",
        f"n = {p['n']}",
        f"years = {p['years']}",
        print_money("principal * (1 + rate / n) ** (n * years)"),
    ),
    truth=lambda p: float(F(p["p"]) * (1 + F(p["r"]) / 100 / p["n"]) ** (p["n"] * p["years"])),
    units=lambda p: "$",
    render=lambda p, rng: {
        "money": phrasing.say_money(p["p"], rng),
        "rate": phrasing.say_percent(p["r"], rng),
        "freq": rng.choice(_COMPOUNDING[p["n"]]),
        "years": phrasing.say_number(p["years"], rng),
    },
)


def _loan_sample(rng: random.Random) -> dict:
    return {
        "p": rng.randint(5, 500) * 1000,
        "r": rng.choice((2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 8, 9)),
        "years": rng.choice((2, 3, 4, 5, 10, 15, 20, 25, 30)),
    }


def _loan_truth(p: dict) -> float:
    # The payment that brings the balance to zero, by simulating the schedule and bisecting on the payment.
    rate, months = p["r"] / 100 / 12, p["years"] * 12

    def balance(payment: float) -> float:
        owed = float(p["p"])
        for _ in range(months):
            owed = owed * (1 + rate) - payment
        return owed

    return _bisect(lambda pay: -balance(pay), 0, float(p["p"]))


LOAN_PAYMENT = Family(
    name="loan_payment", stage="complex", **texts("loan_payment"),
    sample=_loan_sample, truth=_loan_truth,
    solution=lambda p: program(
        f"principal = {p['p']}",
        f"r = {real(p['r'])} / 100 / 12",
        f"n = {p['years']} * 12",
        print_money("principal * r / (1 - (1 + r) ** -n)"),
    ),
    units=lambda p: "$",
    render=lambda p, rng: {"money": phrasing.say_money(p["p"], rng), "rate": phrasing.say_percent(p["r"], rng)},
)

def _savings_sample(rng: random.Random) -> dict:
    return {
        "deposit": rng.choice((25, 50, 100, 150, 200, 250, 300, 500, rng.randint(10, 1000))),
        "r": rng.choice((1, 2, 3, 4, 5, 6)),
        "months": rng.randint(3, 120),
    }


SAVINGS_SIMULATION = Family(
    name="savings_simulation", stage="complex", **texts("savings_simulation"),
    sample=_savings_sample,
    solution=lambda p: program(
        "balance = 0.0",
        f"for month in range({p['months']}):",
        f"    balance = balance * (1 + {lit(p['r'] / 100)} / 12) + {p['deposit']}",
        print_money("balance"),
    ),
    # Closed form of the annuity: deposit · ((1 + i)^n − 1) / i.
    truth=lambda p: float(p["deposit"] * ((1 + F(p["r"]) / 1200) ** p["months"] - 1) / (F(p["r"]) / 1200)),
    units=lambda p: "$",
    render=lambda p, rng: {
        "money": phrasing.say_money(p["deposit"], rng),
        "rate": phrasing.say_percent(p["r"], rng),
        "months": phrasing.say_number(p["months"], rng),
    },
)


def _fuel_sample(rng: random.Random) -> dict:
    return {"d": rng.randint(20, 1500), "c": round(rng.uniform(4, 14), 1), "price": round(rng.uniform(1.1, 2.4), 2)}


FUEL_COST = Family(
    name="fuel_cost", stage="complex", **texts("fuel_cost"), rel_tol=5e-3,
    sample=_fuel_sample,
    solution=lambda p: program(f"liters = {p['d']} * {lit(p['c'])} / 100", print_money(f"liters * {lit(p['price'])}")),
    truth=lambda p: float(p["d"] * F(p["c"]) / 100 * F(p["price"])),
    units=lambda p: "$",
    render=lambda p, rng: {
        "d": _q(p["d"], "km", rng),
        "price": phrasing.say_money(p["price"], rng),
        "c": phrasing.plain(p["c"]),
    },
)


def _payoff_sample(rng: random.Random) -> dict:
    while True:
        p = {
            "debt": rng.randint(5, 200) * 100,
            "r": rng.choice((6, 9, 12, 15, 18, 20, 24)),
            "pay": rng.choice((50, 75, 100, 150, 200, 250, 300, 400, 500, 750, 1000)),
        }
        interest = p["debt"] * p["r"] / 1200
        if p["pay"] > 1.25 * interest and p["debt"] / p["pay"] <= 150:
            return p


def _payoff_truth(p: dict) -> int:
    # Months n with balance (1+i)^n B − pay((1+i)^n − 1)/i ≤ 0: n = ceil(−log(1 − iB/pay) / log(1+i)).
    i = p["r"] / 1200
    return math.ceil(-math.log(1 - i * p["debt"] / p["pay"]) / math.log(1 + i))


PAYOFF_MONTHS = Family(
    name="payoff_months", stage="complex", **texts("payoff_months"), exact=True,
    sample=_payoff_sample, truth=_payoff_truth,
    solution=lambda p: program(
        f"balance = {float(p['debt'])!r}",
        "months = 0",
        "while balance > 0:",
        f"    balance = balance * (1 + {lit(p['r'] / 100)} / 12) - {p['pay']}",
        "    months += 1",
        "print(months)",
    ),
    units=lambda p: "months",
    render=lambda p, rng: {
        "money": phrasing.say_money(p["debt"], rng),
        "rate": phrasing.say_percent(p["r"], rng),
        "pay": phrasing.say_money(p["pay"], rng),
    },
)


# Straight-line programs state their plan; the month-by-month loops keep their own think steps.
FAMILIES = [
    *(stated(family) for family in (ENERGY_COST, FUEL_COST, COMPOUND_INTEREST, LOAN_PAYMENT)),
    SAVINGS_SIMULATION,
    PAYOFF_MONTHS,
]
