"""How numbers, units and questions are said: the surface variety of the dataset.

Every function takes the build's `random.Random` explicitly; none touches the global RNG.
"""

from __future__ import annotations

import random
import re

# Words for small whole numbers. Hand-written: the only case needed is 0-99, and num2words would add
# two dependencies (num2words, docopt) for these 20 lines.
_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> str:
    """English words for 0 <= n <= 99 ("forty-two")."""
    if not 0 <= n <= 99 or n != int(n):
        raise ValueError(f"number_words handles whole numbers 0-99, got {n!r}")
    n = int(n)
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + ("" if ones == 0 else "-" + _ONES[ones])


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def plain(x: float | int) -> str:
    """The number as a person would type it without grouping: 1234, 12.5, 0.25."""
    if isinstance(x, int) or float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    text = repr(float(x))
    if "e" in text:
        raise ValueError(f"{x!r} needs an exponent; samplers must produce plain-sized numbers")
    return text


def grouped(x: float | int) -> str:
    """Thousands separators: 1,234 or 12,345.75."""
    text = plain(x)
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{int(whole.lstrip('-')):,}"
    return sign + whole + ("." + frac if frac else "")


def abbreviated(x: float | int) -> list[str]:
    """Short forms that read back exactly: 12.5k, 3.2 million, 1.5bn; [] when there is none.

    No "3.2M": questions are sometimes lower-cased, and "3.2m" reads as meters.
    """
    for factor, suffixes in ((10**9, (" billion", "bn")), (10**6, (" million",)), (10**3, ("k",))):
        if abs(x) >= factor and float(x).is_integer():
            scaled = int(x) / factor
            if round(scaled, 2) == scaled:  # at most two decimals, so the form is exact
                digits = plain(int(scaled) if scaled.is_integer() else scaled)
                return [digits + suffix for suffix in suffixes]
            return []
    return []


def say_number(x: float | int, rng: random.Random, *, words: bool = True, short: bool = True) -> str:
    """One of several ways of writing the same number; every form reads back to exactly `x`."""
    forms = [plain(x)] * 3
    if abs(x) >= 1000:
        forms += [grouped(x)] * 3
    if short:
        short_forms = abbreviated(x)
        if short_forms:
            forms.append(rng.choice(short_forms))
    if words and isinstance(x, int) and 0 <= x <= 20:
        forms += [number_words(x)]
    return rng.choice(forms)


def say_money(x: float | int, rng: random.Random, symbol: str = "$") -> str:
    """$1,250, $1250.50, 1,250 dollars."""
    amount = grouped(x) if abs(x) >= 1000 and rng.random() < 0.6 else plain(x)
    if not float(x).is_integer():
        amount = f"{x:,.2f}" if "," in amount else f"{x:.2f}"
    word = {"$": "dollars", "€": "euros", "£": "pounds"}[symbol]
    return rng.choice((f"{symbol}{amount}", f"{symbol}{amount}", f"{amount} {word}"))


def say_percent(p: float | int, rng: random.Random) -> str:
    return rng.choice((f"{plain(p)}%", f"{plain(p)}%", f"{plain(p)} percent"))


# Units: canonical symbol -> (singular, plural). The symbol is also what the dataset row's "units" holds.
UNITS: dict[str, tuple[str, str]] = {
    "m": ("meter", "meters"),
    "km": ("kilometer", "kilometers"),
    "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"),
    "mi": ("mile", "miles"),
    "ft": ("foot", "feet"),
    "in": ("inch", "inches"),
    "yd": ("yard", "yards"),
    "kg": ("kilogram", "kilograms"),
    "g": ("gram", "grams"),
    "lb": ("pound", "pounds"),
    "oz": ("ounce", "ounces"),
    "t": ("tonne", "tonnes"),
    "L": ("liter", "liters"),
    "mL": ("milliliter", "milliliters"),
    "gal": ("gallon", "gallons"),
    "cup": ("cup", "cups"),
    "s": ("second", "seconds"),
    "min": ("minute", "minutes"),
    "h": ("hour", "hours"),
    "days": ("day", "days"),
    "weeks": ("week", "weeks"),
    "years": ("year", "years"),
    "months": ("month", "months"),
    "m/s": ("meter per second", "meters per second"),
    "km/h": ("kilometer per hour", "kilometers per hour"),
    "mph": ("mile per hour", "miles per hour"),
    "ft/s": ("foot per second", "feet per second"),
    "m/s^2": ("meter per second squared", "meters per second squared"),
    "J": ("joule", "joules"),
    "kJ": ("kilojoule", "kilojoules"),
    "W": ("watt", "watts"),
    "kW": ("kilowatt", "kilowatts"),
    "N": ("newton", "newtons"),
    "N/m": ("newton per meter", "newtons per meter"),
    "kg·m/s": ("kilogram meter per second", "kilogram meters per second"),
    "Pa": ("pascal", "pascals"),
    "V": ("volt", "volts"),
    "A": ("ampere", "amperes"),
    "ohm": ("ohm", "ohms"),
    "°C": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "K": ("kelvin", "kelvins"),
    "m^2": ("square meter", "square meters"),
    "cm^2": ("square centimeter", "square centimeters"),
    "km^2": ("square kilometer", "square kilometers"),
    "ft^2": ("square foot", "square feet"),
    "ha": ("hectare", "hectares"),
    "acre": ("acre", "acres"),
    "m^3": ("cubic meter", "cubic meters"),
    "cm^3": ("cubic centimeter", "cubic centimeters"),
    "ft^3": ("cubic foot", "cubic feet"),
    "°": ("degree", "degrees"),
    "kg/m^3": ("kilogram per cubic meter", "kilograms per cubic meter"),
    "g/cm^3": ("gram per cubic centimeter", "grams per cubic centimeter"),
    "$": ("dollar", "dollars"),
    "€": ("euro", "euros"),
    "£": ("pound", "pounds"),
    "¥": ("yen", "yen"),
}

