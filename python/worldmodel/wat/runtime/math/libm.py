"""Raw libm in the rt subset: musl's libm ported line by line (C semantics: NaN/inf results,
no exceptions).  mathlib.py wraps these with Python's error behaviour.

exp/exp2/log/log2/pow are ARM's optimized-routines (the code glibc 2.28+ also uses, so the
results match CPython-on-glibc bit for bit nearly always); the rest is fdlibm as kept by musl.
C's unsigned 64-bit arithmetic is written with wrapping_add/wrapping_mul/shr_u where it can
wrap, so the CPython run of this file computes exactly what the compiled WASM computes.
"""

from worldmodel.wat.compiler.intrinsics import (f64_bits, f64_ceil, f64_floor, f64_from_bits, f64_sqrt, f64_trunc,
                                                shr_u, wrapping_add, wrapping_mul)
from worldmodel.wat.runtime.math.mathtables import (
    EXP2_POLY, EXP2_SHIFT, EXP_INVLN2N, EXP_NEGLN2HIN, EXP_NEGLN2LON, EXP_POLY, EXP_SHIFT, EXP_TAB,
    LOG2_INVLN2HI, LOG2_INVLN2LO, LOG2_POLY, LOG2_POLY1, LOG2_TAB, LOG2_TAB2, LOG_LN2HI, LOG_LN2LO,
    IPIO2, LOG_POLY, LOG_POLY1, LOG_TAB, LOG_TAB2, POW_LN2HI, POW_LN2LO, POW_POLY, POW_TAB)

ABS_MASK = 0x7FFFFFFFFFFFFFFF
SIGN_MASK = -0x8000000000000000
INF_BITS = 0x7FF0000000000000
ONE_BITS = 0x3FF0000000000000
TWO52 = 4503599627370496.0
TOINT = 6755399441055744.0  # 1.5 * 2**52: x + TOINT - TOINT rounds x to an integer
HIDDEN_BIT_LIBM = 0x10000000000000


def c_inf() -> float:
    return f64_from_bits(INF_BITS)


def c_nan() -> float:
    return f64_from_bits(0x7FF8000000000000)


def high_word(x: float) -> int:
    """Upper 32 bits of x, unsigned (fdlibm's GET_HIGH_WORD)."""
    return (f64_bits(x) >> 32) & 0xFFFFFFFF


def low_word(x: float) -> int:
    return f64_bits(x) & 0xFFFFFFFF


def from_words(hi: int, lo: int) -> float:
    return f64_from_bits(wrapping_mul(hi, 0x100000000) | lo)


def with_low_word_zero(x: float) -> float:
    return f64_from_bits(f64_bits(x) & -0x100000000)


def c_isnan(x: float) -> bool:
    return f64_bits(x) & ABS_MASK > INF_BITS


def c_isinf(x: float) -> bool:
    return f64_bits(x) & ABS_MASK == INF_BITS


def c_isfinite(x: float) -> bool:
    return f64_bits(x) & ABS_MASK < INF_BITS


def c_fabs(x: float) -> float:
    return f64_from_bits(f64_bits(x) & ABS_MASK)


def c_copysign(x: float, y: float) -> float:
    return f64_from_bits((f64_bits(x) & ABS_MASK) | (f64_bits(y) & SIGN_MASK))


# ---------------------------------------------------------------- rounding to integers

def floor_float(x: float) -> float:
    """The integer-valued double <= x: the f64.floor instruction."""
    return f64_floor(x)


def ceil_float(x: float) -> float:
    """The integer-valued double >= x: the f64.ceil instruction."""
    return f64_ceil(x)


def trunc_float(x: float) -> float:
    """x rounded toward zero: the f64.trunc instruction."""
    return f64_trunc(x)


def c_scalbn(x: float, n: int) -> float:
    """x * 2**n (musl scalbn)."""
    y = x
    if n > 1023:
        y = y * 8.98846567431158e307  # 2**1023
        n -= 1023
        if n > 1023:
            y = y * 8.98846567431158e307
            n -= 1023
            if n > 1023:
                n = 1023
    elif n < -1022:
        # 2**-1022 * 2**53: avoid double rounding in the subnormal range
        y = y * (2.2250738585072014e-308 * 9007199254740992.0)
        n += 1022 - 53
        if n < -1022:
            y = y * (2.2250738585072014e-308 * 9007199254740992.0)
            n += 1022 - 53
            if n < -1022:
                n = -1022
    return y * f64_from_bits((0x3FF + n) << 52)


# ---------------------------------------------------------------- fmod, sqrt

def c_fmod(x: float, y: float) -> float:
    """musl fmod (exact)."""
    uxi = f64_bits(x)
    uyi = f64_bits(y)
    ex = (uxi >> 52) & 0x7FF
    ey = (uyi >> 52) & 0x7FF
    negative = uxi < 0
    uxi = uxi & ABS_MASK
    uyi = uyi & ABS_MASK
    if uyi == 0 or c_isnan(y) or ex == 0x7FF:
        return c_nan()
    if uxi <= uyi:
        if uxi == uyi:
            return 0.0 * x
        return x
    # normalize x and y (a subnormal's exponent is 1 - its number of extra leading zeros)
    if ex == 0:
        ex = 1
        while uxi < (1 << 52):
            uxi = uxi << 1
            ex -= 1
    else:
        uxi = (uxi & 0xFFFFFFFFFFFFF) | (1 << 52)
    if ey == 0:
        ey = 1
        while uyi < (1 << 52):
            uyi = uyi << 1
            ey -= 1
    else:
        uyi = (uyi & 0xFFFFFFFFFFFFF) | (1 << 52)
    # x mod y
    while ex > ey:
        i = uxi - uyi
        if i >= 0:
            if i == 0:
                return 0.0 * x
            uxi = i
        uxi = uxi << 1
        ex -= 1
    i = uxi - uyi
    if i >= 0:
        if i == 0:
            return 0.0 * x
        uxi = i
    while (uxi >> 52) == 0:
        uxi = uxi << 1
        ex -= 1
    # scale result
    if ex > 0:
        uxi = uxi - (1 << 52)
        uxi = uxi | (ex << 52)
    else:
        uxi = uxi >> (-ex + 1)
    if negative:
        uxi = uxi | SIGN_MASK
    return f64_from_bits(uxi)


