"""str operations in the rt subset. Strings are UTF-8 bytes; indices and lengths count code points.

Case conversion and character classes are exact for ASCII and for the "neutral" symbols of
unicode_table (caseless, printable, not letters/digits/spaces: degree sign, plus-minus, arrows...);
other non-ASCII characters make those methods raise ValueError instead of guessing.
"""

from __future__ import annotations

from worldmodel.wat.compiler.intrinsics import AnyList, list_take, str_byte, str_nbytes, str_new, str_set_byte
from worldmodel.wat.runtime.unicode_table import CORE_NEUTRAL_RANGES
from worldmodel.wat.runtime.formatting import int_to_str


def core_utf8_width(b: int) -> int:
    if b < 128:
        return 1
    if b < 224:
        return 2
    if b < 240:
        return 3
    return 4


def core_cp_at(s: str, i: int) -> int:
    b = str_byte(s, i)
    if b < 128:
        return b
    if b < 224:
        return ((b & 31) << 6) | (str_byte(s, i + 1) & 63)
    if b < 240:
        return ((b & 15) << 12) | ((str_byte(s, i + 1) & 63) << 6) | (str_byte(s, i + 2) & 63)
    return ((b & 7) << 18) | ((str_byte(s, i + 1) & 63) << 12) | ((str_byte(s, i + 2) & 63) << 6) | (str_byte(s, i + 3) & 63)


def core_is_neutral(cp: int) -> bool:
    lo = 0
    hi = len(CORE_NEUTRAL_RANGES) // 2 - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if cp < CORE_NEUTRAL_RANGES[2 * mid]:
            hi = mid - 1
        elif cp > CORE_NEUTRAL_RANGES[2 * mid + 1]:
            lo = mid + 1
        else:
            return True
    return False


def core_cp_isspace(cp: int) -> bool:
    if cp < 128:
        return (cp >= 9 and cp <= 13) or (cp >= 28 and cp <= 32)
    return (cp == 133 or cp == 160 or cp == 5760 or (cp >= 8192 and cp <= 8202) or cp == 8232 or cp == 8233
            or cp == 8239 or cp == 8287 or cp == 12288)


def core_require_known(cp: int, what: str) -> None:
    if cp >= 128 and not core_is_neutral(cp) and not core_cp_isspace(cp):
        raise ValueError(what + " of non-ASCII letters is not supported")


def str_len(s: str) -> int:
    n = str_nbytes(s)
    count = 0
    for i in range(n):
        if (str_byte(s, i) & 192) != 128:
            count += 1
    return count


def core_str_sub_bytes(s: str, start: int, stop: int) -> str:
    r = str_new(stop - start)
    for i in range(start, stop):
        str_set_byte(r, i - start, str_byte(s, i))
    return r


def str_chars(s: str) -> list[str]:
    out: list[str] = []
    n = str_nbytes(s)
    i = 0
    while i < n:
        w = core_utf8_width(str_byte(s, i))
        out.append(core_str_sub_bytes(s, i, i + w))
        i += w
    return out


def core_copy_into(dst: str, pos: int, src: str) -> int:
    n = str_nbytes(src)
    for i in range(n):
        str_set_byte(dst, pos + i, str_byte(src, i))
    return pos + n


def str_join(sep: str, parts: list[str]) -> str:
    total = 0
    for k in range(len(parts)):
        total += str_nbytes(parts[k])
    if len(parts) > 0:
        total += str_nbytes(sep) * (len(parts) - 1)
    r = str_new(total)
    pos = 0
    for k in range(len(parts)):
        if k > 0:
            pos = core_copy_into(r, pos, sep)
        pos = core_copy_into(r, pos, parts[k])
    return r


def str_repeat(s: str, n: int) -> str:
    if n <= 0:
        return ""
    nb = str_nbytes(s)
    r = str_new(nb * n)
    pos = 0
    for k in range(n):
        pos = core_copy_into(r, pos, s)
    return r