# How a symbol is printed in text, where it differs from the canonical ASCII symbol: superscripts, so that
# "12 m²" holds no number but 12 (the final answer may state only the computed number).
SHOWN = {"m^2": "m²", "cm^2": "cm²", "km^2": "km²", "ft^2": "ft²", "ft^3": "ft³", "m^3": "m³", "cm^3": "cm³", "kg/m^3": "kg/m³", "g/cm^3": "g/cm³", "m/s^2": "m/s²"}

# Symbols that read badly after a number in running text, or are ambiguous alone: always spelled out.
SPELL_ONLY = {"°", "days", "weeks", "years", "months", "ohm", "K", "t", "in", "cup", "ha", "acre"}


def say_unit(symbol: str, rng: random.Random, value: float | int | None = None) -> str:
    """The unit spelled out (agreeing with `value`) or abbreviated."""
    singular, plural = UNITS[symbol]
    spelled = singular if value is not None and value == 1 else plural
    if symbol in SPELL_ONLY or symbol in {"$", "€", "£", "¥"}:
        return spelled
    return rng.choice((SHOWN.get(symbol, symbol), spelled))


def say_quantity(x: float | int, symbol: str, rng: random.Random, *, words: bool = False) -> str:
    """ "12.5 km", "12.5 kilometers", "1,200 meters"."""
    return f"{say_number(x, rng, words=words, short=False)} {say_unit(symbol, rng, x)}"


def capitalized(text: str) -> str:
    """`text` with its first letter upper-case and the rest as it is ("the ball rolls" -> "The ball rolls")."""
    return text[0].upper() + text[1:]


def with_capitals(**texts: str) -> dict[str, str]:
    """Slots for texts a template may put at the start of a sentence: each as written ({scene}) and capitalized
    ({Scene})."""
    slots = {}
    for name, text in texts.items():
        slots[name] = text
        slots[capitalized(name)] = capitalized(text)
    return slots


# Question dressing: chatty openings and closings, commands vs questions, irrelevant details.
OPENERS = ("",) * 6 + (  # six blanks: a question in three or four comes without an opener
    "Hi! ",
    "Hey, ",
    "Quick question: ",
    "Can you help me? ",
    "Hello. ",
    "I'm stuck on this one. ",
    "Homework help please: ",
    "Okay, so ",
    "Random question, ",
    "Need a hand: ",
    "Good morning! ",
    "Math time. ",
    "Here's one for you: ",
    "My teacher asked us this: ",
)
CLOSERS = ("",) * 6 + (  # six blanks: three questions in seven come without a closer
    " Thanks!",
    " Thank you.",
    " Thanks in advance.",
    " Please show the answer.",
    " :)",
    " Cheers.",
    " I'd appreciate it.",
    " Much appreciated!",
)
# Openings of a clarification reply (the family's reply then names the missing number).
REFUSAL_LEADS = (
    "",
    "",
    "",
    "",
    "I can't compute that yet. ",
    "Something is missing here. ",
    "Happy to help with this. ",
    "Good question, but one number is missing. ",
    "I'd rather not guess. ",
)
DISTRACTORS = (
    "It was raining that day.",
    "My sister is {n} years old.",
    "I have {n} cats, by the way.",
    "This is question {n} of my worksheet.",
    "The room number was {n}.",
    "I'm writing this on my phone.",
    "We had pizza for lunch.",
    "My bus was {n} minutes late today.",
    "The sky was clear.",
    "I've been at this for {n} minutes.",
    "Our class has {n} students.",
    "It's for a school project.",
    "The weather was nice.",
    "My friend got a different answer.",
    "I think the answer is easy but I'm not sure.",
)


# First names the families use: a question that starts with one keeps its capital after an opener.
PROPER_NAMES = frozenset(
    "Aisha Ana Ben Carlos Chloe Dev Elena Emma Farid Fatima Grace Hiro Ines Jamal Jon Kenji Kira Liam Lucas Maya Mei "
    "Noah Olivia Omar Priya Ravi Sarah Tom".split()
)


def dress(question: str, rng: random.Random) -> str:
    """Add a chatty opener/closer and sometimes an irrelevant detail with its own number."""
    if rng.random() < 0.18:
        detail = rng.choice(DISTRACTORS).format(n=say_number(rng.randint(2, 40), rng, short=False))
        question = f"{detail} {question}" if rng.random() < 0.5 else f"{question} {detail}"
    opener, closer = rng.choice(OPENERS), rng.choice(CLOSERS)
    # "Hey, What is..." reads wrong: lower-case the first letter unless the opener ends a sentence (keep "I").
    if (
        opener
        and not opener.rstrip().endswith((".", "!", "?"))
        and question[:1].isupper()
        and not question.startswith(("I ", "I'"))
        and re.match(r"[A-Za-z]*", question).group(0) not in PROPER_NAMES
    ):
        question = question[0].lower() + question[1:]
    # Some people type in lower case; not when a unit symbol would change meaning ("300 K", "5 L", "12 V").
    if rng.random() < 0.08 and not re.search(r"\d\s?°?[A-Z]", question):
        question = question.lower()
    return opener + question + closer


def tidy(text: str) -> str:
    """Fix what filling templates can produce: "6 p.m.." at the end of a sentence, doubled spaces."""
    return re.sub(r"([ap])\.m\.\.", r"\1.m.", re.sub(r"  +", " ", text))
