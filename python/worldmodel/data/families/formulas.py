"""Formulas solved for every variable: one family per formula (d = v·t, V = I·R, m = ρ·V, ...) whose sampler
picks the unknown, the unit system and the scene.

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


F = Fraction

# Shared by every formula; every fifth from the fourth (3, 8, 13) is held out for the test split.
FRAMES = (
    "{Scene}. {ask}",
    "If {scene}, {ask_lc}",
    "Find the {target} when {facts_are}.",
    "{facts_eq}. What is the {target}?",
    "{Scene}. What is the {target} in {unit}?",
    "Calculate the {target} for {facts_of}.",
    "Given {facts_of}, what is the {target}?",
    "{Scene}. Work out the {target}.",
    "I know {facts_are}. How do I get the {target}, and what is it?",
    "{ask} ({facts_eq})",
    "{Scene}; {ask_lc}",
    "Tell me the {target} in {unit} if {facts_are}.",
    "So {scene}. {ask}",
    "With {facts_of}, how much is the {target}?",
    "{Scene}. Find the {target}.",
)


def _var(name, noun, lead, follow, asks, low=1, high=100, power=1) -> Var:
    return Var(name, noun, tuple(lead), tuple(follow), tuple(asks), low, high, power)


MOTION = Formula(
    "distance_speed_time",
    _var("distance", "distance", ("travels {q}", "covers {q}", "goes {q}"), ("and travels {q}",),
         ("How far does it go?", "What distance does it cover?", "How far does it travel?"), 5, 900),
    (
        _var("speed", "speed", ("moves at {q}", "goes at {q}", "travels at {q}"), ("at {q}", "at a steady {q}"),
             ("What is its average speed?", "How fast does it go?", "What speed is it moving at?"), 2, 120),
        _var("time", "time", ("travels for {q}", "is on the move for {q}"), ("in {q}", "for {q}"),
             ("How long does it take?", "How much time does the trip take?", "How long is it on the way?"), 0.5, 12),
    ),
    F(1),
    {"distance": "speed * time", "speed": "distance / time", "time": "distance / speed"},
    ({"distance": "km", "speed": "km/h", "time": "h"}, {"distance": "m", "speed": "m/s", "time": "s"},
     {"distance": "mi", "speed": "mph", "time": "h"}),
    ("a train", "a car", "a cyclist", "a bus", "a runner", "a boat", "a truck", "a plane", "a drone", "a hiker"),
    ("A train travels for a while at a steady speed. How far does it go?",
     "I need two of the three: the speed, the time, or the distance. How fast and for how long does it travel?"),
)

OHM = Formula(
    "ohms_law",
    _var("voltage", "voltage", ("is connected to {q}", "runs on {q}"), ("at {q}", "on a {q} supply"),
         ("What voltage is across it?", "What is the voltage?", "How many volts does it need?"), 1, 240),
    (
        _var("current", "current", ("draws {q}", "carries {q}"), ("with a current of {q}", "drawing {q}"),
             ("What current flows through it?", "How many amps does it draw?", "What is the current?"), 0.1, 15),
        _var("resistance", "resistance", ("has a resistance of {q}",), ("through {q}", "with a resistance of {q}"),
             ("What is its resistance?", "How many ohms is it?", "What resistance does it have?"), 1, 500),
    ),
    F(1),
    {"voltage": "current * resistance", "current": "voltage / resistance", "resistance": "voltage / current"},
    ({"voltage": "V", "current": "A", "resistance": "ohm"},),
    ("a resistor", "a lamp", "a heater", "a circuit", "a toaster element", "an LED strip", "a motor coil"),
    ("What current flows through a resistor?", "I need the voltage across it and its resistance. What are they?"),
)

DENSITY = Formula(
    "density",
    _var("mass", "mass", ("weighs {q}", "has a mass of {q}"), ("and weighs {q}", "with a mass of {q}"),
         ("What is its mass?", "How heavy is it?", "How much does it weigh?"), 1, 500),
    (
        _var("density", "density", ("has a density of {q}", "is made of a material of {q}"), ("with a density of {q}",),
             ("What is its density?", "How dense is it?", "What density does the material have?"), 0.5, 20),
        _var("volume", "volume", ("takes up {q}", "has a volume of {q}"), ("and takes up {q}", "with a volume of {q}"),
             ("What is its volume?", "How much space does it take up?", "What volume does it fill?"), 1, 500),
    ),
    F(1),
    {"mass": "density * volume", "density": "mass / volume", "volume": "mass / density"},
    # Grams and cubic centimeters: the sampled densities (0.5-20) are those of real materials in g/cm³.
    ({"mass": "g", "density": "g/cm^3", "volume": "cm^3"},),
    ("a metal block", "a stone", "a piece of wood", "a sample", "a plastic cube", "a gold bar", "an ice cube"),
    ("What is the density of this rock?", "I'd need the rock's mass and its volume. What are they?"),
)

PRESSURE = Formula(
    "pressure",
    _var("force", "force", ("pushes with {q}", "presses down with {q}"), ("under a force of {q}",),
         ("What force does it exert?", "How much force is applied?", "What is the force?"), 10, 5000),
    (
        _var("pressure", "pressure", ("exerts a pressure of {q}",), ("at a pressure of {q}",),
             ("What pressure does it exert?", "What is the pressure on the ground?", "How much pressure is that?"),
             10, 50000),
        _var("area", "area", ("rests on {q}", "stands on an area of {q}"), ("on an area of {q}", "spread over {q}"),
             ("What area does it press on?", "How large is the contact area?", "What is the area?"), 0.01, 5),
    ),
    F(1),
    {"force": "pressure * area", "pressure": "force / area", "area": "force / pressure"},
    ({"force": "N", "pressure": "Pa", "area": "m^2"},),
    ("a crate", "a box", "a piston", "a statue", "a table leg", "a machine"),
    ("What pressure does my bookshelf put on the floor?", "I need its weight (force) and the area it stands on."),
)

MOMENTUM = Formula(
    "momentum",
    _var("momentum", "momentum", ("has a momentum of {q}",), ("with a momentum of {q}",),
         ("What is its momentum?", "How much momentum does it carry?", "What momentum does it have?"), 1, 5000),
    (
        _var("mass", "mass", ("has a mass of {q}", "weighs {q}"), ("with a mass of {q}",),
             ("What is its mass?", "How heavy is it?", "What mass does it have?"), 0.1, 2000),
        _var("velocity", "velocity", ("moves at {q}", "rolls at {q}"), ("at {q}", "moving at {q}"),
             ("How fast is it moving?", "What is its velocity?", "What speed does it have?"), 0.5, 40),
    ),
    F(1),
    {"momentum": "mass * velocity", "mass": "momentum / velocity", "velocity": "momentum / mass"},
    ({"momentum": "kg·m/s", "mass": "kg", "velocity": "m/s"},),
    ("a ball", "a cart", "a skater", "a car", "a sled", "a bowling ball"),
    ("What is the momentum of a ball moving at 3 m/s?", "I need the ball's mass too. How heavy is it?"),
)

NEWTON = Formula(
    "force_mass_acceleration",
    _var("force", "net force", ("is pushed with {q}", "is pulled with {q}"), ("under a net force of {q}",),
         ("What net force acts on it?", "How much force is needed?", "What is the force?"), 1, 5000),
    (
        _var("mass", "mass", ("has a mass of {q}", "weighs {q}"), ("with a mass of {q}",),
             ("What is its mass?", "How heavy is it?", "What mass does it have?"), 0.5, 2000),
        _var("acceleration", "acceleration", ("accelerates at {q}", "speeds up at {q}"), ("accelerating at {q}",),
             ("What is its acceleration?", "How quickly does it speed up?", "What acceleration does it get?"), 0.2, 20),
    ),
    F(1),
    {"force": "mass * acceleration", "mass": "force / acceleration", "acceleration": "force / mass"},
    ({"force": "N", "mass": "kg", "acceleration": "m/s^2"},),
    ("a cart", "a box", "a car", "a rocket sled", "a shopping trolley", "a sled"),
    ("What force does it take to accelerate a box?", "I need the box's mass and the acceleration you want."),
)

HOOKE = Formula(
    "hookes_law",
    _var("force", "force", ("is pulled with {q}", "holds a load of {q}"), ("under a force of {q}",),
         ("What force stretches it?", "How much force is applied?", "What is the force on it?"), 1, 500),
    (
        _var("stiffness", "spring constant", ("has a spring constant of {q}",), ("with a spring constant of {q}",),
             ("What is its spring constant?", "How stiff is it?", "What is the spring constant?"), 10, 2000),
        _var("stretch", "extension", ("stretches {q}", "is stretched by {q}"), ("and stretches {q}",),
             ("How far does it stretch?", "What is the extension?", "How much does it stretch?"), 0.05, 2),
    ),
    F(1),
    {"force": "stiffness * stretch", "stiffness": "force / stretch", "stretch": "force / stiffness"},
    ({"force": "N", "stiffness": "N/m", "stretch": "m"},),
    ("a spring", "a bungee cord", "a rubber band", "a car suspension spring", "a spring scale"),
    ("How far does my spring stretch?", "I need the spring constant and the force pulling on it."),
)

WORK = Formula(
    "work_force_distance",
    _var("work", "work done", ("takes {q} of work",), ("using {q} of work",),
         ("How much work is done?", "What work does it take?", "How many joules of work is that?"), 1, 50000),
    (
        _var("force", "force", ("pushes with {q}", "pulls with {q}"), ("with a force of {q}",),
             ("What force is used?", "How hard does it push?", "What is the force?"), 5, 2000),
        _var("distance", "distance", ("moves a load {q}",), ("over {q}", "for {q}"),
             ("How far is the load moved?", "Over what distance?", "What distance is covered?"), 0.5, 100),
    ),
    F(1),
    {"work": "force * distance", "force": "work / distance", "distance": "work / force"},
    ({"work": "J", "force": "N", "distance": "m"},),
    ("a worker", "a tractor", "a winch", "a mover", "a robot arm"),
    ("How much work does it take to push a crate?", "I need the force and how far the crate is pushed."),
)

ENERGY_POWER = Formula(
    "energy_power_time",
    _var("energy", "energy used", ("uses {q}", "consumes {q}"), ("using {q}",),
         ("How much energy does it use?", "What energy does it consume?", "How many joules is that?"), 1, 100000),
    (
        _var("power", "power", ("is rated at {q}", "runs at {q}"), ("at {q}",),
             ("What is its power?", "How many watts is it?", "What power does it draw?"), 5, 3000),
        _var("time", "running time", ("runs for {q}", "is switched on for {q}"), ("for {q}",),
             ("How long does it run?", "For how many seconds is it on?", "How long is it used?"), 1, 600),
    ),
    F(1),
    {"energy": "power * time", "power": "energy / time", "time": "energy / power"},
    ({"energy": "J", "power": "W", "time": "s"},),
    ("a kettle", "a lamp", "a motor", "a heater", "a microwave", "a hair dryer"),
    ("How much energy does my kettle use?", "I need its power rating and how long it runs."),
)

KINETIC = Formula(
    "kinetic_energy",
    _var("energy", "kinetic energy", ("has a kinetic energy of {q}", "carries {q} of kinetic energy"),
         ("with {q} of kinetic energy",),
         ("What is its kinetic energy?", "How much kinetic energy does it have?", "How many joules of motion energy?"),
         1, 100000),
    (
        _var("mass", "mass", ("has a mass of {q}", "weighs {q}"), ("with a mass of {q}",),
             ("What is its mass?", "How heavy is it?", "What mass does it have?"), 0.1, 2000),
        _var("speed", "speed", ("moves at {q}", "rolls at {q}"), ("at {q}", "moving at {q}"),
             ("How fast is it moving?", "What is its speed?", "What speed does it have?"), 0.5, 40, power=2),
    ),
    F(1, 2),
    {"energy": "0.5 * mass * speed ** 2", "mass": "2 * energy / speed ** 2", "speed": "(2 * energy / mass) ** 0.5"},
    ({"energy": "J", "mass": "kg", "speed": "m/s"},),
    ("a ball", "a cart", "a car", "a runner", "a sled", "a bullet", "a bike"),
    ("What is the kinetic energy of a car?", "I need the car's mass and its speed. What are they?"),
)

POTENTIAL = Formula(
    "potential_energy",
    _var("energy", "potential energy", ("stores {q} of potential energy",), ("with {q} of potential energy",),
         ("How much potential energy does it have?", "What is its potential energy?", "How many joules is that?"),
         1, 100000),
    (
        _var("mass", "mass", ("has a mass of {q}", "weighs {q}"), ("with a mass of {q}",),
             ("What is its mass?", "How heavy is it?", "What mass does it have?"), 0.1, 1000),
        _var("height", "height", ("sits {q} up", "is lifted {q}"), ("at a height of {q}", "lifted {q}"),
             ("How high is it?", "At what height is it?", "How far up is it?"), 0.5, 200),
    ),
    F("9.81"),
    {"energy": "mass * 9.81 * height", "mass": "energy / (9.81 * height)", "height": "energy / (9.81 * mass)"},
    ({"energy": "J", "mass": "kg", "height": "m"},),
    ("a rock", "a book on a shelf", "a crate", "a climber", "a water tank", "a flower pot"),
    ("What is the potential energy of a rock on a cliff?", "I need its mass and its height (g = 9.81 m/s²)."),
)

INTEREST = Formula(
    "simple_interest",
    _var("interest", "interest", ("earns {q} in interest",), ("and earns {q} in interest",),
         ("How much interest does it earn?", "What is the interest?", "How much interest is that?"), 1, 100000),
    (
        _var("principal", "principal", ("of {q} is invested",), ("of {q}",),
             ("How much was invested?", "What was the principal?", "How much money was put in?"), 100, 50000),
        _var("rate", "interest rate", ("is invested at {q} a year",), ("at {q} simple interest per year",),
             ("What is the yearly interest rate?", "What rate was it?", "At what annual rate?"), 1, 12),
        _var("years", "time", ("is left for {q}",), ("for {q}",),
             ("For how many years?", "How many years did it take?", "How long was it invested?"), 1, 20),
    ),
    F(1, 100),
    {
        "interest": "principal * rate / 100 * years",
        "principal": "interest * 100 / (rate * years)",
        "rate": "interest * 100 / (principal * years)",
        "years": "interest * 100 / (principal * rate)",
    },
    ({"interest": "$", "principal": "$", "rate": "%", "years": "years"},),
    ("a deposit", "a savings bond", "a loan", "a sum of money", "an investment"),
    ("How much simple interest will my savings earn?", "I need the amount, the yearly rate and the number of years."),
    scene_order=("principal", "interest", "rate", "years"),
)


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
        finals=("{q}.", "It is {q}.", "The answer is {q}.", "That comes to {q}.", "That gives {q}."),
        units=lambda p: _unit(formula, p),
        render=_render(formula),
        rel_tol=5e-3,
        refusals=(formula.refusal,),
    )


FORMULAS = (MOTION, OHM, DENSITY, PRESSURE, MOMENTUM, NEWTON, HOOKE, WORK, ENERGY_POWER, KINETIC, POTENTIAL, INTEREST)
FAMILIES = [formula_family(formula) for formula in FORMULAS]
