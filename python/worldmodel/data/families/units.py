"""Unit conversion as a grammar: one family per dimension, every unit pair in both directions, compound
amounts ("2 h 15 min"), and temperature between Celsius, Fahrenheit and Kelvin in every direction.

The program converts with the factor a person would write (`seconds = hours * 3600`, `hours = seconds / 3600`,
`kilometers = miles * 1.609344`); the ground truth goes through exact SI sizes instead. The dimensions (units,
sizes, phrasings) are data: texts/units.toml.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from worldmodel.data import phrasing
from worldmodel.data.families.plan import Plan
from worldmodel.data.families.texts import texts
from worldmodel.data.spec import Family


@dataclass(frozen=True)
class Dimension:
    name: str
    units: dict[str, tuple[Fraction, str]]  # symbol -> (size in the base unit, variable name)
    compounds: tuple[tuple[str, str], ...]  # (larger, smaller) pairs said together: "2 h 15 min"
    contexts: tuple[str, ...]  # extra templates of this dimension
    refusal: tuple[str, str]
    high: int = 5000  # largest whole amount sampled (speeds stay plausible)


F = Fraction


def _dimension(name: str) -> Dimension:
    """The dimension `name` as texts/units.toml states it (a unit's size: an exact fraction written as text)."""
    table = texts(name)
    units = {symbol: (Fraction(size), variable) for symbol, (size, variable) in table.pop("units").items()}
    return Dimension(name, units, **table)


TIME = _dimension("time_conversion")
LENGTH = _dimension("length_conversion")
MASS = _dimension("mass_conversion")
VOLUME = _dimension("volume_conversion")
AREA = _dimension("area_conversion")
SPEED = _dimension("speed_conversion")

# Said by every dimension; a dimension's contexts follow, so each family has about fifteen phrasings.
TEMPLATES = texts("units")["TEMPLATES"]
FINALS = texts("units")["FINALS"]


def _is_terminating(x: Fraction) -> bool:
    d = x.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def _decimal(x: Fraction) -> str:
    """A terminating fraction as a plain decimal literal (never exponent form)."""
    text = format(Decimal(x.numerator) / Decimal(x.denominator), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _symbol(unit: str, *, per: bool = False) -> str:
    """How the plan writes a unit: its symbol, or a word where the symbol reads badly ("s/day")."""
    if unit in phrasing.SPELL_ONLY and unit != "in":
        return phrasing.UNITS[unit][0 if per else 1]
    return phrasing.SHOWN.get(unit, unit)


def _factor_term(name: str, source_size: Fraction, target_size: Fraction, source: str, target: str) -> tuple[str, str]:
    """`name` converted as a person writes it, with the shortest exact constant: (Python, as the plan shows it).

    Multiply by the factor (`hours * 3600`), divide by its inverse (`seconds / 3600`), or go through the base
    unit (`hectares * 10000 / 0.09290304`); the plan names the ratio's units where they read plainly.
    """
    factor = source_size / target_size
    if factor == 1:
        return name, ""
    plain_units = "/" not in source + target
    options = []
    if _is_terminating(factor):
        ratio = f" {_symbol(target)}/{_symbol(source, per=True)}" if plain_units else ""
        options.append((f"{name} * {_decimal(factor)}", f" × {_decimal(factor)}{ratio}"))
    if _is_terminating(1 / factor):
        ratio = f" {_symbol(source)}/{_symbol(target, per=True)}" if plain_units else ""
        options.append((f"{name} / {_decimal(1 / factor)}", f" ÷ {_decimal(1 / factor)}{ratio}"))
    if _is_terminating(source_size) and _is_terminating(target_size):
        a, b = _decimal(source_size), _decimal(target_size)
        options.append((f"{name} * {a} / {b}", f" × {a} ÷ {b}"))
    if not options:
        a, b = factor.numerator, factor.denominator
        options.append((f"{name} * {a} / {b}", f" × {a} ÷ {b}"))
    # Shortest, but never a constant with three leading zeros ("0.0002365882365"): that is where people slip.
    return min(options, key=lambda option: ("0.000" in option[0], len(option[0])))


def _sampler(dimension: Dimension):
    symbols = list(dimension.units)

    def sample(rng: random.Random) -> dict:
        while True:
            compound = dimension.compounds and rng.random() < 0.25
            if compound:
                big, small = rng.choice(dimension.compounds)
                per = dimension.units[big][0] / dimension.units[small][0]
                p = {"from": big, "small": small, "to": rng.choice(symbols)}
                # Whole counts of both units, under their own names: a plain amount may be fractional.
                p["big_n"], p["small_n"] = rng.randint(1, 20), rng.randint(1, int(per) - 1)
                p["x"] = p["big_n"]  # unused: every sample has the same keys
                value = p["big_n"] * dimension.units[big][0] + p["small_n"] * dimension.units[small][0]
            else:
                source, target = rng.sample(symbols, 2)
                p = {"from": source, "small": "", "to": target}
                p["x"] = rng.choice((rng.randint(1, 100), rng.randint(100, dimension.high), round(rng.uniform(0.5, 300), 1)))
                value = F(str(p["x"])) * dimension.units[source][0]
            # Between 0.1 and a billion in the target unit: 4 decimals stay within rel_tol, no exponent form.
            if F(1, 10) <= value / dimension.units[p["to"]][0] <= 10**9:
                return p

    return sample


def _effective(dimension: Dimension, p: dict) -> dict:
    """The conversion the question asks: for "how many minutes are in an hour", one of the larger unit."""
    if "{one}" not in p.get("_template", ""):
        return p
    source, target = p["from"], p["to"]
    if dimension.units[source][0] < dimension.units[target][0]:
        source, target = target, source
    return {"from": source, "to": target, "x": 1, "small": ""}


def _conversion_plan(dimension: Dimension, p: dict) -> tuple[Plan, str]:
    units, p = dimension.units, _effective(dimension, p)
    plan = Plan()
    target_size, target_name = units[p["to"]]
    if p["small"]:
        big_name, small_name = units[p["from"]][1], units[p["small"]][1]
        plan.given(big_name, p["big_n"], f"{p['big_n']} {_symbol(p['from'])}", whole=True)
        plan.given(small_name, p["small_n"], f"{p['small_n']} {_symbol(p['small'])}", whole=True)
        result = "total_" + target_name
        terms = [_factor_term(n, units[u][0], target_size, u, p["to"]) for n, u in ((big_name, p["from"]), (small_name, p["small"]))]
        plan.step(result, " + ".join(t[0] for t in terms))
        return plan, result
    source_name = units[p["from"]][1]
    plan.given(source_name, p["x"], f"{phrasing.plain(p['x'])} {_symbol(p['from'])}")
    expression, shown = _factor_term(source_name, units[p["from"]][0], target_size, p["from"], p["to"])
    plan.step(target_name, expression, plan.said[source_name] + shown)
    return plan, target_name


def _article(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" or noun.startswith("hour") else "a ") + noun


def _conversion_render(dimension: Dimension):
    def render(p: dict, rng: random.Random) -> dict:
        plan, _ = _conversion_plan(dimension, p)
        p = _effective(dimension, p)
        if p["small"]:
            qty = f"{phrasing.say_quantity(p['big_n'], p['from'], rng)}{rng.choice((' and ', ' ', ', '))}"
            qty += phrasing.say_quantity(p["small_n"], p["small"], rng)
        else:
            qty = phrasing.say_quantity(p["x"], p["from"], rng)
        spelled_to = phrasing.UNITS[p["to"]][1]
        symbol_ok = p["to"] not in phrasing.SPELL_ONLY
        return {
            "qty": qty,
            "to": rng.choice((spelled_to, phrasing.SHOWN.get(p["to"], p["to"]))) if symbol_ok else spelled_to,
            "to_name": spelled_to,
            "one": _article(phrasing.UNITS[p["from"]][0]),
            "plan": plan.text(),
        }

    return render


def _conversion_truth(dimension: Dimension):
    def truth(p: dict) -> float:
        units, p = dimension.units, _effective(dimension, p)
        if p["small"]:
            value = p["big_n"] * units[p["from"]][0] + p["small_n"] * units[p["small"]][0]
        else:
            value = F(str(p["x"])) * units[p["from"]][0]
        return float(value / units[p["to"]][0])

    return truth


def _conversion_solution(dimension: Dimension):
    def solution(p: dict) -> str:
        plan, result = _conversion_plan(dimension, p)
        p = _effective(dimension, p)
        exact = p["small"] and all(
            (dimension.units[u][0] / dimension.units[p["to"]][0]).denominator == 1 for u in (p["from"], p["small"])
        )
        return plan.program(result, digits=None if exact else 4)

    return solution


def conversion_family(dimension: Dimension) -> Family:
    return Family(
        name=dimension.name,
        stage="system",
        templates=TEMPLATES + dimension.contexts,
        sample=_sampler(dimension),
        solution=_conversion_solution(dimension),
        truth=_conversion_truth(dimension),
        think=("{plan}",),
        finals=FINALS,
        units=lambda p: _effective(dimension, p)["to"],
        render=_conversion_render(dimension),
        refusals=(dimension.refusal,),
    )


# Temperature: the formulas differ by direction, so each direction is its own plan.
_SCALES = {"°C": ("celsius", "Celsius"), "°F": ("fahrenheit", "Fahrenheit"), "K": ("kelvin", "Kelvin")}
_TEMPERATURE_STEPS = {
    ("°C", "°F"): "celsius * 9 / 5 + 32",
    ("°F", "°C"): "(fahrenheit - 32) * 5 / 9",
    ("°C", "K"): "celsius + 273.15",
    ("K", "°C"): "kelvin - 273.15",
    ("°F", "K"): "(fahrenheit - 32) * 5 / 9 + 273.15",
    ("K", "°F"): "(kelvin - 273.15) * 9 / 5 + 32",
}


def _temperature_truth(p: dict) -> float:
    kelvin = {
        "°C": lambda t: t + F("273.15"),
        "°F": lambda t: (t - 32) * F(5, 9) + F("273.15"),
        "K": lambda t: t,
    }[p["from"]](F(str(p["t"])))
    celsius = kelvin - F("273.15")
    return float({"°C": celsius, "°F": celsius * F(9, 5) + 32, "K": kelvin}[p["to"]])


def _temperature_sample(rng: random.Random) -> dict:
    source, target = rng.choice(list(_TEMPERATURE_STEPS))
    while True:
        t = {"°C": rng.randint(-40, 200), "°F": rng.randint(-40, 400), "K": rng.randint(200, 500)}[source]
        if rng.random() < 0.3:
            t = t + rng.choice((0.5, 0.2, 0.8))
        p = {"t": t, "from": source, "to": target}
        # Away from zero: the answer is rounded to 2 decimals and compared with a relative tolerance.
        if abs(_temperature_truth(p)) >= 5:
            return p


def _temperature_plan(p: dict) -> Plan:
    plan = Plan()
    plan.given(_SCALES[p["from"]][0], p["t"], f"{phrasing.plain(p['t'])} {p['from']}")
    plan.step(_SCALES[p["to"]][0], _TEMPERATURE_STEPS[(p["from"], p["to"])])
    return plan


def _temperature_render(p: dict, rng: random.Random) -> dict:
    number = phrasing.plain(p["t"])
    if p["from"] == "K":
        temp = f"{number} {rng.choice(('K', 'kelvins', 'kelvin'))}"
    else:
        scale = _SCALES[p["from"]][1]
        temp = f"{number} {rng.choice((p['from'], 'degrees ' + scale, 'degrees ' + scale[0], p['from'][1]))}"
    return {"temp": temp, "scale": _SCALES[p["to"]][1], "plan": _temperature_plan(p).text()}


TEMPERATURE = Family(
    name="temperature", stage="system", **texts("temperature"),
    sample=_temperature_sample, truth=_temperature_truth, render=_temperature_render,
    solution=lambda p: _temperature_plan(p).program(_SCALES[p["to"]][0], digits=2),
    units=lambda p: p["to"],
)

FAMILIES = [conversion_family(d) for d in (TIME, LENGTH, MASS, VOLUME, AREA, SPEED)] + [TEMPERATURE]
