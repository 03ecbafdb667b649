"""Formulas solved for every variable: one family per formula (d = v·t, V = I·R, m = ρ·V, ...) whose sampler
picks the unknown, the unit system and the scene. The formulas themselves, with their phrasings, are data:
texts/formulas.toml.

Each formula is a product `result = constant · Π factor^power`. The question states every quantity but one;
the plan binds the known ones to names and solves for the unknown with the expression a person writes
(`speed = distance / time`). The ground truth solves the product form generically with exact fractions.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from fractions import Fraction

from worldmodel.data import phrasing
from worldmodel.data.families.plan import Plan
from worldmodel.data.families.texts import texts
from worldmodel.data.spec import Family


@dataclass(frozen=True)
class Var:
    name: str  # the program's variable
    noun: str  # "average speed"
    lead: tuple[str, ...]  # scene phrases that start with a verb: "travels {q}"
    follow: tuple[str, ...]  # scene phrases that continue one: "in {q}"
    asks: tuple[str, ...]  # questions for this unknown: "How far does it go?"
    low: float = 1
    high: float = 100
    power: int = 1  # its power in the product (2 for v in ½mv²)


@dataclass(frozen=True)
class Formula:
    name: str
    result: Var  # the product
    factors: tuple[Var, ...]
    constant: Fraction
    solve: dict[str, str]  # unknown -> Python expression over the other names
    systems: tuple[dict[str, str], ...]  # variable -> unit symbol
    subjects: tuple[str, ...]
    refusal: tuple[str, str]
    scene_order: tuple[str, ...] = ()  # the order the scene states quantities in, where it matters


def _formula(name: str) -> Formula:
    """The formula `name` as texts/formulas.toml states it."""
    table = texts(name)
    return Formula(
        name,
        Var(**table["result"]),
        tuple(Var(**factor) for factor in table["factors"]),
        Fraction(table["constant"]),
        table["solve"],
        table["systems"],
        table["subjects"],
        table["refusal"],
        table.get("scene_order", ()),
    )


# Shared by every formula family.
FRAMES = texts("formulas")["FRAMES"]
FINALS = texts("formulas")["FINALS"]

FORMULAS = tuple(_formula(name) for name in (
    "distance_speed_time", "ohms_law", "density", "pressure", "momentum", "force_mass_acceleration", "hookes_law",
    "work_force_distance", "energy_power_time", "kinetic_energy", "potential_energy", "simple_interest",
))


def _all_vars(formula: Formula) -> tuple[Var, ...]:
    return (formula.result, *formula.factors)


def _pick(rng: random.Random, var: Var) -> float | int:
    """Log-uniform in the variable's range, with the precision people write: 0.35, 4.5, 72, 1300."""
    x = math.exp(rng.uniform(math.log(var.low), math.log(var.high)))
    digits = 2 if x < 1 else 1 if x < 10 else 0 if x < 1000 else -1
    x = round(x, digits if rng.random() < 0.8 else digits + 1)
    x = max(x, var.low)
    return int(x) if float(x).is_integer() else x


def _exact(x: float | int) -> Fraction:
    return Fraction(str(x))


def _truth(formula: Formula, p: dict) -> float:
    """The unknown from the product form, with exact fractions: not the family's own expression."""
    known = {v.name: _exact(p[v.name]) for v in _all_vars(formula) if v.name != p["unknown"]}
    if p["unknown"] == formula.result.name:
        value = formula.constant
        for factor in formula.factors:
            value *= known[factor.name] ** factor.power
        return float(value)
    rest = formula.constant
    for factor in formula.factors:
        if factor.name != p["unknown"]:
            rest *= known[factor.name] ** factor.power
    power = next(f.power for f in formula.factors if f.name == p["unknown"])
    return float(known[formula.result.name] / rest) ** (1 / power)