def str_getitem(s: str, i: int) -> str:
    n = str_len(s)
    if i < 0:
        i += n
    if i < 0 or i >= n:
        raise IndexError("string index out of range")
    if str_nbytes(s) == n:
        return core_str_sub_bytes(s, i, i + 1)
    pos = 0
    k = 0
    while k < i:
        pos += core_utf8_width(str_byte(s, pos))
        k += 1
    return core_str_sub_bytes(s, pos, pos + core_utf8_width(str_byte(s, pos)))


def core_slice_indices(length: int, start: int, stop: int, step: int, has_start: bool, has_stop: bool) -> tuple[int, int, int]:
    """CPython's PySlice_AdjustIndices: (first index, step, number of items)."""
    if step == 0:
        raise ValueError("slice step cannot be zero")
    if not has_start:
        start = length - 1 if step < 0 else 0
    elif start < 0:
        start += length
        if start < 0:
            start = -1 if step < 0 else 0
    elif start >= length:
        start = length - 1 if step < 0 else length
    if not has_stop:
        stop = -1 if step < 0 else length
    elif stop < 0:
        stop += length
        if stop < 0:
            stop = -1 if step < 0 else 0
    elif stop >= length:
        stop = length - 1 if step < 0 else length
    count = 0
    if step < 0:
        if stop < start:
            count = (start - stop - 1) // (-step) + 1
    elif start < stop:
        count = (stop - start - 1) // step + 1
    return start, step, count


def list_slice(xs: AnyList, start: int, stop: int, step: int, has_start: bool, has_stop: bool) -> AnyList:
    first, st, count = core_slice_indices(len(xs), start, stop, step, has_start, has_stop)
    return list_take(xs, first, st, count)


def str_slice(s: str, start: int, stop: int, step: int, has_start: bool, has_stop: bool) -> str:
    n = str_len(s)
    first, st, count = core_slice_indices(n, start, stop, step, has_start, has_stop)
    if n == str_nbytes(s):
        r = str_new(count)
        for k in range(count):
            str_set_byte(r, k, str_byte(s, first + k * st))
        return r
    chars = str_chars(s)
    parts: list[str] = []
    for k in range(count):
        parts.append(chars[first + k * st])
    return str_join("", parts)


def core_find_bytes(s: str, sub: str, start: int) -> int:
    n = str_nbytes(s)
    m = str_nbytes(sub)
    i = start
    while i + m <= n:
        j = 0
        while j < m and str_byte(s, i + j) == str_byte(sub, j):
            j += 1
        if j == m:
            return i
        i += 1
    return -1


def core_rfind_bytes(s: str, sub: str) -> int:
    n = str_nbytes(s)
    m = str_nbytes(sub)
    i = n - m
    while i >= 0:
        j = 0
        while j < m and str_byte(s, i + j) == str_byte(sub, j):
            j += 1
        if j == m:
            return i
        i -= 1
    return -1


def core_cp_index(s: str, byte_index: int) -> int:
    count = 0
    for i in range(byte_index):
        if (str_byte(s, i) & 192) != 128:
            count += 1
    return count


def str_find(s: str, sub: str) -> int:
    b = core_find_bytes(s, sub, 0)
    if b < 0:
        return -1
    return core_cp_index(s, b)


def str_rfind(s: str, sub: str) -> int:
    b = core_rfind_bytes(s, sub)
    if b < 0:
        return -1
    return core_cp_index(s, b)


def str_index(s: str, sub: str) -> int:
    b = core_find_bytes(s, sub, 0)
    if b < 0:
        raise ValueError("substring not found")
    return core_cp_index(s, b)


def str_contains(s: str, sub: str) -> bool:
    return core_find_bytes(s, sub, 0) >= 0


def str_count(s: str, sub: str) -> int:
    m = str_nbytes(sub)
    if m == 0:
        return str_len(s) + 1
    count = 0
    i = core_find_bytes(s, sub, 0)
    while i >= 0:
        count += 1
        i = core_find_bytes(s, sub, i + m)
    return count


def str_startswith(s: str, prefix: str) -> bool:
    m = str_nbytes(prefix)
    if m > str_nbytes(s):
        return False
    for j in range(m):
        if str_byte(s, j) != str_byte(prefix, j):
            return False
    return True


