"""Boxed numbers ('num'): values that are an int on one path and a float on another.

Every operation dispatches on the run-time kind and does exactly what Python does for that pair.
"""

from worldmodel.wat.compiler.intrinsics import (Num, cmp_int_float, num_float, num_int, num_is_float,
                                                num_of_float, num_of_int)
from worldmodel.wat.runtime.formatting import (float_floordiv, float_mod, float_repr, format_float, format_int,
                                              int_to_str, round_float)
from worldmodel.wat.runtime.math.mathlib import fsum


def num_to_float(a: Num) -> float:
    if num_is_float(a):
        return num_float(a)
    return float(num_int(a))


def num_add(a: Num, b: Num) -> Num:
    if num_is_float(a) or num_is_float(b):
        return num_of_float(num_to_float(a) + num_to_float(b))
    return num_of_int(num_int(a) + num_int(b))


def num_sub(a: Num, b: Num) -> Num:
    if num_is_float(a) or num_is_float(b):
        return num_of_float(num_to_float(a) - num_to_float(b))
    return num_of_int(num_int(a) - num_int(b))


def num_mul(a: Num, b: Num) -> Num:
    if num_is_float(a) or num_is_float(b):
        return num_of_float(num_to_float(a) * num_to_float(b))
    return num_of_int(num_int(a) * num_int(b))


def num_truediv(a: Num, b: Num) -> float:
    if num_is_float(a) or num_is_float(b):
        return num_to_float(a) / num_to_float(b)
    return num_int(a) / num_int(b)


def num_floordiv(a: Num, b: Num) -> Num:
    if num_is_float(a) or num_is_float(b):
        return num_of_float(float_floordiv(num_to_float(a), num_to_float(b)))
    return num_of_int(num_int(a) // num_int(b))


def num_mod(a: Num, b: Num) -> Num:
    if num_is_float(a) or num_is_float(b):
        return num_of_float(float_mod(num_to_float(a), num_to_float(b)))
    return num_of_int(num_int(a) % num_int(b))


def num_pow(a: Num, b: Num) -> Num:
    if num_is_float(a) or num_is_float(b) or num_int(b) < 0:
        return num_of_float(num_to_float(a) ** num_to_float(b))
    return num_of_int(num_int(a) ** num_int(b))


def num_neg(a: Num) -> Num:
    if num_is_float(a):
        return num_of_float(-num_float(a))
    return num_of_int(-num_int(a))


def num_abs(a: Num) -> Num:
    if num_is_float(a):
        return num_of_float(abs(num_float(a)))
    return num_of_int(abs(num_int(a)))


def num_cmp(a: Num, b: Num) -> int:
    """-1, 0, 1, or 2 when a NaN is involved."""
    if num_is_float(a) and num_is_float(b):
        x = num_float(a)
        y = num_float(b)
        if x < y:
            return -1
        if x > y:
            return 1
        if x == y:
            return 0
        return 2
    if num_is_float(b):
        return cmp_int_float(num_int(a), num_float(b))
    if num_is_float(a):
        r = cmp_int_float(num_int(b), num_float(a))
        if r == 2:
            return 2
        return -r
    x1 = num_int(a)
    y1 = num_int(b)
    if x1 < y1:
        return -1
    if x1 > y1:
        return 1
    return 0


def num_truthy(a: Num) -> bool:
    if num_is_float(a):
        return num_float(a) != 0.0
    return num_int(a) != 0


def num_to_str(a: Num) -> str:
    if num_is_float(a):
        return float_repr(num_float(a))
    return int_to_str(num_int(a))


def num_to_int(a: Num) -> int:
    if num_is_float(a):
        return int(num_float(a))
    return num_int(a)


def num_round(a: Num) -> int:
    if num_is_float(a):
        return round(num_float(a))
    return num_int(a)


def num_round_digits(a: Num, ndigits: int) -> Num:
    if num_is_float(a):
        return num_of_float(round_float(num_float(a), ndigits))
    return num_of_int(int_round(num_int(a), ndigits))


def int_round(x: int, ndigits: int) -> int:
    """round(int, ndigits): ties to even at the 10**-ndigits position, like CPython."""
    if ndigits >= 0:
        return x
    if ndigits < -18:
        # 10**19 does not fit in 64 bits: values that CPython rounds to ±10**19 overflow, the rest round to 0
        if ndigits == -19 and (x > 5 * 10**18 or x < -5 * 10**18):
            raise OverflowError("integer result does not fit in 64 bits")
        return 0
    p = 10 ** (-ndigits)
    q = x // p
    r = x - q * p
    if 2 * r > p or (2 * r == p and q % 2 == 1):
        q += 1
    return q * p


def format_num(a: Num, fill: int, align: int, sign: int, alt: bool, zero: bool, width: int, grouping: int,
               precision: int, kind: int) -> str:
    if num_is_float(a):
        return format_float(num_float(a), fill, align, sign, alt, zero, width, grouping, precision, kind)
    return format_int(num_int(a), fill, align, sign, alt, zero, width, grouping, precision, kind)


def fsum_int(xs: list[int]) -> float:
    """math.fsum of a list of ints: each item converted to float (as CPython does), then fsum."""
    fs = [0.0] * len(xs)
    for i in range(0, len(xs)):
        fs[i] = float(xs[i])
    return fsum(fs)
