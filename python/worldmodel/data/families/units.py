"""Unit conversion as a grammar: one family per dimension, every unit pair in both directions, compound
amounts ("2 h 15 min"), and temperature between Celsius, Fahrenheit and Kelvin in every direction.

The program converts with the factor a person would write (`seconds = hours * 3600`, `hours = seconds / 3600`,
`kilometers = miles * 1.609344`); the ground truth goes through exact SI sizes instead.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from worldmodel.data import phrasing
from worldmodel.data.families.plan import Plan
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
TIME = Dimension(
    "time_conversion",
    {
        "s": (F(1), "seconds"),
        "min": (F(60), "minutes"),
        "h": (F(3600), "hours"),
        "days": (F(86400), "days"),
        "weeks": (F(604800), "weeks"),
        "years": (F(31536000), "years"),
    },
    (("h", "min"), ("min", "s"), ("days", "h"), ("weeks", "days"), ("h", "s")),
    (
        "A flight takes {qty}. How long is that in {to_name}?",
        "I studied for {qty}. How many {to_name} is that?",
        "The movie runs {qty}. What is that in {to_name}?",
        "My phone says the download needs {qty}. How many {to_name} is that?",
        "A marathon runner finished in {qty}. Give the time in {to_name}.",
    ),
    ("How many seconds did my run take?", "How long was your run? Give me the time and I'll convert it to seconds."),
)
LENGTH = Dimension(
    "length_conversion",
    {
        "mm": (F(1, 1000), "millimeters"),
        "cm": (F(1, 100), "centimeters"),
        "m": (F(1), "meters"),
        "km": (F(1000), "kilometers"),
        "in": (F("0.0254"), "inches"),
        "ft": (F("0.3048"), "feet"),
        "yd": (F("0.9144"), "yards"),
        "mi": (F("1609.344"), "miles"),
    },
    (("ft", "in"), ("m", "cm"), ("km", "m"), ("yd", "ft")),
    (
        "I ran {qty} today. How far is that in {to_name}?",
        "A rope is {qty} long. What is its length in {to}?",
        "My friend is {qty} tall. What is that in {to_name}?",
        "The trail is {qty} long. How many {to_name} is that?",
        "A board measures {qty}. Convert the length to {to}.",
    ),
    (
        "How far is my commute in kilometers?",
        "I don't know the length of your commute. Tell me the distance in miles (or any unit) and I'll convert it.",
    ),
)
MASS = Dimension(
    "mass_conversion",
    {
        "g": (F(1, 1000), "grams"),
        "kg": (F(1), "kilograms"),
        "lb": (F("0.45359237"), "pounds"),
        "oz": (F("0.028349523125"), "ounces"),
        "t": (F(1000), "tonnes"),
    },
    (("lb", "oz"), ("kg", "g")),
    (
        "My suitcase weighs {qty}. What's that in {to_name}?",
        "A baby weighs {qty}. How many {to_name} is that?",
        "The recipe needs {qty} of flour. How much is that in {to}?",
        "A truck carries {qty}. What is the load in {to_name}?",
        "My dog weighs {qty}. Convert that to {to_name}.",
    ),
    (
        "My suitcase is heavy. How many pounds does it weigh?",
        "I can't know that without a measurement. How much does it weigh in kilograms or another unit?",
    ),
)
VOLUME = Dimension(
    "volume_conversion",
    {
        "mL": (F(1, 1000), "milliliters"),
        "L": (F(1), "liters"),
        "gal": (F("3.785411784"), "gallons"),
        "cup": (F("0.2365882365"), "cups"),
        "m^3": (F(1000), "cubic_meters"),
    },
    (),
    (
        "The tank holds {qty}. How many {to_name} is that?",
        "I drank {qty} of water today. What's that in {to_name}?",
        "A recipe calls for {qty} of milk. How much is that in {to_name}?",
        "A pool holds {qty}. Express that in {to_name}.",
        "The bottle contains {qty}. How many {to_name} is that?",
    ),
    ("How many gallons does my fish tank hold?", "I'd need the tank's volume or its dimensions. What are they?"),
)
AREA = Dimension(
    "area_conversion",
    {
        "cm^2": (F(1, 10000), "square_cm"),
        "m^2": (F(1), "square_meters"),
        "km^2": (F(1000000), "square_km"),
        "ha": (F(10000), "hectares"),
        "acre": (F("4046.8564224"), "acres"),
        "ft^2": (F("0.09290304"), "square_feet"),
    },
    (),
    (
        "A farm covers {qty}. What is its area in {to_name}?",
        "My apartment is {qty}. How many {to_name} is that?",
        "A park has an area of {qty}. Convert it to {to_name}.",
        "The field measures {qty}. How big is it in {to_name}?",
        "A lake covers {qty}. What's that in {to_name}?",
    ),
    ("How many acres is my garden?", "How big is your garden? Give me its area (or length and width) in any unit."),
)
SPEED = Dimension(
    "speed_conversion",
    {
        "m/s": (F(1), "mps"),
        "km/h": (F(1000, 3600), "kmh"),
        "mph": (F("0.44704"), "mph"),
        "ft/s": (F("0.3048"), "fps"),
    },
    (),
    (
        "A car drives at {qty}. What is its speed in {to}?",
        "The wind blows at {qty}. Express it in {to_name}.",
        "A cheetah runs at {qty}. How fast is that in {to}?",
        "The speed limit is {qty}. What is that in {to_name}?",
        "A cyclist rides at {qty}. Convert the speed to {to}.",
    ),
    ("How fast is a car going in m/s?", "That depends on the car's speed. What speed is it going, for example in km/h?"),
    high=300,
)

# Said by every dimension; a dimension's contexts follow, so each family has about fifteen phrasings.
TEMPLATES = (
    "Convert {qty} to {to}.",
    "How many {to_name} are in {qty}?",
    "What is {qty} in {to}?",
    "{qty} is how many {to_name}?",
    "Express {qty} in {to_name}.",
    "I have {qty}. How much is that in {to}?",
    "How many {to_name} are there in {one}?",
    "Change {qty} into {to}, please.",
    "Could you tell me what {qty} comes to in {to_name}?",
    "{qty} = ? {to}",
)


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
        finals=("That's {q}.", "{q}.", "It is {q}.", "It converts to {q}.", "The answer is {q}.", "You get {q}."),
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
    name="temperature",
    stage="system",
    templates=(
        "Convert {temp} to {scale}.",
        "What is {temp} in {scale}?",
        "It's {temp} outside. What is that in {scale}?",
        "{temp} is how many degrees {scale}?",
        "The oven is set to {temp}. What's that in {scale}?",
        "Express {temp} in {scale}.",
        "My thermometer shows {temp}. Convert it to {scale} please.",
        "Water in the pot is at {temp}. How many degrees {scale} is that?",
        "If a recipe says {temp}, what temperature is that in {scale}?",
        "Change {temp} into {scale}.",
        "The forecast says {temp} tomorrow. What would that be in {scale}?",
        "How much is {temp} on the {scale} scale?",
    ),
    sample=_temperature_sample,
    solution=lambda p: _temperature_plan(p).program(_SCALES[p["to"]][0], digits=2),
    truth=_temperature_truth,
    think=("{plan}",),
    finals=("That's {q}.", "{q}.", "It is {q}.", "It converts to {q}.", "The temperature is {q}."),
    units=lambda p: p["to"],
    render=_temperature_render,
    refusals=(
        (
            "What is the temperature outside in Fahrenheit?",
            "I have no way to measure the temperature where you are. If you tell me the Celsius reading, I'll convert it.",
        ),
    ),
)

FAMILIES = [conversion_family(d) for d in (TIME, LENGTH, MASS, VOLUME, AREA, SPEED)] + [TEMPERATURE]
