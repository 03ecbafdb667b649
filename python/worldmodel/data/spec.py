"""What a question family is: templates, a number sampler, a solution writer and an independent ground truth."""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from typing import Any, Callable

from worldmodel.data import phrasing

STAGES = ("basic", "system", "complex")

Params = dict[str, Any]


@dataclass(frozen=True)
class Family:
    """One kind of question.

    - `templates`: question phrasings with `{slot}` placeholders. A template's id is `NAME.tNN` (its index), so
      new templates must be appended, never inserted, to keep ids (and the held-out test set) stable. The
      families' texts (templates, think, finals, refusals) are kept in families/texts/*.toml (data/README.md).
    - `sample(rng) -> params`: the numbers (and names) of one question.
    - `solution(params) -> str`: the short Python program the model learns to write (converted to WAT). `params()`
      adds `"_template"` (the chosen template) so that a program can follow the question's own numbers (a
      diameter stays a diameter).
    - `truth(params) -> number`: the answer computed independently of the solution, in plain Python.
    - `render(params, rng) -> slots`: strings for the template; numbers not rendered here are said with
      `phrasing.say_number`.
    - `think`: one-sentence plans (may use slots that are not numbers).
    - `finals`: answer sentences using `{q}` (the computed value with its unit), `{v}` (the computed text alone)
      and non-numeric slots; they must not repeat other numbers.
    - `units(params)`: canonical unit symbol of the answer or None.
    - `refusals`: (question, reply) pairs where a needed number is missing; the reply asks for it instead of
      computing. Slots as in templates.
    - `share`: how many questions the build samples, relative to its per-family count. Every token costs training
      time on a 2-core CPU, so a narrow family whose every question has the same program shape gets fewer.
    - `language`: "python", or "bytelog" for logic questions (families/logic.py): the solution is then ByteLog
      source (docs/bytelog.md) ending with one QUERY, `truth` is the answer (the sorted names of column B, or a
      bool for a fully bound query), and `answer_slots(params, answer)` gives the finals' slots for it.
    """

    name: str
    stage: str
    templates: tuple[str, ...]
    sample: Callable[[random.Random], Params]
    solution: Callable[[Params], str]
    truth: Callable[[Params], float | int]
    think: tuple[str, ...]
    finals: tuple[str, ...] = ("The answer is {q}.", "{q}.", "That comes to {q}.", "It is {q}.", "The result is {q}.")
    units: Callable[[Params], str | None] = lambda p: None
    render: Callable[[Params, random.Random], dict[str, str]] = lambda p, rng: {}
    refusals: tuple[tuple[str, str], ...] = ()
    rel_tol: float = 1e-3
    exact: bool = False  # integer answers: compared with rel_tol 1e-9
    share: float = 1.0  # rows sampled, as a share of the build's per-family count (narrow one-formula families: less)
    language: str = "python"
    answer_slots: Callable[[Params, Any], dict[str, str]] | None = None

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise ValueError(f"family {self.name}: unknown stage {self.stage!r}")
        if self.language not in ("python", "bytelog"):
            raise ValueError(f"family {self.name}: unknown language {self.language!r}")
        if len(self.templates) < 4:
            raise ValueError(f"family {self.name}: needs at least 4 templates (one is held out for test)")

    def rows(self, per_family: int) -> int:
        """Questions to sample for a build of `per_family` per family (at least 1)."""
        return max(1, round(per_family * self.share))

    def params(self, template_index: int, rng: random.Random) -> Params:
        """Sampled numbers for a question of this template (the solution may read the template: see above)."""
        return {**self.sample(rng), "_template": self.templates[template_index]}

    def template_id(self, index: int) -> str:
        return f"{self.name}.t{index:02d}"

    def refusal_id(self, index: int) -> str:
        return f"{self.name}.r{index:02d}"

    @property
    def tolerance(self) -> float:
        return 1e-9 if self.exact else self.rel_tol

    def slots(self, params: Params, rng: random.Random) -> dict[str, str]:
        """Template strings for every parameter: the family's own rendering first, then numbers said plainly."""
        slots = dict(self.render(params, rng))
        for key, value in params.items():
            if key in slots or key.startswith("_"):
                continue
            if isinstance(value, bool):
                continue
            if isinstance(value, (int, float)):
                slots[key] = phrasing.say_number(value, rng)
            elif isinstance(value, str):
                slots[key] = value
        return slots


def held_out(template_id: str) -> bool:
    """Whether a template belongs to the test split (whole phrasings held out, not just other numbers).

    Question templates (`NAME.tNN`): every fifth, starting with the fourth; families have at least 4, so each
    keeps at least 3 for training. Refusal templates (`NAME.rNN`, one or two per family): a fixed quarter of
    them by a stable hash of the id, so refusals of held-out kinds exist in test.
    """
    name, _, kind_index = template_id.rpartition(".")
    kind, index = kind_index[0], int(kind_index[1:])
    if kind == "r":
        return zlib.crc32(template_id.encode()) % 4 == 0
    return index % 5 == 3


def say_answer(computed: str, unit: str | None, rng: random.Random) -> str:
    """The computed text with its unit, as the final answer sentence says it ("$12.50", "12.5 km")."""
    if unit is None:
        return computed
    if unit == "%":
        return rng.choice((f"{computed}%", f"{computed}%", f"{computed} percent"))
    if unit in {"$", "€", "£"}:
        return rng.choice((f"{unit}{computed}", f"{unit}{computed}", f"{computed} {phrasing.UNITS[unit][1]}"))
    value = float(computed) if _is_number(computed) else None
    return f"{computed} {phrasing.say_unit(unit, rng, value)}"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def program(*lines: str) -> str:
    """A solution's source: the given lines, newline-terminated."""
    return "\n".join(lines) + "\n"


def lit(x: float | int) -> str:
    """A Python literal for a sampled number, never in exponent form (the model copies it from the question)."""
    return phrasing.plain(x)


def real(x: float | int) -> str:
    """A float literal for a real-valued quantity ("5.0" for 5).

    Integer literals compile to i64 and decimals to f64, so with `lit` the program's types would follow the
    sampled value; the model then learns the integer shape and copies "6.5" into an `i64.const`.
    """
    text = phrasing.plain(x)
    return text if "." in text else f"{text}.0"


def print_money(expression: str) -> str:
    """The print line of a money answer: always two decimals ("12.50"), as money is written."""
    return f'print(f"{{{expression}:.2f}}")'


def drawn_for_held_out(templates: tuple[str, ...], params: Params) -> bool:
    """Whether `params` were drawn for a held-out template, so a family can give the test split phrasings of
    its own (a question form no training template uses) where the template is only a frame around them."""
    template = params.get("_template")
    return template is not None and held_out(f"_.t{templates.index(template):02d}")
