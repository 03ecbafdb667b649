"""print()/write plumbing: the protocol's print_* / write_* exports (docs/protocol.md section 4)."""

from worldmodel.wat.compiler.intrinsics import fd_write, heap_mark, heap_release, str_byte, str_nbytes
from worldmodel.wat.runtime.formatting import float_repr, format_float, int_to_str


def _is_surrogate_at(s: str, k: int, n: int) -> bool:
    """Lone surrogates survive in strings as their 3-byte form ED A0..BF xx (UTF-8 with surrogatepass)."""
    return k + 2 < n and str_byte(s, k) == 0xED and str_byte(s, k + 1) >= 0xA0


def check_encodable(s: str) -> None:
    """Python's stdout encodes UTF-8 strictly: a string with a lone surrogate raises UnicodeEncodeError
    (naming its position in code points, a run of them as a range) before any of it is written."""
    n = str_nbytes(s)
    k = 0
    chars = 0
    while k < n:
        if _is_surrogate_at(s, k, n):
            code = ((str_byte(s, k) & 0x0F) << 12) | ((str_byte(s, k + 1) & 0x3F) << 6) | (str_byte(s, k + 2) & 0x3F)
            last = chars
            k += 3
            while _is_surrogate_at(s, k, n):
                last += 1
                k += 3
            if last == chars:
                digits = "0123456789abcdef"
                text = ""
                for shift in range(12, -4, -4):
                    text += digits[(code >> shift) & 15]
                raise UnicodeEncodeError("'utf-8' codec can't encode character '\\u" + text + "' in position "
                                         + int_to_str(chars) + ": surrogates not allowed")
            raise UnicodeEncodeError("'utf-8' codec can't encode characters in position " + int_to_str(chars) + "-"
                                     + int_to_str(last) + ": surrogates not allowed")
        if str_byte(s, k) < 0x80 or str_byte(s, k) >= 0xC0:
            chars += 1
        k += 1


def write_str(s: str) -> None:
    check_encodable(s)
    fd_write(1, s)


def print_str(s: str) -> None:
    check_encodable(s)
    fd_write(1, s)
    fd_write(1, "\n")


def write_i64(x: int) -> None:
    mark = heap_mark()
    fd_write(1, int_to_str(x))
    heap_release(mark)  # the text is dead once written


def print_i64(x: int) -> None:
    write_i64(x)
    fd_write(1, "\n")


def write_f64(x: float) -> None:
    mark = heap_mark()
    fd_write(1, float_repr(x))
    heap_release(mark)  # the text is dead once written


def print_f64(x: float) -> None:
    write_f64(x)
    fd_write(1, "\n")


def write_fixed(x: float, digits: int) -> None:
    """`f"{x:.{digits}f}"` written: the compiler's one-call form of the commonest format (money, measures)."""
    mark = heap_mark()
    fd_write(1, format_float(x, 0, 0, 0, False, False, 0, 0, digits, 102))  # 102 = ord("f")
    heap_release(mark)  # the text is dead once written


def print_fixed(x: float, digits: int) -> None:
    write_fixed(x, digits)
    fd_write(1, "\n")


def write_bool(b: bool) -> None:
    fd_write(1, "True" if b else "False")


def print_bool(b: bool) -> None:
    fd_write(1, "True" if b else "False")
    fd_write(1, "\n")
