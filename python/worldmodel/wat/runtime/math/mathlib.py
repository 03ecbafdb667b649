"""Python's math module with CPython 3.11's exact error behaviour, over libm.py.

The error rules are CPython's math_1/math_2 (Modules/mathmodule.c): a NaN result from a non-NaN
argument is "ValueError: math domain error"; an infinite result from a finite argument is
"OverflowError: math range error" for functions that can overflow, otherwise a domain error.
sin, cos, tan, asin, acos, atan and atan2 are correctly rounded (crtrig.py), like glibc nearly
always; the rest is musl/fdlibm (libm.py).  Integer functions work on i64 and raise OverflowError where CPython would return a bigger int.
math.log(x, base) compiles to log_base; float ** compiles to float_pow (operator rules), while
math.pow has math.pow's rules.
"""

from worldmodel.wat.runtime.math.crtrig import cr_acos, cr_asin, cr_atan, cr_atan2, cr_cos, cr_sin, cr_tan
from worldmodel.wat.runtime.math.ddarith import SPLITTER, dd_fast_two_sum
from worldmodel.wat.compiler.intrinsics import f64_bits
from worldmodel.wat.runtime.math.libm import (
    c_acosh, c_asinh, c_atan2, c_atanh, c_cbrt, c_copysign, c_cosh,
    c_exp, c_exp2, c_expm1, c_fabs, c_fmod, c_isfinite, c_isinf, c_isnan, c_log, c_log1p, c_log2,
    c_log10, c_nan, c_pow, c_scalbn, c_sinh, c_sqrt, c_tanh, ceil_float, floor_float,
    frexp_exponent, trunc_float)

RAD_TO_DEG = 180.0 / 3.141592653589793
DEG_TO_RAD = 3.141592653589793 / 180.0
PI_VALUE = 3.141592653589793
DBL_MIN = 2.2250738585072014e-308
I64_MAX = 0x7FFFFFFFFFFFFFFF
I64_MIN = -0x8000000000000000
TWO63 = 9.223372036854775808e18


# ---------------------------------------------------------------- error rules

def checked_1(x: float, r: float, can_overflow: bool) -> float:
    """math_1's checks of r = f(x)."""
    if c_isnan(r) and not c_isnan(x):
        raise ValueError("math domain error")
    if c_isinf(r) and c_isfinite(x):
        if can_overflow:
            raise OverflowError("math range error")
        raise ValueError("math domain error")
    return r


def int_overflow() -> int:
    raise OverflowError("integer result does not fit in 64 bits")


def float_to_i64(y: float) -> int:
    """int(y) for an integer-valued float, with CPython's errors and the i64 limit."""
    if c_isnan(y):
        raise ValueError("cannot convert float NaN to integer")
    if c_isinf(y):
        raise OverflowError("cannot convert float infinity to integer")
    if y >= TWO63 or y < -TWO63:
        raise OverflowError("integer result does not fit in 64 bits")
    return int(y)


# ---------------------------------------------------------------- one-argument functions

def sqrt(x: float) -> float:
    return checked_1(x, c_sqrt(x), False)


def exp(x: float) -> float:
    return checked_1(x, c_exp(x), True)


def exp2(x: float) -> float:
    return checked_1(x, c_exp2(x), True)


def expm1(x: float) -> float:
    return checked_1(x, c_expm1(x), True)


def log(x: float) -> float:
    if c_isfinite(x) and x <= 0.0:
        raise ValueError("math domain error")
    return checked_1(x, c_log(x), False)


def log2(x: float) -> float:
    if c_isfinite(x) and x <= 0.0:
        raise ValueError("math domain error")
    return checked_1(x, c_log2(x), False)


def log10(x: float) -> float:
    if c_isfinite(x) and x <= 0.0:
        raise ValueError("math domain error")
    return checked_1(x, c_log10(x), False)


def log1p(x: float) -> float:
    if x == 0.0:
        return x
    return checked_1(x, c_log1p(x), False)


def log_base(x: float, base: float) -> float:
    """math.log(x, base)."""
    num = log(x)
    den = log(base)
    if den == 0.0:
        raise ZeroDivisionError("float division by zero")
    return num / den


def sin(x: float) -> float:
    return checked_1(x, cr_sin(x), False)


