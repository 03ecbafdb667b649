"""Type-specific list routines, written once as a template and instantiated per item type.

Not compiled itself: `typed_sources()` returns rt-subset source for int, float and str that the
library compiles together with lists.py (whose helpers it calls).
"""

from __future__ import annotations

import re

TEMPLATE = '''
def list_SUF_contains(xs: list[ELEM], v: ELEM) -> bool:
    for k in range(len(xs)):
        if EQ(xs[k], v):
            return True
    return False


def list_SUF_index(xs: list[ELEM], v: ELEM) -> int:
    for k in range(len(xs)):
        if EQ(xs[k], v):
            return k
    raise ValueError(REPR(v) + " is not in list")


def list_SUF_count(xs: list[ELEM], v: ELEM) -> int:
    n = 0
    for k in range(len(xs)):
        if EQ(xs[k], v):
            n += 1
    return n


def list_SUF_min(xs: list[ELEM]) -> ELEM:
    if len(xs) == 0:
        raise ValueError("min() arg is an empty sequence")
    best = xs[0]
    for k in range(1, len(xs)):
        if LT(xs[k], best):
            best = xs[k]
    return best


def list_SUF_max(xs: list[ELEM]) -> ELEM:
    if len(xs) == 0:
        raise ValueError("max() arg is an empty sequence")
    best = xs[0]
    for k in range(1, len(xs)):
        if LT(best, xs[k]):
            best = xs[k]
    return best


def list_SUF_sort(xs: list[ELEM], rev: bool) -> None:
    """Stable binary insertion sort; reverse=True keeps equal items in order, as CPython does."""
    CHECK
    if rev:
        list_reverse(xs)
    for i in range(1, len(xs)):
        v = xs[i]
        lo = 0
        hi = i
        while lo < hi:
            mid = (lo + hi) // 2
            if LT(v, xs[mid]):
                hi = mid
            else:
                lo = mid + 1
        k = i
        while k > lo:
            xs[k] = xs[k - 1]
            k -= 1
        xs[lo] = v
    if rev:
        list_reverse(xs)


def list_SUF_argsort(keys: list[ELEM], rev: bool) -> list[int]:
    """Positions of `keys` in sorted order (stable; reverse=True keeps equal keys in order, as CPython)."""
    CHECK_KEYS
    order: list[int] = []
    for i in range(len(keys)):
        lo = 0
        hi = i
        while lo < hi:
            mid = (lo + hi) // 2
            before = LT(keys[i], keys[order[mid]])
            if rev:
                before = LT(keys[order[mid]], keys[i])
            if before:
                hi = mid
            else:
                lo = mid + 1
        order.append(i)
        k = i
        while k > lo:
            order[k] = order[k - 1]
            k -= 1
        order[lo] = i
    return order


def list_SUF_sorted(xs: list[ELEM], rev: bool) -> list[ELEM]:
    list_SUF_sort(xs, rev)
    return xs


def list_SUF_repr(xs: list[ELEM]) -> str:
    parts: list[str] = []
    for k in range(len(xs)):
        parts.append(REPR(xs[k]))
    return "[" + core_join_comma(parts) + "]"


def list_SUF_eq(xs: list[ELEM], ys: list[ELEM]) -> bool:
    if len(xs) != len(ys):
        return False
    for k in range(len(xs)):
        if not EQ(xs[k], ys[k]):
            return False
    return True
'''

VARIANTS = {
    "int": dict(ELEM="int", EQ="{a} == {b}", LT="{a} < {b}", REPR="int_to_str({a})", CHECK="pass"),
    "float": dict(ELEM="float", EQ="float_item_eq({a}, {b})", LT="{a} < {b}", REPR="float_repr({a})",
                  CHECK="for k in range(len(xs)):\n        if xs[k] != xs[k]:\n"
                        "            raise ValueError(\"sorting floats that include nan is not supported\")"),
    "str": dict(ELEM="str", EQ="str_same({a}, {b})", LT="str_order({a}, {b}) < 0", REPR="str_quote({a})", CHECK="pass"),
}


def typed_sources() -> str:
    """The template instantiated for each item type (compiled together with this module)."""

    out = []
    for suf, v in VARIANTS.items():
        text = TEMPLATE.replace("SUF", suf).replace("ELEM", v["ELEM"])
        text = text.replace("CHECK_KEYS", v["CHECK"].replace("xs", "keys")).replace("CHECK", v["CHECK"])
        for macro in ("EQ", "LT", "REPR"):
            pattern = re.compile(macro + r"\(((?:[^(),]|\([^()]*\))+)(?:, ((?:[^(),]|\([^()]*\))+))?\)")
            text = pattern.sub(lambda m: "(" + v[macro].format(a=m.group(1), b=m.group(2)) + ")", text)
        out.append(text)
    return "\n".join(out)