def sqrt_bitwise(x: float) -> float:
    """Correctly rounded square root, bit by bit on two 32-bit words (fdlibm e_sqrt.c); the
    slow fallback of c_sqrt."""
    ix0 = high_word(x)
    ix1 = low_word(x)
    if (ix0 & 0x7FF00000) == 0x7FF00000:
        return x * x + x
    if ix0 >= 0x80000000 or ix0 == 0:
        if ((ix0 & 0x7FFFFFFF) | ix1) == 0:
            return x
        if ix0 >= 0x80000000:
            return c_nan()
    sign = 0x80000000
    m = ix0 >> 20
    if m == 0:
        while ix0 == 0:
            m -= 21
            ix0 = ix0 | (ix1 >> 11)
            ix1 = (ix1 << 21) & 0xFFFFFFFF
        i = 0
        while (ix0 & 0x00100000) == 0:
            ix0 = ix0 << 1
            i += 1
        m -= i - 1
        if i > 0:
            ix0 = ix0 | (ix1 >> (32 - i))
        ix1 = (ix1 << i) & 0xFFFFFFFF
    m -= 1023
    ix0 = (ix0 & 0x000FFFFF) | 0x00100000
    if m & 1 != 0:
        ix0 = ix0 + ix0 + ((ix1 & sign) >> 31)
        ix1 = (ix1 + ix1) & 0xFFFFFFFF
    m = m >> 1
    ix0 = ix0 + ix0 + ((ix1 & sign) >> 31)
    ix1 = (ix1 + ix1) & 0xFFFFFFFF
    q = 0
    q1 = 0
    s0 = 0
    s1 = 0
    r = 0x00200000
    while r != 0:
        t = s0 + r
        if t <= ix0:
            s0 = t + r
            ix0 -= t
            q += r
        ix0 = ix0 + ix0 + ((ix1 & sign) >> 31)
        ix1 = (ix1 + ix1) & 0xFFFFFFFF
        r = r >> 1
    r = sign
    while r != 0:
        t1 = s1 + r
        t = s0
        if t < ix0 or (t == ix0 and t1 <= ix1):
            s1 = (t1 + r) & 0xFFFFFFFF
            if (t1 & sign) == sign and (s1 & sign) == 0:
                s0 += 1
            ix0 -= t
            if ix1 < t1:
                ix0 -= 1
            ix1 = (ix1 - t1) & 0xFFFFFFFF
            q1 += r
        ix0 = ix0 + ix0 + ((ix1 & sign) >> 31)
        ix1 = (ix1 + ix1) & 0xFFFFFFFF
        r = r >> 1
    if (ix0 | ix1) != 0:
        # round to nearest: the remainder is never exactly half
        if q1 == 0xFFFFFFFF:
            q1 = 0
            q += 1
        else:
            q1 += q1 & 1
    hi = (q >> 1) + 0x3FE00000
    lo = q1 >> 1
    if (q & 1) == 1:
        lo = lo | sign
    hi += m << 20
    return from_words(hi, lo)


def wide_mul(a: int, b: int) -> tuple[int, int]:
    """a * b = hi * 2**62 + lo exactly, for 0 <= a, b < 2**55."""
    a1 = a >> 31
    a0 = a & 0x7FFFFFFF
    b1 = b >> 31
    b0 = b & 0x7FFFFFFF
    mid = a1 * b0 + a0 * b1
    lo = a0 * b0 + ((mid & 0x7FFFFFFF) << 31)
    hi = a1 * b1 + (mid >> 31) + (lo >> 62)
    return hi, lo & 0x3FFFFFFFFFFFFFFF


def cmp_square(xm: int, s: int, c: int) -> int:
    """Compare xm * 2**s with c * c (0 <= s <= 61, xm < 2**53, c < 2**55): -1, 0 or 1."""
    t = wide_mul(c, c)
    hi = xm >> (62 - s)
    lo = (xm & ((1 << (62 - s)) - 1)) << s
    if hi != t[0]:
        if hi < t[0]:
            return -1
        return 1
    if lo != t[1]:
        if lo < t[1]:
            return -1
        return 1
    return 0


def c_sqrt(x: float) -> float:
    """Correctly rounded square root: the f64.sqrt instruction."""
    return f64_sqrt(x)


def sqrt_newton(x: float) -> float:
    """Correctly rounded square root (the value of WASM's f64.sqrt) without the instruction: Newton steps in double,
    then an exact check of the candidate against the squares of the rounding midpoints."""
    bits = f64_bits(x)
    if bits <= 0 or bits >= INF_BITS:  # zeros, negatives, inf, nan
        if x == 0.0 or bits == INF_BITS or c_isnan(x):
            return x + x if c_isnan(x) else x
        return c_nan()
    scaled = bits < 0x0010000000000000  # subnormal: work on x * 2**108
    if scaled:
        x = x * 3.2451855365842673e32
        bits = f64_bits(x)
    y = f64_from_bits((bits >> 1) + 0x1FF8000000000000)  # halve the exponent: ~4% off
    for i in range(0, 5):
        y = 0.5 * (y + x / y)
    xm = (bits & 0xFFFFFFFFFFFFF) | HIDDEN_BIT_LIBM
    xe = (bits >> 52) - 1075
    for attempt in range(0, 4):
        yb = f64_bits(y)
        ym = (yb & 0xFFFFFFFFFFFFF) | HIDDEN_BIT_LIBM
        ye = (yb >> 52) - 1075
        # x against (y + ulp/2)**2 = (2 ym + 1)**2 * 2**(2 ye - 2)
        s = xe - (2 * ye - 2)
        if s < 0 or s > 61:
            return sqrt_bitwise(x) * (5.551115123125783e-17 if scaled else 1.0)
        if cmp_square(xm, s, 2 * ym + 1) > 0:
            y = f64_from_bits(yb + 1)
            continue
        # x against (y - ulp/2)**2, or (y - ulp/4)**2 at a power of two
        if ym == HIDDEN_BIT_LIBM:
            s = xe - (2 * ye - 4)
            c = cmp_square(xm, s, 4 * ym - 1) if s <= 61 else 1
        else:
            c = cmp_square(xm, s, 2 * ym - 1)
        if c < 0:
            y = f64_from_bits(yb - 1)
            continue
        break
    if scaled:
        return y * 5.551115123125783e-17  # 2**-54: exact, the result is far from subnormal
    return y


# ---------------------------------------------------------------- exp, exp2 (ARM)

