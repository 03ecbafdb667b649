"""Intrinsics of the rt subset, in one table: each is a CPython stand-in that carries its lowering.

The runtime library (runtime/*.py) calls these like ordinary functions. The converter compiles each call into its
lowering (a single WASM instruction or a call of a hand-written runtime/*.wat routine; `INTRINSICS[name]` is
(parameter types, result type, lowering)), and under CPython the stand-in gives the same result, so the library runs unchanged as its own reference
implementation. Integers are i64 (results are signed 64-bit values); strings are Python str, byte offsets UTF-8.
"""

from __future__ import annotations

import math
import struct
import sys

from ..types import BOOL, FLOAT, INT, NONE, NUM, STR, list_of
from .wat_helpers import ANYLIST, call, to_i32_index

AnyList = list  # a list of any item type (generic routines move whole 8-byte slots)
Num = float  # a number whose int/float-ness is known only at run time (boxed in WASM)

INTRINSICS: dict[str, tuple] = {}  # name -> (parameter types, result type, lowering: argument code -> code)
_MASK64 = (1 << 64) - 1


def intrinsic(params: tuple, ret, lowering):
    """Registers the decorated CPython stand-in as an intrinsic compiled to `lowering(argument code)`."""
    def register(stand_in):
        INTRINSICS[stand_in.__name__] = (params, ret, lowering)
        return stand_in
    return register


def _signed64(v: int) -> int:
    v &= _MASK64
    return v - (1 << 64) if v >> 63 else v


def _ieee_round(x: float, rounded: int) -> float:
    return math.copysign(float(rounded), x)  # the result keeps x's sign (-0.5 rounds to -0.0 up)


# ---- bits and floats ----

@intrinsic((FLOAT,), INT, lambda a: ["i64.reinterpret_f64", a[0]])
def f64_bits(x: float) -> int:
    """i64.reinterpret_f64 (signed)."""
    return struct.unpack("<q", struct.pack("<d", x))[0]


@intrinsic((INT,), FLOAT, lambda a: ["f64.reinterpret_i64", a[0]])
def f64_from_bits(b: int) -> float:
    """f64.reinterpret_i64."""
    return struct.unpack("<d", struct.pack("<Q", b & _MASK64))[0]


@intrinsic((INT, INT), INT, lambda a: ["i64.shr_u", a[0], a[1]])
def shr_u(x: int, n: int) -> int:
    """i64.shr_u: logical right shift (shift count taken mod 64, like WASM)."""
    return _signed64((x & _MASK64) >> (n & 63))


@intrinsic((INT, INT), INT, lambda a: ["i64.mul", a[0], a[1]])
def wrapping_mul(a: int, b: int) -> int:
    """i64.mul without the overflow trap that ordinary int arithmetic has."""
    return _signed64(a * b)


@intrinsic((INT, INT), INT, lambda a: ["i64.add", a[0], a[1]])
def wrapping_add(a: int, b: int) -> int:
    """i64.add without the overflow trap."""
    return _signed64(a + b)


@intrinsic((FLOAT,), FLOAT, lambda a: ["f64.sqrt", a[0]])
def f64_sqrt(x: float) -> float:
    """f64.sqrt: the correctly rounded square root; NaN for x < 0 (no exception)."""
    if x != x or x < 0.0:
        return math.nan
    return math.sqrt(x)


@intrinsic((FLOAT,), FLOAT, lambda a: ["f64.floor", a[0]])
def f64_floor(x: float) -> float:
    """f64.floor: the integer-valued double <= x (inf, nan and zeros unchanged)."""
    if x != x or math.isinf(x) or x == 0.0:
        return x
    return _ieee_round(x, math.floor(x))


@intrinsic((FLOAT,), FLOAT, lambda a: ["f64.ceil", a[0]])
def f64_ceil(x: float) -> float:
    """f64.ceil."""
    if x != x or math.isinf(x) or x == 0.0:
        return x
    return _ieee_round(x, math.ceil(x))


@intrinsic((FLOAT,), FLOAT, lambda a: ["f64.trunc", a[0]])
def f64_trunc(x: float) -> float:
    """f64.trunc."""
    if x != x or math.isinf(x) or x == 0.0:
        return x
    return _ieee_round(x, math.trunc(x))


# ---- strings ----

