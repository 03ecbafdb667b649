"""Correctly rounded (in all but astronomically rare cases) sin, cos, tan, atan, atan2, asin, acos.

glibc, which CPython's math calls, computes these (IBM Accurate Mathematical Library) correctly
rounded nearly always; fdlibm's versions are within 1 ulp but differ from the correctly rounded
result in a few percent of cases.  So these evaluate in double-double arithmetic (about 100 bits)
and round once at the end: the result then matches glibc wherever glibc is correctly rounded.

Argument reduction reuses libm.py's (fdlibm's 3 x 33-bit pi/2 pieces kept exact here, and
__rem_pio2_large beyond 2**20 * pi/2).  Double-double values are (hi, lo) pairs with |lo| <= ulp(hi)/2.
"""

from worldmodel.wat.compiler.intrinsics import f64_bits
from worldmodel.wat.runtime.math.ddarith import dd_add, dd_div, dd_fast_two_sum, dd_mul, dd_mul_d, dd_two_prod, dd_two_sum
from worldmodel.wat.runtime.math.crtables import (
    ATAN_K_HI, ATAN_K_LO, INV_FACT3_HI, INV_FACT3_LO, INV_FACT4_HI, INV_FACT4_LO, INV_FACT5_HI, INV_FACT5_LO,
    INV_FACT6_HI, INV_FACT6_LO, INV_FACT7_HI, INV_FACT7_LO, INV_FACT8_HI, INV_FACT8_LO, PI_2_HI, PI_2_LO,
    PI_HI, PI_LO, THIRD_HI, THIRD_LO)
from worldmodel.wat.runtime.math.libm import (
    INVPIO2, PIO2_1, PIO2_2, PIO2_3, PIO2_3T, TOINT, c_fabs, c_isnan, c_nan, c_scalbn, c_sqrt, high_word,
    rem_pio2)

# ---------------------------------------------------------------- double-double square root

def dd_sqrt(ah: float, al: float) -> tuple[float, float]:
    s = c_sqrt(ah)
    p = dd_two_prod(s, s)
    r = ((ah - p[0]) - p[1] + al) / (2.0 * s)
    return dd_fast_two_sum(s, r)


# ---------------------------------------------------------------- sin, cos, tan

def cr_reduce(x: float) -> tuple[int, float, float]:
    """(n, rh, rl) with x = n * pi/2 + rh + rl, |rh + rl| <~ pi/4, to about 150 bits."""
    ix = high_word(x) & 0x7FFFFFFF
    if ix >= 0x413921FB:  # |x| >= 2**20 * pi/2: Payne-Hanek (rare; allocates its scratch list)
        y = [0.0, 0.0]
        n = rem_pio2(x, y)
        return n, y[0], y[1]
    fn = x * INVPIO2 + TOINT - TOINT
    # fn * PIO2_k is exact (33-bit pieces, |fn| < 2**20) and x - fn * PIO2_1 is exact (Sterbenz)
    a = dd_two_sum(x - fn * PIO2_1, -(fn * PIO2_2))
    a = dd_add(a[0], a[1], -(fn * PIO2_3), -(fn * PIO2_3T))
    return int(fn), a[0], a[1]


def sin_kernel_dd(rh: float, rl: float) -> tuple[float, float]:
    """sin(r) for |r| <~ pi/4: r + r * z * (-1/3! + z * (1/5! + z * (-1/7! + z * tail))), z = r**2."""
    z = dd_mul(rh, rl, rh, rl)
    zh = z[0]
    tail = 2.7557319223985893e-06 + zh * (-2.505210838544172e-08 + zh * (1.6059043836821613e-10 + zh * (-7.647163731819816e-13 + zh * (2.8114572543455206e-15 + zh * (-8.22063524662433e-18 + zh * (1.9572941063391263e-20 + zh * -3.868170170630684e-23))))))
    p = dd_mul_d(z[0], z[1], tail)
    p = dd_add(-INV_FACT7_HI, -INV_FACT7_LO, p[0], p[1])
    p = dd_mul(z[0], z[1], p[0], p[1])
    p = dd_add(INV_FACT5_HI, INV_FACT5_LO, p[0], p[1])
    p = dd_mul(z[0], z[1], p[0], p[1])
    p = dd_add(-INV_FACT3_HI, -INV_FACT3_LO, p[0], p[1])
    p = dd_mul(z[0], z[1], p[0], p[1])
    p = dd_mul(rh, rl, p[0], p[1])
    return dd_add(rh, rl, p[0], p[1])