def exp_specialcase(tmp: float, sbits: int, k: int) -> float:
    """scale * (1 + tmp) when the scale's exponent over- or underflows (k = the reduction index)."""
    if k > 0:
        sbits = wrapping_add(sbits, -(1009 << 52))
        scale = f64_from_bits(sbits)
        return 5.486124068793689e303 * (scale + scale * tmp)  # 2**1009
    sbits = wrapping_add(sbits, 1022 << 52)
    scale = f64_from_bits(sbits)
    y = scale + scale * tmp
    if c_fabs(y) < 1.0:
        one = 1.0
        if y < 0.0:
            one = -1.0
        lo = scale - y + scale * tmp
        hi = one + y
        lo = one - hi + y + lo
        y = (hi + lo) - one
        if y == 0.0:
            y = f64_from_bits(sbits & SIGN_MASK)
    return 2.2250738585072014e-308 * y  # 2**-1022


def exp_core(x: float, xtail: float, sign_bias: int) -> float:
    """exp(x + xtail) (pow's exp_inline; sign_bias 0 or 0x800 << 7 negates the result)."""
    abstop = (f64_bits(x) >> 52) & 0x7FF
    special = False
    if abstop < 0x3C9 or abstop >= 0x408:
        if abstop < 0x3C9:
            one = 1.0 + x
            if sign_bias != 0:
                return -one
            return one
        if abstop >= 0x409:
            if f64_bits(x) < 0:
                if sign_bias != 0:
                    return -0.0
                return 0.0
            if sign_bias != 0:
                return -c_inf()
            return c_inf()
        special = True
    z = EXP_INVLN2N * x
    kd = z + EXP_SHIFT
    kd = kd - EXP_SHIFT
    k = int(kd)
    r = x + kd * EXP_NEGLN2HIN + kd * EXP_NEGLN2LON
    r = r + xtail
    idx = 2 * (k & 127)
    top = wrapping_mul(k + sign_bias, 1 << 45)
    tail = f64_from_bits(EXP_TAB[idx])
    sbits = wrapping_add(EXP_TAB[idx + 1], top)
    r2 = r * r
    tmp = tail + r + r2 * (EXP_POLY[0] + r * EXP_POLY[1]) + r2 * r2 * (EXP_POLY[2] + r * EXP_POLY[3])
    if special:
        return exp_specialcase(tmp, sbits, k)
    scale = f64_from_bits(sbits)
    return scale + scale * tmp


def c_exp(x: float) -> float:
    abstop = (f64_bits(x) >> 52) & 0x7FF
    if abstop >= 0x409:
        if f64_bits(x) == -0x10000000000000:  # -inf
            return 0.0
        if abstop >= 0x7FF:
            return 1.0 + x
    return exp_core(x, 0.0, 0)


def c_exp2(x: float) -> float:
    abstop = (f64_bits(x) >> 52) & 0x7FF
    special = False
    if abstop < 0x3C9 or abstop >= 0x408:
        if abstop < 0x3C9:
            return 1.0 + x
        if abstop >= 0x409:
            if f64_bits(x) == -0x10000000000000:
                return 0.0
            if abstop >= 0x7FF:
                return 1.0 + x
            if f64_bits(x) >= 0:
                return c_inf()
            if f64_bits(x) & ABS_MASK >= 0x4090CC0000000000:  # x <= -1075
                return 0.0
        if (f64_bits(x) & ABS_MASK) > 0x408D000000000000:  # |x| > 928
            special = True
    kd = x + EXP2_SHIFT
    ki = f64_bits(kd)
    kd = kd - EXP2_SHIFT
    r = x - kd
    # ki's low bits hold round(x * 128) (the shift constant leaves them clean)
    k = int(kd * 128.0)
    idx = 2 * (ki & 127)
    top = wrapping_mul(k, 1 << 45)
    tail = f64_from_bits(EXP_TAB[idx])
    sbits = wrapping_add(EXP_TAB[idx + 1], top)
    r2 = r * r
    tmp = (tail + r * EXP2_POLY[0] + r2 * (EXP2_POLY[1] + r * EXP2_POLY[2])
           + r2 * r2 * (EXP2_POLY[3] + r * EXP2_POLY[4]))
    if special:
        if k > 0:
            sbits = wrapping_add(sbits, -(1 << 52))
            scale = f64_from_bits(sbits)
            return 2.0 * (scale + scale * tmp)
        return exp_specialcase(tmp, sbits, k)
    scale = f64_from_bits(sbits)
    return scale + scale * tmp


# ---------------------------------------------------------------- log, log2 (ARM)

def c_log(x: float) -> float:
    ix = f64_bits(x)
    top = shr_u(ix, 48)
    if ix >= 0x3FEE000000000000 and ix < 0x3FF1090000000000:
        if ix == ONE_BITS:
            return 0.0
        r = x - 1.0
        r2 = r * r
        r3 = r * r2
        y = r3 * (LOG_POLY1[1] + r * LOG_POLY1[2] + r2 * LOG_POLY1[3]
                  + r3 * (LOG_POLY1[4] + r * LOG_POLY1[5] + r2 * LOG_POLY1[6]
                          + r3 * (LOG_POLY1[7] + r * LOG_POLY1[8] + r2 * LOG_POLY1[9] + r3 * LOG_POLY1[10])))
        w = r * 134217728.0  # 2**27
        rhi = r + w - w
        rlo = r - rhi
        w = rhi * rhi * LOG_POLY1[0]
        hi = r + w
        lo = r - hi + w
        lo += LOG_POLY1[0] * rlo * (rhi + r)
        y += lo
        y += hi
        return y
    if top < 0x0010 or top >= 0x7FF0:
        if ix & ABS_MASK == 0:
            return -c_inf()
        if ix == INF_BITS:
            return x
        if (top & 0x8000) != 0 or (top & 0x7FF0) == 0x7FF0:
            return c_nan()
        ix = f64_bits(x * TWO52)
        ix -= 52 << 52
    tmp = ix - 0x3FE6000000000000
    i = (tmp >> 45) & 127
    k = tmp >> 52
    iz = ix - (tmp & -0x10000000000000)
    invc = LOG_TAB[2 * i]
    logc = LOG_TAB[2 * i + 1]
    z = f64_from_bits(iz)
    r = (z - LOG_TAB2[2 * i] - LOG_TAB2[2 * i + 1]) * invc
    kd = float(k)
    w = kd * LOG_LN2HI + logc
    hi = w + r
    lo = w - hi + r + kd * LOG_LN2LO
    r2 = r * r
    y = lo + r2 * LOG_POLY[0] + r * r2 * (LOG_POLY[1] + r * LOG_POLY[2] + r2 * (LOG_POLY[3] + r * LOG_POLY[4])) + hi
    return y


