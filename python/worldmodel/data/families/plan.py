"""A stated plan and its program from one description, so the module is a transcription of the think step.

A `Plan` holds the question's quantities bound to names (`hours = 53.0`) and the steps that compute new names
from them (`seconds = hours * 3600`). `text()` is the think step: each step with the question's quantities
substituted, in the units the question used (`seconds = 53 h × 3600`); `program()` is the solution, using the
same names as variables. Families build one plan from their params and use it for both, so the two cannot drift.
"""

from __future__ import annotations

import dataclasses
import random
import re
from dataclasses import dataclass, field
from typing import Callable

from worldmodel.data.spec import Family, lit, print_money, program, real

# Python operators as the plan writes them.
_SHOWN_OPERATORS = {"*": "×", "/": "÷", "//": "÷", "-": "−", "**": "^", "%": "mod"}
_TOKEN = re.compile(r"math\.\w+|[A-Za-z_]\w*|\*\*|//|[=!<>]=|\d+\.?\d*|\S")
_SHOWN_NAMES = {
    "math.pi": "π",
    "math.sqrt": "√",
    "math.factorial": "factorial",
    "math.comb": "C",
    "math.perm": "P",
    "math.ceil": "ceil",
    "math.gcd": "gcd",
    "math.lcm": "lcm",
    "math.radians": "radians",
    "math.sin": "sin",
    "math.cos": "cos",
}


@dataclass
class Plan:
    """Quantities bound to names, then steps over names; see the module docstring."""

    imports_math: bool = False
    lines: list[str] = field(default_factory=list)
    said: dict[str, str] = field(default_factory=dict)  # name -> how the think step shows its given value
    shown: list[str] = field(default_factory=list)

    def given(self, name: str, value: float | int, said: str | None = None, *, whole: bool = False) -> str:
        """Bind a quantity of the question: a float literal unless `whole` (counts stay integers)."""
        self.lines.append(f"{name} = {lit(value) if whole else real(value)}")
        self.said[name] = said if said is not None else lit(value)
        return name

    def given_list(self, name: str, values: list[int]) -> str:
        """A list of the question's numbers; the think step states it once and then uses its name."""
        text = ", ".join(lit(v) for v in values)
        self.lines.append(f"{name} = [{text}]")
        self.shown.append(f"{name} = {text}")
        return name

    def step(self, name: str, expression: str, shown: str | None = None) -> str:
        """`name = expression`; the think step shows it with given quantities substituted (or `shown`)."""
        if "math." in expression:
            self.imports_math = True
        self.lines.append(f"{name} = {expression}")
        self.shown.append(f"{name} = {shown if shown is not None else self.show(expression)}")
        return name

    def show(self, expression: str) -> str:
        """The expression with given names replaced by their values and Python operators by math signs."""
        out = []
        tokens = _TOKEN.findall(expression)
        for index, token in enumerate(tokens):
            if token in self.said:
                said = self.said[token]
                # "(38.8 m/s)^2", not "38.8 m/s ^ 2"
                powered = index + 1 < len(tokens) and tokens[index + 1] == "**" and " " in said
                out.append(f"({said})" if powered else said)
            elif token in _SHOWN_NAMES:
                out.append(_SHOWN_NAMES[token])
            elif token == "-" and (index == 0 or tokens[index - 1] in "(,=+-*/" or tokens[index - 1] in ("**", "//")):
                out.append("−\0")  # unary minus: written against its operand ("−24")
            else:
                out.append(_SHOWN_OPERATORS.get(token, token))
        text = " ".join(out).replace("\0 ", "")
        text = re.sub(r" ?\. ?", ".", re.sub(r" \[ ", "[", re.sub(r" \]", "]", text)))
        return re.sub(r"\( ", "(", re.sub(r" \)", ")", re.sub(r"(\w|π|√) \(", r"\1(", re.sub(r" ,", ",", text))))

    def text(self) -> str:
        return "; ".join(self.shown)

    def program(self, result: str, *, digits: int | None = None, money: bool = False) -> str:
        """The solution: imports, bindings, steps, and one print of `result`."""
        if money:
            last = print_money(result)
        elif digits is not None:
            last = f"print(round({result}, {digits}))"
        else:
            last = f"print({result})"
        return program(*(["import math"] if self.imports_math else []), *self.lines, last)


def plan_of(source: str) -> str:
    """The plan read off a straight-line program: its assignments and printed expression in plan notation.

    For families written before plans (`print(4521 + 387)`): the think step then states the computation with
    the question's numbers, as the plan-built families do. `round(..., n)` and money formatting are left out.
    """
    shower, parts = Plan(), []
    for line in source.splitlines():
        if line.startswith("import "):
            continue
        if line.startswith("print("):
            expression = line[len("print(") : -1]
            money = re.fullmatch(r'f"\{(.*):\.2f\}"', expression)
            expression = money.group(1) if money else expression
            rounded = re.fullmatch(r"round\((.*?)(, \d+)?\)", expression)
            expression = rounded.group(1) if rounded else expression
            if not expression.isidentifier():
                parts.append(shower.show(expression))
            continue
        name, _, expression = line.partition(" = ")
        parts.append(f"{name} = {shower.show(expression)}")
    return "; ".join(parts)


def stated(family: Family) -> Family:
    """`family` with the plan of its (straight-line) program as the think step."""

    def render(p: dict, rng: random.Random) -> dict:
        return {**family.render(p, rng), "plan": plan_of(family.solution(p))}

    return dataclasses.replace(family, think=("{plan}",), render=render)


def planned(*, plan: Callable[[dict], tuple[Plan, str]], render: Callable[[dict, random.Random], dict],
            digits: int | None | Callable[[dict], int | None] = None, money: bool = False, **fields) -> Family:
    """A family whose program and think step both come from `plan(p) -> (Plan, result)`: the program prints
    `result` (rounded to `digits`, which may depend on the params, or as money) and the think step is the plan's
    text, added to `render`'s slots as {plan}. `fields` are the Family's others (name, templates, truth, …)."""

    def solution(p: dict) -> str:
        steps, result = plan(p)
        return steps.program(result, digits=digits(p) if callable(digits) else digits, money=money)

    def render_with_plan(p: dict, rng: random.Random) -> dict:
        return {**render(p, rng), "plan": plan(p)[0].text()}

    return Family(solution=solution, think=("{plan}",), render=render_with_plan, **fields)
