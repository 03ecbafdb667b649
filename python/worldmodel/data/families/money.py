"""Percentages of money and quantities: a new value after a change, the percentage change from an old to a
new value (with its sign and base), the original before a discount, and tips, tax and discounts."""

from __future__ import annotations

import random
from fractions import Fraction

from worldmodel.data import phrasing
from worldmodel.data.families.plan import Plan, planned
from worldmodel.data.families.texts import texts
from worldmodel.data.spec import drawn_for_held_out

# What changes: (noun, money?).
_SUBJECTS = (
    ("the price of a jacket", True),
    ("a monthly rent", True),
    ("my salary", True),
    ("the price of a laptop", True),
    ("a town's population", False),
    ("the number of visitors to a website", False),
    ("a stock price", True),
    ("the number of students at a school", False),
    ("a bus fare", True),
    ("the price of a coffee", True),
)


def _percent_sample(rng: random.Random) -> dict:
    subject, money = rng.choice(_SUBJECTS)
    old = rng.choice((rng.randint(20, 2000), round(rng.uniform(2, 500), 2))) if money else rng.randint(200, 90000)
    rate = rng.choice((5, 10, 12, 15, 20, 25, 30, 40, 50, rng.randint(1, 90)))
    up = rng.random() < 0.5
    new = float(Fraction(str(old)) * (100 + (rate if up else -rate)) / 100)
    new = round(new, 2) if money else round(new)
    return {"kind": rng.choice(("new", "new", "change", "by_how_much", "original")), "subject": subject,
            "money": money, "old": old, "new": new, "rate": rate, "up": up}


def _percent_plan(p: dict) -> tuple[Plan, str]:
    plan = Plan()
    said = (lambda x: f"${phrasing.plain(x)}") if p["money"] else phrasing.plain
    kind, sign = p["kind"], "+" if p["up"] else "-"
    if kind == "new":
        plan.given("old", p["old"], said(p["old"]))
        plan.given("rate", p["rate"])
        return plan, plan.step("new", f"old * (1 {sign} rate / 100)", f"{said(p['old'])} × (1 {sign.replace('-', '−')} {p['rate']} ÷ 100)")
    if kind == "original":
        plan.given("new", p["new"], said(p["new"]))
        plan.given("rate", p["rate"])
        return plan, plan.step("original", f"new / (1 {sign} rate / 100)", f"{said(p['new'])} ÷ (1 {sign.replace('-', '−')} {p['rate']} ÷ 100)")
    plan.given("old", p["old"], said(p["old"]))
    plan.given("new", p["new"], said(p["new"]))
    if kind == "change":  # signed: a fall is negative
        return plan, plan.step("change", "(new - old) / old * 100")
    return plan, plan.step("increase" if p["up"] else "decrease", "(new - old) / old * 100" if p["up"] else "(old - new) / old * 100")


def _percent_truth(p: dict) -> float:
    old, new, rate = Fraction(str(p["old"])), Fraction(str(p["new"])), Fraction(p["rate"])
    factor = (100 + rate if p["up"] else 100 - rate) / 100
    if p["kind"] == "new":
        return float(old * factor)
    if p["kind"] == "original":
        return float(new / factor)
    change = (new - old) / old * 100
    return float(change if p["kind"] == "change" else abs(change))


def _percent_render(p: dict, rng: random.Random) -> dict:
    say = (lambda x: phrasing.say_money(x, rng)) if p["money"] else (lambda x: phrasing.say_number(x, rng))
    pc = phrasing.say_percent(p["rate"], rng)
    went = rng.choice(("rose", "went up", "increased")) if p["up"] else rng.choice(("fell", "dropped", "decreased"))
    subject = p["subject"]
    if drawn_for_held_out(PERCENT_TEMPLATES, p):  # the test split words the change its own way
        story, ask = {
            "new": (f"{phrasing.capitalized(subject)} used to be {say(p['old'])}, and then it {went} {pc}.", "what is the new value"),
            "original": (f"{phrasing.capitalized(subject)} is {say(p['new'])} now, which is {pc} {'more' if p['up'] else 'less'} than before.",
                         "what was the original value"),
            "change": (f"Last year {subject} was {say(p['old'])}; this year it is {say(p['new'])}.",
                       "what is the percent change, with a minus sign if it went down"),
            "by_how_much": (f"{phrasing.capitalized(subject)} went from {say(p['old'])} down to {say(p['new'])}." if not p["up"]
                            else f"{phrasing.capitalized(subject)} went from {say(p['old'])} up to {say(p['new'])}.",
                            f"what percentage {'increase' if p['up'] else 'decrease'} is that"),
        }[p["kind"]]
        return _story_slots(story, ask)
    if p["kind"] == "new":
        story = f"{phrasing.capitalized(subject)} was {say(p['old'])} and {went} by {pc}."
        ask = "what is it now"
    elif p["kind"] == "original":
        story = f"After it {went} by {pc}, {subject} is {say(p['new'])}."
        ask = "what was it before the change"
    elif p["kind"] == "change":
        story = f"{phrasing.capitalized(subject)} changed from {say(p['old'])} to {say(p['new'])}."
        ask = rng.choice(("what is the percentage change", "what is the percent change (negative for a fall)"))
    else:
        story = f"{phrasing.capitalized(subject)} {went} from {say(p['old'])} to {say(p['new'])}."
        ask = f"by what percent did it {'increase' if p['up'] else 'decrease'}"
    return _story_slots(story, ask)