def cos(x: float) -> float:
    return checked_1(x, cr_cos(x), False)


def tan(x: float) -> float:
    return checked_1(x, cr_tan(x), False)


def asin(x: float) -> float:
    return checked_1(x, cr_asin(x), False)


def acos(x: float) -> float:
    return checked_1(x, cr_acos(x), False)


def atan(x: float) -> float:
    return checked_1(x, cr_atan(x), False)


def sinh(x: float) -> float:
    return checked_1(x, c_sinh(x), True)


def cosh(x: float) -> float:
    return checked_1(x, c_cosh(x), True)


def tanh(x: float) -> float:
    return checked_1(x, c_tanh(x), False)


def asinh(x: float) -> float:
    return checked_1(x, c_asinh(x), False)


def acosh(x: float) -> float:
    return checked_1(x, c_acosh(x), False)


def atanh(x: float) -> float:
    return checked_1(x, c_atanh(x), False)


def cbrt(x: float) -> float:
    return checked_1(x, c_cbrt(x), False)


def fabs(x: float) -> float:
    return c_fabs(x)


def degrees(x: float) -> float:
    return x * RAD_TO_DEG


def radians(x: float) -> float:
    return x * DEG_TO_RAD


def isfinite(x: float) -> bool:
    return c_isfinite(x)


def isinf(x: float) -> bool:
    return c_isinf(x)


def isnan(x: float) -> bool:
    return c_isnan(x)


def floor(x: float) -> int:
    return float_to_i64(floor_float(x))


def ceil(x: float) -> int:
    return float_to_i64(ceil_float(x))


def trunc(x: float) -> int:
    return float_to_i64(trunc_float(x))


# ---------------------------------------------------------------- two-argument functions

def copysign(x: float, y: float) -> float:
    return c_copysign(x, y)


def atan2(y: float, x: float) -> float:
    """m_atan2: C99 special values, then libm."""
    if c_isnan(x) or c_isnan(y):
        return c_nan()
    if c_isinf(y):
        if c_isinf(x):
            if f64_bits(x) >= 0:
                return c_copysign(0.25 * PI_VALUE, y)
            return c_copysign(0.75 * PI_VALUE, y)
        return c_copysign(0.5 * PI_VALUE, y)
    if c_isinf(x) or y == 0.0:
        if f64_bits(x) >= 0:
            return c_copysign(0.0, y)
        return c_copysign(PI_VALUE, y)
    if x == 0.0:
        return c_atan2(y, x)
    return cr_atan2(y, x)


def fmod(x: float, y: float) -> float:
    if c_isinf(y) and c_isfinite(x):
        return x
    r = c_fmod(x, y)
    if c_isnan(r) and not c_isnan(x) and not c_isnan(y):
        raise ValueError("math domain error")
    return r


def is_odd_integer(y: float) -> bool:
    return c_fmod(c_fabs(y), 2.0) == 1.0


def pow(x: float, y: float) -> float:
    """math.pow(x, y)."""
    if not c_isfinite(x) or not c_isfinite(y):
        if c_isnan(x):
            if y == 0.0:
                return 1.0
            return x
        if c_isnan(y):
            if x == 1.0:
                return 1.0
            return y
        if c_isinf(x):
            odd_y = c_isfinite(y) and is_odd_integer(y)
            if y > 0.0:
                if odd_y:
                    return x
                return c_fabs(x)
            if y == 0.0:
                return 1.0
            if odd_y:
                return c_copysign(0.0, x)
            return 0.0
        # y is infinite
        if c_fabs(x) == 1.0:
            return 1.0
        if y > 0.0 and c_fabs(x) > 1.0:
            return y
        if y < 0.0 and c_fabs(x) < 1.0:
            return -y
        return 0.0
    r = c_pow(x, y)
    if not c_isfinite(r):
        if c_isnan(r):
            raise ValueError("math domain error")
        if x == 0.0:
            raise ValueError("math domain error")
        raise OverflowError("math range error")
    return r