@intrinsic((list_of(INT),), STR, lambda a: call("str_from_bytes", a[0]))
def str_from_bytes(b: list[int]) -> str:
    """A str from UTF-8 bytes (the float formatting builds every string as a byte list)."""
    return bytes(b).decode("utf-8")


@intrinsic((STR,), list_of(INT), lambda a: call("str_to_bytes", a[0]))
def str_to_bytes(s: str) -> list[int]:
    """The UTF-8 bytes of a str."""
    return list(s.encode("utf-8"))


@intrinsic((STR,), INT, lambda a: ["i64.extend_i32_u", ["i32.load", a[0]]])
def str_nbytes(s: str) -> int:
    return len(s.encode())


@intrinsic((STR, INT), INT, lambda a: ["i64.load8_u", "offset=4", ["i32.add", a[0], to_i32_index(a[1])]])
def str_byte(s: str, i: int) -> int:
    return s.encode()[i]


@intrinsic((STR, INT, INT), NONE,
           lambda a: ["i32.store8", "offset=4", ["i32.add", a[0], to_i32_index(a[1])], to_i32_index(a[2])])
def str_set_byte(s: str, i: int, b: int) -> None:
    raise NotImplementedError("mutable byte strings exist only in the compiled runtime")


@intrinsic((INT,), STR, lambda a: call("str_new", a[0]))
def str_new(n: int) -> str:
    raise NotImplementedError("mutable byte strings exist only in the compiled runtime")


@intrinsic((STR, STR), BOOL, lambda a: call("str_eq", a[0], a[1]))
def str_same(a: str, b: str) -> bool:
    return a == b


@intrinsic((STR, STR), INT, lambda a: ["i64.extend_i32_s", call("str_cmp", a[0], a[1])])
def str_order(a: str, b: str) -> int:
    return (a > b) - (a < b)


# ---- output ----

@intrinsic((INT, STR), NONE, lambda a: call("fd_write", to_i32_index(a[0]), a[1]))
def fd_write(fd: int, s: str) -> None:
    (sys.stdout if fd == 1 else sys.stderr).write(s)


# ---- numbers whose type is known at run time ----

@intrinsic((INT,), NUM, lambda a: call("box_int", a[0]))
def num_of_int(x: int):
    return x


@intrinsic((FLOAT,), NUM, lambda a: call("box_float", a[0]))
def num_of_float(x: float):
    return x


@intrinsic((NUM,), BOOL, lambda a: ["i32.load", a[0]])
def num_is_float(x) -> bool:
    return isinstance(x, float)


@intrinsic((NUM,), INT, lambda a: ["i64.load", "offset=8", a[0]])
def num_int(x) -> int:
    return x


@intrinsic((NUM,), FLOAT, lambda a: ["f64.load", "offset=8", a[0]])
def num_float(x) -> float:
    return x


# ---- lists ----

@intrinsic((ANYLIST, INT, INT, INT), ANYLIST, lambda a: call("list_take", *a))
def list_take(xs: list, start: int, step: int, count: int) -> list:
    return [xs[start + k * step] for k in range(count)]


@intrinsic((ANYLIST, ANYLIST), ANYLIST, lambda a: call("list_concat", *a))
def list_concat(a: list, b: list) -> list:
    return a + b


@intrinsic((ANYLIST, INT), NONE, lambda a: ["i32.store", a[0], to_i32_index(a[1])])
def list_truncate(xs: list, n: int) -> None:
    del xs[n:]


# ---- int/float ----

@intrinsic((INT, FLOAT), INT, lambda a: ["i64.extend_i32_s", call("cmp_int_float", *a)])
def cmp_int_float(a: int, b: float) -> int:
    if b != b:
        return 2
    return (a > b) - (a < b)


@intrinsic((FLOAT,), INT, lambda a: call("float_to_int", a[0]))
def float_to_int(x: float) -> int:
    return int(x)


# ---- the heap ----

@intrinsic((), INT, lambda a: call("heap_mark"))
def heap_mark() -> int:
    """The heap pointer now (runtime/memory.wat); a later heap_release(mark) frees everything allocated since."""
    return 0


@intrinsic((INT,), NONE, lambda a: call("heap_release", a[0]))
def heap_release(mark: int) -> None:
    """Give back (and zero) every allocation made since heap_mark(): only when none of them is still used."""
