"""Everyday multi-step problems: shopping with change from a bill, pooling then sharing, two-step arithmetic
("add two numbers, then divide"), rates over time, and questions about one of several quantities.
"""

from __future__ import annotations

import random
from fractions import Fraction

from worldmodel.data import phrasing
from worldmodel.data.families.plan import Plan, planned
from worldmodel.data.families.story import FINALS, FRAMES, Ask, join_clauses, people, person, slots_for, variable
from worldmodel.data.families.texts import texts
from worldmodel.data.spec import real

# (plural, singular, program name, lowest and highest price)
GOODS = (
    ("notebooks", "notebook", "notebooks", 1.5, 6),
    ("pens", "pen", "pens", 0.5, 3),
    ("apples", "apple", "apples", 0.3, 1.2),
    ("sandwiches", "sandwich", "sandwiches", 3, 8),
    ("juice boxes", "juice box", "juice", 0.8, 2.5),
    ("T-shirts", "T-shirt", "shirts", 8, 25),
    ("comic books", "comic book", "comics", 2, 9),
    ("candles", "candle", "candles", 1, 7),
    ("muffins", "muffin", "muffins", 1, 4),
    ("bus tickets", "bus ticket", "tickets", 1.5, 4),
    ("bottles of water", "bottle of water", "water", 0.5, 2),
    ("movie tickets", "movie ticket", "movie_tickets", 8, 15),
    ("pounds of bananas", "pound of bananas", "bananas", 0.5, 1.5),
    ("packs of gum", "pack of gum", "gum", 0.75, 2),
    ("ice creams", "ice cream", "ice_creams", 2, 5),
)
BILLS = (5, 10, 20, 50, 100)


def _price(rng: random.Random, low: float, high: float) -> float:
    return round(round(rng.uniform(low, high) * 4) / 4, 2) if rng.random() < 0.6 else round(rng.uniform(low, high), 2)


def _shopping_sample(rng: random.Random) -> dict:
    while True:
        goods = rng.sample(GOODS, rng.choice((2, 2, 3)))
        counts = [rng.randint(1, 8) for _ in goods]
        prices = [max(g[3], _price(rng, g[3], g[4])) for g in goods]
        total = sum(Fraction(str(pr)) * n for pr, n in zip(prices, counts))
        bills = [b for b in BILLS if b > total]
        if bills:
            break
    return {
        "goods": goods,
        "counts": counts,
        "prices": prices,
        "bill": rng.choice(bills[:2]),
        "ask_change": rng.random() < 0.7,
        "who": person(rng),
    }


def _shopping_plan(p: dict) -> tuple[Plan, str]:
    plan = Plan()
    names = []
    for good, n, price in zip(p["goods"], p["counts"], p["prices"]):
        names.append(plan.step(good[2], f"{n} * {real(price)}", f"{n} × ${price:.2f}"))
    total = plan.step("total", " + ".join(names))
    if not p["ask_change"]:
        return plan, total
    return plan, plan.step("change", f"{real(p['bill'])} - total", f"${p['bill']} − total")


def _shopping_truth(p: dict) -> float:
    total = sum(Fraction(str(pr)) * n for pr, n in zip(p["prices"], p["counts"]))
    return float(p["bill"] - total if p["ask_change"] else total)


def _shopping_render(p: dict, rng: random.Random) -> dict:
    who = p["who"]
    items = []
    for good, n, price in zip(p["goods"], p["counts"], p["prices"]):
        said = phrasing.say_money(price, rng)
        noun = good[1] if n == 1 else good[0]
        number = phrasing.say_number(n, rng)
        items.append(rng.choice((f"{number} {noun} at {said} each", f"{number} {noun} for {said} each", f"{number} {noun} ({said} each)")))
    buys = who.third("buy", "buys")
    story = f"{who.name} {buys} {join_clauses(items)}."
    clause = f"{who.name} {buys} {join_clauses(items)}"
    if p["ask_change"]:
        pays = who.third("pay", "pays")
        bill = rng.choice((f"a ${p['bill']} bill", f"${p['bill']}", f"a {p['bill']}-dollar bill"))
        story += f" {phrasing.capitalized(who.pronoun)} {pays} with {bill}."
        clause += f" and {pays} with {bill}"
        ask = Ask("how much change", who.name, "get", "gets", rng.choice(("", "back")))
    else:
        ask = Ask("how much", who.name, "spend", "spends", rng.choice(("in total", "altogether", "")))
    return {**slots_for(story, clause, ask, rng), "name": who.name, "things": p["goods"][0][0], "others": p["goods"][1][0]}