def c_log2(x: float) -> float:
    ix = f64_bits(x)
    top = shr_u(ix, 48)
    if ix >= 0x3FEEA4AF00000000 and ix < 0x3FF0B55900000000:
        if ix == ONE_BITS:
            return 0.0
        r = x - 1.0
        rhi = with_low_word_zero(r)
        rlo = r - rhi
        hi = rhi * LOG2_INVLN2HI
        lo = rlo * LOG2_INVLN2HI + r * LOG2_INVLN2LO
        r2 = r * r
        r4 = r2 * r2
        p = r2 * (LOG2_POLY1[0] + r * LOG2_POLY1[1])
        y = hi + p
        lo += hi - y + p
        lo += r4 * (LOG2_POLY1[2] + r * LOG2_POLY1[3] + r2 * (LOG2_POLY1[4] + r * LOG2_POLY1[5])
                    + r4 * (LOG2_POLY1[6] + r * LOG2_POLY1[7] + r2 * (LOG2_POLY1[8] + r * LOG2_POLY1[9])))
        y += lo
        return y
    if top < 0x0010 or top >= 0x7FF0:
        if ix & ABS_MASK == 0:
            return -c_inf()
        if ix == INF_BITS:
            return x
        if (top & 0x8000) != 0 or (top & 0x7FF0) == 0x7FF0:
            return c_nan()
        ix = f64_bits(x * TWO52)
        ix -= 52 << 52
    tmp = ix - 0x3FE6000000000000
    i = (tmp >> 46) & 63
    k = tmp >> 52
    iz = ix - (tmp & -0x10000000000000)
    invc = LOG2_TAB[2 * i]
    logc = LOG2_TAB[2 * i + 1]
    z = f64_from_bits(iz)
    kd = float(k)
    r = (z - LOG2_TAB2[2 * i] - LOG2_TAB2[2 * i + 1]) * invc
    rhi = with_low_word_zero(r)
    rlo = r - rhi
    t1 = rhi * LOG2_INVLN2HI
    t2 = rlo * LOG2_INVLN2HI + r * LOG2_INVLN2LO
    t3 = kd + logc
    hi = t3 + t1
    lo = t3 - hi + t1 + t2
    r2 = r * r
    r4 = r2 * r2
    p = LOG2_POLY[0] + r * LOG2_POLY[1] + r2 * (LOG2_POLY[2] + r * LOG2_POLY[3]) + r4 * (LOG2_POLY[4] + r * LOG2_POLY[5])
    y = lo + r2 * p + hi
    return y


# ---------------------------------------------------------------- pow (ARM)

def pow_log(ix: int) -> tuple[float, float]:
    """log(x) as hi + lo with extra precision (pow's log_inline)."""
    tmp = ix - 0x3FE6955500000000
    i = (tmp >> 45) & 127
    k = tmp >> 52
    iz = ix - (tmp & -0x10000000000000)
    z = f64_from_bits(iz)
    kd = float(k)
    invc = POW_TAB[4 * i]
    logc = POW_TAB[4 * i + 2]
    logctail = POW_TAB[4 * i + 3]
    zhi = f64_from_bits((iz + (1 << 31)) & -0x100000000)
    zlo = z - zhi
    rhi = zhi * invc - 1.0
    rlo = zlo * invc
    r = rhi + rlo
    t1 = kd * POW_LN2HI + logc
    t2 = t1 + r
    lo1 = kd * POW_LN2LO + logctail
    lo2 = t1 - t2 + r
    ar = POW_POLY[0] * r
    ar2 = r * ar
    ar3 = r * ar2
    arhi = POW_POLY[0] * rhi
    arhi2 = rhi * arhi
    hi = t2 + arhi2
    lo3 = rlo * (ar + arhi)
    lo4 = t2 - hi + arhi2
    p = ar3 * (POW_POLY[1] + r * POW_POLY[2] + ar2 * (POW_POLY[3] + r * POW_POLY[4] + ar2 * (POW_POLY[5] + r * POW_POLY[6])))
    lo = lo1 + lo2 + lo3 + lo4 + p
    y = hi + lo
    return y, hi - y + lo


def checkint(iy: int) -> int:
    """0: y is not an integer, 1: odd integer, 2: even integer."""
    e = (iy >> 52) & 0x7FF
    if e < 0x3FF:
        return 0
    if e > 0x3FF + 52:
        return 2
    if iy & ((1 << (0x3FF + 52 - e)) - 1) != 0:
        return 0
    if iy & (1 << (0x3FF + 52 - e)) != 0:
        return 1
    return 2


def zero_inf_nan(i: int) -> bool:
    a = i & ABS_MASK
    return a == 0 or a >= INF_BITS


def c_pow(x: float, y: float) -> float:
    sign_bias = 0
    ix = f64_bits(x)
    iy = f64_bits(y)
    topx = shr_u(ix, 52)
    topy = shr_u(iy, 52)
    if topx - 0x001 >= 0x7FF - 0x001 or topx == 0 or (topy & 0x7FF) < 0x3BE or (topy & 0x7FF) >= 0x43E:
        if zero_inf_nan(iy):
            if iy & ABS_MASK == 0:
                return 1.0
            if ix == ONE_BITS:
                return 1.0
            if ix & ABS_MASK > INF_BITS or iy & ABS_MASK > INF_BITS:
                return x + y
            if ix & ABS_MASK == ONE_BITS:
                return 1.0
            if ((ix & ABS_MASK) < ONE_BITS) == (iy >= 0):
                return 0.0
            return y * y
        if zero_inf_nan(ix):
            x2 = x * x
            if ix < 0 and checkint(iy) == 1:
                x2 = -x2
            if iy < 0:
                if x2 == 0.0:
                    return c_copysign(c_inf(), x2)
                return 1.0 / x2
            return x2
        if ix < 0:
            yint = checkint(iy)
            if yint == 0:
                return c_nan()
            if yint == 1:
                sign_bias = 0x800 << 7
            ix = ix & ABS_MASK
            topx = topx & 0x7FF
        if (topy & 0x7FF) < 0x3BE or (topy & 0x7FF) >= 0x43E:
            if ix == ONE_BITS:
                return 1.0
            if (topy & 0x7FF) < 0x3BE:
                if ix > ONE_BITS:
                    return 1.0 + y
                return 1.0 - y
            if (ix > ONE_BITS) == (topy < 0x800):
                return c_inf()
            return 0.0
        if topx == 0:
            ix = f64_bits(x * TWO52)
            ix = ix & ABS_MASK
            ix -= 52 << 52
    hl = pow_log(ix)
    hi = hl[0]
    lo = hl[1]
    yhi = f64_from_bits(iy & -0x8000000)
    ylo = y - yhi
    lhi = f64_from_bits(f64_bits(hi) & -0x8000000)
    llo = hi - lhi + lo
    ehi = yhi * lhi
    elo = ylo * lhi + y * llo
    return exp_core(ehi, elo, sign_bias)


