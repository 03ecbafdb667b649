"""Double-double arithmetic: a value is hi + lo (two doubles, |lo| <= ulp(hi)/2), about 106 bits.
Used where a result must be correctly rounded (crtrig.py).  Error-free transformations
of Dekker and Knuth, written without FMA (WASM has none)."""

SPLITTER = 134217729.0  # 2**27 + 1 (Veltkamp)


def dd_two_sum(a: float, b: float) -> tuple[float, float]:
    """s + e == a + b exactly."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def dd_fast_two_sum(a: float, b: float) -> tuple[float, float]:
    """s + e == a + b exactly when |a| >= |b|."""
    s = a + b
    return s, b - (s - a)


def dd_two_prod(a: float, b: float) -> tuple[float, float]:
    """p + e == a * b exactly (Dekker, no FMA)."""
    p = a * b
    t = a * SPLITTER
    ah = t - (t - a)
    al = a - ah
    t = b * SPLITTER
    bh = t - (t - b)
    bl = b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def dd_add(ah: float, al: float, bh: float, bl: float) -> tuple[float, float]:
    s = dd_two_sum(ah, bh)
    t = dd_two_sum(al, bl)
    r = dd_fast_two_sum(s[0], s[1] + t[0])
    return dd_fast_two_sum(r[0], r[1] + t[1])


def dd_mul(ah: float, al: float, bh: float, bl: float) -> tuple[float, float]:
    p = dd_two_prod(ah, bh)
    return dd_fast_two_sum(p[0], p[1] + (ah * bl + al * bh))


def dd_mul_d(ah: float, al: float, b: float) -> tuple[float, float]:
    p = dd_two_prod(ah, b)
    return dd_fast_two_sum(p[0], p[1] + al * b)


def dd_div(ah: float, al: float, bh: float, bl: float) -> tuple[float, float]:
    q1 = ah / bh
    p = dd_mul_d(bh, bl, q1)
    r = dd_add(ah, al, -p[0], -p[1])
    q2 = r[0] / bh
    p = dd_mul_d(bh, bl, q2)
    r = dd_add(r[0], r[1], -p[0], -p[1])
    q3 = r[0] / bh
    s = dd_fast_two_sum(q1, q2)
    return dd_add(s[0], s[1], q3, 0.0)
