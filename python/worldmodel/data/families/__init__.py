"""All question families, by stage, and the plain chat topics.

`FAMILIES` write Python solutions; `LOGIC_FAMILIES` write ByteLog (`language="bytelog"`, families/logic.py)."""

from worldmodel.data.families import basic, complex, logic, system
from worldmodel.data.families.chat import CHAT_TOPICS, ChatTopic, replies_for

FAMILIES = [*basic.FAMILIES, *system.FAMILIES, *complex.FAMILIES]
LOGIC_FAMILIES = list(logic.FAMILIES)

__all__ = ["CHAT_TOPICS", "FAMILIES", "LOGIC_FAMILIES", "ChatTopic", "replies_for"]
