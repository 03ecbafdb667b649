"""All question families, by stage, and the plain chat topics.

`FAMILIES` write Python solutions; `LOGIC_FAMILIES` write ByteLog (`language="bytelog"`, families/logic.py)."""

from dataclasses import replace

from worldmodel.data.families import (
    basic,
    complex,
    everyday,
    finance,
    formulas,
    geometry,
    logic,
    money,
    numbers,
    physics,
    stats,
    stories,
    system,
    units,
)
from worldmodel.data.families.chat import CHAT_TOPICS, ChatTopic, replies_for

# One program shape each, learned from few rows; the general concept families get the full count
# (list_statistics too: mean, median, mode, range and sum are five shapes, and people ask for them often).
NARROW = {"addition", "subtraction", "multiplication", "division", "remainder", "decimals", "big_numbers", "powers",
          "squares", "rounding", "bouncing_ball", "fibonacci", "primes_count", "date_days"}
NARROW_SHARE = 0.5

_ALL = [
    *basic.FAMILIES,
    *stories.FAMILIES,
    *everyday.FAMILIES,
    *money.FAMILIES,
    *system.FAMILIES,
    *units.FAMILIES,
    *stats.FAMILIES,
    *formulas.FAMILIES,
    *physics.FAMILIES,
    *geometry.FAMILIES,
    *numbers.FAMILIES,
    *finance.FAMILIES,
    *complex.FAMILIES,
]
FAMILIES = [replace(family, share=NARROW_SHARE) if family.name in NARROW else family for family in _ALL]
LOGIC_FAMILIES = list(logic.FAMILIES)

__all__ = ["CHAT_TOPICS", "FAMILIES", "LOGIC_FAMILIES", "ChatTopic", "replies_for"]