def float_pow(x: float, y: float) -> float:
    """x ** y for floats (float_pow in Objects/floatobject.c).  A negative base with a
    non-integer exponent, which CPython answers with a complex number, raises ValueError."""
    if y == 0.0:
        return 1.0
    if c_isnan(x):
        return x
    if c_isnan(y):
        if x == 1.0:
            return 1.0
        return y
    if c_isinf(y):
        ax = c_fabs(x)
        if ax == 1.0:
            return 1.0
        if (y > 0.0) == (ax > 1.0):
            return c_fabs(y)
        return 0.0
    if c_isinf(x):
        odd = is_odd_integer(y)
        if y > 0.0:
            if odd:
                return x
            return c_fabs(x)
        if odd:
            return c_copysign(0.0, x)
        return 0.0
    if x == 0.0:
        if y < 0.0:
            raise ZeroDivisionError("0.0 cannot be raised to a negative power")
        if is_odd_integer(y):
            return x
        return 0.0
    negate = False
    if x < 0.0:
        if y != floor_float(y):
            raise ValueError("negative number cannot be raised to a fractional power")
        x = -x
        negate = is_odd_integer(y)
    if x == 1.0:
        if negate:
            return -1.0
        return 1.0
    r = c_pow(x, y)
    if c_isinf(r):
        raise OverflowError("(34, 'Numerical result out of range')")
    if negate:
        return -r
    return r


def hypot(x: float, y: float) -> float:
    """math.hypot(x, y): CPython's vector_norm (not libm's hypot)."""
    ax = c_fabs(x)
    ay = c_fabs(y)
    found_nan = c_isnan(ax) or c_isnan(ay)
    mx = 0.0
    if ax > mx:
        mx = ax
    if ay > mx:
        mx = ay
    if c_isinf(mx):
        return mx
    if found_nan:
        return c_nan()
    if mx == 0.0:
        return mx
    max_e = frexp_exponent(mx)
    if max_e < -1023:
        # subnormal maximum: scale everything up by 1/DBL_MIN first
        return DBL_MIN * vector_norm2(ax / DBL_MIN, ay / DBL_MIN, mx / DBL_MIN)
    return vector_norm2(ax, ay, mx)


def dl_mul(x: float, y: float) -> tuple[float, float]:
    """CPython's dl_mul (mathmodule.c): x * y as hi + lo via Dekker's split. Not ddarith.dd_two_prod:
    hi here is the rounded hi*hi + cross terms, which vector_norm relies on to round as CPython does."""
    t = x * SPLITTER
    xhi = t - (t - x)
    xlo = x - xhi
    t = y * SPLITTER
    yhi = t - (t - y)
    ylo = y - yhi
    p = xhi * yhi
    q = xhi * ylo + xlo * yhi
    hi = p + q
    return hi, p - hi + q + xlo * ylo


def vector_norm2(ax: float, ay: float, mx: float) -> float:
    max_e = frexp_exponent(mx)
    scale = c_scalbn(1.0, -max_e)  # ldexp(1.0, -max_e): may be subnormal
    csum = 1.0
    frac1 = 0.0
    frac2 = 0.0
    for i in range(0, 2):
        v = ax
        if i == 1:
            v = ay
        v = v * scale
        pr_hi, pr_lo = dl_mul(v, v)
        csum, sm_lo = dd_fast_two_sum(csum, pr_hi)  # CPython's dl_fast_sum
        frac1 += pr_lo
        frac2 += sm_lo
    h = c_sqrt(csum - 1.0 + (frac1 + frac2))
    pr_hi, pr_lo = dl_mul(-h, h)
    csum, sm_lo = dd_fast_two_sum(csum, pr_hi)
    frac1 += pr_lo
    frac2 += sm_lo
    x = csum - 1.0 + (frac1 + frac2)
    h += x / (2.0 * h)
    return h / scale


def isclose(a: float, b: float) -> bool:
    """math.isclose(a, b) with the default rel_tol=1e-09, abs_tol=0.0."""
    return isclose_tol(a, b, 1e-09, 0.0)


def isclose_tol(a: float, b: float, rel_tol: float, abs_tol: float) -> bool:
    """math.isclose(a, b, rel_tol=..., abs_tol=...)."""
    if rel_tol < 0.0 or abs_tol < 0.0:
        raise ValueError("tolerances must be non-negative")
    if a == b:
        return True
    if c_isinf(a) or c_isinf(b):
        return False
    diff = c_fabs(b - a)
    return diff <= c_fabs(rel_tol * b) or diff <= c_fabs(rel_tol * a) or diff <= abs_tol


