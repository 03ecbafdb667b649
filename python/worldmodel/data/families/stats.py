"""Statistics of a list (mean, median, mode, range, sum), simple probability (dice, coins, cards, marbles) and
body mass index."""

from __future__ import annotations

import math
import random
from collections import Counter
from fractions import Fraction

from worldmodel.data import phrasing
from worldmodel.data.families.plan import Plan, planned
from worldmodel.data.families.texts import texts
from worldmodel.data.spec import drawn_for_held_out

# (what the numbers are, unit word or "")
_LISTS = (
    ("my test scores", "points"),
    ("the daily high temperatures this week", "degrees"),
    ("the heights of five plants", "cm"),
    ("the prices of some books", "dollars"),
    ("the number of goals in each game", "goals"),
    ("the ages of the kids at a party", "years"),
    ("the number of pages I read each day", "pages"),
    ("the weights of some parcels", "kg"),
)
_STATISTIC_STEPS = {
    "mean": (("mean", "sum(values) / len(values)"),),
    "median": (("ordered", "sorted(values)"), ("middle", "len(ordered) // 2"),
               ("median", "(ordered[middle] + ordered[-middle - 1]) / 2")),
    "range": (("spread", "max(values) - min(values)"),),
    "sum": (("total", "sum(values)"),),
    "mode": (("counts", "[values.count(values[i]) for i in range(len(values))]", "how often each value appears"),
             ("mode", "values[counts.index(max(counts))]", "the value with the highest count")),
}
# The last name of each is kept for the held-out templates.
_STATISTIC_NAMES = {
    "mean": ("mean", "average", "arithmetic mean"),
    "median": ("median", "middle value", "value in the middle once sorted"),
    "range": ("range", "difference between the largest and smallest value", "spread from lowest to highest"),
    "sum": ("sum", "total", "result of adding them all up"),
    "mode": ("mode", "most common value", "value that appears most often"),
}


def _stat_name(p: dict, rng: random.Random) -> str:
    names = _STATISTIC_NAMES[p["kind"]]
    return names[-1] if drawn_for_held_out(STATISTICS_TEMPLATES, p) else rng.choice(names[:-1])


def _statistics_sample(rng: random.Random) -> dict:
    kind = rng.choice(list(_STATISTIC_STEPS))
    # The median and mode programs are long in WAT: their lists stay short to fit the row budget.
    count = rng.randint(4, 5) if kind in ("median", "mode") else rng.randint(4, 8)
    low = rng.choice((0, 10, 50, 100))
    values = [rng.randint(low, low + 60) for _ in range(count)]
    if kind == "mode":  # one value repeated most often, so the mode is unique
        counts = Counter(values)
        top = rng.choice(values)
        values += [top] * (max(counts.values()) - counts[top] + 1)
        rng.shuffle(values)
    return {"kind": kind, "values": values, "list": rng.choice(_LISTS)}


def _statistics_plan(p: dict) -> tuple[Plan, str]:
    plan = Plan()
    plan.given_list("values", p["values"])
    result = ""
    for name, expression, *shown in _STATISTIC_STEPS[p["kind"]]:
        result = plan.step(name, expression, *shown)
    return plan, result


