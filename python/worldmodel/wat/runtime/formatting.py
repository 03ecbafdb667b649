"""Python-exact text conversions: repr/format of floats and ints, float(str), round(x, n),
float % and //.  Byte-for-byte CPython 3.11 (the spec is Python/pystrtod.c format_float_short
and Python/formatter_unicode.c; the digits come from dtoa.py).

Strings are built as UTF-8 byte lists and turned into str at the end (the rt subset has no
string indexing).  Format specs arrive pre-parsed by the converter:
fill = code point (0 when absent: a zero flag then pads with '0'; 32 is an explicit space), align = 0 or ord of
< > ^ =, sign = 0 or ord of + - space, alt = '#', zero = the '0' flag, width = 0 when absent,
grouping = 0 or ord of , or _, precision = -1 when absent, kind = 0 or ord of the type letter.
"""

from worldmodel.wat.compiler.intrinsics import f64_bits, f64_from_bits, shr_u, str_from_bytes, str_to_bytes, wrapping_add
from worldmodel.wat.runtime.dtoa import decimal_to_double, float_digits
from worldmodel.wat.runtime.math.libm import c_copysign, c_fmod, floor_float

C_PLUS = 43
C_MINUS = 45
C_SPACE = 32
C_DOT = 46
C_ZERO = 48
C_LT = 60
C_EQ = 61
C_GT = 62
C_CARET = 94
C_PCT = 37
C_UNDERSCORE = 95
C_QUOTE = 39
C_DQUOTE = 34
C_BACKSLASH = 92
K_E = 101
K_UE = 69
K_F = 102
K_UF = 70
K_G = 103
K_UG = 71
K_N = 110
K_D = 100
K_B = 98
K_O = 111
K_X = 120
K_UX = 88
K_C = 99
K_R = 114
ABS_MASK = 0x7FFFFFFFFFFFFFFF
INF_BITS = 0x7FF0000000000000
NAN_BITS = 0x7FF8000000000000
NEG_NAN_BITS = -0x8000000000000  # 0xFFF8000000000000 as a signed i64
SIGN_BIT = -0x8000000000000000


# ---------------------------------------------------------------- small helpers

def append_text(out: list[int], s: str) -> None:
    b = str_to_bytes(s)
    for i in range(0, len(b)):
        out.append(b[i])


def append_repeat(out: list[int], byte: int, count: int) -> None:
    for i in range(0, count):
        out.append(byte)


def append_code_point(out: list[int], cp: int) -> None:
    """UTF-8 encoding of one code point."""
    if cp < 0x80:
        out.append(cp)
    elif cp < 0x800:
        out.append(0xC0 | (cp >> 6))
        out.append(0x80 | (cp & 0x3F))
    elif cp < 0x10000:
        out.append(0xE0 | (cp >> 12))
        out.append(0x80 | ((cp >> 6) & 0x3F))
        out.append(0x80 | (cp & 0x3F))
    else:
        out.append(0xF0 | (cp >> 18))
        out.append(0x80 | ((cp >> 12) & 0x3F))
        out.append(0x80 | ((cp >> 6) & 0x3F))
        out.append(0x80 | (cp & 0x3F))


def append_fill(out: list[int], cp: int, count: int) -> None:
    for i in range(0, count):
        append_code_point(out, cp)


def code_point_count(b: list[int], end: int) -> int:
    """Number of code points in the UTF-8 bytes b[:end]."""
    n = 0
    for i in range(0, end):
        if b[i] & 0xC0 != 0x80:
            n += 1
    return n


def is_finite(x: float) -> bool:
    return f64_bits(x) & ABS_MASK < INF_BITS


def is_nan(x: float) -> bool:
    return f64_bits(x) & ABS_MASK > INF_BITS


def sign_bit(x: float) -> bool:
    return f64_bits(x) < 0


def kind_name(kind: int) -> str:
    b = [0] * 0
    append_code_point(b, kind)
    return str_from_bytes(b)


# ---------------------------------------------------------------- floats to text

