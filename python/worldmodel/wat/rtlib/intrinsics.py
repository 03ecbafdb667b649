"""Intrinsics of the rt subset.

The converter compiles each call to one of these into a single WASM instruction (or a small
core routine); these CPython versions give the same results so rtlib runs unchanged as the
reference implementation.  Integers are i64: results are returned as signed 64-bit values.
"""

import math
import struct

_MASK64 = (1 << 64) - 1


def _signed64(v: int) -> int:
    v &= _MASK64
    return v - (1 << 64) if v >> 63 else v


def f64_bits(x: float) -> int:
    """i64.reinterpret_f64 (signed)."""
    return struct.unpack("<q", struct.pack("<d", x))[0]


def f64_from_bits(b: int) -> float:
    """f64.reinterpret_i64."""
    return struct.unpack("<d", struct.pack("<Q", b & _MASK64))[0]


def shr_u(x: int, n: int) -> int:
    """i64.shr_u: logical right shift (shift count taken mod 64, like WASM)."""
    return _signed64((x & _MASK64) >> (n & 63))


def wrapping_mul(a: int, b: int) -> int:
    """i64.mul without the overflow trap that ordinary int arithmetic has."""
    return _signed64(a * b)


def wrapping_add(a: int, b: int) -> int:
    """i64.add without the overflow trap."""
    return _signed64(a + b)


def str_from_bytes(b: list[int]) -> str:
    """A str from UTF-8 bytes (rtlib builds every string as a byte list)."""
    return bytes(b).decode("utf-8")


def str_to_bytes(s: str) -> list[int]:
    """The UTF-8 bytes of a str."""
    return list(s.encode("utf-8"))


def _ieee_round(x: float, rounded: int) -> float:
    return math.copysign(float(rounded), x)  # the result keeps x's sign (-0.5 rounds to -0.0 up)


def f64_sqrt(x: float) -> float:
    """f64.sqrt: the correctly rounded square root; NaN for x < 0 (no exception)."""
    if x != x or x < 0.0:
        return math.nan
    return math.sqrt(x)


def f64_floor(x: float) -> float:
    """f64.floor: the integer-valued double <= x (inf, nan and zeros unchanged)."""
    if x != x or math.isinf(x) or x == 0.0:
        return x
    return _ieee_round(x, math.floor(x))


def f64_ceil(x: float) -> float:
    """f64.ceil."""
    if x != x or math.isinf(x) or x == 0.0:
        return x
    return _ieee_round(x, math.ceil(x))


def f64_trunc(x: float) -> float:
    """f64.trunc."""
    if x != x or math.isinf(x) or x == 0.0:
        return x
    return _ieee_round(x, math.trunc(x))
