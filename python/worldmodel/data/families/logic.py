"""Logic questions answered with a ByteLog program (`<computation>`, docs/bytelog.md): family trees,
reachability over flights/roads/links, prerequisites, friend-of-friend and reporting chains.

Each family follows data/spec.py's conventions with `language="bytelog"`: the solution is ByteLog source
ending with one QUERY, either `QUERY rel X ?` (the answer is the names in column B) or a fully bound
QUERY (yes/no); the truth is that answer computed by plain set operations (sorted names, or a bool);
`answer_slots` turns the computed answer into the final sentence's slots. Names are atoms written as the
question writes them (capitalised, one word), so the answer can name them back.
"""

from __future__ import annotations

import random
from collections import defaultdict

from worldmodel.data.families.texts import texts
from worldmodel.data.spec import Family, Params

PEOPLE = ("Alice Bob Carol Dave Erin Frank Grace Heidi Ivan Judy Karl Laura Mallory Nina Oscar Peggy Quentin "
          "Rita Sam Trent Uma Victor Wendy Xena Yusuf Zoe").split()
CITIES = ("Oslo Rome Paris Berlin Madrid Lisbon Vienna Prague Dublin Athens Warsaw Zurich Brussels Budapest "
          "Helsinki Stockholm Copenhagen Amsterdam Milan Munich").split()
COURSES = ("Algebra Geometry Calculus Statistics Physics Chemistry Biology Programming Databases Networks "
           "Algorithms Robotics Genetics Economics Logic Optics").split()
PAGES = ("Home About Blog Contact Pricing Docs Careers Support Login Signup News Events").split()

TRANSITIVE = "RULE {to}: SCAN {rel}, EMIT {to} $0 $1\nRULE {to}: SCAN {rel}, JOIN {to} $1, EMIT {to} $0 $2"
TWO_STEPS = "RULE {to}: SCAN {rel}, JOIN {rel} $1, EMIT {to} $0 $2"


def and_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def facts_program(rel: str, edges: list[tuple[str, str]], derived: list[str], rules: str, query: str) -> str:
    lines = [f"REL {rel}"] + [f"REL {d}" for d in derived] + [f"FACT {rel} {a} {b}" for a, b in edges]
    return "\n".join(lines + rules.splitlines() + ["SOLVE", query]) + "\n"


def closure(edges: list[tuple[str, str]], start: str) -> list[str]:
    """Everything reachable from `start` in one or more steps (plain breadth-first search)."""
    out = defaultdict(list)
    for a, b in edges:
        out[a].append(b)
    seen, todo = set(), list(out[start])
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(out[node])
    return sorted(seen)


def two_steps(edges: list[tuple[str, str]], start: str) -> list[str]:
    return sorted({c for a, b in edges if a == start for b2, c in edges if b2 == b})


def dag(rng: random.Random, pool: tuple[str, ...] | list[str], low: int, high: int, p: float) -> tuple[list[str], list[tuple[str, str]]]:
    """Nodes in a random order and edges only from earlier to later ones: no cycles."""
    nodes = rng.sample(list(pool), rng.randint(low, high))
    edges = [(a, b) for i, a in enumerate(nodes) for b in nodes[i + 1:] if rng.random() < p]
    return nodes, edges


def list_slots(params: Params, answer) -> dict[str, str]:
    return {"names": and_list(answer) if answer else "nobody"}


def say_edges(edges: list[tuple[str, str]], rng: random.Random, forms: tuple[str, ...], grouped: tuple[str, ...] = ()) -> str:
    """Facts as sentences, one per source node when `grouped` forms exist ("Alice is the parent of Bob and Carol.")."""
    by_source: dict[str, list[str]] = defaultdict(list)
    for a, b in edges:
        by_source[a].append(b)
    sentences = []
    for a, targets in by_source.items():
        if grouped and len(targets) > 1 and rng.random() < 0.7:
            sentences.append(rng.choice(grouped).format(a=a, bs=and_list(targets)))
        else:
            sentences += [rng.choice(forms).format(a=a, b=b) for b in targets]
    return " ".join(sentences)


def names_family(name: str, sample, about: str, given: str, derived: str, rule: str) -> Family:
    """A question answered by the names `derived` from `p[about]` over the sampled `given` edges: by closure
    (`rule` TRANSITIVE) or by one join of `given` with itself (TWO_STEPS). Its texts (texts/logic.toml) are the
    Family's, and `says`: the forms the facts are said in (one fact a sentence, then one sentence for all of a
    source's targets)."""
    answer = closure if rule is TRANSITIVE else two_steps
    phrasings = texts(name)
    forms, grouped = phrasings.pop("says")
    return Family(
        name=name,
        stage="complex",
        language="bytelog",
        **phrasings,
        sample=sample,
        render=lambda p, rng: {"facts": say_edges(p["edges"], rng, forms, grouped)},
        solution=lambda p: facts_program(given, p["edges"], [derived], rule.format(to=derived, rel=given),
                                         f"QUERY {derived} {p[about]} ?"),
        truth=lambda p: answer(p["edges"], p[about]),
        answer_slots=list_slots,
    )