def cos_kernel_dd(rh: float, rl: float) -> tuple[float, float]:
    """cos(r) for |r| <~ pi/4: 1 + z * (-1/2 + z * (1/4! + z * (-1/6! + z * (1/8! + z * tail))))."""
    z = dd_mul(rh, rl, rh, rl)
    zh = z[0]
    tail = -2.755731922398589e-07 + zh * (2.08767569878681e-09 + zh * (-1.1470745597729725e-11 + zh * (4.779477332387385e-14 + zh * (-1.5619206968586225e-16 + zh * (4.110317623312165e-19 + zh * (-8.896791392450574e-22 + zh * 1.6117375710961184e-24))))))
    p = dd_mul_d(z[0], z[1], tail)
    p = dd_add(INV_FACT8_HI, INV_FACT8_LO, p[0], p[1])
    p = dd_mul(z[0], z[1], p[0], p[1])
    p = dd_add(-INV_FACT6_HI, -INV_FACT6_LO, p[0], p[1])
    p = dd_mul(z[0], z[1], p[0], p[1])
    p = dd_add(INV_FACT4_HI, INV_FACT4_LO, p[0], p[1])
    p = dd_mul(z[0], z[1], p[0], p[1])
    p = dd_add(-0.5, 0.0, p[0], p[1])
    p = dd_mul(z[0], z[1], p[0], p[1])
    return dd_add(1.0, 0.0, p[0], p[1])


def sin_cos_dd(x: float, want_cos: bool) -> tuple[float, float]:
    """sin(x) or cos(x) (finite x) as a double-double."""
    n = 0
    rh = x
    rl = 0.0
    if high_word(x) & 0x7FFFFFFF > 0x3FE921FB:  # |x| > pi/4
        red = cr_reduce(x)
        n = red[0]
        rh = red[1]
        rl = red[2]
    if want_cos:
        n += 1
    q = n & 3
    v = (0.0, 0.0)
    if q == 0 or q == 2:
        v = sin_kernel_dd(rh, rl)
    else:
        v = cos_kernel_dd(rh, rl)
    if q >= 2:
        return -v[0], -v[1]
    return v


def cr_sin(x: float) -> float:
    ix = high_word(x) & 0x7FFFFFFF
    if ix >= 0x7FF00000:
        return c_nan()
    if ix < 0x3E500000:  # |x| < 2**-26: sin(x) rounds to x
        return x
    return sin_cos_dd(x, False)[0]


def cr_cos(x: float) -> float:
    ix = high_word(x) & 0x7FFFFFFF
    if ix >= 0x7FF00000:
        return c_nan()
    if ix < 0x3E46A09E:  # |x| < 2**-27 * sqrt(2): cos(x) rounds to 1
        return 1.0
    return sin_cos_dd(x, True)[0]


def cr_tan(x: float) -> float:
    ix = high_word(x) & 0x7FFFFFFF
    if ix >= 0x7FF00000:
        return c_nan()
    if ix < 0x3E400000:  # |x| < 2**-27
        return x
    n = 0
    rh = x
    rl = 0.0
    if ix > 0x3FE921FB:
        red = cr_reduce(x)
        n = red[0]
        rh = red[1]
        rl = red[2]
    s = sin_kernel_dd(rh, rl)
    c = cos_kernel_dd(rh, rl)
    if n & 1 == 0:
        return dd_div(s[0], s[1], c[0], c[1])[0]
    return dd_div(-c[0], -c[1], s[0], s[1])[0]


# ---------------------------------------------------------------- atan, atan2, asin, acos