SHOPPING_CHANGE = planned(
    name="shopping_change", stage="complex", **texts("shopping_change"), templates=FRAMES, rel_tol=1e-3, money=True,
    sample=_shopping_sample, plan=_shopping_plan, truth=_shopping_truth, render=_shopping_render,
    units=lambda p: "$",
)


# Pool then share: two or three people put their things together and share them equally.
def _pool_sample(rng: random.Random) -> dict:
    count = rng.choice((2, 2, 3))
    share = rng.randint(2, 9)
    while True:
        total = share * rng.randint(3, 40)
        parts = sorted(rng.sample(range(1, total), count - 1))
        amounts = [b - a for a, b in zip([0, *parts], [*parts, total])]
        if min(amounts) >= 2:
            break
    return {
        "people": people(rng, count),
        "amounts": amounts,
        "share": share,
        "into": rng.choice(("friends", "friends", "bags", "kids", "boxes")),
        "thing": rng.choice(("stickers", "marbles", "cookies", "cards", "candies", "shells", "coins")),
    }


def _pool_plan(p: dict) -> tuple[Plan, str]:
    plan = Plan()
    names = [plan.given(variable(who.name), n, f"{n} {p['thing']}", whole=True) for who, n in zip(p["people"], p["amounts"])]
    plan.given(p["into"], p["share"], f"{p['share']} {p['into']}", whole=True)
    plan.step("together", " + ".join(names))
    return plan, plan.step("each", f"together // {p['into']}")


def _pool_render(p: dict, rng: random.Random) -> dict:
    t = p["thing"]
    haves = [f"{who.name} has {n}" for who, n in zip(p["people"], p["amounts"])]
    haves[0] += f" {t}"
    group = join_clauses([who.name for who in p["people"]])
    into = p["into"]
    if into in ("bags", "boxes"):
        split = rng.choice((f"divide them equally into {p['share']} {into}", f"pack them evenly into {p['share']} {into}"))
    else:
        split = rng.choice((f"share them equally among {p['share']} {into}", f"split them evenly between {p['share']} {into}"))
    story = f"{join_clauses(haves)}. They put them together and {split}."
    clause = f"{join_clauses(haves)} and they {split}"
    receiver = "each " + {"friends": "friend", "bags": "bag", "kids": "kid", "boxes": "box"}[into]
    ask = Ask(f"how many {t}", receiver, "get", "gets")
    return {**slots_for(story, clause, ask, rng), "group": group, "things": t}


POOL_AND_SHARE = planned(
    name="pool_and_share", stage="basic", **texts("pool_and_share"), templates=FRAMES, finals=FINALS, exact=True,
    sample=_pool_sample, plan=_pool_plan, render=_pool_render,
    truth=lambda p: int(Fraction(sum(p["amounts"]), p["share"])),
)


# Two-step arithmetic said in words: "Add 45 and 27, then divide the result by 8."
_FIRST = {
    "+": (("Add {a} and {b}", "Take the sum of {a} and {b}", "Add {b} to {a}"), "total"),
    "-": (("Subtract {b} from {a}", "Take {b} away from {a}", "Find {a} minus {b}"), "difference"),
    "*": (("Multiply {a} by {b}", "Take the product of {a} and {b}", "Multiply {a} and {b}"), "product"),
    "/": (("Divide {a} by {b}", "Take {a} divided by {b}", "Split {a} into {b} equal parts"), "quotient"),
}
_SECOND = {
    "+": ("then add {c}", "and then add {c} to that", "then add {c} to the result"),
    "-": ("then subtract {c}", "and then take away {c}", "then subtract {c} from the result"),
    "*": ("then multiply by {c}", "and then multiply the result by {c}", "then times it by {c}"),
    "/": ("then divide by {c}", "and then divide the result by {c}", "then divide that by {c}"),
}


def _apply(op: str, x: Fraction, y: int) -> Fraction:
    return {"+": x + y, "-": x - y, "*": x * y, "/": x / y}[op]


def _two_step_sample(rng: random.Random) -> dict:
    while True:
        first, second = rng.choice("+-*/"), rng.choice("+-*/")
        a, b, c = rng.randint(2, 200), rng.randint(2, 120), rng.randint(2, 30)
        if first == "-" and b > a:
            a, b = b, a
        value = _apply(second, _apply(first, Fraction(a), b), c)
        if "/" in first + second or abs(value) >= 1:  # a quotient is printed rounded: keep it away from zero
            if abs(value) >= 0.5:
                return {"first": first, "second": second, "a": a, "b": b, "c": c}


def _two_step_plan(p: dict) -> tuple[Plan, str]:
    plan = Plan()
    plan.given("a", p["a"], whole=True)
    plan.given("b", p["b"], whole=True)
    middle = plan.step(_FIRST[p["first"]][1], f"a {p['first']} b")
    plan.given("c", p["c"], whole=True)
    return plan, plan.step("result", f"{middle} {p['second']} c")


