"""Everyday word problems as grammars: stories of change, comparisons, equal groups, pooling and sharing, and
questions about one of several quantities, with people, things and verbs drawn from lists (see story.py).

The plan names every quantity of the story by its role (`left = 12 apples − 5 given + 3 bought`) and the
program uses those names; numbers the question does not need (a second colour of marbles, a sibling's age)
appear in the story but not in the plan.
"""

from __future__ import annotations

import random
from fractions import Fraction

from worldmodel.data import phrasing
from worldmodel.data.families.plan import Plan, planned
from worldmodel.data.families.story import (
    FINALS,
    FRAMES,
    RELATIVES,
    THINGS,
    Ask,
    Person,
    join_clauses,
    people,
    person,
    slots_for,
    variable,
)
from worldmodel.data.families.texts import texts

# Events of a change story: kind -> (sign, program name, verb (past, third person, base), phrasings with
# {v} {n} {t} {ts} {poss} {rel}); a story is told in the past or the present tense.
EVENTS = {
    "give": (-1, "given", ("gave", "gives", "give"), ("{v} {n} {t} to {poss} {rel}", "{v} away {n} {t}", "{v} {poss} {rel} {n} {t}")),
    "lose": (-1, "lost", ("lost", "loses", "lose"), ("{v} {n} {t}", "{v} {n} {t} on the way home")),
    "sell": (-1, "sold", ("sold", "sells", "sell"), ("{v} {n} {t}", "{v} {n} {t} at a yard sale")),
    "use": (-1, "used", ("used", "uses", "use"), ("{v} {n} {t}", "{v} up {n} {t}")),
    "eat": (-1, "eaten", ("ate", "eats", "eat"), ("{v} {n} {t}", "{v} {n} of the {ts}")),
    "buy": (1, "bought", ("bought", "buys", "buy"), ("{v} {n} more {t}", "{v} {n} {t} at the store")),
    "receive": (1, "received", ("got", "gets", "get"), ("{v} {n} more {t} from {poss} {rel}", "{v} {n} {t} as a gift")),
    "find": (1, "found", ("found", "finds", "find"), ("{v} {n} more {t}", "{v} {n} {t} under the sofa")),
}
_JOINERS = (", then ", " and then ", ". After that {pron} ", ". Later {pron} ", ", and later ")


def _noun(thing: tuple, n: int) -> str:
    return thing[1] if n == 1 else thing[0]


