"""List operations in the rt subset.

Generic ones take `AnyList`: items are 8-byte slots and these routines only move whole slots
(read as int bits), so they work for every item type. Type-specific ones (sort, min, repr, ...)
are written once as a template in typed_lists.py and instantiated for int, float and str.
"""

from __future__ import annotations

from worldmodel.wat.compiler.intrinsics import AnyList, Num, list_take, list_truncate, num_of_float, num_of_int
from worldmodel.wat.runtime.numbers import num_add, num_to_str


def float_item_eq(a: float, b: float) -> bool:
    """`==` between float list items for `in`, count(), index() and list equality. Python compares
    identity first, so a nan matches itself but not another nan; a float here does not record which
    object it was, so comparing two nans stops with a named error instead of guessing."""
    if a != a and b != b:
        raise NotImplementedError("comparing nan list items depends on object identity, which is not supported")
    return a == b


def list_reverse(xs: AnyList) -> None:
    i = 0
    j = len(xs) - 1
    while i < j:
        t = xs[i]
        xs[i] = xs[j]
        xs[j] = t
        i += 1
        j -= 1


def list_reversed(xs: AnyList) -> AnyList:
    ys = list_take(xs, 0, 1, len(xs))
    list_reverse(ys)
    return ys


def list_gather(xs: AnyList, order: list[int]) -> AnyList:
    """[xs[i] for i in order], for any item type."""
    out = list_take(xs, 0, 1, 0)
    for k in range(len(order)):
        out.append(xs[order[k]])
    return out


def list_extend(xs: AnyList, ys: AnyList) -> None:
    n = len(ys)
    for k in range(n):
        xs.append(ys[k])


def list_pop_bits(xs: AnyList, i: int) -> int:
    n = len(xs)
    if n == 0:
        raise IndexError("pop from empty list")
    if i < 0:
        i += n
    if i < 0 or i >= n:
        raise IndexError("pop index out of range")
    v = xs[i]
    for k in range(i, n - 1):
        xs[k] = xs[k + 1]
    list_truncate(xs, n - 1)
    return v


def list_insert_bits(xs: AnyList, i: int, bits: int) -> None:
    n = len(xs)
    if i < 0:
        i += n
        if i < 0:
            i = 0
    if i > n:
        i = n
    xs.append(bits)
    k = n
    while k > i:
        xs[k] = xs[k - 1]
        k -= 1
    xs[i] = bits


def list_int_sum(xs: list[int]) -> int:
    total = 0
    for k in range(len(xs)):
        total += xs[k]
    return total


def list_bool_sum(xs: list[bool]) -> int:
    total = 0
    for k in range(len(xs)):
        if xs[k]:
            total += 1
    return total


def list_float_sum(xs: list[float]) -> Num:
    """sum() starts from the int 0, so the sum of an empty list of floats is the int 0."""
    if len(xs) == 0:
        return num_of_int(0)
    total = 0.0
    for k in range(len(xs)):
        total += xs[k]
    return num_of_float(total)


def list_num_sum(xs: list[Num]) -> Num:
    total = num_of_int(0)
    for k in range(len(xs)):
        total = num_add(total, xs[k])
    return total


def list_bool_repr(xs: list[bool]) -> str:
    parts: list[str] = []
    for k in range(len(xs)):
        parts.append("True" if xs[k] else "False")
    return "[" + core_join_comma(parts) + "]"


def list_num_repr(xs: list[Num]) -> str:
    parts: list[str] = []
    for k in range(len(xs)):
        parts.append(num_to_str(xs[k]))
    return "[" + core_join_comma(parts) + "]"


def core_join_comma(parts: list[str]) -> str:
    out = ""
    for k in range(len(parts)):
        if k > 0:
            out = out + ", "
        out = out + parts[k]
    return out
