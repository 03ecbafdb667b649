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
    name="energy_cost",
    stage="complex",
    templates=(
        "A {w} heater runs {h} hours a day for {d} days. Electricity costs {price} per kWh. What is the cost?",
        "How much does it cost to run a {w} appliance for {h} hours a day over {d} days at {price} per kWh?",
        "My {w} PC is on {h} h per day. At {price}/kWh, what do I pay over {d} days?",
        "Electricity is {price} per kWh. A {w} fridge compressor runs {h} hours daily. Cost for {d} days?",
        "Find the energy bill: {w} device, {h} hours per day, {d} days, {price} per kilowatt-hour.",
        "A {w} lamp burns {h} hours every day for {d} days. With power at {price} per kWh, how much does that cost?",
        "What's the cost of {d} days of a {w} fan running {h} hours a day if 1 kWh costs {price}?",
        "At {price} per kWh, how much does a {w} space heater cost to run {h} hours a day for {d} days?",
        "Running cost: {w}, {h} h/day, {d} days, electricity {price} per kWh.",
        "My {w} aquarium pump runs {h} hours a day. Electricity costs {price} per kWh. What do {d} days cost?",
        "What does it cost to run a {w} heater {h} hours a day for {d} days at {price} per kWh?",
        "A {w} air conditioner runs {h} hours each day for {d} days. Power costs {price} per kWh. Total cost?",
        "Electricity costs {price} per kWh. How much for {d} days of a {w} device used {h} hours a day?",
        "Cost of electricity: a {w} machine, {h} hours daily, {d} days, {price}/kWh?",
    ),
    sample=_energy_cost_sample,
    solution=lambda p: program(f"kwh = {p['w']} / 1000 * {p['h']} * {p['d']}", print_money(f"kwh * {lit(p['price'])}")),
    truth=lambda p: float(Fraction(p["w"], 1000) * p["h"] * p["d"] * F(p["price"])),
    think=(
        "Energy in kWh is kilowatts times hours; multiply by the price.",
        "Convert watts to kW, multiply by total hours, then by the price.",
    ),
    finals=("It costs {q}.", "{q}.", "The cost is {q}.", "You pay {q}.", "That's {q}."),
    units=lambda p: "$",
    render=lambda p, rng: {"w": _q(p["w"], "W", rng), "price": phrasing.say_money(p["price"], rng)},
    rel_tol=5e-3,
    refusals=(
        (
            "A {w} heater runs {h} hours a day for {d} days. What is the cost?",
            "I need the electricity price. How much do you pay per kWh?",
        ),
    ),
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
    name="compound_interest",
    stage="complex",
    templates=(
        "I invest {money} at {rate} a year, compounded {freq}. How much do I have after {years} years?",
        "What is {money} worth after {years} years at {rate} annual interest compounded {freq}?",
        "A deposit of {money} earns {rate} per year, compounded {freq}. Balance after {years} years?",
        "Compound interest: principal {money}, rate {rate}, compounded {freq}, {years} years. Final amount?",
        "If my savings of {money} grow at {rate} compounded {freq}, what will they be in {years} years?",
        "Calculate the future value of {money} at {rate} for {years} years, compounding {freq}.",
        "My grandma put {money} in a bank at {rate} interest compounded {freq}. What is it after {years} years?",
        "How much will {money} become in {years} years with {rate} yearly interest, compounded {freq}?",
        "{money} sits in an account at {rate} per year, compounded {freq}, for {years} years. What is the final balance?",
        "Find the amount after {years} years: {money} invested at {rate} compounded {freq}.",
    ),
    sample=_interest_sample,
    solution=lambda p: program(
        f"principal = {lit(p['p'])}",
        f"rate = {lit(p['r'] / 100)}",
        f"n = {p['n']}",
        f"years = {p['years']}",
        print_money("principal * (1 + rate / n) ** (n * years)"),
    ),
    truth=lambda p: float(F(p["p"]) * (1 + F(p["r"]) / 100 / p["n"]) ** (p["n"] * p["years"])),
    think=("Use A = P (1 + r/n)^(n t).", "Compound the principal n times a year for the given years."),
    finals=("You'll have {q}.", "{q}.", "The balance is {q}.", "It grows to {q}.", "That's {q}."),
    units=lambda p: "$",
    render=lambda p, rng: {
        "money": phrasing.say_money(p["p"], rng),
        "rate": phrasing.say_percent(p["r"], rng),
        "freq": rng.choice(_COMPOUNDING[p["n"]]),
        "years": phrasing.say_number(p["years"], rng),
    },
    refusals=(
        (
            "I invest {money} compounded {freq}. How much do I have after {years} years?",
            "What interest rate does the investment earn? I need it to compute the balance.",
        ),
    ),
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
    name="loan_payment",
    stage="complex",
    templates=(
        "What is the monthly payment on a {money} loan at {rate} a year over {years} years?",
        "I borrow {money} for {years} years at {rate} annual interest. What do I pay each month?",
        "Mortgage of {money}, {rate} per year, {years}-year term. Monthly payment?",
        "Compute the monthly installment for {money} borrowed at {rate} for {years} years.",
        "A car loan of {money} at {rate} APR is repaid monthly over {years} years. How much per month?",
        "How much is each monthly payment if I take a {money} loan at {rate} interest for {years} years?",
        "Find the fixed monthly payment: principal {money}, annual rate {rate}, {years} years.",
        "I want to borrow {money} over {years} years. The bank charges {rate} a year. What will my monthly payment be?",
        "Monthly repayment for a {years}-year loan of {money} at {rate}?",
        "Loan: {money}. Rate: {rate} per year. Term: {years} years. Payment per month?",
    ),
    sample=_loan_sample,
    solution=lambda p: program(
        f"principal = {p['p']}",
        f"r = {real(p['r'])} / 100 / 12",
        f"n = {p['years']} * 12",
        print_money("principal * r / (1 - (1 + r) ** -n)"),
    ),
    truth=_loan_truth,
    think=(
        "Use the annuity formula with the monthly rate and number of months.",
        "Payment = P r / (1 - (1 + r)^-n) with monthly r.",
    ),
    finals=(
        "You pay {q} a month.",
        "{q} per month.",
        "The monthly payment is {q}.",
        "About {q} each month.",
        "It's {q} monthly.",
    ),
    units=lambda p: "$",
    render=lambda p, rng: {"money": phrasing.say_money(p["p"], rng), "rate": phrasing.say_percent(p["r"], rng)},
    refusals=(
        (
            "What is the monthly payment on a {money} loan over {years} years?",
            "What's the interest rate on the loan? The payment depends on it.",
        ),
    ),
)