def append_float_body(out: list[int], x: float, code: int, precision: int, add_dot_0: bool,
                      alt: bool, upper: bool) -> None:
    """PyOS_double_to_string(x, code, precision, flags): code is e, f, g or r (lower case)."""
    if not is_finite(x):
        if is_nan(x):
            if upper:
                append_text(out, "NAN")
            else:
                append_text(out, "nan")
            return
        if sign_bit(x):
            out.append(C_MINUS)
        if upper:
            append_text(out, "INF")
        else:
            append_text(out, "inf")
        return
    mode = 0
    if code == K_E:
        mode = 2
        precision += 1
    elif code == K_F:
        mode = 3
    elif code == K_G:
        mode = 2
        if precision == 0:
            precision = 1
    digits = [0] * 0
    decpt = float_digits(x, mode, precision, digits)
    if sign_bit(x):
        out.append(C_MINUS)
    layout_digits(out, digits, decpt, code, precision, add_dot_0, alt, upper)


def layout_digits(out: list[int], digits: list[int], decpt: int, code: int, precision: int,
                  add_dot_0: bool, alt: bool, upper: bool) -> None:
    """format_float_short: place the point, pad with zeros, add the exponent."""
    digits_len = len(digits)
    vdigits_end = digits_len
    use_exp = False
    if code == K_E:
        use_exp = True
        vdigits_end = precision
    elif code == K_F:
        vdigits_end = decpt + precision
    elif code == K_G:
        limit = precision
        if add_dot_0:
            limit = precision - 1
        if decpt <= -4 or decpt > limit:
            use_exp = True
        if alt:
            vdigits_end = precision
    else:
        if decpt <= -4 or decpt > 16:
            use_exp = True
    exponent = 0
    if use_exp:
        exponent = decpt - 1
        decpt = 1
    vdigits_start = 0
    if decpt <= 0:
        vdigits_start = decpt - 1
    if not use_exp and add_dot_0:
        if vdigits_end < decpt + 1:
            vdigits_end = decpt + 1
    elif vdigits_end < decpt:
        vdigits_end = decpt
    # the point is dropped when nothing follows it (unless '#')
    show_dot = alt or not (decpt > 0 and decpt >= digits_len and vdigits_end == decpt)
    if decpt <= 0:
        append_repeat(out, C_ZERO, decpt - vdigits_start)
        out.append(C_DOT)
        append_repeat(out, C_ZERO, -decpt)
    else:
        append_repeat(out, C_ZERO, -vdigits_start)
    if decpt > 0 and decpt <= digits_len:
        for i in range(0, decpt):
            out.append(C_ZERO + digits[i])
        if show_dot:
            out.append(C_DOT)
        for i in range(decpt, digits_len):
            out.append(C_ZERO + digits[i])
    else:
        for i in range(0, digits_len):
            out.append(C_ZERO + digits[i])
    if digits_len < decpt:
        append_repeat(out, C_ZERO, decpt - digits_len)
        if show_dot:
            out.append(C_DOT)
        append_repeat(out, C_ZERO, vdigits_end - decpt)
    else:
        append_repeat(out, C_ZERO, vdigits_end - digits_len)
    if use_exp:
        if upper:
            out.append(K_UE)
        else:
            out.append(K_E)
        if exponent < 0:
            out.append(C_MINUS)
            exponent = -exponent
        else:
            out.append(C_PLUS)
        if exponent < 10:
            out.append(C_ZERO)
        append_int_digits(out, exponent)