def str_endswith(s: str, suffix: str) -> bool:
    m = str_nbytes(suffix)
    n = str_nbytes(s)
    if m > n:
        return False
    for j in range(m):
        if str_byte(s, n - m + j) != str_byte(suffix, j):
            return False
    return True


def str_replace(s: str, old: str, new: str) -> str:
    parts: list[str] = []
    if str_nbytes(old) == 0:
        chars = str_chars(s)
        parts.append("")
        for k in range(len(chars)):
            parts.append(chars[k])
        parts.append("")
        return str_join(new, parts)
    m = str_nbytes(old)
    pos = 0
    i = core_find_bytes(s, old, 0)
    while i >= 0:
        parts.append(core_str_sub_bytes(s, pos, i))
        pos = i + m
        i = core_find_bytes(s, old, pos)
    parts.append(core_str_sub_bytes(s, pos, str_nbytes(s)))
    return str_join(new, parts)


def str_split(s: str, sep: str) -> list[str]:
    m = str_nbytes(sep)
    if m == 0:
        raise ValueError("empty separator")
    parts: list[str] = []
    pos = 0
    i = core_find_bytes(s, sep, 0)
    while i >= 0:
        parts.append(core_str_sub_bytes(s, pos, i))
        pos = i + m
        i = core_find_bytes(s, sep, pos)
    parts.append(core_str_sub_bytes(s, pos, str_nbytes(s)))
    return parts


def str_split_ws(s: str) -> list[str]:
    parts: list[str] = []
    n = str_nbytes(s)
    i = 0
    while i < n:
        while i < n and core_cp_isspace(core_cp_at(s, i)):
            i += core_utf8_width(str_byte(s, i))
        if i >= n:
            break
        start = i
        while i < n and not core_cp_isspace(core_cp_at(s, i)):
            i += core_utf8_width(str_byte(s, i))
        parts.append(core_str_sub_bytes(s, start, i))
    return parts


def core_char_in(cp: int, chars: str) -> bool:
    n = str_nbytes(chars)
    i = 0
    while i < n:
        if core_cp_at(chars, i) == cp:
            return True
        i += core_utf8_width(str_byte(chars, i))
    return False


def core_strip_bounds(s: str, chars: str, whitespace: bool, left: bool, right: bool) -> tuple[int, int]:
    n = str_nbytes(s)
    start = 0
    stop = n
    if left:
        while start < stop:
            cp = core_cp_at(s, start)
            if whitespace:
                if not core_cp_isspace(cp):
                    break
            elif not core_char_in(cp, chars):
                break
            start += core_utf8_width(str_byte(s, start))
    if right:
        while stop > start:
            k = stop - 1
            while (str_byte(s, k) & 192) == 128:
                k -= 1
            cp = core_cp_at(s, k)
            if whitespace:
                if not core_cp_isspace(cp):
                    break
            elif not core_char_in(cp, chars):
                break
            stop = k
    return start, stop


def str_strip_ws(s: str) -> str:
    a, b = core_strip_bounds(s, "", True, True, True)
    return core_str_sub_bytes(s, a, b)


def str_lstrip_ws(s: str) -> str:
    a, b = core_strip_bounds(s, "", True, True, False)
    return core_str_sub_bytes(s, a, b)


def str_rstrip_ws(s: str) -> str:
    a, b = core_strip_bounds(s, "", True, False, True)
    return core_str_sub_bytes(s, a, b)


def str_strip(s: str, chars: str) -> str:
    a, b = core_strip_bounds(s, chars, False, True, True)
    return core_str_sub_bytes(s, a, b)


def str_lstrip(s: str, chars: str) -> str:
    a, b = core_strip_bounds(s, chars, False, True, False)
    return core_str_sub_bytes(s, a, b)


def str_rstrip(s: str, chars: str) -> str:
    a, b = core_strip_bounds(s, chars, False, False, True)
    return core_str_sub_bytes(s, a, b)


