"""print()/write plumbing: the protocol's print_* / write_* exports (docs/protocol.md section 4)."""

from worldmodel.wat.corelib.intrinsics import fd_write, heap_mark, heap_release
from worldmodel.wat.rtlib.fmt import float_repr, format_float, int_to_str


def write_str(s: str) -> None:
    fd_write(1, s)


def print_str(s: str) -> None:
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
