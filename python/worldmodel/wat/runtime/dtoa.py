"""Exact decimal expansions of doubles: the engine behind float printing, parsing and round().

Every finite double is m * 2**e with integer m, so its decimal expansion is finite and exact:
m * 2**e for e >= 0, or m * 5**-e shifted -e places for e < 0.  Numbers are big integers in
base 10**9 (little-endian limbs: every limb product fits in an i64), turned into decimal digit
lists (most significant first).  With the exact digits, rounding is plain digit arithmetic and
ties are detected exactly, which gives the same correctly rounded results as CPython's dtoa.c.

A "decimal" below is a digit list d (no leading zero) with a decimal-point position decpt:
value = 0.d[0]d[1]... * 10**decpt.  An empty list is zero.
"""

from worldmodel.wat.compiler.intrinsics import f64_bits, f64_from_bits, shr_u

LIMB = 1000000000
POW5_13 = 1220703125
MANT_MASK = 0xFFFFFFFFFFFFF
HIDDEN_BIT = 0x10000000000000
ABS_MASK = 0x7FFFFFFFFFFFFFFF
MAX_FINITE_BITS = 0x7FEFFFFFFFFFFFFF
INF_BITS = 0x7FF0000000000000
# 10**0 .. 10**22: exactly representable doubles (the fast exact path of strtod).
POW10: list[float] = [1.0, 10.0, 100.0, 1000.0, 10000.0, 100000.0, 1000000.0, 10000000.0,
                      100000000.0, 1000000000.0, 10000000000.0, 100000000000.0,
                      1000000000000.0, 10000000000000.0, 100000000000000.0,
                      1000000000000000.0, 10000000000000000.0, 100000000000000000.0,
                      1000000000000000000.0, 10000000000000000000.0,
                      100000000000000000000.0, 1000000000000000000000.0,
                      10000000000000000000000.0]


# ---------------------------------------------------------------- big integers (base 10**9)

def bn_from_int(v: int) -> list[int]:
    """Limbs of v >= 0."""
    a = [v % LIMB]
    v = v // LIMB
    while v > 0:
        a.append(v % LIMB)
        v = v // LIMB
    return a


def bn_mul_small(a: list[int], k: int) -> None:
    """a *= k in place, 0 <= k < 2**33 (so limb * k + carry stays below 2**63)."""
    carry = 0
    for i in range(0, len(a)):
        t = a[i] * k + carry
        a[i] = t % LIMB
        carry = t // LIMB
    while carry > 0:
        a.append(carry % LIMB)
        carry = carry // LIMB


def bn_mul(a: list[int], b: list[int]) -> list[int]:
    """Schoolbook product a * b."""
    na = len(a)
    nb = len(b)
    r = [0] * (na + nb)
    for i in range(0, na):
        ai = a[i]
        carry = 0
        for j in range(0, nb):
            t = r[i + j] + ai * b[j] + carry
            r[i + j] = t % LIMB
            carry = t // LIMB
        k = i + nb
        while carry > 0:
            t = r[k] + carry
            r[k] = t % LIMB
            carry = t // LIMB
            k += 1
    return r


def bn_pow2_or_5(e: int) -> list[int]:
    """2**e for e >= 0, 5**-e for e < 0: the factor that makes m * 2**e an integer decimal."""
    a = [1]
    if e >= 0:
        k = e
        while k >= 30:
            bn_mul_small(a, 1 << 30)
            k -= 30
        bn_mul_small(a, 1 << k)
    else:
        k = -e
        while k >= 13:
            bn_mul_small(a, POW5_13)
            k -= 13
        p = 1
        for i in range(0, k):
            p = p * 5
        bn_mul_small(a, p)
    return a


