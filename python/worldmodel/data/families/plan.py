"""A stated plan and its program from one description, so the module is a transcription of the think step.

A `Plan` holds the question's quantities bound to names (`hours = 53.0`) and the steps that compute new names
from them (`seconds = hours * 3600`). `text()` is the think step: each step with the question's quantities
substituted, in the units the question used (`seconds = 53 h × 3600`); `program()` is the solution, using the
same names as variables. Families build one plan from their params and use it for both, so the two cannot drift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from worldmodel.data.spec import lit, print_money, program, real

# Python operators as the plan writes them.
_SHOWN_OPERATORS = {"*": "×", "/": "÷", "//": "÷", "-": "−", "**": "^"}
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
            else:
                out.append(_SHOWN_OPERATORS.get(token, token))
        text = " ".join(out)
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
