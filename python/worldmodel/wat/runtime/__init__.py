"""The runtime library `rt`, one folder by topic: memory, numbers, strings, lists, output, formatting, float
printing (`dtoa.py`) and `math/`. Hand-written WAT (`*.wat`) and the rt subset of Python (`*.py`, compiled by the
converter) sit side by side per topic; `wat/library.py` builds them into one module (README.md in this folder).

The two lists below fix the order the library is built in. That order decides the static data addresses (page 0)
and the order of functions in rt.wat and in every standalone module, so it is written down here rather than taken
from file names: moving a routine to another file changes no module the converter emits. A routine placed
elsewhere in these lists changes those addresses and orders (`python -m benchmarks.converter_output_digest`
shows it); new routines go at the end.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent

# The hand-written routines, in library order (the order they had when they were one file, core.wat).
HAND_WRITTEN_FILES = ["memory.wat", "numbers.wat", "lists.wat", "strings.wat"]
HAND_WRITTEN_ORDER = [
    "alloc", "heap_mark", "heap_release", "fd_write", "raise", "raise_memory_error", "raise_overflow",
    "int_add", "int_sub", "int_neg", "int_abs", "int_mul", "int_floordiv", "int_mod", "int_pow", "int_truediv",
    "float_div", "cmp_int_float", "float_to_int", "round_float_to_int",
    "range_check_step", "range_more", "range_next",
    "list_new", "list_len", "list_slot", "list_at", "list_set_at", "list_push", "list_take", "list_copy",
    "list_concat", "list_repeat",
    "str_new", "str_concat", "str_cmp", "str_eq", "str_to_bytes", "str_from_bytes",
    "box_int", "box_float",
    "list_append_i64", "list_append_f64", "list_append_i32", "list_set_i64", "list_set_f64", "list_set_i32",
    "int_shl", "int_shr",
]

# The rt-subset modules, in the order they are compiled (paths below this folder, without `.py`).
# `typed_lists` is a template: the library compiles its instances (typed_lists.typed_sources()), not the file.
SUBSET_MODULES = [
    "output", "numbers", "strings", "lists", "typed_lists", "unicode_table",
    "math/crtables", "math/crtrig", "math/ddarith", "dtoa", "formatting", "math/libm", "math/mathlib",
    "math/mathtables",
]