# ---------------------------------------------------------------- reduction by pi/2 (fdlibm; sin/cos/tan are in crtrig.py)

PIO2_1 = 1.57079632673412561417e+00
PIO2_1T = 6.07710050650619224932e-11
PIO2_2 = 6.07710050630396597660e-11
PIO2_2T = 2.02226624879595063154e-21
PIO2_3 = 2.02226624871116645580e-21
PIO2_3T = 8.47842766036889956997e-32
INVPIO2 = 6.36619772367581382433e-01
PIO4_EXACT = 0.7853981633974483  # 0x1.921fb54442d18p-1


def rem_pio2_small(x: float, y: list[float], n: int) -> int:
    """x - n*pi/2 for |n| <= 4 near the multiples of pi/2 where that is accurate enough."""
    fn = float(n)
    z = x - fn * PIO2_1
    y[0] = z - fn * PIO2_1T
    y[1] = (z - y[0]) - fn * PIO2_1T
    return n


def rem_pio2(x: float, y: list[float]) -> int:
    """__rem_pio2: x = n*pi/2 + y[0] + y[1] with |y| <= pi/4; returns n."""
    negative = f64_bits(x) < 0
    ix = high_word(x) & 0x7FFFFFFF
    medium = False
    if ix <= 0x400F6A7A:  # |x| ~<= 5pi/4
        if (ix & 0xFFFFF) == 0x921FB:  # |x| ~= pi/2 or 2pi/2: cancellation, use medium
            medium = True
        elif ix <= 0x4002D97C:  # |x| ~<= 3pi/4
            if not negative:
                return rem_pio2_small(x, y, 1)
            return rem_pio2_small(x, y, -1)
        elif not negative:
            return rem_pio2_small(x, y, 2)
        else:
            return rem_pio2_small(x, y, -2)
    elif ix <= 0x401C463B:  # |x| ~<= 9pi/4
        if ix <= 0x4015FDBC:  # |x| ~<= 7pi/4
            if ix == 0x4012D97C:  # |x| ~= 3pi/2
                medium = True
            elif not negative:
                return rem_pio2_small(x, y, 3)
            else:
                return rem_pio2_small(x, y, -3)
        elif ix == 0x401921FB:  # |x| ~= 4pi/2
            medium = True
        elif not negative:
            return rem_pio2_small(x, y, 4)
        else:
            return rem_pio2_small(x, y, -4)
    if medium or ix < 0x413921FB:  # |x| ~< 2**20 * pi/2: Cody-Waite with 3 parts of pi/2
        fn = x * INVPIO2 + TOINT - TOINT
        n = int(fn)
        r = x - fn * PIO2_1
        w = fn * PIO2_1T
        if r - w < -PIO4_EXACT:
            n -= 1
            fn -= 1.0
            r = x - fn * PIO2_1
            w = fn * PIO2_1T
        elif r - w > PIO4_EXACT:
            n += 1
            fn += 1.0
            r = x - fn * PIO2_1
            w = fn * PIO2_1T
        y[0] = r - w
        ey = (f64_bits(y[0]) >> 52) & 0x7FF
        ex = ix >> 20
        if ex - ey > 16:  # 2nd iteration, good to 118 bits
            t = r
            w = fn * PIO2_2
            r = t - w
            w = fn * PIO2_2T - ((t - r) - w)
            y[0] = r - w
            ey = (f64_bits(y[0]) >> 52) & 0x7FF
            if ex - ey > 49:  # 3rd iteration, 151 bits
                t = r
                w = fn * PIO2_3
                r = t - w
                w = fn * PIO2_3T - ((t - r) - w)
                y[0] = r - w
        y[1] = (r - y[0]) - w
        return n
    if ix >= 0x7FF00000:
        y[0] = x - x
        y[1] = y[0]
        return 0
    # large |x|: split into three 24-bit pieces and reduce with many bits of 2/pi
    z = f64_from_bits((f64_bits(x) & 0xFFFFFFFFFFFFF) | ((0x3FF + 23) << 52))
    tx = [0.0, 0.0, 0.0]
    for i in range(0, 2):
        tx[i] = float(int(z))
        z = (z - tx[i]) * 16777216.0
    tx[2] = z
    nx = 3
    while tx[nx - 1] == 0.0:
        nx -= 1
    ty = [0.0, 0.0]
    n = rem_pio2_large(tx, ty, (ix >> 20) - (0x3FF + 23), nx)
    if negative:
        y[0] = -ty[0]
        y[1] = -ty[1]
        return -n
    y[0] = ty[0]
    y[1] = ty[1]
    return n


PIO2_PARTS: list[float] = [
    1.57079625129699707031e+00, 7.54978941586159635335e-08, 5.39030252995776476554e-15,
    3.28200341580791294123e-22, 1.27065575308067607349e-29, 1.22933308981111328932e-36,
    2.73370053816464559624e-44, 2.16741683877804819444e-51]