def bn_to_digits(a: list[int], out: list[int]) -> None:
    """Append the decimal digits of a (> 0) to out, most significant first, no leading zero."""
    top = len(a) - 1
    while top > 0 and a[top] == 0:
        top -= 1
    v = a[top]
    div = 100000000
    while div > 1 and v // div == 0:
        div = div // 10
    while div > 0:
        out.append(v // div % 10)
        div = div // 10
    for i in range(top - 1, -1, -1):
        v = a[i]
        div = 100000000
        while div > 0:
            out.append(v // div % 10)
            div = div // 10


# ---------------------------------------------------------------- doubles as m * 2**e

def decompose(x: float) -> tuple[int, int]:
    """(m, e) with |x| = m * 2**e for finite x; m < 2**53."""
    b = f64_bits(x) & ABS_MASK
    be = shr_u(b, 52)
    frac = b & MANT_MASK
    if be == 0:
        return frac, -1074
    return frac | HIDDEN_BIT, be - 1075


def exact_digits(m: int, e: int, out: list[int]) -> int:
    """Append the exact decimal digits of m * 2**e (m > 0) to out; return decpt."""
    a = bn_mul(bn_pow2_or_5(e), bn_from_int(m))
    bn_to_digits(a, out)
    if e >= 0:
        return len(out)
    return len(out) + e


# ---------------------------------------------------------------- rounding decimals

def round_digits(d: list[int], decpt: int, cut: int, out: list[int]) -> int:
    """Round the decimal (d, decpt) half-to-even, keeping the first `cut` digits of d.

    Appends the result digits to out (trailing zeros dropped; nothing when it rounds to zero)
    and returns the result's decpt.
    """
    n = len(d)
    if cut >= n:
        last = n - 1
        while last >= 0 and d[last] == 0:
            last -= 1
        for i in range(0, last + 1):
            out.append(d[i])
        return decpt
    if cut < 0:
        return decpt
    up = False
    if d[cut] > 5:
        up = True
    elif d[cut] == 5:
        rest_nonzero = False
        for j in range(cut + 1, n):
            if d[j] != 0:
                rest_nonzero = True
                break
        if rest_nonzero:
            up = True
        elif cut > 0 and d[cut - 1] % 2 == 1:
            up = True
    if up:
        j = cut - 1
        while j >= 0 and d[j] == 9:
            j -= 1
        if j < 0:
            out.append(1)
            return decpt + 1
        for i in range(0, j):
            out.append(d[i])
        out.append(d[j] + 1)
        return decpt
    last = cut - 1
    while last >= 0 and d[last] == 0:
        last -= 1
    for i in range(0, last + 1):
        out.append(d[i])
    return decpt


def float_digits(x: float, mode: int, ndigits: int, out: list[int]) -> int:
    """Digits and decpt of |x| (finite) like dtoa: mode 0 shortest round-trip, mode 2 `ndigits`
    significant digits, mode 3 `ndigits` digits after the point.  Zero gives [0] and decpt 1."""
    if x == 0.0:
        out.append(0)
        return 1
    if x < 0.0:
        x = -x
    if mode == 0:
        decpt = short_digits_fast(x, out)
        if decpt != NO_FAST_PATH:
            return decpt
    me = decompose(x)
    m = me[0]
    e = me[1]
    if mode == 0:
        return shortest_digits(m, e, out)
    decpt = rounded_digits_fast(m, e, mode, ndigits, x, out)
    if decpt != NO_FAST_PATH:
        return decpt
    exact = [0] * 0
    decpt = exact_digits(m, e, exact)
    cut = ndigits
    if mode == 3:
        cut = decpt + ndigits
    start = len(out)
    decpt = round_digits(exact, decpt, cut, out)
    if len(out) == start:
        out.append(0)
        return 1
    return decpt


# ---------------------------------------------------------------- shortest round-trip digits

NO_FAST_PATH = -100000


def short_digits_fast(x: float, out: list[int]) -> int:
    """Shortest digits of |x| (finite, nonzero) with i64/f64 arithmetic only, when they have at
    most 15 significant digits and the decimal exponent is moderate (most printed numbers);
    returns NO_FAST_PATH otherwise.

    A decimal c * 10**-s with c < 2**53 and |s| <= 22 reads back exactly as float(c) / 10**s
    (two exact operands, one rounding), so that comparison proves the round trip.  With at most
    15 digits, at most one such decimal lies in the rounding interval of x, so the first length
    that reads back is the shortest and its digits are what dtoa prints.  An estimate of the
    decimal exponent that is off by one only shifts which length is tried first.
    """
    if x < 0.0:
        x = -x
    if x >= 1e22 or x < 1e-22:
        return NO_FAST_PATH
    e10 = decimal_exponent(x)
    for p in range(1, 16):
        s = p - 1 - e10
        if s > 22 or s < -22:
            return NO_FAST_PATH
        scaled = 0.0
        if s >= 0:
            scaled = x * POW10[s]
        else:
            scaled = x / POW10[-s]
        if scaled >= 9007199254740992.0:
            return NO_FAST_PATH
        c = int(scaled + 0.5)
        back = 0.0
        if s >= 0:
            back = float(c) / POW10[s]
        else:
            back = float(c) * POW10[-s]
        if back == x and c > 0:
            return emit_integer_digits(c, s, out)
    me = decompose(x)
    for p in range(16, 18):
        decpt = long_digits_exact(me[0], me[1], p - 1 - e10, out)
        if decpt != NO_FAST_PATH:
            return decpt
    return NO_FAST_PATH


def decimal_exponent(x: float) -> int:
    """floor(log10(x)) for 1e-22 <= x < 1e22, possibly one too small or too large near a power of 10."""
    e10 = 0
    if x >= 1.0:
        while e10 < 22 and POW10[e10 + 1] <= x:
            e10 += 1
    else:
        while e10 > -22 and x * POW10[-e10] < 1.0:
            e10 -= 1
    return e10


def scaled_round(m: int, e: int, p: int) -> tuple[int, int]:
    """(floor(x * 10**p), x * 10**p rounded half-to-even) for x = m * 2**e, exactly, with 128-bit
    integer arithmetic; (-1, -1) when p is outside 0..22 or the result needs more than 62 bits."""
    if p < 0 or p > 22:
        return -1, -1
    f = 1
    for i in range(0, p):
        f = f * 5
    t = mul_wide(m, f)  # x * 10**p = T * 2**-k
    k = -(e + p)
    if k <= 0:
        if t[0] != 0 or -k > 8 or t[1] >= (1 << (54 + k)):
            return -1, -1
        c = t[1] << -k
        return c, c
    if k >= 63:  # x * 10**p < 2**(105 - k): 0, or 1 when above one half
        if k >= 124:
            return 0, 0
        half = 1 << (k - 63)  # 2**(k-1) in units of 2**62
        if t[0] < half or (t[0] == half and t[1] == 0):
            return 0, 0
        if t[0] < 2 * half:
            return 0, 1
        return -1, -1
    if (t[0] >> k) != 0:
        return -1, -1
    c = (t[0] << (62 - k)) | (t[1] >> k)
    rem = t[1] & ((1 << k) - 1)
    half = 1 << (k - 1)
    if rem > half or (rem == half and c % 2 == 1):
        return c, c + 1
    return c, c


def rounded_digits_fast(m: int, e: int, mode: int, ndigits: int, x: float, out: list[int]) -> int:
    """float_digits for modes 2 and 3 without big integers when x * 10**p fits in 62 bits."""
    if mode == 3:
        r = scaled_round(m, e, ndigits)
        if r[0] < 0:
            return NO_FAST_PATH
        return emit_integer_digits(r[1], ndigits, out)
    if ndigits > 17 or x >= 1e22 or x < 1e-22:
        return NO_FAST_PATH
    lowest = 1
    for i in range(1, ndigits):
        lowest = lowest * 10
    p = ndigits - 1 - decimal_exponent(x)
    for attempt in range(0, 3):
        r = scaled_round(m, e, p)
        if r[0] < 0:
            return NO_FAST_PATH
        if r[0] < lowest:
            p += 1
        elif r[0] >= lowest * 10:
            p -= 1
        else:
            return emit_integer_digits(r[1], p, out)
    return NO_FAST_PATH


def emit_integer_digits(c: int, p: int, out: list[int]) -> int:
    """Append the digits of c * 10**-p (trailing zeros dropped; [0] for zero); return decpt."""
    if c == 0:
        out.append(0)
        return 1
    n = 1
    div = 1
    while c // div >= 10:
        div = div * 10
        n += 1
    while c % 10 == 0:
        c = c // 10
        div = div // 10
    while div > 0:
        out.append(c // div % 10)
        div = div // 10
    return n - p


def mul_wide(a: int, b: int) -> tuple[int, int]:
    """a * b = hi * 2**62 + lo exactly, for 0 <= a < 2**55 and 0 <= b < 2**53."""
    a1 = a >> 31
    a0 = a & 0x7FFFFFFF
    b1 = b >> 31
    b0 = b & 0x7FFFFFFF
    mid = a1 * b0 + a0 * b1
    lo = a0 * b0 + ((mid & 0x7FFFFFFF) << 31)  # < 2**63
    hi = a1 * b1 + (mid >> 31) + (lo >> 62)
    return hi, lo & 0x3FFFFFFFFFFFFFFF


def long_digits_exact(m: int, e: int, s: int, out: list[int]) -> int:
    """The digits of x = m * 2**e rounded to an integer c after scaling by 10**s, when c * 10**-s
    reads back as x (the closest such c; 16-17 digit numbers), with 128-bit integer arithmetic:
    T = m * 5**s = x * 10**s * 2**k exactly; c is T >> k or one more; the rounding interval of x
    is 5**s / 2 wide on each side in these units (a quarter below at a power of two)."""
    k = -(e + s)
    if s < 0 or s > 22 or k < 1 or k > 56:
        return NO_FAST_PATH
    f = 1
    for i in range(0, s):
        f = f * 5
    t = mul_wide(m, f)
    c = (t[0] << (62 - k)) | (t[1] >> k)
    if c >= 0x100000000000000:
        return NO_FAST_PATH
    below = t[1] & ((1 << k) - 1)  # T - c * 2**k
    above = (1 << k) - below  # (c + 1) * 2**k - T
    even = m % 2 == 0
    low_limit = f
    scale = 2
    if m == HIDDEN_BIT and e > -1074:
        scale = 4  # the next double down is twice as close
    down_ok = scale * below < low_limit or (scale * below == low_limit and even)
    up_ok = 2 * above < f or (2 * above == f and even)
    if down_ok and up_ok:
        if above < below or (above == below and c % 2 == 1):
            down_ok = False
    if not down_ok:
        if not up_ok:
            return NO_FAST_PATH
        c += 1
    return emit_integer_digits(c, s, out)

DIGIT_DIV: list[int] = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000]


def bn_digit_count(a: list[int]) -> int:
    top = len(a) - 1
    while top > 0 and a[top] == 0:
        top -= 1
    n = 1
    while n < 9 and a[top] >= DIGIT_DIV[n]:
        n += 1
    return 9 * top + n


def bn_digit(a: list[int], n: int, i: int) -> int:
    """Digit i (0 = most significant) of a written with n digits, zero-padded on the left."""
    pos = n - 1 - i
    limb = pos // 9
    if limb >= len(a):
        return 0
    return a[limb] // DIGIT_DIV[pos % 9] % 10


def bn_low_digits_zero(a: list[int], count: int) -> bool:
    """Whether the lowest `count` decimal digits of a are all zero."""
    limb = count // 9
    for i in range(0, limb):
        if i < len(a) and a[i] != 0:
            return False
    if limb < len(a) and a[limb] % DIGIT_DIV[count % 9] != 0:
        return False
    return True


def leading_digits(a: list[int], n: int, count: int) -> list[int]:
    """The first `count` digits of a written with n digits (zero-padded on the left)."""
    d = [0] * count
    for i in range(0, count):
        d[i] = bn_digit(a, n, i)
    return d


def prefix_cmp(d: list[int], b: list[int], bd: list[int], n: int, cut: int) -> int:
    """Compare (d[:cut], then zeros) with b (n digits; bd holds its leading digits)."""
    for i in range(0, cut):
        if d[i] != bd[i]:
            if d[i] < bd[i]:
                return -1
            return 1
    if bn_low_digits_zero(b, n - cut):
        return 0
    return -1


def shortest_digits(m: int, e: int, out: list[int]) -> int:
    """Shortest digits that read back as m * 2**e, the closest to it among the shortest
    (what repr() prints).  Appends the digits to out, returns decpt."""
    # In quarter units u = 2**(e-2): x = 4m u; the rounding interval is [4m - 2, 4m + 2] u,
    # or [4m - 1, 4m + 2] u at a power of two (the next double down is closer); the ends
    # belong to the interval when m is even (round-half-even reads them back as x).
    # X, L, H are those three integers times 2**f or 5**-f: decimals with a shared exponent.
    # Only their leading digits are compared digit by digit; tails are checked on the limbs.
    low_gap = 2
    if m == HIDDEN_BIT and e > -1074:
        low_gap = 1
    inclusive = m % 2 == 0
    f = e - 2
    factor = bn_pow2_or_5(f)
    xb = bn_mul(factor, bn_from_int(4 * m))
    lb = bn_mul(factor, bn_from_int(4 * m - low_gap))
    hb = bn_mul(factor, bn_from_int(4 * m + 2))
    n = bn_digit_count(hb) + 1  # one leading zero leaves room for a carry
    scale = 0  # the decimal exponent shared by the three integers
    if f < 0:
        scale = f
    head = n
    if head > 21:
        head = 21  # the shortest digits never exceed 17, and X has at most 2 leading zeros here
    xd = leading_digits(xb, n, head)
    ld = leading_digits(lb, n, head)
    hd = leading_digits(hb, n, head)
    s = 0
    while xd[s] == 0:
        s += 1
    up = [0] * head
    p = 1
    while True:
        cut = s + p
        if cut >= n:
            return emit_lazy_digits(xb, n, s, n, scale, out)
        c = prefix_cmp(xd, lb, ld, n, cut)
        down_ok = c > 0 or (c == 0 and inclusive)
        # up = the digits before cut plus one unit in the last kept place, zeros after
        for i in range(0, cut):
            up[i] = xd[i]
        j = cut - 1
        while up[j] == 9:
            up[j] = 0
            j -= 1
        up[j] = up[j] + 1
        c = prefix_cmp(up, hb, hd, n, cut)
        up_ok = c < 0 or (c == 0 and inclusive)
        if down_ok and up_ok:
            # both in the interval: take the nearer; a tie goes to the even last digit
            t = 0
            if xd[cut] > 5:
                t = 1
            elif xd[cut] < 5:
                t = -1
            elif not bn_low_digits_zero(xb, n - cut - 1):
                t = 1
            if t > 0 or (t == 0 and xd[cut - 1] % 2 == 1):
                down_ok = False
            else:
                up_ok = False
        if down_ok:
            return emit_lazy_digits(xb, n, s, cut, scale, out)
        if up_ok:
            s_up = 0
            while up[s_up] == 0:
                s_up += 1
            last = cut - 1
            while last > s_up and up[last] == 0:
                last -= 1
            for i in range(s_up, last + 1):
                out.append(up[i])
            return n - s_up + scale
        p += 1


def emit_lazy_digits(x: list[int], n: int, start: int, end: int, scale: int, out: list[int]) -> int:
    """Append digits start..end-1 of x (read with n digits) without trailing zeros; the integer
    has n digits times 10**scale, so the decimal point sits n - start + scale digits in."""
    last = end - 1
    while last > start and bn_digit(x, n, last) == 0:
        last -= 1
    for i in range(start, last + 1):
        out.append(bn_digit(x, n, i))
    return n - start + scale


# ---------------------------------------------------------------- decimal to double (strtod)

def cmp_with_midpoint(d: list[int], decpt: int, m: int, e: int) -> int:
    """Compare the decimal (d, decpt) (no leading zero) with m * 2**e (m > 0), reading the
    digits of m * 2**e straight from its limbs (usually only the first few are needed)."""
    b = bn_mul(bn_pow2_or_5(e), bn_from_int(m))
    nb = bn_digit_count(b)
    pb = nb
    if e < 0:
        pb = nb + e
    if decpt != pb:
        if decpt < pb:
            return -1
        return 1
    nd = len(d)
    for i in range(0, nd):
        db = 0
        if i < nb:
            db = bn_digit(b, nb, i)
        if d[i] != db:
            if d[i] < db:
                return -1
            return 1
    if nd >= nb or bn_low_digits_zero(b, nb - nd):
        return 0
    return -1


def approx_double(d: list[int], nd: int, decpt: int) -> float:
    """A double within a few ulps of the decimal (d[:nd], decpt), from its first 18 digits."""
    take = nd
    if take > 18:
        take = 18
    v = 0
    for i in range(0, take):
        v = v * 10 + d[i]
    z = float(v)
    k = decpt - take
    while k > 22:
        z = z * 1e22
        k -= 22
    while k < -22:
        z = z / 1e22
        k += 22
    if k >= 0:
        return z * POW10[k]
    return z / POW10[-k]


def decimal_to_double(d: list[int], decpt: int) -> float:
    """The double nearest to the positive decimal (d, decpt), ties to even (like dtoa's strtod)."""
    nd = len(d)
    while nd > 0 and d[nd - 1] == 0:
        nd -= 1
    if nd == 0:
        return 0.0
    if decpt > 310:
        return f64_from_bits(INF_BITS)
    if decpt < -324:
        return 0.0
    k = decpt - nd
    if nd <= 15 and k >= -22 and k <= 22:
        # exact fast path: both operands are exact doubles, so one rounding
        v = 0
        for i in range(0, nd):
            v = v * 10 + d[i]
        if k >= 0:
            return float(v) * POW10[k]
        return float(v) / POW10[-k]
    bits = f64_bits(approx_double(d, nd, decpt))
    if bits > MAX_FINITE_BITS:
        bits = MAX_FINITE_BITS
    # walk to the correctly rounded neighbour by exact comparisons with the midpoints
    while True:
        if bits == 0:
            c = cmp_with_midpoint(d, decpt, 1, -1075)
            if c > 0:
                bits = 1
                continue
            return 0.0
        me = decompose(f64_from_bits(bits))
        m = me[0]
        e = me[1]
        c = cmp_with_midpoint(d, decpt, 2 * m + 1, e - 1)
        if c > 0 or (c == 0 and m % 2 == 1):
            if bits == MAX_FINITE_BITS:
                return f64_from_bits(INF_BITS)
            bits += 1
            if c == 0:
                return f64_from_bits(bits)
            continue
        if c == 0:
            return f64_from_bits(bits)
        if m == HIDDEN_BIT and e > -1074:
            c = cmp_with_midpoint(d, decpt, 4 * m - 1, e - 2)
        else:
            c = cmp_with_midpoint(d, decpt, 2 * m - 1, e - 1)
        if c < 0 or (c == 0 and m % 2 == 1):
            bits -= 1
            if c == 0:
                return f64_from_bits(bits)
            continue
        return f64_from_bits(bits)