def _two_step_render(p: dict, rng: random.Random) -> dict:
    first = rng.choice(_FIRST[p["first"]][0]).format(a=p["a"], b=p["b"])
    return {
        "first": first,
        "first_lc": first[0].lower() + first[1:],
        "second": rng.choice(_SECOND[p["second"]]).format(c=p["c"]),
    }


TWO_STEP_ARITHMETIC = planned(
    name="two_step_arithmetic", stage="basic", **texts("two_step_arithmetic"),
    finals=FINALS, rel_tol=1e-3, digits=lambda p: 4 if "/" in p["first"] + p["second"] else None,
    sample=_two_step_sample, plan=_two_step_plan, render=_two_step_render,
    truth=lambda p: float(_apply(p["second"], _apply(p["first"], Fraction(p["a"]), p["b"]), p["c"])),
)


# Rates over time: (agent, verb base, verb third, things, time unit, lowest and highest rate).
AGENTS = (
    ("a printer", "print", "prints", "pages", "minute", 5, 60),
    ("a pump", "move", "moves", "liters of water", "minute", 5, 120),
    ("a baker", "bake", "bakes", "loaves", "hour", 4, 30),
    ("a machine", "fill", "fills", "bottles", "minute", 10, 90),
    ("a factory", "make", "makes", "toys", "hour", 20, 400),
    ("a typist", "type", "types", "words", "minute", 30, 90),
    ("a farmer", "pick", "picks", "apples", "hour", 40, 200),
    ("a bee colony", "visit", "visits", "flowers", "minute", 50, 500),
    ("a tap", "drip", "drips", "drops", "minute", 10, 80),
    ("a reader", "read", "reads", "pages", "day", 10, 60),
)


def _rate_sample(rng: random.Random) -> dict:
    agent = rng.choice(AGENTS)
    rate, time = rng.randint(agent[5], agent[6]), rng.randint(2, 60)
    return {"agent": agent, "rate": rate, "time": time, "amount": rate * time, "ask": rng.choice(("amount", "amount", "time"))}


def _rate_plan(p: dict) -> tuple[Plan, str]:
    plan, agent = Plan(), p["agent"]
    things, unit = variable(agent[3].split()[0]), agent[4] + "s"
    if p["ask"] == "amount":
        plan.given("rate", p["rate"], f"{p['rate']} {agent[3].split()[0]} per {agent[4]}", whole=True)
        plan.given(unit, p["time"], f"{p['time']} {unit}", whole=True)
        return plan, plan.step(things, f"rate * {unit}")
    plan.given(things, p["amount"], f"{p['amount']} {agent[3].split()[0]}", whole=True)
    plan.given("rate", p["rate"], f"{p['rate']} per {agent[4]}", whole=True)
    return plan, plan.step(unit, f"{things} // rate")


def _rate_render(p: dict, rng: random.Random) -> dict:
    agent = p["agent"]
    name, base, third, things, unit = agent[:5]
    per = rng.choice((f"{p['rate']} {things} per {unit}", f"{p['rate']} {things} every {unit}", f"{p['rate']} {things} a {unit}"))
    story = f"{phrasing.capitalized(name)} {third} {per}."
    if p["ask"] == "amount":
        clause = f"{name} {third} {per}"
        ask = Ask(f"how many {things}", "it", base, third, f"in {p['time']} {unit}s")
    else:
        clause = f"{name} {third} {per} and has {p['amount']} {things} to do"
        ask = Ask(f"how many {unit}s", "it", "take", "takes", f"to {base} {p['amount']} {things}")
    return {**slots_for(story, clause, ask, rng), "name": name, "things": things, "unit": unit}


RATE_STORY = planned(
    name="rate_story", stage="basic", **texts("rate_story"), templates=FRAMES, finals=FINALS, exact=True,
    sample=_rate_sample, plan=_rate_plan, render=_rate_render,
    truth=lambda p: p["rate"] * p["time"] if p["ask"] == "amount" else int(Fraction(p["amount"], p["rate"])),
)


# One of several quantities: a collection with three kinds; an event changes one; the question asks about
# one kind, all of them, or a difference, so some numbers in the story are not needed.
COLLECTIONS = (
    ("a bag", "marbles", ("red", "blue", "green", "yellow")),
    ("a farm", "animals", ("cows", "pigs", "goats", "sheep")),
    ("a garden", "flowers", ("roses", "tulips", "daisies", "lilies")),
    ("a fruit bowl", "pieces of fruit", ("apples", "bananas", "pears", "plums")),
    ("a parking lot", "vehicles", ("cars", "vans", "trucks", "motorbikes")),
    ("a box", "crayons", ("black", "orange", "purple", "pink")),
    ("a library shelf", "books", ("novels", "comics", "atlases", "cookbooks")),
)
_ADJECTIVE_KINDS = {"marbles", "crayons"}  # "12 red marbles"; other collections name their kinds as nouns