def rem_pio2_large(x: list[float], y: list[float], e0: int, nx: int) -> int:
    """__rem_pio2_large for double precision (prec = 1, jk = 4)."""
    jk = 4
    jp = jk
    jx = nx - 1
    jv = 0
    if e0 - 3 >= 0:
        jv = (e0 - 3) // 24
    q0 = e0 - 24 * (jv + 1)
    f = [0.0] * 20
    q = [0.0] * 20
    fq = [0.0] * 20
    iq = [0] * 20
    j = jv - jx
    m = jx + jk
    for i in range(0, m + 1):
        if j < 0:
            f[i] = 0.0
        else:
            f[i] = float(IPIO2[j])
        j += 1
    for i in range(0, jk + 1):
        fw = 0.0
        for j2 in range(0, jx + 1):
            fw += x[j2] * f[jx + i - j2]
        q[i] = fw
    jz = jk
    n = 0
    ih = 0
    z = 0.0
    while True:  # recompute
        i = 0
        j = jz
        z = q[jz]
        while j > 0:
            fw = float(int(5.9604644775390625e-08 * z))
            iq[i] = int(z - 16777216.0 * fw)
            z = q[j - 1] + fw
            i += 1
            j -= 1
        z = c_scalbn(z, q0)
        z -= 8.0 * floor_float(z * 0.125)
        n = int(z)
        z -= float(n)
        ih = 0
        if q0 > 0:
            i = iq[jz - 1] >> (24 - q0)
            n += i
            iq[jz - 1] -= i << (24 - q0)
            ih = iq[jz - 1] >> (23 - q0)
        elif q0 == 0:
            ih = iq[jz - 1] >> 23
        elif z >= 0.5:
            ih = 2
        if ih > 0:
            n += 1
            carry = 0
            for i in range(0, jz):
                j = iq[i]
                if carry == 0:
                    if j != 0:
                        carry = 1
                        iq[i] = 0x1000000 - j
                else:
                    iq[i] = 0xFFFFFF - j
            if q0 == 1:
                iq[jz - 1] = iq[jz - 1] & 0x7FFFFF
            elif q0 == 2:
                iq[jz - 1] = iq[jz - 1] & 0x3FFFFF
            if ih == 2:
                z = 1.0 - z
                if carry != 0:
                    z -= c_scalbn(1.0, q0)
        if z == 0.0:
            j = 0
            for i in range(jz - 1, jk - 1, -1):
                j = j | iq[i]
            if j == 0:
                k = 1
                while iq[jk - k] == 0:
                    k += 1
                for i in range(jz + 1, jz + k + 1):
                    f[jx + i] = float(IPIO2[jv + i])
                    fw = 0.0
                    for j2 in range(0, jx + 1):
                        fw += x[j2] * f[jx + i - j2]
                    q[i] = fw
                jz += k
                continue
        break
    if z == 0.0:
        jz -= 1
        q0 -= 24
        while iq[jz] == 0:
            jz -= 1
            q0 -= 24
    else:
        z = c_scalbn(z, -q0)
        if z >= 16777216.0:
            fw = float(int(5.9604644775390625e-08 * z))
            iq[jz] = int(z - 16777216.0 * fw)
            jz += 1
            q0 += 24
            iq[jz] = int(fw)
        else:
            iq[jz] = int(z)
    fw = c_scalbn(1.0, q0)
    for i in range(jz, -1, -1):
        q[i] = fw * float(iq[i])
        fw *= 5.9604644775390625e-08
    for i in range(jz, -1, -1):
        fw = 0.0
        k = 0
        while k <= jp and k <= jz - i:
            fw += PIO2_PARTS[k] * q[i + k]
            k += 1
        fq[jz - i] = fw
    fw = 0.0
    for i in range(jz, -1, -1):
        fw += fq[i]
    if ih == 0:
        y[0] = fw
    else:
        y[0] = -fw
    fw = fq[0] - fw
    for i in range(1, jz + 1):
        fw += fq[i]
    if ih == 0:
        y[1] = fw
    else:
        y[1] = -fw
    return n & 7


# ---------------------------------------------------------------- atan, atan2 (fdlibm: atan2's zero-x cases; the rest is crtrig.py)

ATAN_HI: list[float] = [4.63647609000806093515e-01, 7.85398163397448278999e-01,
                        9.82793723247329054082e-01, 1.57079632679489655800e+00]
ATAN_LO: list[float] = [2.26987774529616870924e-17, 3.06161699786838301793e-17,
                        1.39033110312309984516e-17, 6.12323399573676603587e-17]
ATAN_T: list[float] = [
    3.33333333333329318027e-01, -1.99999999998764832476e-01, 1.42857142725034663711e-01,
    -1.11111104054623557880e-01, 9.09088713343650656196e-02, -7.69187620504482999495e-02,
    6.66107313738753120669e-02, -5.83357013379057348645e-02, 4.97687799461593236017e-02,
    -3.65315727442169155270e-02, 1.62858201153657823623e-02]


def c_atan(x: float) -> float:
    hx = high_word(x)
    negative = hx >= 0x80000000
    ix = hx & 0x7FFFFFFF
    if ix >= 0x44100000:  # |x| >= 2**66
        if c_isnan(x):
            return x
        if negative:
            return -ATAN_HI[3]
        return ATAN_HI[3]
    ident = -1
    if ix < 0x3FDC0000:  # |x| < 0.4375
        if ix < 0x3E400000:  # |x| < 2**-27
            return x
    else:
        x = c_fabs(x)
        if ix < 0x3FF30000:  # |x| < 1.1875
            if ix < 0x3FE60000:  # 7/16 <= |x| < 11/16
                ident = 0
                x = (2.0 * x - 1.0) / (2.0 + x)
            else:
                ident = 1
                x = (x - 1.0) / (x + 1.0)
        elif ix < 0x40038000:  # |x| < 2.4375
            ident = 2
            x = (x - 1.5) / (1.0 + 1.5 * x)
        else:
            ident = 3
            x = -1.0 / x
    z = x * x
    w = z * z
    s1 = z * (ATAN_T[0] + w * (ATAN_T[2] + w * (ATAN_T[4] + w * (ATAN_T[6] + w * (ATAN_T[8] + w * ATAN_T[10])))))
    s2 = w * (ATAN_T[1] + w * (ATAN_T[3] + w * (ATAN_T[5] + w * (ATAN_T[7] + w * ATAN_T[9]))))
    if ident < 0:
        return x - x * (s1 + s2)
    z = ATAN_HI[ident] - (x * (s1 + s2) - ATAN_LO[ident] - x)
    if negative:
        return -z
    return z


PI = 3.1415926535897931160E+00
PI_LO = 1.2246467991473531772E-16