# ---------------------------------------------------------------- integer functions

def mul_nonneg(a: int, b: int) -> int:
    """a * b for a, b >= 0, OverflowError beyond i64."""
    if a != 0 and b > I64_MAX // a:
        return int_overflow()
    return a * b


def factorial(n: int) -> int:
    if n < 0:
        raise ValueError("factorial() not defined for negative values")
    r = 1
    for i in range(2, n + 1):
        r = mul_nonneg(r, i)
    return r


def gcd(a: int, b: int) -> int:
    # Euclid on non-positive values: -2**63 has no positive counterpart
    x = a
    if x > 0:
        x = -x
    y = b
    if y > 0:
        y = -y
    while y != 0:
        t = x % y  # in (y, 0]
        x = y
        y = t
    if x == I64_MIN:
        return int_overflow()
    return -x


def lcm(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    if a == I64_MIN or b == I64_MIN:
        return int_overflow()
    g = gcd(a, b)
    aa = a
    if aa < 0:
        aa = -aa
    bb = b
    if bb < 0:
        bb = -bb
    return mul_nonneg(aa // g, bb)


def isqrt(n: int) -> int:
    if n < 0:
        raise ValueError("isqrt() argument must be nonnegative")
    r = int(c_sqrt(float(n)))
    while r > 0 and r > n // r:
        r -= 1
    while r < 3037000499 and (r + 1) * (r + 1) <= n:
        r += 1
    return r


def comb(n: int, k: int) -> int:
    if n < 0:
        raise ValueError("n must be a non-negative integer")
    if k < 0:
        raise ValueError("k must be a non-negative integer")
    if k > n:
        return 0
    if k > n - k:
        k = n - k
    # r = C(n - k + i, i) after step i: every intermediate is at most the result
    r = 1
    for i in range(1, k + 1):
        g = gcd(r, i)
        r = mul_nonneg(r // g, (n - k + i) // (i // g))
    return r


def perm(n: int, k: int) -> int:
    if n < 0:
        raise ValueError("n must be a non-negative integer")
    if k < 0:
        raise ValueError("k must be a non-negative integer")
    if k > n:
        return 0
    r = 1
    for i in range(n - k + 1, n + 1):
        r = mul_nonneg(r, i)
    return r


# ---------------------------------------------------------------- sums of lists

def fsum(xs: list[float]) -> float:
    """math.fsum: the correctly rounded sum (CPython's msum over exact partials, Shewchuk)."""
    p = [0.0] * (len(xs) + 1)
    n = 0
    special_sum = 0.0
    inf_sum = 0.0
    lo = 0.0
    for k in range(0, len(xs)):
        x = xs[k]
        xsave = x
        i = 0
        for j in range(0, n):
            y = p[j]
            if c_fabs(x) < c_fabs(y):
                t = x
                x = y
                y = t
            hi = x + y
            yr = hi - x
            lo = y - yr
            if lo != 0.0:
                p[i] = lo
                i += 1
            x = hi
        n = i
        if x != 0.0:
            if not c_isfinite(x):
                # from a nan or inf among the summands, or an intermediate overflow
                if c_isfinite(xsave):
                    raise OverflowError("intermediate overflow in fsum")
                if c_isinf(xsave):
                    inf_sum += xsave
                special_sum += xsave
                n = 0
            else:
                p[n] = x
                n += 1
    if special_sum != 0.0 or c_isnan(special_sum):
        if c_isnan(inf_sum):
            raise ValueError("-inf + inf in fsum")
        return special_sum
    hi = 0.0
    if n > 0:
        n -= 1
        hi = p[n]
        # sum the partials from the top, stopping when the sum becomes inexact
        while n > 0:
            x = hi
            n -= 1
            y = p[n]
            hi = x + y
            yr = hi - x
            lo = y - yr
            if lo != 0.0:
                break
        # half-even rounding across partials: sum([1e-16, 1, 1e16]) rounds up
        if n > 0 and ((lo < 0.0 and p[n - 1] < 0.0) or (lo > 0.0 and p[n - 1] > 0.0)):
            y = lo * 2.0
            x = hi + y
            yr = x - hi
            if y == yr:
                hi = x
    return hi