def _savings_sample(rng: random.Random) -> dict:
    return {
        "deposit": rng.choice((25, 50, 100, 150, 200, 250, 300, 500, rng.randint(10, 1000))),
        "r": rng.choice((1, 2, 3, 4, 5, 6)),
        "months": rng.randint(3, 120),
    }


SAVINGS_SIMULATION = Family(
    name="savings_simulation",
    stage="complex",
    templates=(
        "I deposit {money} at the end of every month into an account paying {rate} a year, compounded monthly. How much is there after {months} months?",
        "Each month I add {money} to savings earning {rate} annual interest (monthly compounding). Balance after {months} months?",
        "Starting from zero, I save {money} monthly at {rate} per year, compounded monthly. What do I have after {months} months?",
        "Simulate {months} months of saving {money} a month with {rate} yearly interest paid monthly. Final balance?",
        "A savings plan: {money} per month, {rate} annual rate compounded monthly, {months} months. How much at the end?",
        "If I put away {money} every month for {months} months and the bank pays {rate} a year monthly, what's my balance?",
        "Monthly deposits of {money}, interest {rate} per year compounded monthly. Total after {months} months?",
        "Every month I transfer {money} into savings that earn {rate} a year, compounded monthly. How much will I have after {months} months?",
        "Balance after {months} monthly deposits of {money} at {rate} per year (compounded monthly)?",
        "What does saving {money} a month for {months} months at {rate} annual interest, compounded monthly, add up to?",
        "I save {money} every month for {months} months. The account pays {rate} a year, compounded monthly. Final balance?",
        "Monthly savings of {money}, {rate} annual interest compounded monthly. What's the balance after {months} months?",
        "How much will I have if I deposit {money} at the end of each month for {months} months at {rate} per year, compounded monthly?",
        "Saving {money} a month into an account with {rate} yearly interest, paid monthly. How much after {months} months?",
        "Run {months} months of {money} monthly deposits at {rate} a year (monthly compounding). What's in the account?",
        "Starting with nothing, put {money} in every month at {rate} annual interest compounded monthly. Balance after {months} months?",
    ),
    sample=_savings_sample,
    solution=lambda p: program(
        "balance = 0.0",
        f"for month in range({p['months']}):",
        f"    balance = balance * (1 + {lit(p['r'] / 100)} / 12) + {p['deposit']}",
        print_money("balance"),
    ),
    # Closed form of the annuity: deposit · ((1 + i)^n − 1) / i.
    truth=lambda p: float(p["deposit"] * ((1 + F(p["r"]) / 1200) ** p["months"] - 1) / (F(p["r"]) / 1200)),
    think=(
        "Each month add interest, then the deposit; repeat for every month.",
        "Loop over the months: grow the balance and deposit.",
    ),
    finals=("You'll have {q}.", "{q}.", "The balance is {q}.", "It reaches {q}.", "That's {q}."),
    units=lambda p: "$",
    render=lambda p, rng: {
        "money": phrasing.say_money(p["deposit"], rng),
        "rate": phrasing.say_percent(p["r"], rng),
        "months": phrasing.say_number(p["months"], rng),
    },
    refusals=(
        (
            "I deposit {money} every month into an account paying {rate} a year. How much will I have?",
            "After how long? Tell me the number of months (or years) and I'll compute the balance.",
        ),
    ),
)