def c_atan2(y: float, x: float) -> float:
    if c_isnan(x) or c_isnan(y):
        return x + y
    ix = high_word(x)
    lx = low_word(x)
    iy = high_word(y)
    ly = low_word(y)
    if ix == 0x3FF00000 and lx == 0:  # x == 1.0
        return c_atan(y)
    m = ((iy >> 31) & 1) | ((ix >> 30) & 2)  # 2*sign(x) + sign(y)
    ix = ix & 0x7FFFFFFF
    iy = iy & 0x7FFFFFFF
    if (iy | ly) == 0:
        if m <= 1:
            return y
        if m == 2:
            return PI
        return -PI
    if (ix | lx) == 0:
        if m & 1 != 0:
            return -PI / 2.0
        return PI / 2.0
    if ix == 0x7FF00000:
        if iy == 0x7FF00000:
            if m == 0:
                return PI / 4.0
            if m == 1:
                return -PI / 4.0
            if m == 2:
                return 3.0 * PI / 4.0
            return -3.0 * PI / 4.0
        if m == 0:
            return 0.0
        if m == 1:
            return -0.0
        if m == 2:
            return PI
        return -PI
    if ix + (64 << 20) < iy or iy == 0x7FF00000:  # |y/x| > 2**64
        if m & 1 != 0:
            return -PI / 2.0
        return PI / 2.0
    z = 0.0
    if (m & 2) != 0 and iy + (64 << 20) < ix:  # |y/x| < 2**-64, x < 0
        z = 0.0
    else:
        z = c_atan(c_fabs(y / x))
    if m == 0:
        return z
    if m == 1:
        return -z
    if m == 2:
        return PI - (z - PI_LO)
    return (z - PI_LO) - PI


# ---------------------------------------------------------------- expm1, log1p, log10 (fdlibm)

LN2_HI = 6.93147180369123816490e-01
LN2_LO = 1.90821492927058770002e-10


def c_expm1(x: float) -> float:
    """fdlibm expm1 (glibc builds the same code, with FMA contraction on x86-64)."""
    hx = high_word(x) & 0x7FFFFFFF
    negative = f64_bits(x) < 0
    if hx >= 0x4043687A:  # |x| >= 56*ln2
        if c_isnan(x):
            return x
        if negative:
            return -1.0
        if x > 7.09782712893383973096e+02:
            return c_inf()
    k = 0
    c = 0.0
    if hx > 0x3FD62E42:  # |x| > 0.5 ln2
        hi = 0.0
        lo = 0.0
        if hx < 0x3FF0A2B2:  # |x| < 1.5 ln2
            if not negative:
                hi = x - LN2_HI
                lo = LN2_LO
                k = 1
            else:
                hi = x + LN2_HI
                lo = -LN2_LO
                k = -1
        else:
            if negative:
                k = int(1.44269504088896338700e+00 * x - 0.5)
            else:
                k = int(1.44269504088896338700e+00 * x + 0.5)
            t = float(k)
            hi = x - t * LN2_HI
            lo = t * LN2_LO
        x = hi - lo
        c = (hi - x) - lo
    elif hx < 0x3C900000:  # |x| < 2**-54
        return x
    hfx = 0.5 * x
    hxs = x * hfx
    r1 = 1.0 + hxs * (-3.33333333333331316428e-02 + hxs * (1.58730158725481460165e-03 + hxs * (-7.93650757867487942473e-05 + hxs * (4.00821782732936239552e-06 + hxs * -2.01099218183624371326e-07))))
    t = 3.0 - r1 * hfx
    e = hxs * ((r1 - t) / (6.0 - x * t))
    if k == 0:
        return x - (x * e - hxs)
    e = x * (e - c) - c
    e -= hxs
    if k == -1:
        return 0.5 * (x - e) - 0.5
    if k == 1:
        if x < -0.25:
            return -2.0 * (e - (x + 0.5))
        return 1.0 + 2.0 * (x - e)
    twopk = f64_from_bits((0x3FF + k) << 52)
    if k < 0 or k > 56:
        y = x - e + 1.0
        if k == 1024:
            y = y * 2.0 * 8.98846567431158e307
        else:
            y = y * twopk
        return y - 1.0
    u = f64_from_bits((0x3FF - k) << 52)
    if k < 20:
        return (x - e + (1.0 - u)) * twopk
    return (x - (e + u) + 1.0) * twopk


LG1 = 6.666666666666735130e-01
LG2 = 3.999999999940941908e-01
LG3 = 2.857142874366239149e-01
LG4 = 2.222219843214978396e-01
LG5 = 1.818357216161805012e-01
LG6 = 1.531383769920937332e-01
LG7 = 1.479819860511658591e-01


def c_log1p(x: float) -> float:
    hx = high_word(x)
    k = 1
    c = 0.0
    f = 0.0
    if hx < 0x3FDA827A or hx >= 0x80000000:  # 1+x < sqrt(2)+
        if hx >= 0xBFF00000:  # x <= -1.0
            if x == -1.0:
                return -c_inf()
            return c_nan()
        if ((hx << 1) & 0xFFFFFFFF) < (0x3CA00000 << 1):  # |x| < 2**-53
            return x
        if hx <= 0xBFD2BEC4:  # sqrt(2)/2- <= 1+x < sqrt(2)+
            k = 0
            c = 0.0
            f = x
    elif hx >= 0x7FF00000:
        return x
    if k != 0:
        uf = 1.0 + x
        hu = high_word(uf)
        hu += 0x3FF00000 - 0x3FE6A09E
        k = (hu >> 20) - 0x3FF
        if k < 54:
            if k >= 2:
                c = 1.0 - (uf - x)
            else:
                c = x - (uf - 1.0)
            c = c / uf
        else:
            c = 0.0
        hu = (hu & 0x000FFFFF) + 0x3FE6A09E
        uf = from_words(hu, low_word(uf))
        f = uf - 1.0
    hfsq = 0.5 * f * f
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    t1 = w * (LG2 + w * (LG4 + w * LG6))
    t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)))
    r = t2 + t1
    dk = float(k)
    return s * (hfsq + r) + (dk * LN2_LO + c) - hfsq + f + dk * LN2_HI


def c_log10(x: float) -> float:
    """glibc's e_log10.c (fdlibm's original, over log): musl's variant rounds differently."""
    bits = f64_bits(x)
    k = 0
    if bits < 0x0010000000000000:  # x < 2**-1022, zero or negative
        if bits & ABS_MASK == 0:
            return -c_inf()
        if bits < 0:
            return c_nan()
        k -= 54
        x = x * 1.8014398509481984e16  # 2**54
        bits = f64_bits(x)
    if bits >= INF_BITS:
        return x + x
    k += (bits >> 52) - 1023
    i = 0
    if k < 0:
        i = 1
    x = f64_from_bits((bits & 0xFFFFFFFFFFFFF) | ((0x3FF - i) << 52))
    y = float(k + i)
    z = y * 3.69423907715893078616e-13 + 4.34294481903251816668e-01 * c_log(x)
    return z + y * 3.01029995663611771306e-01


# ---------------------------------------------------------------- hyperbolic functions (fdlibm, as in glibc)