def atan_dd(vh: float, vl: float) -> tuple[float, float]:
    """atan(v) for a double-double v >= 0 (finite): atan(k/64) from a table plus a short series."""
    invert = vh > 1.0
    if invert:  # atan(v) = pi/2 - atan(1/v)
        w = dd_div(1.0, 0.0, vh, vl)
        vh = w[0]
        vl = w[1]
    k = int(vh * 64.0 + 0.5)
    c = float(k) * 0.015625
    num = dd_add(vh, vl, -c, 0.0)
    den = dd_mul_d(vh, vl, c)
    den = dd_add(1.0, 0.0, den[0], den[1])
    u = dd_div(num[0], num[1], den[0], den[1])  # |u| <= 1/128
    z = dd_mul(u[0], u[1], u[0], u[1])
    zh = z[0]
    q = 0.2 + zh * (-0.14285714285714285 + zh * (0.1111111111111111 + zh * (-0.09090909090909091 + zh * (0.07692307692307693 + zh * (-0.06666666666666667 + zh * 0.058823529411764705)))))
    p = dd_mul_d(z[0], z[1], q)
    p = dd_add(-THIRD_HI, -THIRD_LO, p[0], p[1])
    p = dd_mul(z[0], z[1], p[0], p[1])
    p = dd_mul(u[0], u[1], p[0], p[1])
    a = dd_add(u[0], u[1], p[0], p[1])
    a = dd_add(ATAN_K_HI[k], ATAN_K_LO[k], a[0], a[1])
    if invert:
        return dd_add(PI_2_HI, PI_2_LO, -a[0], -a[1])
    return a


def cr_atan(x: float) -> float:
    ix = high_word(x) & 0x7FFFFFFF
    if c_isnan(x):
        return x
    if ix >= 0x44100000:  # |x| >= 2**66: pi/2 - 1/x rounds to pi/2
        if f64_bits(x) < 0:
            return -PI_2_HI
        return PI_2_HI
    if ix < 0x3E400000:  # |x| < 2**-27: x - x**3/3 rounds to x
        return x
    a = atan_dd(c_fabs(x), 0.0)
    if f64_bits(x) < 0:
        return -a[0]
    return a[0]


def cr_atan2(y: float, x: float) -> float:
    """atan2 for finite, nonzero x and y (mathlib.atan2 handles zeros, infinities and NaNs)."""
    ax = c_fabs(x)
    ay = c_fabs(y)
    ex = (f64_bits(ax) >> 52) - (f64_bits(ay) >> 52)
    a = (0.0, 0.0)
    if ex < -64:  # |y/x| > 2**64: pi/2 - x/y rounds to pi/2
        a = (PI_2_HI, PI_2_LO)
    elif ex > 64:  # |y/x| < 2**-64
        a = (ay / ax, 0.0)
    else:
        # scale both so the split products in dd_div cannot overflow or lose bits to underflow
        e = (f64_bits(ax) >> 52) - 1023
        sx = c_scalbn(ax, -e)
        sy = c_scalbn(ay, -e)
        q = dd_div(sy, 0.0, sx, 0.0)
        a = atan_dd(q[0], q[1])
    if f64_bits(x) < 0:
        a = dd_add(PI_HI, PI_LO, -a[0], -a[1])
    if f64_bits(y) < 0:
        return -a[0]
    return a[0]


def one_minus_square(a: float) -> tuple[float, float]:
    """1 - a*a for 0 <= a < 1 as a double-double, as (1 - a) * (1 + a)."""
    d1 = dd_two_sum(1.0, -a)
    d2 = dd_two_sum(1.0, a)
    return dd_mul(d1[0], d1[1], d2[0], d2[1])


def cr_asin(x: float) -> float:
    ax = c_fabs(x)
    if c_isnan(x) or ax > 1.0:
        return c_nan()
    if ax < 1.4901161193847656e-08:  # |x| < 2**-26: x + x**3/6 rounds to x
        return x
    a = (PI_2_HI, PI_2_LO)
    if ax < 1.0:
        w = one_minus_square(ax)
        s = dd_sqrt(w[0], w[1])
        q = dd_div(ax, 0.0, s[0], s[1])
        a = atan_dd(q[0], q[1])
    if f64_bits(x) < 0:
        return -a[0]
    return a[0]


def cr_acos(x: float) -> float:
    ax = c_fabs(x)
    if c_isnan(x) or ax > 1.0:
        return c_nan()
    if ax == 1.0:
        if f64_bits(x) < 0:
            return PI_HI
        return 0.0
    if ax < 5.551115123125783e-17:  # |x| < 2**-54: pi/2 - x rounds to pi/2
        return PI_2_HI
    # acos(|x|) = atan(sqrt(1 - x*x) / |x|); acos(-|x|) = pi - acos(|x|)
    w = one_minus_square(ax)
    s = dd_sqrt(w[0], w[1])
    q = dd_div(s[0], s[1], ax, 0.0)
    a = atan_dd(q[0], q[1])
    if f64_bits(x) < 0:
        a = dd_add(PI_HI, PI_LO, -a[0], -a[1])
    return a[0]