def append_int_digits(out: list[int], v: int) -> None:
    """Decimal digits of v >= 0."""
    div = 1
    while v // div >= 10:
        div = div * 10
    while div > 0:
        out.append(C_ZERO + v // div % 10)
        div = div // 10


def float_repr(x: float) -> str:
    """repr(x) / str(x)."""
    out = [0] * 0
    append_float_body(out, x, K_R, 0, True, False, False)
    return str_from_bytes(out)


# ---------------------------------------------------------------- the format-spec machinery

def group_digits(digits: list[int], min_width: int, group_len: int, sep: int) -> list[int]:
    """_PyUnicode_InsertThousandsGrouping: separators every group_len digits (none when 0),
    left-padded with '0' (grouped too) up to min_width."""
    if min_width < 0:
        min_width = 0
    rev = [0] * 0
    remaining = len(digits)
    pos = remaining
    use_sep = False
    done = False
    if group_len > 0:
        while True:
            size = remaining
            if min_width > size:
                size = min_width
            if size < 1:
                size = 1
            if group_len < size:
                size = group_len
            n_chars = remaining
            if size < n_chars:
                n_chars = size
            if use_sep:
                rev.append(sep)
            for i in range(0, n_chars):
                pos -= 1
                rev.append(digits[pos])
            append_repeat(rev, C_ZERO, size - n_chars)
            use_sep = True
            remaining -= n_chars
            min_width -= size
            if remaining <= 0 and min_width <= 0:
                done = True
                break
            min_width -= 1
    if not done:
        size = remaining
        if min_width > size:
            size = min_width
        if size < 1:
            size = 1
        n_chars = remaining
        if size < n_chars:
            n_chars = size
        if use_sep:
            rev.append(sep)
        for i in range(0, n_chars):
            pos -= 1
            rev.append(digits[pos])
        append_repeat(rev, C_ZERO, size - n_chars)
    out = [0] * 0
    for i in range(len(rev) - 1, -1, -1):
        out.append(rev[i])
    return out


def layout_number(negative: bool, prefix: str, digits: list[int], tail: list[int], fill: int,
                  align: int, sign: int, width: int, group_len: int, sep: int) -> str:
    """calc_number_widths + fill_number: [pad][sign][prefix][pad][grouped digits][tail][pad].
    tail holds what follows the integer digits (decimal point, fraction, exponent, %)."""
    sign_char = 0
    if sign == C_PLUS:
        sign_char = C_PLUS
        if negative:
            sign_char = C_MINUS
    elif sign == C_SPACE:
        sign_char = C_SPACE
        if negative:
            sign_char = C_MINUS
    elif negative:
        sign_char = C_MINUS
    prefix_bytes = str_to_bytes(prefix)
    n_non_digit = len(prefix_bytes) + code_point_count(tail, len(tail))  # 'c' may give a multi-byte tail
    if sign_char != 0:
        n_non_digit += 1
    min_width = 0
    if fill == C_ZERO and align == C_EQ:
        min_width = width - n_non_digit
    grouped = [0] * 0
    if len(digits) > 0:
        grouped = group_digits(digits, min_width, group_len, sep)
    n_padding = width - (n_non_digit + len(grouped))
    lpad = 0
    spad = 0
    rpad = 0
    if n_padding > 0:
        if align == C_LT:
            rpad = n_padding
        elif align == C_CARET:
            lpad = n_padding // 2
            rpad = n_padding - lpad
        elif align == C_EQ:
            spad = n_padding
        else:
            lpad = n_padding
    out = [0] * 0
    append_fill(out, fill, lpad)
    if sign_char != 0:
        out.append(sign_char)
    for i in range(0, len(prefix_bytes)):
        out.append(prefix_bytes[i])
    append_fill(out, fill, spad)
    for i in range(0, len(grouped)):
        out.append(grouped[i])
    for i in range(0, len(tail)):
        out.append(tail[i])
    append_fill(out, fill, rpad)
    return str_from_bytes(out)


def resolved_fill(fill: int, zero: bool) -> int:
    if zero and fill == 0:
        return C_ZERO
    if fill == 0:
        return C_SPACE
    return fill


def resolved_align(align: int, fill: int, zero: bool) -> int:
    if align != 0:
        return align
    if zero and fill == 0:
        return C_EQ
    return C_GT


def check_grouping(grouping: int, kind: int) -> None:
    """The spec-level check of parse_internal_render_format_spec."""
    if grouping == 0:
        return
    if kind == 0 or kind == K_D or kind == K_E or kind == K_F or kind == K_G or kind == K_UE:
        return
    if kind == K_UG or kind == C_PCT or kind == K_UF:
        return
    if grouping == C_UNDERSCORE and (kind == K_B or kind == K_O or kind == K_X or kind == K_UX):
        return
    raise ValueError("Cannot specify '" + kind_name(grouping) + "' with '" + kind_name(kind) + "'.")


def is_float_kind(kind: int) -> bool:
    return (kind == 0 or kind == K_E or kind == K_UE or kind == K_F or kind == K_UF
            or kind == K_G or kind == K_UG or kind == K_N or kind == C_PCT)


def format_float(x: float, fill: int, align: int, sign: int, alt: bool, zero: bool, width: int,
                 grouping: int, precision: int, kind: int) -> str:
    """format(x, spec) for a float x."""
    check_grouping(grouping, kind)
    if not is_float_kind(kind):
        raise ValueError("Unknown format code '" + kind_name(kind) + "' for object of type 'float'")
    code = kind
    upper = False
    if kind == K_UE or kind == K_UF or kind == K_UG:
        upper = True
        code = kind + 32
    add_dot_0 = False
    default_precision = 6
    if code == 0:
        add_dot_0 = True
        code = K_R
        default_precision = 0
    if code == K_N:
        code = K_G
    add_pct = False
    if code == C_PCT:
        code = K_F
        x = x * 100.0
        add_pct = True
    if precision < 0:
        precision = default_precision
    elif code == K_R:
        code = K_G
    body = [0] * 0
    append_float_body(body, x, code, precision, add_dot_0, alt, upper)
    if add_pct:
        body.append(C_PCT)
    # split "-digits.rest" into sign, integer digits and the tail (parse_number)
    negative = False
    i = 0
    if body[0] == C_MINUS:
        negative = True
        i = 1
    digits = [0] * 0
    while i < len(body) and body[i] >= C_ZERO and body[i] <= C_ZERO + 9:
        digits.append(body[i])
        i += 1
    tail = [0] * 0
    while i < len(body):
        tail.append(body[i])
        i += 1
    group_len = 0
    if grouping != 0:
        group_len = 3
    return layout_number(negative, "", digits, tail, resolved_fill(fill, zero),
                         resolved_align(align, fill, zero), sign, width, group_len, grouping)


# ---------------------------------------------------------------- integers to text

def append_uint_digits(out: list[int], x: int, shift: int, upper: bool) -> None:
    """Digits of x (an i64 read as unsigned) in base 2**shift."""
    mask = (1 << shift) - 1
    rev = [0] * 0
    v = x
    while True:
        d = v & mask
        if d < 10:
            rev.append(C_ZERO + d)
        elif upper:
            rev.append(55 + d)
        else:
            rev.append(87 + d)
        v = shr_u(v, shift)
        if v == 0:
            break
    for i in range(len(rev) - 1, -1, -1):
        out.append(rev[i])


def append_decimal_magnitude(out: list[int], x: int) -> None:
    """Decimal digits of |x| for any i64 (|-2**63| does not fit, so work with -|x|)."""
    v = x
    if v > 0:
        v = -v
    rev = [0] * 0
    while True:
        q = (v + 9) // 10  # v / 10 truncated toward zero (v <= 0)
        d = q * 10 - v
        rev.append(C_ZERO + d)
        v = q
        if v == 0:
            break
    for i in range(len(rev) - 1, -1, -1):
        out.append(rev[i])


def int_to_str(x: int) -> str:
    """str(x)."""
    out = [0] * 0
    if x < 0:
        out.append(C_MINUS)
    append_decimal_magnitude(out, x)
    return str_from_bytes(out)


def format_int(x: int, fill: int, align: int, sign: int, alt: bool, zero: bool, width: int,
               grouping: int, precision: int, kind: int) -> str:
    """format(x, spec) for an int x."""
    check_grouping(grouping, kind)
    if kind != 0 and kind != K_N and is_float_kind(kind):
        return format_float(float(x), fill, align, sign, alt, zero, width, grouping, precision, kind)
    if not (kind == 0 or kind == K_D or kind == K_N or kind == K_B or kind == K_O or kind == K_X
            or kind == K_UX or kind == K_C):
        raise ValueError("Unknown format code '" + kind_name(kind) + "' for object of type 'int'")
    if precision >= 0:
        raise ValueError("Precision not allowed in integer format specifier")
    f = resolved_fill(fill, zero)
    a = resolved_align(align, fill, zero)
    empty = [0] * 0
    if kind == K_C:
        if sign != 0:
            raise ValueError("Sign not allowed with integer format specifier 'c'")
        if alt:
            raise ValueError("Alternate form (#) not allowed with integer format specifier 'c'")
        if x < 0 or x > 0x10FFFF:
            raise OverflowError("%c arg not in range(0x110000)")
        ch = [0] * 0
        append_code_point(ch, x)
        return layout_number(False, "", empty, ch, f, a, 0, width, 0, 0)
    negative = x < 0
    magnitude = x
    if negative:
        magnitude = wrapping_add(~x, 1)  # |x| as an unsigned i64 (also for -2**63)
    digits = [0] * 0
    prefix = ""
    if kind == K_B or kind == K_O or kind == K_X or kind == K_UX:
        shift = 1
        prefix = "0b"
        if kind == K_O:
            shift = 3
            prefix = "0o"
        elif kind == K_X:
            shift = 4
            prefix = "0x"
        elif kind == K_UX:
            shift = 4
            prefix = "0X"
        append_uint_digits(digits, magnitude, shift, kind == K_UX)
        if not alt:
            prefix = ""
    else:
        append_decimal_magnitude(digits, x)
    group_len = 0
    if grouping != 0:
        group_len = 3
        if kind == K_B or kind == K_O or kind == K_X or kind == K_UX:
            group_len = 4
    return layout_number(negative, prefix, digits, empty, f, a, sign, width, group_len, grouping)


# ---------------------------------------------------------------- strings

def format_str(s: str, fill: int, align: int, width: int, precision: int) -> str:
    """format(s, spec) for a str s (sign, '#' and '=' are rejected by the converter)."""
    if align == C_EQ:
        raise ValueError("'=' alignment not allowed in string format specifier")
    b = str_to_bytes(s)
    n_bytes = len(b)
    length = code_point_count(b, n_bytes)
    if precision >= 0 and length > precision:
        # keep the first `precision` code points
        kept = 0
        n_bytes = 0
        while n_bytes < len(b):
            if b[n_bytes] & 0xC0 != 0x80:
                if kept == precision:
                    break
                kept += 1
            n_bytes += 1
        length = precision
    if fill == 0:
        fill = C_SPACE
    total = length
    if width > total:
        total = width
    lpad = 0
    if align == C_GT:
        lpad = total - length
    elif align == C_CARET:
        lpad = (total - length) // 2
    rpad = total - length - lpad
    out = [0] * 0
    append_fill(out, fill, lpad)
    for i in range(0, n_bytes):
        out.append(b[i])
    append_fill(out, fill, rpad)
    return str_from_bytes(out)


# ---------------------------------------------------------------- float(str)

def str_repr(b: list[int]) -> list[int]:
    """repr() of a str given as UTF-8 bytes (quotes and escapes like CPython)."""
    has_single = False
    has_double = False
    for i in range(0, len(b)):
        if b[i] == C_QUOTE:
            has_single = True
        elif b[i] == C_DQUOTE:
            has_double = True
    quote = C_QUOTE
    if has_single and not has_double:
        quote = C_DQUOTE
    out = [quote]
    for i in range(0, len(b)):
        c = b[i]
        if c == quote or c == C_BACKSLASH:
            out.append(C_BACKSLASH)
            out.append(c)
        elif c == 10:
            append_text(out, "\\n")
        elif c == 13:
            append_text(out, "\\r")
        elif c == 9:
            append_text(out, "\\t")
        elif c < 32 or c == 127:
            append_text(out, "\\x")
            out.append(hex_digit(c >> 4))
            out.append(hex_digit(c & 15))
        else:
            out.append(c)
    out.append(quote)
    return out


def hex_digit(d: int) -> int:
    if d < 10:
        return C_ZERO + d
    return 87 + d


def is_space_byte(c: int) -> bool:
    return c == 32 or (c >= 9 and c <= 13) or (c >= 28 and c <= 31)


def lower_byte(c: int) -> int:
    if c >= 65 and c <= 90:
        return c + 32
    return c


def matches_word(b: list[int], start: int, end: int, word: str) -> bool:
    w = str_to_bytes(word)
    if end - start != len(w):
        return False
    for i in range(0, len(w)):
        if lower_byte(b[start + i]) != w[i]:
            return False
    return True


def is_digit_byte(c: int) -> bool:
    return c >= C_ZERO and c <= C_ZERO + 9


def parse_float(s: str) -> float:
    """float(s) for a str s: correctly rounded; ValueError like CPython otherwise."""
    raw = str_to_bytes(s)
    start = 0
    end = len(raw)
    while start < end and is_space_byte(raw[start]):
        start += 1
    while end > start and is_space_byte(raw[end - 1]):
        end -= 1
    # underscores only between digits; drop them
    b = [0] * 0
    ok = True
    prev = 0
    for i in range(start, end):
        c = raw[i]
        if c == C_UNDERSCORE:
            if not is_digit_byte(prev):
                ok = False
        else:
            if prev == C_UNDERSCORE and not is_digit_byte(c):
                ok = False
            b.append(c)
        prev = c
    if prev == C_UNDERSCORE:
        ok = False
    result = 0.0
    if ok:
        r = parse_decimal(b)
        ok = r[0]
        result = r[1]
    if not ok:
        msg = [0] * 0
        append_text(msg, "could not convert string to float: ")
        q = str_repr(raw)
        for i in range(0, len(q)):
            msg.append(q[i])
        raise ValueError(str_from_bytes(msg))
    return result


def parse_decimal(b: list[int]) -> tuple[bool, float]:
    """(ok, value) for [sign] (digits [. digits] [e [sign] digits] | inf | infinity | nan)."""
    n = len(b)
    i = 0
    negative = False
    if i < n and (b[i] == C_PLUS or b[i] == C_MINUS):
        negative = b[i] == C_MINUS
        i += 1
    if matches_word(b, i, n, "inf") or matches_word(b, i, n, "infinity"):
        if negative:
            return True, f64_from_bits(INF_BITS | SIGN_BIT)
        return True, f64_from_bits(INF_BITS)
    if matches_word(b, i, n, "nan"):
        if negative:
            return True, f64_from_bits(NEG_NAN_BITS)
        return True, f64_from_bits(NAN_BITS)
    digits = [0] * 0
    decpt = 0
    n_mantissa_digits = 0
    seen_nonzero = False
    while i < n and is_digit_byte(b[i]):
        d = b[i] - C_ZERO
        n_mantissa_digits += 1
        if d != 0 or seen_nonzero:
            seen_nonzero = True
            digits.append(d)
            decpt += 1
        i += 1
    if i < n and b[i] == C_DOT:
        i += 1
        while i < n and is_digit_byte(b[i]):
            d = b[i] - C_ZERO
            n_mantissa_digits += 1
            if d != 0 or seen_nonzero:
                seen_nonzero = True
                digits.append(d)
            else:
                decpt -= 1
            i += 1
    if n_mantissa_digits == 0:
        return False, 0.0
    if i < n and (b[i] == K_E or b[i] == K_UE):
        i += 1
        exp_negative = False
        if i < n and (b[i] == C_PLUS or b[i] == C_MINUS):
            exp_negative = b[i] == C_MINUS
            i += 1
        if i >= n or not is_digit_byte(b[i]):
            return False, 0.0
        exponent = 0
        while i < n and is_digit_byte(b[i]):
            if exponent < 100000000:
                exponent = exponent * 10 + (b[i] - C_ZERO)
            i += 1
        if exp_negative:
            exponent = -exponent
        decpt += exponent
    if i != n:
        return False, 0.0
    value = 0.0
    if len(digits) > 0:
        value = decimal_to_double(digits, decpt)
    if negative:
        value = -value
    return True, value


# ---------------------------------------------------------------- round(x, n), % and //

def round_float(x: float, ndigits: int) -> float:
    """round(x, ndigits): x rounded half-to-even at 10**-ndigits, read back correctly rounded."""
    if not is_finite(x) or ndigits > 323:
        return x
    if ndigits < -308 or x == 0.0:
        return 0.0 * x
    rounded = [0] * 0
    decpt = float_digits(x, 3, ndigits, rounded)
    y = decimal_to_double(rounded, decpt)
    if not is_finite(y):
        raise OverflowError("rounded value too large to represent")
    if sign_bit(x):
        return -y
    return y


def float_mod(a: float, b: float) -> float:
    """a % b (float_rem in Objects/floatobject.c)."""
    if b == 0.0:
        raise ZeroDivisionError("float modulo")
    mod = c_fmod(a, b)
    if mod != 0.0:
        if (b < 0.0) != (mod < 0.0):
            mod += b
    else:
        mod = c_copysign(0.0, b)
    return mod


def float_floordiv(a: float, b: float) -> float:
    """a // b (_float_div_mod in Objects/floatobject.c)."""
    if b == 0.0:
        raise ZeroDivisionError("float floor division by zero")
    mod = c_fmod(a, b)
    div = (a - mod) / b
    if mod != 0.0:
        if (b < 0.0) != (mod < 0.0):
            div -= 1.0
    if div != 0.0:
        floordiv = floor_float(div)
        if div - floordiv > 0.5:
            floordiv += 1.0
        return floordiv
    return c_copysign(0.0, a / b)
