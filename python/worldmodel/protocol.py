"""The answer protocol (docs/protocol.md section 1): parse and format assistant turns.

    <think>plan</think>
    <wat_model>
    (module ...)
    </wat_model>
    <computed>VALUE</computed>
    Final answer using VALUE.

The browser worker implements the same document in TypeScript (web/worker/protocol.ts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

THINK_OPEN, THINK_CLOSE = "<think>", "</think>"
WAT_OPEN, WAT_CLOSE = "<wat_model>", "</wat_model>"
BYTELOG_OPEN, BYTELOG_CLOSE = "<computation>", "</computation>"
COMPUTED_OPEN, COMPUTED_CLOSE = "<computed>", "</computed>"
# Decoding pauses at these: the runtime must run the program before the model may go on.
PROGRAM_CLOSE_TAGS = (WAT_CLOSE, BYTELOG_CLOSE)

_BLOCK = re.compile(
    r"<think>(?P<think>.*?)</think>"
    r"|<wat_model>(?P<wat>.*?)</wat_model>"
    r"|<computation>(?P<bytelog>.*?)</computation>"
    r'|<computed(?:\s+error="(?P<error>[^"]*)")?>(?P<computed>.*?)</computed>',
    re.DOTALL,
)
# Numbers as people write them: 1,234.5 / -3 / 2.5e-3 / 12%.
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?")


@dataclass
class Answer:
    think: str | None = None
    wat: str | None = None
    bytelog: str | None = None
    computed: str | None = None
    computed_error: str | None = None  # the error kind when the runtime failed
    final: str = ""
    blocks: list[str] = field(default_factory=list)  # block names in the order they appeared

    @property
    def program(self) -> str | None:
        return self.wat if self.wat is not None else self.bytelog


def parse_answer(text: str) -> Answer:
    """Split an assistant turn into its blocks; text outside blocks after the last block is the final answer."""
    answer = Answer()
    end = 0
    for match in _BLOCK.finditer(text):
        if match.group("think") is not None:
            answer.think, name = match.group("think").strip(), "think"
        elif match.group("wat") is not None:
            answer.wat, name = match.group("wat").strip(), "wat"
        elif match.group("bytelog") is not None:
            answer.bytelog, name = match.group("bytelog").strip(), "bytelog"
        else:
            answer.computed, name = match.group("computed"), "computed"
            answer.computed_error = match.group("error")
        answer.blocks.append(name)
        end = match.end()
    answer.final = text[end:].strip()
    return answer


def computed_block(result) -> str:
    """`<computed>` for a worldmodel.runtime.RunResult (or the browser's equivalent): text or error form."""
    if result.ok:
        return f"{COMPUTED_OPEN}{result.computed_text}{COMPUTED_CLOSE}"
    message = " ".join(result.error_message.split()) or result.error_kind
    return f'<computed error="{result.error_kind}">{message}{COMPUTED_CLOSE}'


def assistant_turn(think: str | None, wat: str | None, computed: str | None, final: str, *, kind: str = "wat") -> str:
    """The canonical layout the model is trained on. `computed` is a whole block from computed_block();
    `kind="bytelog"` puts the program in a `<computation>` block instead of `<wat_model>`."""
    parts = []
    if think is not None:
        parts.append(f"{THINK_OPEN}{think}{THINK_CLOSE}")
    if wat is not None:
        opened, closed = (BYTELOG_OPEN, BYTELOG_CLOSE) if kind == "bytelog" else (WAT_OPEN, WAT_CLOSE)
        parts.append(f"{opened}\n{wat.strip()}\n{closed}")
    if computed is not None:
        parts.append(computed)
    parts.append(final)
    return "\n".join(parts)


def numbers_in(text: str) -> list[float]:
    values = []
    for token in _NUMBER.findall(text):
        try:
            values.append(float(token.replace(",", "")))
        except ValueError:
            continue
    return values


def unsupported_numbers(final: str, computed: str | None, question: str = "", rel_tol: float = 1e-9) -> list[float]:
    """Numbers the final answer states that neither the runtime computed nor the question gave.

    The protocol forbids claiming such numbers; evaluation reports their share as provenance.
    """
    sources = numbers_in(computed or "") + numbers_in(question)
    return [value for value in numbers_in(final)
            if not any(abs(value - known) <= rel_tol * max(1.0, abs(known)) for known in sources)]