def _statistics_truth(p: dict) -> float:
    values = sorted(p["values"])
    if p["kind"] == "mean":
        return float(Fraction(sum(values), len(values)))
    if p["kind"] == "median":
        n = len(values)
        return float(Fraction(values[(n - 1) // 2] + values[n // 2], 2))
    if p["kind"] == "range":
        return values[-1] - values[0]
    if p["kind"] == "sum":
        return sum(values)
    return Counter(values).most_common(1)[0][0]


def _values_text(values: list[int], rng: random.Random) -> str:
    said = [str(v) for v in values]
    return rng.choice((", ".join(said[:-1]) + " and " + said[-1], ", ".join(said), " ".join(said)))


STATISTICS_TEMPLATES = texts("list_statistics")["templates"]

STATISTICS = planned(
    name="list_statistics", stage="system", **texts("list_statistics"),
    rel_tol=1e-3, digits=lambda p: 2 if p["kind"] == "mean" else None,
    sample=_statistics_sample, plan=_statistics_plan, truth=_statistics_truth,
    render=lambda p, rng: {
        "values": _values_text(p["values"], rng),
        **phrasing.with_capitals(stat=_stat_name(p, rng)),
        "what": phrasing.capitalized(p["list"][0]),
        "what_lc": p["list"][0],
    },
)


# Probability: (question with slots, plan builder, exact truth); the answer as a decimal or a percentage.
def _probability_sample(rng: random.Random) -> dict:
    while True:
        kind = rng.choice(("die", "two_dice", "coins", "cards", "marbles", "two_marbles"))
        red, blue, green = rng.randint(2, 12), rng.randint(1, 12), rng.randint(0, 10)
        p = {"kind": kind, "face": rng.randint(1, 5), "total": rng.randint(2, 12), "flips": rng.randint(2, 6),
             "card": rng.choice(("heart", "king", "face card", "red card", "ace", "club")),
             "red": red, "blue": blue, "green": green, "percent": rng.random() < 0.4}
        # At least 2 %: the answer is rounded to 4 decimals (2 for percentages) and compared within rel_tol.
        if _probability_truth({**p, "percent": False}) >= 0.02:
            return p


_CARD_COUNTS = {"heart": 13, "king": 4, "face card": 12, "red card": 26, "ace": 4, "club": 13}


def _probability_plan(p: dict) -> tuple[Plan, str]:
    plan, kind = Plan(), p["kind"]
    if kind == "die":
        plan.given("above", p["face"], whole=True)
        plan.step("chance", "(6 - above) / 6")
    elif kind == "two_dice":
        plan.given("target", p["total"], f"sum {p['total']}", whole=True)
        plan.step("ways", "sum(1 for a in range(1, 7) for b in range(1, 7) if a + b == target)")
        plan.step("chance", "ways / 36")
    elif kind == "coins":
        plan.given("flips", p["flips"], f"{p['flips']} flips", whole=True)
        plan.step("chance", "1 / 2 ** flips")
    elif kind == "cards":
        plan.given("cards", _CARD_COUNTS[p["card"]], f"{_CARD_COUNTS[p['card']]} {p['card']}s", whole=True)
        plan.step("chance", "cards / 52")
    else:
        plan.given("red", p["red"], f"{p['red']} red", whole=True)
        plan.given("others", p["blue"] + p["green"], f"{p['blue'] + p['green']} not red", whole=True)
        plan.step("total", "red + others")
        if kind == "marbles":
            plan.step("chance", "red / total")
        else:
            plan.step("chance", "red / total * (red - 1) / (total - 1)")
    if p["percent"]:
        return plan, plan.step("percent", "chance * 100")
    return plan, "chance"


def _probability_truth(p: dict) -> float:
    kind = p["kind"]
    if kind == "die":
        value = Fraction(sum(1 for f in range(1, 7) if f > p["face"]), 6)
    elif kind == "two_dice":
        value = Fraction(6 - abs(p["total"] - 7), 36)
    elif kind == "coins":
        value = Fraction(1, 2 ** p["flips"])
    elif kind == "cards":
        value = Fraction(_CARD_COUNTS[p["card"]], 52)
    else:
        total = p["red"] + p["blue"] + p["green"]
        value = Fraction(p["red"], total)
        if kind == "two_marbles":
            value = Fraction(math.comb(p["red"], 2), math.comb(total, 2))
    return float(value * 100 if p["percent"] else value)


def _a(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def _probability_render(p: dict, rng: random.Random) -> dict:
    kind = p["kind"]
    if drawn_for_held_out(PROBABILITY_TEMPLATES, p):  # the test split asks in words no training row uses
        question = {
            "die": f"What are the chances that a fair die shows a number bigger than {p['face']}",
            "two_dice": f"If I throw a pair of dice, how likely is a total of {p['total']}",
            "coins": f"How likely is it that {p['flips']} tosses of a fair coin all come up heads",
            "cards": f"If you pull a random card from a full deck of 52, how likely is it to be {_a(p['card'])}",
            "marbles": f"There are {p['red']} red, {p['blue']} blue and {p['green']} green marbles in a jar. How likely is a random pick to be red",
            "two_marbles": f"A jar holds {p['red']} red, {p['blue']} blue and {p['green']} green marbles. I take out two, one after the other, without replacing. How likely is it that both are red",
        }[kind]
    else:
        question = {
            "die": f"I roll a fair six-sided die. What is the probability of getting more than {p['face']}",
            "two_dice": f"Two fair dice are rolled. What is the probability that they add up to {p['total']}",
            "coins": f"A fair coin is flipped {p['flips']} times. What is the probability of getting heads every time",
            "cards": f"One card is drawn from a standard 52-card deck. What is the probability that it is {_a(p['card'])}",
            "marbles": f"A bag has {p['red']} red, {p['blue']} blue and {p['green']} green marbles. If I pick one at random, what is the probability it is red",
            "two_marbles": f"A bag has {p['red']} red, {p['blue']} blue and {p['green']} green marbles. Two are drawn without putting the first back. What is the probability both are red",
        }[kind]
    form = rng.choice(("as a percentage", "in percent")) if p["percent"] else rng.choice(("as a decimal", "as a decimal number"))
    return {"question": question, "form": form}


PROBABILITY_TEMPLATES = texts("probability")["templates"]

PROBABILITY = planned(
    name="probability", stage="complex", **texts("probability"),
    rel_tol=5e-3, digits=lambda p: 2 if p["percent"] else 4,
    sample=_probability_sample, plan=_probability_plan, truth=_probability_truth, render=_probability_render,
    units=lambda p: "%" if p["percent"] else None,
)


def _bmi_sample(rng: random.Random) -> dict:
    return {"kg": round(rng.uniform(40, 130), rng.choice((0, 1))), "cm": rng.randint(145, 200), "metric": rng.random() < 0.5}


def _bmi_plan(p: dict) -> tuple[Plan, str]:
    plan = Plan()
    plan.given("weight", p["kg"], f"{phrasing.plain(p['kg'])} kg")
    if p["metric"]:
        plan.given("height", p["cm"] / 100, f"{phrasing.plain(p['cm'] / 100)} m")
    else:
        plan.given("centimeters", p["cm"], f"{p['cm']} cm")
        plan.step("height", "centimeters / 100")
    return plan, plan.step("bmi", "weight / height ** 2")


BMI = planned(
    name="body_mass_index", stage="system", **texts("body_mass_index"), rel_tol=5e-3, digits=1,
    sample=_bmi_sample, plan=_bmi_plan,
    truth=lambda p: float(Fraction(str(p["kg"])) / (Fraction(p["cm"], 100) ** 2)),
    render=lambda p, rng: {
        "kg": phrasing.say_quantity(int(p["kg"]) if float(p["kg"]).is_integer() else p["kg"], "kg", rng),
        "height": phrasing.say_quantity(p["cm"] / 100, "m", rng) if p["metric"] else phrasing.say_quantity(p["cm"], "cm", rng),
    },
)

FAMILIES = [STATISTICS, PROBABILITY, BMI]