def core_map_case(s: str, mode: int, what: str) -> str:
    """mode 0 lower, 1 upper, 2 swapcase, 3 title, 4 capitalize (ASCII letters; neutral symbols kept)."""
    n = str_nbytes(s)
    r = str_new(n)
    prev_cased = False
    first = True
    i = 0
    while i < n:
        b = str_byte(s, i)
        if b >= 128:
            core_require_known(core_cp_at(s, i), what)
            w = core_utf8_width(b)
            for k in range(w):
                str_set_byte(r, i + k, str_byte(s, i + k))
            i += w
            prev_cased = False
            first = False
            continue
        upper = b >= 65 and b <= 90
        lower = b >= 97 and b <= 122
        make_upper = False
        make_lower = False
        if mode == 0:
            make_lower = True
        elif mode == 1:
            make_upper = True
        elif mode == 2:
            make_upper = lower
            make_lower = upper
        elif mode == 3:
            make_upper = not prev_cased
            make_lower = prev_cased
        else:
            make_upper = first
            make_lower = not first
        if make_upper and lower:
            b -= 32
        elif make_lower and upper:
            b += 32
        str_set_byte(r, i, b)
        prev_cased = upper or lower
        first = False
        i += 1
    return r


def str_lower(s: str) -> str:
    return core_map_case(s, 0, "str.lower()")


def str_upper(s: str) -> str:
    return core_map_case(s, 1, "str.upper()")


def str_swapcase(s: str) -> str:
    return core_map_case(s, 2, "str.swapcase()")


def str_title(s: str) -> str:
    return core_map_case(s, 3, "str.title()")


def str_capitalize(s: str) -> str:
    return core_map_case(s, 4, "str.capitalize()")


def core_char_class(s: str, mode: int, what: str) -> bool:
    """mode 0 isalpha, 1 isdigit, 2 isspace, 3 isalnum; 4 isupper, 5 islower (need a cased char)."""
    n = str_nbytes(s)
    if n == 0:
        return False
    cased = False
    i = 0
    while i < n:
        cp = core_cp_at(s, i)
        i += core_utf8_width(str_byte(s, i))
        if mode == 2:
            if not core_cp_isspace(cp):
                return False
            continue
        core_require_known(cp, what)
        upper = cp >= 65 and cp <= 90
        lower = cp >= 97 and cp <= 122
        digit = cp >= 48 and cp <= 57
        if mode == 0 and not (upper or lower):
            return False
        if mode == 1 and not digit:
            return False
        if mode == 3 and not (upper or lower or digit):
            return False
        if mode == 4 and lower:
            return False
        if mode == 5 and upper:
            return False
        if upper or lower:
            cased = True
    if mode >= 4:
        return cased
    return True


def str_isalpha(s: str) -> bool:
    return core_char_class(s, 0, "str.isalpha()")


def str_isdigit(s: str) -> bool:
    return core_char_class(s, 1, "str.isdigit()")


def str_isspace(s: str) -> bool:
    return core_char_class(s, 2, "str.isspace()")


def str_isalnum(s: str) -> bool:
    return core_char_class(s, 3, "str.isalnum()")


def str_isupper(s: str) -> bool:
    return core_char_class(s, 4, "str.isupper()")


def str_islower(s: str) -> bool:
    return core_char_class(s, 5, "str.islower()")


def core_pad(s: str, width: int, fill: str, align: int) -> str:
    """align: 0 left (ljust), 1 right (rjust), 2 centre (CPython's str.center split)."""
    n = str_len(s)
    if width <= n:
        return s
    marg = width - n
    left = 0
    if align == 1:
        left = marg
    elif align == 2:
        left = marg // 2 + (marg & width & 1)
    return str_repeat(fill, left) + s + str_repeat(fill, marg - left)


def str_ljust(s: str, width: int) -> str:
    return core_pad(s, width, " ", 0)


def str_rjust(s: str, width: int) -> str:
    return core_pad(s, width, " ", 1)


def str_center(s: str, width: int) -> str:
    return core_pad(s, width, " ", 2)


