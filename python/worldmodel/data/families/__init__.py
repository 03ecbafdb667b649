"""All question families, by stage, and the plain chat topics."""

from worldmodel.data.families import (
    basic,
    complex,
    everyday,
    finance,
    formulas,
    geometry,
    money,
    numbers,
    physics,
    stats,
    stories,
    system,
    units,
)
from worldmodel.data.families.chat import CHAT_TOPICS, ChatTopic, replies_for

FAMILIES = [
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

__all__ = ["CHAT_TOPICS", "FAMILIES", "ChatTopic", "replies_for"]
