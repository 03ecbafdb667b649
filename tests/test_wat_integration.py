"""Integration of the converter with the runtime library: each program runs under CPython 3.11 and converted to WASM,
and the two must print the same bytes and stop with the same error (class and message)."""

from __future__ import annotations

import contextlib
import io

import pytest

from worldmodel.runtime import Limits, run_python, run_wat
from worldmodel.wat import ConversionError, convert

LIMITS = Limits(timeout_s=30.0, max_output_bytes=1 << 22, fuel=20_000_000_000)


def cpython(source: str):
    """(stdout, 'Error: message' or None) under this CPython (3.11)."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(source, "<program>", "exec"), {"__name__": "__main__"})
    except Exception as e:  # noqa: BLE001 - the error is the observable result
        return out.getvalue(), f"{type(e).__name__}: {e}"
    return out.getvalue(), None


def converted(source: str, standalone: bool):
    result = run_python(source, LIMITS, standalone=standalone)
    if result.ok:
        return result.stdout, None
    assert result.error_kind != "ConversionError", result.error_message
    return result.stdout, f"{result.error_kind}: {result.error_message}"


def same_as_cpython(source: str):
    expected = cpython(source)
    for standalone in (False, True):
        assert converted(source, standalone) == expected, (standalone, source)
    return expected


# ---------------------------------------------------------------- 1. reads before assignment

UNASSIGNED = {
    "global_read_in_function_before_assignment": "def f():\n    return g + 1\nprint(f())\ng = 5",
    "global_read_after_assignment": "def f():\n    return g + 1\ng = 5\nprint(f())",
    "global_float_read_before_assignment": "def f():\n    return g * 2.0\nprint('start')\nprint(f())\ng = 1.5",
    "global_str_via_helper": "def h():\n    return name.upper()\ndef f():\n    return h()\nprint(f())\nname = 'x'",
    "global_assigned_in_one_branch": "def f():\n    return g\nif len('ab') > 5:\n    g = 1\nprint(f())",
    "global_set_by_function": "def init():\n    global g\n    g = 7\ndef f():\n    return g\ninit()\nprint(f())",
    "global_set_by_function_not_called": "def init():\n    global g\n    g = 7\ndef f():\n    return g\nprint(f())\ninit()",
    "global_in_loop_later_assigned": (
        "def f():\n    return total\nfor i in range(3):\n    if i == 1:\n        total = i * 10\n    if i > 0:\n"
        "        print(f())"),
    "global_first_iteration": (
        "def f():\n    return total\nfor i in range(3):\n    print(f())\n    total = i"),
    "module_read_before_assignment": "print('a')\nprint(z)\nz = 1",
    "module_assigned_in_if": "if len('ab') > 3:\n    y = 2\nprint(y)",
    "module_loop_variable_of_empty_loop": "for i in range(0):\n    pass\nprint(i)",
    "module_loop_variable_after_loop": "for i in range(3):\n    pass\nprint(i)",
    "module_while_true_break": "n = 0\nwhile True:\n    n += 1\n    if n > 3:\n        last = n\n        break\nprint(last)",
    "local_assigned_in_if": "def f(c):\n    if c:\n        x = 1\n    return x\nprint(f(True))\nprint(f(False))",
    "local_assigned_in_both_branches": "def f(c):\n    if c:\n        x = 1\n    else:\n        x = 2\n    return x\nprint(f(True), f(False))",
    "local_float_in_if": "def f(c):\n    if c:\n        x = 1.5\n    return x * 2\nprint(f(1))\nprint(f(0))",
    "local_loop_variable": "def f(n):\n    for i in range(n):\n        pass\n    return i\nprint(f(3))\nprint(f(0))",
    "local_tuple_in_if": "def f(c):\n    if c:\n        a, b = 1, 2.5\n    return a\nprint(f(1))\nprint(f(0))",
    "local_list_iterated": "def f(c):\n    if c:\n        xs = [1, 2]\n    for v in xs:\n        print(v)\nf(1)\nf(0)",
    "local_aug_assign_unbound": "def f(c):\n    if c:\n        s = 0\n    s += 1\n    return s\nprint(f(1))\nprint(f(0))",
    "local_early_return_branch": "def f(c):\n    if not c:\n        return -1\n    else:\n        x = 5\n    return x\nprint(f(0), f(1))",
    "local_read_before_assignment_in_loop": (
        "def f():\n    out = []\n    for i in range(3):\n        if i > 0:\n            out.append(prev)\n        prev = i\n"
        "    return out\nprint(f())"),
    "function_called_before_def": "print('a')\nprint(f())\ndef f():\n    return 1",
    "function_called_through_helper_before_def": "def g():\n    return f() + 1\nprint(g())\ndef f():\n    return 1",
    "function_called_after_def": "def g():\n    return f() + 1\ndef f():\n    return 1\nprint(g())",
    "function_defined_in_false_branch": "if len('a') > 3:\n    def sq(v):\n        return v * v\nprint(sq(5))",
    "function_defined_in_true_branch": "if len('a') < 3:\n    def sq(v):\n        return v * v\nprint(sq(5))",
    "function_defined_in_loop": "for i in range(3):\n    def sq(v):\n        return v * i\n    print(sq(2))",
    "key_function_before_def": "print(sorted(['bb', 'a'], key=k))\ndef k(w):\n    return len(w)",
    "global_aug_assign_before_assignment": "def inc():\n    global c\n    c += 1\ninc()\nc = 0",
    "global_aug_assign_after_assignment": "c = 0\ndef inc():\n    global c\n    c += 1\ninc()\ninc()\nprint(c)",
    "local_set_in_loop_over_empty_list": (
        "def f(xs):\n    for i, v in enumerate(xs):\n        last = v\n    return last\nprint(f([1, 2]))\nprint(f([]))"),
    "empty_and_nonempty_list_argument": "def f(xs):\n    return len(xs)\nprint(f([1, 2]), f([]))",
    "comprehension_variable_is_not_the_local": "def f():\n    ys = [x * 2 for x in range(3)]\n    return ys\nprint(f())",
}


@pytest.mark.parametrize("name", sorted(UNASSIGNED))
def test_reads_before_assignment_fail_like_cpython(name):
    same_as_cpython(UNASSIGNED[name])


def test_unassigned_global_raises_name_error_not_zero():
    out, err = same_as_cpython("def f():\n    return g + 1\nprint(f())\ng = 5")
    assert (out, err) == ("", "NameError: name 'g' is not defined")


def test_flags_only_where_needed():
    """A global assigned before any call, and a local assigned on every path, get no run-time check."""
    wat = convert("g = 5\ndef f(c):\n    if c:\n        x = 1\n    else:\n        x = 2\n    return x + g\nprint(f(1))",
                  standalone=False)
    assert ".set" not in wat.replace("local.set $", "").replace("global.set $", "")
    wat = convert("def f():\n    return g + 1\nprint(f())\ng = 5", standalone=False)
    assert "(global $g.set (mut i32)" in wat and "NameError" in wat


# ---------------------------------------------------------------- 2. float ** float is the operator

POW = [
    "x = 0.0\nprint(x ** -1.0)",
    "x = 0.0\ny = -2.0\nprint(x ** y)",
    "print(0 ** -1)",
    "x = 2.0\nprint(x ** 0.5, x ** -2, 2 ** -2, x ** 10.0, (-8.0) ** 3.0, 1.0 ** float('nan'))",
    "x = 0.0\nprint(pow(x, -2.0))",
    "x = 10.0\nprint(x ** 400.0)",
]


@pytest.mark.parametrize("source", POW)
def test_float_pow_operator_rules(source):
    same_as_cpython(source)


# ---------------------------------------------------------------- 3. format specs: fill

FORMATS = [
    "x = 3.14159\nprint(f'[{x: <8}]')",
    "x = 3.14159\nprint(f'[{x:*^9.2f}]')",
    "n = 42\nprint(f'[{n:05d}]', f'[{-n:05d}]', f'[{n: <5}]', f'[{n: >05}]', f'[{n: =+6}]')",
    "x = -2.5\nprint(f'[{x:=+10.3f}]', f'[{x:=10.3f}]', f'[{x:010.3f}]')",
    "x = 1.5\nn = -7\nprint(f'[{x: <05}]', f'[{n: <05}]', f'[{x: >05}]', f'[{x: ^07}]', f'[{x: =07}]')",
    "x = 1.5\nprint(f'[{x:<05}]', f'[{x:>05}]', f'[{x:^05}]', f'[{x:x<05}]', f'[{x:05}]')",
    "s = 'ab'\nprint(f'[{s:05}]', f'[{s:<05}]', f'[{s:>05}]', f'[{s:^06}]', f'[{s:*>05}]', f'[{s: <05}]')",
    "s = 'héllo'\nprint(f'[{s:08}]', f'[{s:08.2}]', '[{:06}]'.format(s), format(s, '07'))",
]


@pytest.mark.parametrize("source", FORMATS)
def test_format_spec_fill(source):
    same_as_cpython(source)


def test_format_spec_on_list_is_rejected():
    """CPython: TypeError: unsupported format string passed to list.__format__ (never a padded repr)."""
    with pytest.raises(ConversionError):
        convert("xs = [1, 2]\nprint(f'{xs:>10}')")


# ---------------------------------------------------------------- 4. f64.sqrt / floor / ceil / trunc

def test_sqrt_floor_are_single_instructions():
    from worldmodel.wat import runtime_library_wat

    rt = runtime_library_wat()
    body = rt[rt.index("(func $c_sqrt"):]
    body = body[:body.index("\n  (func ")] if "\n  (func " in body else body[:body.index("\n(func ")]
    assert "f64.sqrt" in body and "call" not in body
    for name, instr in (("floor_float", "f64.floor"), ("ceil_float", "f64.ceil"), ("trunc_float", "f64.trunc")):
        text = rt[rt.index(f"(func ${name}"):]
        assert instr in text[:200], name


def test_math_rounding_and_sqrt():
    same_as_cpython(
        "import math\nfor x in [0.0, -0.0, 0.5, -0.5, 2.5, -2.5, 1e15 + 0.5, -1e-300, 7.0, 2.0**52 + 0.5, 123456.789]:\n"
        "    print(math.floor(x), math.ceil(x), math.trunc(x), math.sqrt(abs(x)), round(x))\n"
        "print(math.sqrt(2), math.sqrt(5e-324), math.sqrt(float('inf')), math.floor(7), math.ceil(True))")
    same_as_cpython("import math\nprint(math.sqrt(-1.0))")
    same_as_cpython("import math\nprint(math.floor(float('inf')))")


# ---------------------------------------------------------------- 5. isclose with tolerances, fsum

def test_isclose_tolerances_and_fsum():
    same_as_cpython(
        "import math\nfrom math import fsum, isclose\n"
        "print(math.isclose(1.0, 1.001, rel_tol=1e-2), math.isclose(1.0, 1.001), isclose(0.0, 1e-9, abs_tol=1e-8))\n"
        "print(math.isclose(1.0, 1.1, abs_tol=0.2, rel_tol=0.0), math.isclose(5, 5.0000001, rel_tol=1e-6))\n"
        "xs = [0.1] * 10\nprint(math.fsum(xs), sum(xs), fsum([1e100, 1.0, -1e100]), fsum([]))\n"
        "ys = []\nfor i in range(5):\n    ys.append(i / 3)\nprint(math.fsum(ys))")
    same_as_cpython("import math\nprint(math.isclose(1.0, 2.0, rel_tol=-1.0))")


def test_fsum_of_ints_and_rejections():
    same_as_cpython("import math\nprint(math.fsum([1, 2, 3]), math.fsum([2**53 + 1, 1]), math.fsum([]))")
    with pytest.raises(ConversionError):
        convert("import math\nprint(math.fsum(['a']))")


# ---------------------------------------------------------------- 6. printing reclaims its text

def test_printing_many_floats_reclaims_memory():
    """Each repr allocates ~1 KB of working lists: 20000 printed floats did not fit in 4 MB."""
    source = "t = 0.1\nfor i in range(20000):\n    t = t * 1.0001 + 0.3\n    print(t)\n    print(i, t, end=' ')\n"
    limits = Limits(memory_bytes=4 << 20, max_output_bytes=1 << 22, fuel=20_000_000_000, timeout_s=60.0)
    expected = cpython(source)[0]
    for standalone in (False, True):
        result = run_wat(convert(source, standalone=standalone), limits)
        assert result.ok, result.error_message
        assert result.stdout == expected
