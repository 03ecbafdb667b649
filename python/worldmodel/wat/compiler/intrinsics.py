"""Intrinsics: calls the runtime library's Python compiles to single instructions or core routines."""

from __future__ import annotations

from ..types import BOOL, FLOAT, INT, NONE, NUM, STR, list_of
from .wat_helpers import ANYLIST, call, to_i32_index


def _intr(params, ret, build):
    return (params, ret, build)


INTRINSICS = {
    # rtlib intrinsics (python/worldmodel/wat/rtlib/intrinsics.py)
    "f64_bits": _intr((FLOAT,), INT, lambda a: ["i64.reinterpret_f64", a[0]]),
    "f64_from_bits": _intr((INT,), FLOAT, lambda a: ["f64.reinterpret_i64", a[0]]),
    "shr_u": _intr((INT, INT), INT, lambda a: ["i64.shr_u", a[0], a[1]]),
    "wrapping_mul": _intr((INT, INT), INT, lambda a: ["i64.mul", a[0], a[1]]),
    "wrapping_add": _intr((INT, INT), INT, lambda a: ["i64.add", a[0], a[1]]),
    "f64_sqrt": _intr((FLOAT,), FLOAT, lambda a: ["f64.sqrt", a[0]]),
    "f64_floor": _intr((FLOAT,), FLOAT, lambda a: ["f64.floor", a[0]]),
    "f64_ceil": _intr((FLOAT,), FLOAT, lambda a: ["f64.ceil", a[0]]),
    "f64_trunc": _intr((FLOAT,), FLOAT, lambda a: ["f64.trunc", a[0]]),
    "str_from_bytes": _intr((list_of(INT),), STR, lambda a: call("str_from_bytes", a[0])),
    "str_to_bytes": _intr((STR,), list_of(INT), lambda a: call("str_to_bytes", a[0])),
    # corelib intrinsics (python/worldmodel/wat/corelib/intrinsics.py)
    "str_nbytes": _intr((STR,), INT, lambda a: ["i64.extend_i32_u", ["i32.load", a[0]]]),
    "str_byte": _intr((STR, INT), INT, lambda a: ["i64.load8_u", "offset=4", ["i32.add", a[0], to_i32_index(a[1])]]),
    "str_set_byte": _intr((STR, INT, INT), NONE,
                          lambda a: ["i32.store8", "offset=4", ["i32.add", a[0], to_i32_index(a[1])], to_i32_index(a[2])]),
    "str_new": _intr((INT,), STR, lambda a: call("str_new", a[0])),
    "str_same": _intr((STR, STR), BOOL, lambda a: call("str_eq", a[0], a[1])),
    "str_order": _intr((STR, STR), INT, lambda a: ["i64.extend_i32_s", call("str_cmp", a[0], a[1])]),
    "fd_write": _intr((INT, STR), NONE, lambda a: call("fd_write", to_i32_index(a[0]), a[1])),
    "num_of_int": _intr((INT,), NUM, lambda a: call("box_int", a[0])),
    "num_of_float": _intr((FLOAT,), NUM, lambda a: call("box_float", a[0])),
    "num_is_float": _intr((NUM,), BOOL, lambda a: ["i32.load", a[0]]),
    "num_int": _intr((NUM,), INT, lambda a: ["i64.load", "offset=8", a[0]]),
    "num_float": _intr((NUM,), FLOAT, lambda a: ["f64.load", "offset=8", a[0]]),
    "list_take": _intr((ANYLIST, INT, INT, INT), ANYLIST, lambda a: call("list_take", *a)),
    "list_concat": _intr((ANYLIST, ANYLIST), ANYLIST, lambda a: call("list_concat", *a)),
    "list_truncate": _intr((ANYLIST, INT), NONE, lambda a: ["i32.store", a[0], to_i32_index(a[1])]),
    "cmp_int_float": _intr((INT, FLOAT), INT, lambda a: ["i64.extend_i32_s", call("cmp_int_float", *a)]),
    "float_to_int": _intr((FLOAT,), INT, lambda a: call("float_to_int", a[0])),
    "heap_mark": _intr((), INT, lambda a: call("heap_mark")),
    "heap_release": _intr((INT,), NONE, lambda a: call("heap_release", a[0])),
}
INTRINSIC_MODULES = ("worldmodel.wat.rtlib.intrinsics", "worldmodel.wat.corelib.intrinsics")
