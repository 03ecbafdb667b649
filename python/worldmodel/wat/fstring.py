"""Format specs (`{x:>8.2f}`) parsed at compile time into the arguments of runtime/formatting.py's format_* functions."""

from __future__ import annotations

import re
from dataclasses import dataclass

INT_KINDS = (0, ord("b"), ord("c"), ord("d"), ord("o"), ord("x"), ord("X"), ord("n"))
FLOAT_KINDS = (0,) + tuple(ord(c) for c in "eEfFgGn%")

# [[fill]align][sign][#][0][width][grouping][.precision][type]   (Python's format-spec mini-language)
SPEC = re.compile(r"^(?:(?P<fill>.)?(?P<align>[<>=^]))?(?P<sign>[-+ ])?(?P<alt>#)?(?P<zero>0)?(?P<width>\d+)?"
                  r"(?P<grouping>[,_])?(?:\.(?P<precision>\d+))?(?P<kind>[bcdeEfFgGnosxX%])?$", re.S)


@dataclass
class Spec:
    fill: int
    align: int
    sign: int
    alt: bool
    zero: bool
    width: int
    grouping: int
    precision: int
    kind: int

    def numeric_args(self):
        from .compiler import I32, I64
        from .types import BOOL, INT

        return [(I64(self.fill), INT), (I64(self.align), INT), (I64(self.sign), INT), (I32(int(self.alt)), BOOL),
                (I32(int(self.zero)), BOOL), (I64(self.width), INT), (I64(self.grouping), INT),
                (I64(self.precision), INT), (I64(self.kind), INT)]

    def str_args(self):
        from .compiler import I64
        from .types import INT

        # CPython: a '0' flag without an explicit fill pads a str with '0' (default align '<': 'ab000')
        fill = ord("0") if self.zero and self.fill == 0 else self.fill
        return [(I64(fill), INT), (I64(self.align), INT), (I64(self.width), INT), (I64(self.precision), INT)]

    def valid_for_str(self) -> bool:
        return (self.kind in (0, ord("s")) and not self.sign and not self.alt and not self.grouping
                and self.align != ord("="))


def parse_spec(spec: str) -> Spec:
    m = SPEC.match(spec)
    if m is None:
        raise ValueError(f"Invalid format specifier {spec!r}")
    g = m.groupdict()
    fill = ord(g["fill"]) if g["fill"] else 0  # format_*: 0 = no fill given, 32 = an explicit space
    align = ord(g["align"]) if g["align"] else 0
    return Spec(fill=fill, align=align, sign=ord(g["sign"]) if g["sign"] else 0, alt=bool(g["alt"]),
                zero=bool(g["zero"]), width=int(g["width"] or 0), grouping=ord(g["grouping"]) if g["grouping"] else 0,
                precision=int(g["precision"]) if g["precision"] is not None else -1,
                kind=ord(g["kind"]) if g["kind"] else 0)
