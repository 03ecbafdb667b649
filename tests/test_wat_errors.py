"""Unsupported constructs raise ConversionError with position; runtime errors match CPython's."""

from __future__ import annotations

import subprocess
import sys

import pytest

from worldmodel.wat import ConversionError, convert
from worldmodel.wat.differential import run_cpython, run_wasm

UNSUPPORTED = [
    ("x = 1\nclass A:\n    pass\n", 2, 0, "ClassDef"),
    ("d = {'a': 1}\n", 1, 4, "Dict"),
    ("try:\n    x = 1\nexcept ValueError:\n    x = 2\n", 1, 0, "Try"),
    ("f = lambda v: v\n", 1, 4, "Lambda"),
    ("import os\n", 1, 0, "Import"),
    ("x = 1\nwhile x:\n    x -= 1\nelse:\n    print(x)\n", 2, 0, "While"),
    ("s = {1, 2}\n", 1, 4, "Set"),
    ("x = 1\nif x:\n    v = 1\nelse:\n    v = 'a'\nprint(v)\n", 5, 4, "typing"),
    ("xs = [1, 2]\nprint(max(xs, default=0))\n", 2, 6, "keyword"),
    ("print(f'{3.5:d}')\n", 1, 6, "format_spec"),
    ("pairs = [(1, 2), (3, 4)]\n", 1, 8, "List"),
    ("print(f'{7:,x}')\n", 1, 6, "format_spec"),
]


@pytest.mark.parametrize("source,line,col,construct", UNSUPPORTED)
def test_unsupported_construct_is_located(source, line, col, construct):
    with pytest.raises(ConversionError) as info:
        convert(source)
    e = info.value
    assert (e.line, e.col, e.construct) == (line, col, construct), str(e)
    assert f"line {line}, col {col}: unsupported construct '{construct}'" in str(e)


RUNTIME_ERRORS = {
    "int_div_zero": ("a = 0\nprint(5 / a)\n", "ZeroDivisionError", "division by zero"),
    "floordiv_zero": ("a = 0\nprint(5 // a)\n", "ZeroDivisionError", "integer division or modulo by zero"),
    "mod_zero": ("a = 0\nprint(5 % a)\n", "ZeroDivisionError", "integer modulo by zero"),
    "float_div_zero": ("a = 0.0\nprint(5.0 / a)\n", "ZeroDivisionError", "float division by zero"),
    "float_mod_zero": ("a = 0.0\nprint(5.0 % a)\n", "ZeroDivisionError", "float modulo"),
    "index": ("xs = [1, 2]\nprint(xs[2])\n", "IndexError", "list index out of range"),
    "index_assign": ("xs = [1, 2]\nxs[-3] = 0\n", "IndexError", "list assignment index out of range"),
    "str_index": ("s = 'ab'\nprint(s[5])\n", "IndexError", "string index out of range"),
    "int_parse": ("print(int('4x'))\n", "ValueError", "invalid literal for int() with base 10: '4x'"),
    "float_parse": ("print(float('abc'))\n", "ValueError", "could not convert string to float: 'abc'"),
    "max_empty": ("xs = []\nprint(max(xs))\n", "ValueError", "max() arg is an empty sequence"),
    "min_empty_gen": ("print(min(x for x in range(0)))\n", "ValueError", "min() arg is an empty sequence"),
    "sqrt_domain": ("import math\nprint(math.sqrt(-1))\n", "ValueError", "math domain error"),
    "chr_range": ("print(chr(-1))\n", "ValueError", "chr() arg not in range(0x110000)"),
    "nan_to_int": ("x = float('nan')\nprint(int(x))\n", "ValueError", "cannot convert float NaN to integer"),
    "pop_empty": ("xs = [1]\nxs.pop()\nxs.pop()\n", "IndexError", "pop from empty list"),
    "raise_stmt": ("def f(v):\n    if v < 0:\n        raise ValueError('negative')\n    return v\nprint(f(-1))\n",
                   "ValueError", "negative"),
}


@pytest.mark.parametrize("name", sorted(RUNTIME_ERRORS))
def test_runtime_error_matches_cpython(name):
    from worldmodel.runtime import run_wat

    source, kind, message = RUNTIME_ERRORS[name]
    assert run_cpython(source, checked=False).error == kind
    for standalone in (True, False):
        result = run_wat(convert(source, standalone=standalone))
        assert (result.ok, result.error_kind, result.error_message) == (False, kind, message)


@pytest.mark.parametrize("source", ["print(2 ** 64)\n", "x = 2 ** 62\nprint(x + x)\n", "print(-(-2 ** 63))\n",
                                    "n = 1\nfor i in range(30):\n    n = n * 10\nprint(n)\n",
                                    "import math\nprint(math.factorial(25))\n", "print(int(1e19))\n"])
def test_overflow_raises_instead_of_wrapping(source):
    assert run_cpython(source).error == "OverflowError"
    got = run_wasm(source)
    assert got.error == "OverflowError"


def test_cli_reports_file_line_col(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("x = 1\nclass A:\n    pass\n")
    proc = subprocess.run([sys.executable, "-m", "worldmodel", "convert", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert f"{bad}:2:0: unsupported construct 'ClassDef'" in proc.stderr
    good = tmp_path / "good.py"
    good.write_text("print(6 * 7)\n")
    out = tmp_path / "good.wat"
    proc = subprocess.run([sys.executable, "-m", "worldmodel", "convert", str(good), "--linked", "-o", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "(call $print_i64" in out.read_text()  # ABI 2: the runtime adds the rt imports