def str_zfill(s: str, width: int) -> str:
    n = str_len(s)
    if width <= n:
        return s
    if n > 0 and (str_byte(s, 0) == 43 or str_byte(s, 0) == 45):
        return core_str_sub_bytes(s, 0, 1) + str_repeat("0", width - n) + core_str_sub_bytes(s, 1, str_nbytes(s))
    return str_repeat("0", width - n) + s


CORE_HEX_DIGITS = "0123456789abcdef"


def str_quote(s: str) -> str:
    """repr(str): single quotes unless the text has ' and no ", escapes like CPython."""
    quote = 39
    if core_find_bytes(s, "'", 0) >= 0 and core_find_bytes(s, "\"", 0) < 0:
        quote = 34
    out: list[int] = [quote]
    n = str_nbytes(s)
    i = 0
    while i < n:
        b = str_byte(s, i)
        if b >= 128:
            cp = core_cp_at(s, i)
            if cp <= 160 or cp == 173 or not (core_is_neutral(cp) or cp >= 12288):
                raise ValueError("repr() of this non-ASCII character is not supported")
            w = core_utf8_width(b)
            for k in range(w):
                out.append(str_byte(s, i + k))
            i += w
            continue
        if b == quote or b == 92:
            out.append(92)
            out.append(b)
        elif b == 10:
            out.append(92)
            out.append(110)
        elif b == 13:
            out.append(92)
            out.append(114)
        elif b == 9:
            out.append(92)
            out.append(116)
        elif b < 32 or b == 127:
            out.append(92)
            out.append(120)
            out.append(str_byte(CORE_HEX_DIGITS, b // 16))
            out.append(str_byte(CORE_HEX_DIGITS, b % 16))
        else:
            out.append(b)
        i += 1
    out.append(quote)
    r = str_new(len(out))
    for k in range(len(out)):
        str_set_byte(r, k, out[k])
    return r


def str_to_int(s: str) -> int:
    """int(str) in base 10: surrounding whitespace, sign, digits with single underscores between."""
    a, b = core_strip_bounds(s, "", True, True, True)
    i = a
    neg = False
    if i < b and (str_byte(s, i) == 43 or str_byte(s, i) == 45):
        neg = str_byte(s, i) == 45
        i += 1
    if i >= b:
        raise ValueError("invalid literal for int() with base 10: " + str_quote(s))
    value = 0
    prev_digit = False
    while i < b:
        c = str_byte(s, i)
        if c >= 48 and c <= 57:
            if neg:
                value = value * 10 - (c - 48)
            else:
                value = value * 10 + (c - 48)
            prev_digit = True
        elif c == 95 and prev_digit and i + 1 < b:
            prev_digit = False
        else:
            raise ValueError("invalid literal for int() with base 10: " + str_quote(s))
        i += 1
    if not prev_digit:
        raise ValueError("invalid literal for int() with base 10: " + str_quote(s))
    return value


def str_ord(s: str) -> int:
    n = str_len(s)
    if n != 1:
        raise TypeError("ord() expected a character, but string of length " + int_to_str(n) + " found")
    return core_cp_at(s, 0)


def str_chr(cp: int) -> str:
    if cp < 0 or cp >= 1114112:
        raise ValueError("chr() arg not in range(0x110000)")
    if cp < 128:
        r = str_new(1)
        str_set_byte(r, 0, cp)
        return r
    if cp < 2048:
        r = str_new(2)
        str_set_byte(r, 0, 192 | (cp >> 6))
        str_set_byte(r, 1, 128 | (cp & 63))
        return r
    if cp < 65536:
        r = str_new(3)
        str_set_byte(r, 0, 224 | (cp >> 12))
        str_set_byte(r, 1, 128 | ((cp >> 6) & 63))
        str_set_byte(r, 2, 128 | (cp & 63))
        return r
    r = str_new(4)
    str_set_byte(r, 0, 240 | (cp >> 18))
    str_set_byte(r, 1, 128 | ((cp >> 12) & 63))
    str_set_byte(r, 2, 128 | ((cp >> 6) & 63))
    str_set_byte(r, 3, 128 | (cp & 63))
    return r