def _fuel_sample(rng: random.Random) -> dict:
    return {"d": rng.randint(20, 1500), "c": round(rng.uniform(4, 14), 1), "price": round(rng.uniform(1.1, 2.4), 2)}


FUEL_COST = Family(
    name="fuel_cost",
    stage="complex",
    templates=(
        "My car uses {c} L per 100 km and fuel costs {price} per liter. What does a trip of {d} cost?",
        "A {d} drive in a car that burns {c} liters per 100 km, with gas at {price} a liter. Fuel cost?",
        "How much fuel money do I need for {d} if the car does {c} L/100 km and a liter is {price}?",
        "Fuel consumption {c} L/100 km, distance {d}, price {price} per liter. Total cost?",
        "We're driving {d} to the coast. The van uses {c} liters every 100 km and diesel is {price} per liter. "
        "What will the fuel cost?",
        "Compute the fuel cost of driving {d} at {c} L/100km with fuel at {price}/L.",
        "If petrol is {price} per liter and my 5-seat car averages {c} L per 100 km, what does {d} of driving cost?",
        "What do I spend on fuel to cover {d}, using {c} L per 100 km at {price} per liter?",
        "Trip cost for fuel: {d}, {c} liters per hundred kilometers, {price} per liter.",
    ),
    sample=_fuel_sample,
    solution=lambda p: program(f"liters = {p['d']} * {lit(p['c'])} / 100", print_money(f"liters * {lit(p['price'])}")),
    truth=lambda p: float(p["d"] * F(p["c"]) / 100 * F(p["price"])),
    think=(
        "Liters used are distance times consumption over 100; multiply by the price.",
        "Find the liters, then the cost.",
    ),
    finals=("The fuel costs {q}.", "{q}.", "About {q}.", "You'll spend {q} on fuel.", "That's {q}."),
    units=lambda p: "$",
    render=lambda p, rng: {
        "d": _q(p["d"], "km", rng),
        "price": phrasing.say_money(p["price"], rng),
        "c": phrasing.plain(p["c"]),
    },
    rel_tol=5e-3,
    refusals=(
        (
            "My car uses {c} L per 100 km. What does a trip of {d} cost?",
            "I need the fuel price too. How much does a liter cost where you are?",
        ),
    ),
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
    name="payoff_months",
    stage="complex",
    templates=(
        "I owe {money} on a credit card at {rate} a year, charged monthly, and pay {pay} a month. "
        "How many months until it's paid off?",
        "A debt of {money} grows at {rate} per year (monthly interest). Paying {pay} each month, how many months to clear it?",
        "How long, in months, to repay {money} at {rate} annual interest with monthly payments of {pay}?",
        "Simulate paying off {money}: interest {rate} a year applied monthly, payment {pay} per month. Number of months?",
        "My student loan is {money} at {rate} yearly, compounded monthly. If I pay {pay} a month, when is it gone?",
        "Count the months to pay down a {money} balance at {rate} APR with {pay} monthly payments.",
        "If I put {pay} a month toward a {money} loan charging {rate} a year, how many payments will it take?",
        "Balance {money}, rate {rate} per year monthly, payment {pay}/month: months until zero?",
        "I have a {money} debt at {rate} a year, charged monthly. Paying {pay} a month, how many months until I'm debt free?",
        "Months to pay off {money} with {pay} monthly payments at {rate} per year?",
        "Run the repayment of a {money} loan at {rate} yearly interest (monthly) with {pay} per month. How many months does it take?",
        "A {money} card balance charges {rate} a year monthly. I pay {pay} each month. How many months to reach zero?",
    ),
    sample=_payoff_sample,
    solution=lambda p: program(
        f"balance = {float(p['debt'])!r}",
        "months = 0",
        "while balance > 0:",
        f"    balance = balance * (1 + {lit(p['r'] / 100)} / 12) - {p['pay']}",
        "    months += 1",
        "print(months)",
    ),
    truth=_payoff_truth,
    think=(
        "Each month add the interest and subtract the payment; count months until the balance is gone.",
        "Loop month by month until the balance reaches zero.",
    ),
    finals=(
        "It takes {q}.",
        "{q}.",
        "About {q}.",
        "You'll be done after {q}.",
        "After {q}.",
    ),
    units=lambda p: "months",
    render=lambda p, rng: {
        "money": phrasing.say_money(p["debt"], rng),
        "rate": phrasing.say_percent(p["r"], rng),
        "pay": phrasing.say_money(p["pay"], rng),
    },
    exact=True,
    refusals=(
        (
            "I owe {money} on a credit card at {rate} a year. How many months until it's paid off?",
            "That depends on how much you pay each month. What's your monthly payment?",
        ),
    ),
)


# Straight-line programs state their plan; the month-by-month loops keep their own think steps.
FAMILIES = [
    *(stated(family) for family in (ENERGY_COST, FUEL_COST, COMPOUND_INTEREST, LOAN_PAYMENT)),
    SAVINGS_SIMULATION,
    PAYOFF_MONTHS,
]