def _sampler(formula: Formula):
    def sample(rng: random.Random) -> dict:
        while True:
            p = {f.name: _pick(rng, f) for f in formula.factors}
            product = formula.constant
            for factor in formula.factors:
                product *= _exact(p[factor.name]) ** factor.power
            # The question states the product rounded as people write it.
            p[formula.result.name] = round(float(product), 2)
            if p[formula.result.name] < formula.result.low or p[formula.result.name] > 10 * formula.result.high:
                continue
            p[formula.result.name] = int(p[formula.result.name]) if p[formula.result.name].is_integer() else p[formula.result.name]
            p["unknown"] = rng.choice([v.name for v in _all_vars(formula)])
            p["system"] = rng.randrange(len(formula.systems))
            p["subject"] = rng.choice(formula.subjects)
            # At least 0.2: the answer is rounded to 3 decimals and compared within rel_tol.
            if _truth(formula, p) >= 0.2:
                return p

    return sample


def _said(value: float | int, unit: str, rng: random.Random | None) -> str:
    """A quantity as the question (rng given) or the plan (no rng) says it."""
    if unit == "$":
        return phrasing.say_money(value, rng) if rng else f"${phrasing.plain(value)}"
    if unit == "%":  # the plan shows the rate as the number the formula divides by 100
        return phrasing.say_percent(value, rng) if rng else phrasing.plain(value)
    if unit not in phrasing.UNITS:
        return f"{phrasing.say_number(value, rng, short=False) if rng else phrasing.plain(value)} {unit}"
    if rng:
        return phrasing.say_quantity(value, unit, rng)
    symbol = phrasing.UNITS[unit][1] if unit in phrasing.SPELL_ONLY else phrasing.SHOWN.get(unit, unit)
    return f"{phrasing.plain(value)} {symbol}"


def _plan(formula: Formula, p: dict) -> Plan:
    units = formula.systems[p["system"]]
    plan = Plan()
    for var in _all_vars(formula):
        if var.name != p["unknown"]:
            plan.given(var.name, p[var.name], _said(p[var.name], units[var.name], None))
    plan.step(p["unknown"], formula.solve[p["unknown"]])
    return plan


def _render(formula: Formula):
    def render(p: dict, rng: random.Random) -> dict:
        units = formula.systems[p["system"]]
        known = [v for v in _all_vars(formula) if v.name != p["unknown"]]
        if formula.scene_order:
            known.sort(key=lambda v: formula.scene_order.index(v.name))
        target = next(v for v in _all_vars(formula) if v.name == p["unknown"])
        said = {v.name: _said(p[v.name], units[v.name], rng) for v in known}
        order = known if formula.scene_order or rng.random() < 0.7 else known[::-1]
        scene = " ".join(
            [rng.choice(order[0].lead).format(q=said[order[0].name])]
            + [rng.choice(v.follow).format(q=said[v.name]) for v in order[1:]]
        )
        scene = f"{p['subject']} {scene}"
        ask = rng.choice(target.asks)
        answer_unit = units[p["unknown"]]
        unit_name = phrasing.UNITS[answer_unit][1] if answer_unit in phrasing.UNITS else answer_unit
        facts = [(v.noun, said[v.name]) for v in order]
        return {
            **phrasing.with_capitals(scene=scene),
            "ask": ask,
            "ask_lc": ask[0].lower() + ask[1:],
            "target": target.noun,
            "unit": {"$": "dollars", "%": "percent"}.get(answer_unit, unit_name),
            "facts_are": " and ".join(f"the {noun} is {q}" for noun, q in facts),
            "facts_of": " and ".join(f"{_article(noun)} of {q}" for noun, q in facts),
            "facts_eq": ", ".join(f"{noun} = {q}" for noun, q in facts),
            "plan": _plan(formula, p).text(),
        }

    return render


def _article(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def _unit(formula: Formula, p: dict) -> str:
    return formula.systems[p["system"]][p["unknown"]]


def formula_family(formula: Formula) -> Family:
    return Family(
        name=formula.name,
        stage="complex",
        templates=FRAMES,
        sample=_sampler(formula),
        solution=lambda p: _plan(formula, p).program(p["unknown"], digits=3, money=_unit(formula, p) == "$"),
        truth=lambda p: _truth(formula, p),
        think=("{plan}",),
        finals=FINALS,
        units=lambda p: _unit(formula, p),
        render=_render(formula),
        rel_tol=5e-3,
        refusals=(formula.refusal,),
    )


FAMILIES = [formula_family(formula) for formula in FORMULAS]