# ---- family trees: grandchildren ----

def _family_tree(rng: random.Random) -> Params:
    while True:
        people = rng.sample(PEOPLE, 10)
        edges, generation, rest = [], [people[0]], people[1:]
        for _ in range(2):
            nxt = []
            for parent in generation:
                for _ in range(rng.randint(1, 3)):
                    if rest:
                        child = rest.pop(0)
                        edges.append((parent, child))
                        nxt.append(child)
            generation = nxt
        who = rng.choice([a for a, _ in edges])
        if two_steps(edges, who):
            return {"edges": edges, "who": who}


GRANDCHILDREN = names_family("logic_grandchildren", _family_tree, "who", "parent", "grandparent", TWO_STEPS)


# ---- reachability: is there a route? ----

ROUTE_KINDS = (("flight", "There is a direct flight from {a} to {b}.", "Can I fly from {a} to {b}, changing planes if needed?"),
               ("road", "A one-way road leads from {a} to {b}.", "Can I drive from {a} to {b} on these roads?"),
               ("link", "The {a} page links to the {b} page.", "Can I get from the {a} page to the {b} page by following links?"))


def _routes(rng: random.Random) -> Params:
    kind = rng.randrange(len(ROUTE_KINDS))
    pool = PAGES if ROUTE_KINDS[kind][0] == "link" else CITIES
    want = rng.random() < 0.5
    while True:
        nodes = rng.sample(pool, rng.randint(4, 7))
        edges = sorted({(a, b) for a in nodes for b in nodes if a != b and rng.random() < 0.25})
        if not edges:
            continue
        start, goal = rng.sample(nodes, 2)
        if (goal in closure(edges, start)) == want:
            return {"edges": edges, "start": start, "goal": goal, "kind": ROUTE_KINDS[kind][0]}


def _route_slots(p: Params, answer) -> dict[str, str]:
    a, b = p["start"], p["goal"]
    return {"verdict": "Yes" if answer else "No",
            "claim": f"there is a way from {a} to {b}" if answer else f"there is no way from {a} to {b}"}


ROUTE_EXISTS = Family(
    name="logic_route_exists", stage="complex", language="bytelog", **texts("logic_route_exists"),
    sample=_routes, answer_slots=_route_slots,
    render=lambda p, rng: {
        "facts": " ".join(next(k for k in ROUTE_KINDS if k[0] == p["kind"])[1].format(a=a, b=b) for a, b in p["edges"]),
        "ask": next(k for k in ROUTE_KINDS if k[0] == p["kind"])[2].format(a=p["start"], b=p["goal"])},
    solution=lambda p: facts_program(p["kind"], p["edges"], ["reach"], TRANSITIVE.format(to="reach", rel=p["kind"]),
                                     f"QUERY reach {p['start']} {p['goal']}"),
    truth=lambda p: p["goal"] in closure(p["edges"], p["start"]),
)


# ---- reachability: where can I get to? ----

def _destinations(rng: random.Random) -> Params:
    while True:
        nodes = rng.sample(CITIES, rng.randint(4, 7))
        edges = sorted({(a, b) for a in nodes for b in nodes if a != b and rng.random() < 0.25})
        start = rng.choice(nodes)
        if closure(edges, start):
            return {"edges": edges, "start": start}


DESTINATIONS = names_family("logic_destinations", _destinations, "start", "flight", "reach", TRANSITIVE)


# ---- prerequisites ----

def dag_question(pool: tuple[str, ...] | list[str], p: float, about: str, answer):
    """A sampler: a random DAG of 5 to 8 nodes from `pool` and one of its first three nodes as `about`, redrawn
    until `answer` (closure or two_steps) names someone."""
    def sample(rng: random.Random) -> Params:
        while True:
            nodes, edges = dag(rng, pool, 5, 8, p)
            start = rng.choice(nodes[:3])
            if answer(edges, start):
                return {"edges": edges, about: start}
    return sample


_courses = dag_question(COURSES, 0.3, "target", closure)


PREREQUISITES = names_family("logic_prerequisites", _courses, "target", "requires", "before", TRANSITIVE)


# ---- friend of a friend ----

_friends = dag_question(PEOPLE, 0.35, "who", two_steps)


FRIENDS_OF_FRIENDS = names_family("logic_friends_of_friends", _friends, "who", "knows", "via", TWO_STEPS)


# ---- who reports to whom ----

def _org_chart(rng: random.Random) -> Params:
    while True:
        people = rng.sample(PEOPLE, rng.randint(6, 10))
        edges = [(rng.choice(people[:i]), person) for i, person in enumerate(people) if i]  # a tree under people[0]
        boss = rng.choice([a for a, _ in edges])
        if closure(edges, boss):
            return {"edges": edges, "boss": boss}


REPORTS = names_family("logic_reports", _org_chart, "boss", "manages", "over", TRANSITIVE)

FAMILIES = [GRANDCHILDREN, ROUTE_EXISTS, DESTINATIONS, PREREQUISITES, FRIENDS_OF_FRIENDS, REPORTS]