def _change_sample(rng: random.Random) -> dict:
    thing = rng.choice(THINGS)
    kinds = [k for k in EVENTS if k != "eat" or thing[2]]
    count = rng.choice((1, 2, 2, 3))
    chosen = rng.sample(kinds, count)
    if all(EVENTS[k][0] > 0 for k in chosen) and rng.random() < 0.7:
        chosen[0] = rng.choice(("give", "lose", "sell", "use"))  # most stories lose something first
    start = rng.choice((rng.randint(5, 30), rng.randint(10, 80), rng.randint(50, 500)))
    amounts, current = [], start
    for kind in chosen:
        n = rng.randint(1, max(1, current - 1)) if EVENTS[kind][0] < 0 else rng.randint(1, max(3, start // 2))
        amounts.append(n)
        current += EVENTS[kind][0] * n
    who = person(rng)
    return {
        "start": start,
        "end": current,
        "kinds": chosen,
        "amounts": amounts,
        "thing": thing,
        "who": who,
        "relative": rng.choice(RELATIVES),
        "ask_start": rng.random() < 0.25,  # the question asks what there was at first
        "extra": rng.randint(2, 15) if rng.random() < 0.3 else 0,  # an irrelevant second count
        "other": rng.choice([t for t in THINGS if t != thing]),
    }


def _change_plan(p: dict) -> tuple[Plan, str]:
    plan, thing = Plan(), p["thing"]
    names = [EVENTS[k][1] for k in p["kinds"]]
    signs = [EVENTS[k][0] for k in p["kinds"]]
    if p["ask_start"]:
        plan.given("now", p["end"], f"{p['end']} {thing[0]} now", whole=True)
        for name, n in zip(names, p["amounts"]):
            plan.given(name, n, f"{n} {name}", whole=True)
        return plan, plan.step("start", "now" + "".join(f" {'+' if s < 0 else '-'} {n}" for s, n in zip(signs, names)))
    start = variable(thing[0])
    plan.given(start, p["start"], f"{p['start']} {thing[0]}", whole=True)
    for name, n in zip(names, p["amounts"]):
        plan.given(name, n, f"{n} {name}", whole=True)
    result = "left" if all(s < 0 for s in signs) else "now"
    return plan, plan.step(result, start + "".join(f" {'+' if s > 0 else '-'} {n}" for s, n in zip(signs, names)))


def _change_render(p: dict, rng: random.Random) -> dict:
    who: Person = p["who"]
    thing = p["thing"]
    present = rng.random() < 0.5
    bare = rng.random() < 0.4  # "gives away 5": the thing is not repeated after the opening
    tense = 1 if present and not who.first else 2 if present else 0
    events = []
    for index, (kind, n) in enumerate(zip(p["kinds"], p["amounts"])):
        noun = "" if bare and (index or not p["ask_start"]) else _noun(thing, n)
        verb = EVENTS[kind][2][tense]
        said = phrasing.say_number(n, rng, short=False)  # "5", "five"
        event = rng.choice(EVENTS[kind][3]).format(v=verb, n=said, t=noun, ts=thing[0], poss=who.possessive, rel=p["relative"])
        events.append(" ".join(event.split()))
    pron = who.pronoun
    have = who.third("have", "has")
    had = have if present else "had"
    if p["ask_start"]:
        body = events[0]
        for event in events[1:]:
            body += rng.choice(_JOINERS).format(pron=pron) + event
        story = f"{who.name} {body}. Now {pron} {have} {p['end']} {_noun(thing, p['end'])}."
        clause = f"{who.name} {join_clauses(events)} and now {have} {p['end']} {_noun(thing, p['end'])}"
        ask = Ask(f"how many {thing[0]}", who.name, "have", "has", rng.choice(("at first", "at the start", "to begin with")), "had")
    else:
        start = f"{phrasing.say_number(p['start'], rng, short=False)} {_noun(thing, p['start'])}"
        if len(events) == 1 and rng.random() < 0.5:
            story = f"{who.name} {had} {start} and {events[0]}."
        else:
            opening = rng.choice(("{name} {had} {start}.", "{name} {had} {start} in the morning.", "At first {name} {had} {start}."))
            story = opening.format(name=who.name, had=had, start=start)
            body = f"{phrasing.capitalized(pron)} {events[0]}"
            for event in events[1:]:
                body += rng.choice(_JOINERS).format(pron=pron) + event
            story += f" {body}."
        clause = f"{who.name} " + join_clauses([f"{had} {start}", *events])
        if all(EVENTS[k][0] < 0 for k in p["kinds"]):
            ask = Ask("how many", "", "are", "", "left") if rng.random() < 0.3 else Ask(f"how many {thing[0]}", who.name, "have", "has", "left")
        else:
            ask = Ask(f"how many {thing[0]}", who.name, "have", "has", rng.choice(("now", "at the end", "now")))
    if p["extra"]:
        story += f" {phrasing.capitalized(pron)} also {have} {p['extra']} {_noun(p['other'], p['extra'])}."
    slots = slots_for(story, clause, ask, rng)
    return {**slots, "name": who.name, "things": thing[0], "n1": str(p["amounts"][0])}


def _change_truth(p: dict) -> int:
    signs = [EVENTS[k][0] for k in p["kinds"]]
    if p["ask_start"]:
        return p["end"] - sum(s * n for s, n in zip(signs, p["amounts"]))
    count = p["start"]
    for s, n in zip(signs, p["amounts"]):
        count += s * n
    return count


CHANGE_STORY = planned(
    name="change_story", stage="basic", **texts("change_story"), templates=FRAMES, finals=FINALS, exact=True,
    sample=_change_sample, plan=_change_plan, truth=_change_truth, render=_change_render,
)


# Comparisons: two or three people's counts related by "more", "fewer", "times as many"; the question asks
# for a difference, one derived count, or the total.
_RELATIONS = {
    "more": ("{k} more {t} than {a}", "+"),
    "fewer": ("{k} fewer {t} than {a}", "-"),
    "times": ("{times} as many {t} as {a}", "*"),
    "half": ("half as many {t} as {a}", "//"),
}
_TIMES = {2: "twice", 3: "three times", 4: "four times", 5: "five times"}


def _comparison_sample(rng: random.Random) -> dict:
    kind = rng.choice(("difference", "difference", "derived", "total", "chain"))
    a, b, c = people(rng, 3)
    thing = rng.choice(THINGS)
    first = rng.randint(4, 90)
    links = []
    for _ in range(2 if kind == "chain" else 1):
        relation = rng.choice(("more", "more", "fewer", "times", "half"))
        base = first if not links else links[-1][2]
        if relation == "half" and base % 2:
            relation = "more"
        if relation == "fewer" and base < 3:
            relation = "more"
        k = rng.randint(2, 5) if relation == "times" else rng.randint(1, base - 1) if relation == "fewer" else rng.randint(1, 40)
        value = {"more": base + k, "fewer": base - k, "times": base * k, "half": base // 2}[relation]
        links.append((relation, k, value))
    second = rng.randint(1, first - 1) if first > 2 else 1
    return {
        "kind": kind,
        "people": (a, b, c),
        "thing": thing,
        "first": first,
        "second": second,  # the other count of a plain difference
        "links": links,
        "ask_last": rng.random() < 0.6,  # a chain asks about its last person, else the middle one
        "fewer_form": rng.random() < 0.4,  # "how many fewer does B have than A"
    }


def _comparison_plan(p: dict) -> tuple[Plan, str]:
    plan = Plan()
    a, b, c = (variable(person.name) for person in p["people"])
    t = p["thing"][0]
    plan.given(a, p["first"], f"{p['first']} {t}", whole=True)
    if p["kind"] == "difference":
        plan.given(b, p["second"], f"{p['second']} {t}", whole=True)
        return plan, plan.step("difference", f"{a} - {b}")
    names = [a, b, c]
    for index, (relation, k, _) in enumerate(p["links"]):
        operator = _RELATIONS[relation][1]
        operand = "2" if relation == "half" else str(k)
        plan.step(names[index + 1], f"{names[index]} {operator} {operand}")
    if p["kind"] == "total":
        return plan, plan.step("together", f"{a} + {b}")
    if p["kind"] == "chain" and not p["ask_last"]:
        return plan, b
    return plan, names[len(p["links"])]


def _comparison_truth(p: dict) -> int:
    if p["kind"] == "difference":
        return p["first"] - p["second"]
    values = [p["first"]] + [value for _, _, value in p["links"]]
    if p["kind"] == "total":
        return values[0] + values[1]
    if p["kind"] == "chain" and not p["ask_last"]:
        return values[1]
    return values[-1]


def _comparison_render(p: dict, rng: random.Random) -> dict:
    a, b, c = p["people"]
    t, have = p["thing"][0], rng.choice(("has", "has", "collected", "owns"))
    have_base = {"has": "have", "collected": "collect", "owns": "own"}[have]
    sentences = [f"{a.name} {have} {p['first']} {_noun(p['thing'], p['first'])}."]
    clauses = [f"{a.name} {have} {p['first']} {_noun(p['thing'], p['first'])}"]
    if p["kind"] == "difference":
        sentences.append(f"{b.name} {have} {p['second']} {_noun(p['thing'], p['second'])}.")
        clauses.append(f"{b.name} {have} {p['second']}")
        if p["fewer_form"]:
            ask = Ask(f"how many fewer {t}", b.name, have_base, have, f"than {a.name}")
        else:
            ask = Ask(f"how many more {t}", a.name, have_base, have, f"than {b.name}")
    else:
        names = [a, b, c]
        for index, (relation, k, _) in enumerate(p["links"]):
            said = _RELATIONS[relation][0].format(k=k, t=t, a=names[index].name, times=_TIMES.get(k, f"{k} times"))
            sentences.append(f"{names[index + 1].name} {have} {said}.")
            clauses.append(f"{names[index + 1].name} {have} {said}")
        if p["kind"] == "total":
            ask = Ask(f"how many {t}", f"{a.name} and {b.name}", have_base, have_base, rng.choice(("together", "altogether", "in total")))
        else:
            target = b if p["kind"] == "chain" and not p["ask_last"] else names[len(p["links"])]
            ask = Ask(f"how many {t}", target.name, have_base, have)
    return {**slots_for(" ".join(sentences), join_clauses(clauses), ask, rng), "a": a.name, "b": b.name, "things": t}


COMPARISON_STORY = planned(
    name="comparison_story", stage="basic", **texts("comparison_story"), templates=FRAMES, finals=FINALS, exact=True,
    sample=_comparison_sample, plan=_comparison_plan, truth=_comparison_truth, render=_comparison_render,
)


# Equal groups: each container holds the same number; find the total, the groups, the share, or how many
# containers are needed (rounding up).
CONTAINERS = (
    ("box", "boxes", "eggs", "holds", False),
    ("bag", "bags", "apples", "holds", False),
    ("pack", "packs", "pencils", "contains", False),
    ("shelf", "shelves", "books", "holds", False),
    ("vase", "vases", "flowers", "holds", False),
    ("plate", "plates", "cookies", "holds", False),
    ("crate", "crates", "bottles", "holds", False),
    ("page", "pages", "stickers", "holds", False),
    ("tray", "trays", "cupcakes", "holds", False),
    ("jar", "jars", "candies", "holds", False),
    ("row", "rows", "chairs", "has", True),
    ("bus", "buses", "students", "carries", True),
    ("team", "teams", "players", "has", True),
    ("table", "tables", "guests", "seats", True),
    ("car", "cars", "passengers", "carries", True),
    ("van", "vans", "campers", "carries", True),
)


def _groups_sample(rng: random.Random) -> dict:
    kind = rng.choice(("total", "total", "groups", "share", "needed"))
    per, groups = rng.randint(2, 24), rng.randint(2, 30)
    total = per * groups
    if kind == "needed":
        total += rng.randint(1, per - 1)  # a partly filled last container
    return {"kind": kind, "per": per, "groups": groups, "total": total, "c": rng.choice(CONTAINERS), "who": person(rng)}


def _groups_plan(p: dict) -> tuple[Plan, str]:
    plan, (one, many, things, _, _) = Plan(), p["c"]
    per = f"per_{one}"
    if p["kind"] == "total":
        plan.given(many, p["groups"], f"{p['groups']} {many}", whole=True)
        plan.given(per, p["per"], f"{p['per']} {things} per {one}", whole=True)
        return plan, plan.step(things, f"{many} * {per}")
    plan.given(things, p["total"], f"{p['total']} {things}", whole=True)
    if p["kind"] == "share":
        plan.given(many, p["groups"], f"{p['groups']} {many}", whole=True)
        return plan, plan.step(per, f"{things} // {many}")
    plan.given(per, p["per"], f"{p['per']} per {one}", whole=True)
    if p["kind"] == "groups":
        return plan, plan.step(many, f"{things} // {per}")
    return plan, plan.step(many, f"math.ceil({things} / {per})")


def _groups_truth(p: dict) -> int:
    if p["kind"] == "total":
        return p["per"] * p["groups"]
    if p["kind"] == "share":
        return int(Fraction(p["total"], p["groups"]))
    return -(-p["total"] // p["per"])


def _groups_render(p: dict, rng: random.Random) -> dict:
    (one, many, things, verb, crowd), who = p["c"], p["who"]
    has = who.third("have", "has")
    if p["kind"] == "total":
        each = rng.choice((f"Each {one} {verb} {p['per']} {things}.", f"There are {p['per']} {things} in every {one}."))
        story = f"{each} {who.name} {has} {p['groups']} {many}."
        if rng.random() < 0.5:
            story = f"{who.name} {has} {p['groups']} {many}, and each {one} {verb} {p['per']} {things}."
        clause = f"{who.name} {has} {p['groups']} {many} with {p['per']} {things} in each"
        ask = Ask(f"how many {things}", who.name, "have", "has", rng.choice(("in all", "in total", "altogether")))
    elif p["kind"] == "share":
        if crowd:
            story = f"{p['total']} {things} are split equally into {p['groups']} {many}."
            clause = f"{p['total']} {things} are split evenly into {p['groups']} {many}"
        else:
            story = f"{who.name} {who.third('share', 'shares')} {p['total']} {things} equally among {p['groups']} {many}."
            clause = f"{who.name} {who.third('split', 'splits')} {p['total']} {things} evenly into {p['groups']} {many}"
        ask = Ask(f"how many {things}", f"each {one}", "get", "gets")
    else:
        if crowd:
            story = f"There are {p['total']} {things}. Each {one} {verb} {p['per']}."
            clause = f"there are {p['total']} {things} and each {one} {verb} {p['per']}"
        else:
            story = rng.choice((f"{who.name} {has} {p['total']} {things}. Each {one} {verb} {p['per']}.",
                                f"{who.name} {who.third('pack', 'packs')} {p['total']} {things}, {p['per']} in each {one}."))
            clause = f"{who.name} {has} {p['total']} {things} and each {one} {verb} {p['per']}"
        if p["kind"] == "groups":
            ask = Ask(f"how many {many}", "", "are", "", "filled") if crowd else Ask(f"how many {many}", who.name, "fill", "fills")
        elif crowd:
            ask = Ask(f"how many {many}", "", "are", "", "needed")
        else:
            ask = Ask(f"how many {many}", who.name, "need", "needs", rng.choice(("to hold them all", "for all of them", "")))
    return {**slots_for(story, clause, ask, rng), "name": who.name, "one": one,
            "many": many, "things": things}


EQUAL_GROUPS = planned(
    name="equal_groups", stage="basic", **texts("equal_groups"), templates=FRAMES, finals=FINALS, exact=True,
    sample=_groups_sample, plan=_groups_plan, truth=_groups_truth, render=_groups_render,
)

FAMILIES = [CHANGE_STORY, COMPARISON_STORY, EQUAL_GROUPS]