def _story_slots(story: str, ask: str) -> dict:
    """The slots of the story templates: the story, and its question lower-case ({ask}) and capitalised ({Ask})."""
    return {"story": story, **phrasing.with_capitals(ask=ask)}


PERCENT_TEMPLATES = texts("percent_change")["templates"]

PERCENT_CHANGE = planned(
    name="percent_change", stage="basic", **texts("percent_change"), rel_tol=5e-3, digits=2,
    sample=_percent_sample, plan=_percent_plan, truth=_percent_truth, render=_percent_render,
    units=lambda p: "%" if p["kind"] in ("change", "by_how_much") else "$" if p["money"] else None,
)


# Tips, tax and discounts on a bill.
def _bill_sample(rng: random.Random) -> dict:
    return {
        "kind": rng.choice(("tip", "total_with_tip", "split", "tax", "sale", "sale_then_tax", "saved")),
        "bill": rng.choice((rng.randint(10, 300), round(rng.uniform(8, 250), 2))),
        "tip": rng.choice((10, 12, 15, 18, 20, 22, 25)),
        "tax": rng.choice((5, 6, 7, 7.5, 8, 8.25, 9, 10, 13, 20)),
        "off": rng.choice((10, 15, 20, 25, 30, 40, 50)),
        "people": rng.randint(2, 8),
    }


def _bill_plan(p: dict) -> tuple[Plan, str]:
    plan, kind = Plan(), p["kind"]
    plan.given("bill", p["bill"], f"${phrasing.plain(p['bill'])}")
    if kind in ("tip", "total_with_tip", "split"):
        plan.given("tip_rate", p["tip"])
        tip = plan.step("tip", "bill * tip_rate / 100")
        if kind == "tip":
            return plan, tip
        total = plan.step("total", "bill + tip")
        if kind == "total_with_tip":
            return plan, total
        plan.given("people", p["people"], f"{p['people']} people", whole=True)
        return plan, plan.step("each", "total / people")
    if kind == "tax":
        plan.given("tax_rate", p["tax"])
        return plan, plan.step("total", "bill * (1 + tax_rate / 100)")
    plan.given("discount", p["off"])
    if kind == "saved":
        return plan, plan.step("saved", "bill * discount / 100")
    sale = plan.step("sale", "bill * (1 - discount / 100)")
    if kind == "sale":
        return plan, sale
    plan.given("tax_rate", p["tax"])
    return plan, plan.step("total", "sale * (1 + tax_rate / 100)")


def _bill_truth(p: dict) -> float:
    bill = Fraction(str(p["bill"]))
    tip, tax, off = Fraction(p["tip"], 100), Fraction(str(p["tax"])) / 100, Fraction(p["off"], 100)
    return float({
        "tip": bill * tip,
        "total_with_tip": bill * (1 + tip),
        "split": bill * (1 + tip) / p["people"],
        "tax": bill * (1 + tax),
        "sale": bill * (1 - off),
        "sale_then_tax": bill * (1 - off) * (1 + tax),
        "saved": bill * off,
    }[p["kind"]])


def _bill_render(p: dict, rng: random.Random) -> dict:
    money = phrasing.say_money(p["bill"], rng)
    tip, tax, off = (phrasing.say_percent(p[k], rng) for k in ("tip", "tax", "off"))
    # Each kind told two ways (story, question): for training, and the test split's own (held-out templates).
    told = {
        "tip": ((f"Our dinner bill is {money}.", f"how much is a {tip} tip"),
                (f"I want to tip {tip} on a {money} meal.", "how much should the tip be")),
        "total_with_tip": ((f"The bill at a restaurant comes to {money} and we leave a {tip} tip.", "how much do we pay in total"),
                           (f"Lunch was {money} and I add a {tip} tip.", "what's the total")),
        "split": ((f"Dinner for {p['people']} costs {money} before a {tip} tip. We split the total, tip included, evenly.",
                   "how much does each person pay"),
                  (f"{p['people']} friends share a {money} check and add {tip} for the tip.", "what is each friend's share")),
        "tax": ((f"A bike costs {money} before tax, and sales tax is {tax}.", "what is the price with tax"),
                (f"I buy a {money} item and sales tax is {tax}.", "what is the final price")),
        "sale": ((f"A pair of shoes costs {money} and is on sale for {off} off.", "what is the sale price"),
                 (f"A {money} jacket is marked down {off}.", "what does it cost now")),
        "sale_then_tax": ((f"A lamp is priced at {money}. It is {off} off, and then {tax} sales tax is added to the sale price.",
                           "what do I pay at the register"),
                          (f"A {money} chair gets {off} off, then {tax} tax is charged on the reduced price.",
                           "what is the total at checkout")),
        "saved": ((f"A coat costs {money} and the store takes {off} off.", "how much money do I save"),
                  (f"A {money} phone is discounted by {off}.", "how many dollars is the discount")),
    }[p["kind"]]
    story, ask = told[1] if drawn_for_held_out(BILL_TEMPLATES, p) else told[0]
    return _story_slots(story, ask)


BILL_TEMPLATES = texts("tips_tax_discount")["templates"]

TIPS_TAX_DISCOUNT = planned(
    name="tips_tax_discount", stage="system", **texts("tips_tax_discount"), rel_tol=5e-3, money=True,
    sample=_bill_sample, plan=_bill_plan, truth=_bill_truth, render=_bill_render,
    units=lambda p: "$",
)

FAMILIES = [PERCENT_CHANGE, TIPS_TAX_DISCOUNT]
