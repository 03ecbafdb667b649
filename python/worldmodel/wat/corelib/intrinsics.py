"""CPython stand-ins for the corelib intrinsics (the converter compiles calls to these into single
instructions or hand-written core.wat routines). Strings are Python str; byte offsets are UTF-8."""

from __future__ import annotations

import sys

AnyList = list  # a list of any item type (generic routines move whole 8-byte slots)
Num = float  # a number whose int/float-ness is known only at run time (boxed in WASM)


def str_nbytes(s: str) -> int:
    return len(s.encode())


def str_byte(s: str, i: int) -> int:
    return s.encode()[i]


def str_new(n: int) -> str:
    raise NotImplementedError("mutable byte strings exist only in the compiled runtime")


def str_set_byte(s: str, i: int, b: int) -> None:
    raise NotImplementedError("mutable byte strings exist only in the compiled runtime")


def str_same(a: str, b: str) -> bool:
    return a == b


def str_order(a: str, b: str) -> int:
    return (a > b) - (a < b)


def fd_write(fd: int, s: str) -> None:
    (sys.stdout if fd == 1 else sys.stderr).write(s)


def num_of_int(x: int):
    return x


def num_of_float(x: float):
    return x


def num_is_float(x) -> bool:
    return isinstance(x, float)


def num_int(x) -> int:
    return x


def num_float(x) -> float:
    return x


def list_take(xs: list, start: int, step: int, count: int) -> list:
    return [xs[start + k * step] for k in range(count)]


def list_concat(a: list, b: list) -> list:
    return a + b


def cmp_int_float(a: int, b: float) -> int:
    if b != b:
        return 2
    return (a > b) - (a < b)


def float_to_int(x: float) -> int:
    return int(x)


def list_truncate(xs: list, n: int) -> None:
    del xs[n:]


def heap_mark() -> int:
    """The heap pointer now (core.wat); a later heap_release(mark) frees everything allocated since."""
    return 0


def heap_release(mark: int) -> None:
    """Give back (and zero) every allocation made since heap_mark(): only when none of them is still used."""