def _several_sample(rng: random.Random) -> dict:
    place, whole, kinds = rng.choice(COLLECTIONS)
    chosen = rng.sample(kinds, 3)
    counts = [rng.randint(3, 60) for _ in chosen]
    target = rng.randrange(3)
    change = rng.randint(1, counts[target] - 1) * rng.choice((-1, 1))
    other = rng.choice([i for i in range(3) if i != target])
    return {"place": place, "whole": whole, "kinds": chosen, "counts": counts, "target": target, "change": change,
            "ask": rng.choice(("one", "one", "all", "difference")), "other": other}


def _kind_name(p: dict, index: int) -> str:
    kind = p["kinds"][index]
    return f"{kind} {p['whole']}" if p["whole"] in _ADJECTIVE_KINDS else kind


def _several_plan(p: dict) -> tuple[Plan, str]:
    plan = Plan()
    t, o = p["target"], p["other"]
    moved = "added" if p["change"] > 0 else "removed"
    sign = "+" if p["change"] > 0 else "-"
    if p["ask"] == "difference":
        plan.given(variable(p["kinds"][t]), p["counts"][t], f"{p['counts'][t]} {_kind_name(p, t)}", whole=True)
        plan.given(moved, abs(p["change"]), f"{abs(p['change'])} {moved}", whole=True)
        plan.given(variable(p["kinds"][o]), p["counts"][o], f"{p['counts'][o]} {_kind_name(p, o)}", whole=True)
        now = plan.step(f"{variable(p['kinds'][t])}_now", f"{variable(p['kinds'][t])} {sign} {moved}")
        return plan, plan.step("difference", f"{now} - {variable(p['kinds'][o])}")
    if p["ask"] == "one":
        plan.given(variable(p["kinds"][t]), p["counts"][t], f"{p['counts'][t]} {_kind_name(p, t)}", whole=True)
        plan.given(moved, abs(p["change"]), f"{abs(p['change'])} {moved}", whole=True)
        return plan, plan.step(f"{variable(p['kinds'][t])}_now", f"{variable(p['kinds'][t])} {sign} {moved}")
    names = [plan.given(variable(k), n, f"{n} {_kind_name(p, i)}", whole=True) for i, (k, n) in enumerate(zip(p["kinds"], p["counts"]))]
    plan.given(moved, abs(p["change"]), f"{abs(p['change'])} {moved}", whole=True)
    return plan, plan.step("total", " + ".join(names) + f" {sign} {moved}")


def _several_truth(p: dict) -> int:
    counts = list(p["counts"])
    counts[p["target"]] += p["change"]
    if p["ask"] == "one":
        return counts[p["target"]]
    if p["ask"] == "all":
        return sum(counts)
    return counts[p["target"]] - counts[p["other"]]


def _several_render(p: dict, rng: random.Random) -> dict:
    who = person(rng)
    listing = join_clauses([f"{n} {_kind_name(p, i)}" for i, n in enumerate(p["counts"])])
    story = f"{phrasing.capitalized(p['place'])} has {listing}."
    t = p["target"]
    n = abs(p["change"])
    target_name = _kind_name(p, t)
    if p["change"] > 0:
        event = f"{who.name} {who.third('add', 'adds')} {n} more {target_name}"
    else:
        event = f"{who.name} {who.third('take', 'takes')} away {n} {target_name}"
    story += f" {event}."
    clause = f"{p['place']} has {listing} and {event}"
    where = f"in {p['place'].replace('a ', 'the ', 1)}"
    where = where.replace("in the farm", "on the farm").replace("in the parking lot", "in the lot")
    if p["ask"] == "one":
        ask = Ask(f"how many {target_name}", "", "are", "", f"{where} now")
    elif p["ask"] == "all":
        ask = Ask(f"how many {p['whole']}", "", "are", "", f"{where} now")
    else:
        ask = Ask(f"how many more {target_name} than {_kind_name(p, p['other'])}", "", "are", "", f"{where} now")
    return {**slots_for(story, clause, ask, rng), "place": p["place"], "whole": p["whole"]}


SEVERAL_QUANTITIES = planned(
    name="several_quantities", stage="basic", **texts("several_quantities"),
    templates=FRAMES, finals=FINALS, exact=True,
    sample=_several_sample, plan=_several_plan, truth=_several_truth, render=_several_render,
)

FAMILIES = [SHOPPING_CHANGE, POOL_AND_SHARE, TWO_STEP_ARITHMETIC, RATE_STORY, SEVERAL_QUANTITIES]