def c_sinh(x: float) -> float:
    jx = high_word(x)
    ix = jx & 0x7FFFFFFF
    if ix >= 0x7FF00000:
        return x + x
    h = 0.5
    if jx >= 0x80000000:
        h = -h
    if ix < 0x40360000:  # |x| < 22
        if ix < 0x3E300000:  # |x| < 2**-28
            return x
        t = c_expm1(c_fabs(x))
        if ix < 0x3FF00000:
            return h * (2.0 * t - t * t / (t + 1.0))
        return h * (t + t / (t + 1.0))
    if ix < 0x40862E42:  # |x| < log(DBL_MAX)
        return h * c_exp(c_fabs(x))
    if ix < 0x408633CE or (ix == 0x408633CE and low_word(x) <= 0x8FB9F87D):
        w = c_exp(0.5 * c_fabs(x))
        t = h * w
        return t * w
    return x * 1.0e307 * 1.0e307


def c_cosh(x: float) -> float:
    ix = high_word(x) & 0x7FFFFFFF
    if ix >= 0x7FF00000:
        return x * x
    if ix < 0x3FD62E43:  # |x| < 0.5 ln2
        if ix < 0x3C800000:
            return 1.0
        t = c_expm1(c_fabs(x))
        w = 1.0 + t
        return 1.0 + (t * t) / (w + w)
    if ix < 0x40360000:  # |x| < 22
        t = c_exp(c_fabs(x))
        return 0.5 * t + 0.5 / t
    if ix < 0x40862E42:
        return 0.5 * c_exp(c_fabs(x))
    if ix < 0x408633CE or (ix == 0x408633CE and low_word(x) <= 0x8FB9F87D):
        w = c_exp(0.5 * c_fabs(x))
        t = 0.5 * w
        return t * w
    return c_inf()


def c_tanh(x: float) -> float:
    """fdlibm s_tanh.c, as in glibc (musl's rewrite rounds differently)."""
    jx = high_word(x)
    ix = jx & 0x7FFFFFFF
    if ix >= 0x7FF00000:
        if c_isnan(x):
            return x
        if jx < 0x80000000:
            return 1.0
        return -1.0
    z = 0.0
    if ix < 0x40360000:  # |x| < 22
        if (ix | low_word(x)) == 0:
            return x
        if ix < 0x3C800000:  # |x| < 2**-55
            return x * (1.0 + x)
        if ix >= 0x3FF00000:  # |x| >= 1
            t = c_expm1(2.0 * c_fabs(x))
            z = 1.0 - 2.0 / (t + 2.0)
        else:
            t = c_expm1(-2.0 * c_fabs(x))
            z = -t / (t + 2.0)
    else:
        z = 1.0
    if jx < 0x80000000:
        return z
    return -z


LN2 = 0.6931471805599453


def c_asinh(x: float) -> float:
    """glibc's s_asinh.c (fdlibm)."""
    ix = high_word(x) & 0x7FFFFFFF
    if ix < 0x3E300000:  # |x| < 2**-28
        return x
    w = 0.0
    xa = c_fabs(x)
    if ix > 0x41B00000:  # |x| > 2**28
        if ix >= 0x7FF00000:
            return x + x
        w = c_log(xa) + LN2
    elif ix > 0x40000000:  # 2**28 > |x| > 2
        w = c_log(2.0 * xa + 1.0 / (c_sqrt(xa * xa + 1.0) + xa))
    else:
        t = xa * xa
        w = c_log1p(xa + t / (1.0 + c_sqrt(1.0 + t)))
    return c_copysign(w, x)


def c_acosh(x: float) -> float:
    """glibc's e_acosh.c (fdlibm)."""
    hx = high_word(x)
    if hx >= 0x80000000 or hx < 0x3FF00000:  # x < 1 (or negative, or a negative NaN)
        if c_isnan(x):
            return x
        return c_nan()
    if hx >= 0x41B00000:  # x > 2**28
        if hx >= 0x7FF00000:
            return x + x
        return c_log(x) + LN2
    if hx == 0x3FF00000 and low_word(x) == 0:
        return 0.0
    if hx > 0x40000000:  # 2**28 > x > 2
        t = x * x
        return c_log(2.0 * x - 1.0 / (x + c_sqrt(t - 1.0)))
    t = x - 1.0
    return c_log1p(t + c_sqrt(2.0 * t + t * t))


def c_atanh(x: float) -> float:
    """glibc's e_atanh.c."""
    xa = c_fabs(x)
    t = 0.0
    if xa < 0.5:
        if xa < 3.725290298461914e-09:  # 2**-28
            return x
        t = xa + xa
        t = 0.5 * c_log1p(t + t * xa / (1.0 - xa))
    elif xa < 1.0:
        t = 0.5 * c_log1p((xa + xa) / (1.0 - xa))
    else:
        if xa > 1.0 or c_isnan(x):
            return c_nan()
        return c_copysign(c_inf(), x)  # C divides by zero here
    return c_copysign(t, x)


# ---------------------------------------------------------------- cbrt (glibc)

CBRT_FACTOR: list[float] = [1.0 / 1.5874010519681994748, 1.0 / 1.2599210498948731648, 1.0,
                            1.2599210498948731648, 1.5874010519681994748]


def frexp_exponent(x: float) -> int:
    """e with |x| = m * 2**e, 0.5 <= m < 1 (x finite, nonzero)."""
    b = f64_bits(x) & ABS_MASK
    e = b >> 52
    if e == 0:
        return ((f64_bits(x * 1.8014398509481984e16) & ABS_MASK) >> 52) - 1022 - 54
    return e - 1022


def c_cbrt(x: float) -> float:
    """glibc's s_cbrt.c (not musl's: CPython on glibc rounds the way this does)."""
    if x == 0.0 or not c_isfinite(x):
        return x + x
    xe = frexp_exponent(x)
    xm = c_scalbn(c_fabs(x), -xe)
    u = (0.354895765043919860 + ((1.50819193781584896 + ((-2.11499494167371287 + ((2.44693122563534430 + ((-1.83469277483613086 + (0.784932344976639262 - 0.145263899385486377 * xm) * xm) * xm)) * xm)) * xm)) * xm))
    t2 = u * u * u
    # C's % and / truncate toward zero
    q = xe // 3
    rem = xe - 3 * q
    if rem != 0 and xe < 0:
        q += 1
        rem -= 3
    ym = u * (t2 + 2.0 * xm) / (2.0 * t2 + xm) * CBRT_FACTOR[2 + rem]
    if x > 0.0:
        return c_scalbn(ym, q)
    return c_scalbn(-ym, q)
