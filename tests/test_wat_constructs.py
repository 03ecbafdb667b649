"""One small program per construct: the converted module must print exactly what CPython prints."""

from __future__ import annotations

import pytest

from worldmodel.wat.differential import run_cpython, run_wasm

PROGRAMS = {
    "int_arith": "a, b = 17, -5\nprint(a + b, a - b, a * b, a // b, a % b, -a // b, -a % b, a ** 3, b ** 2)",
    "int_floor_mod_signs": "for a in [7, -7]:\n    for b in [2, -2, 3, -3]:\n        print(a // b, a % b, end=' ')\nprint()",
    "float_arith": "x = 0.1\ny = 3\nprint(x + 0.2, x * y, y / 4, 7 / 2, 2 ** 0.5, 1e16, 1.5e-7, -0.0, 10 / 3)",
    "float_floordiv_mod": "print(7.5 // 2, -7.5 // 2, 7.5 % 2, -7.5 % 2, 5 % 2.5)",
    "int_pow_negative": "print(2 ** -1, 10 ** -2)",
    "bools": "t = True\nf = False\nprint(t, f, t and f, t or f, not t, t + 1, t == 1)",
    "chained_compare": "a = 5\nprint(1 < a < 10, 1 < a > 10, 3 <= a <= 5 < 6, a == 5.0, 2**53 + 1 == 2.0**53)",
    "and_or_values": "a = 0\nb = 7\nprint(a or b, a and b, b and 3, '' or 'x', 'y' and 'z')",
    "ifexp": "n = 4\nprint('even' if n % 2 == 0 else 'odd', 1 if n > 5 else 2)",
    "if_elif_else": "for n in range(-2, 3):\n    if n < 0:\n        print('neg')\n    elif n == 0:\n        print('zero')\n    else:\n        print('pos')",
    "while_break_continue": "i = 0\nwhile True:\n    i += 1\n    if i % 2 == 0:\n        continue\n    if i > 7:\n        break\n    print(i)",
    "for_range_steps": "print([i for i in range(10, 0, -3)], [i for i in range(0, 10, 4)], list(range(3)))",
    "for_list_str": "total = 0\nfor v in [3, 4, 5]:\n    total += v\nfor ch in 'héllo':\n    print(ch, end='|')\nprint(total)",
    "tuple_assign_swap": "a, b = 1, 2\na, b = b, a\nxs = [1, 2, 3]\nxs[0], xs[2] = xs[2], xs[0]\nprint(a, b, xs)",
    "functions_defaults_recursion": (
        "def fact(n):\n    if n <= 1:\n        return 1\n    return n * fact(n - 1)\n"
        "def scale(x, k=3):\n    return x * k\n"
        "def divmod2(a, b):\n    return a // b, a % b\n"
        "q, r = divmod2(17, 5)\nprint(fact(10), scale(2), scale(2.5, k=2), q, r)"),
    "function_two_types": "def double(v):\n    return v * 2\nprint(double(4), double(1.25), double('ab'))",
    "mixed_int_float_variable": "total = 0\nfor p in [1.5, 2.25]:\n    total += p\nprint(total)\nempty = 0\nfor p in []:\n    empty += 0.5\nprint(empty)",
    "median_int_or_float": (
        "for data in [[3, 1, 2], [4, 1, 3, 2]]:\n    s = sorted(data)\n    n = len(s)\n"
        "    if n % 2 == 1:\n        median = s[n // 2]\n    else:\n        median = (s[n // 2 - 1] + s[n // 2]) / 2\n"
        "    print(f'Median = {median}', median > 2)"),
    "lists": (
        "xs = [5, 3, 8]\nxs.append(1)\nys = xs.copy()\nys.sort()\nprint(xs, ys, xs[-1], xs[1:3], xs[::-1], len(xs))\n"
        "print(sum(xs), min(xs), max(xs), sorted(xs, reverse=True), 3 in xs, 4 not in xs)\n"
        "print([x * x for x in xs if x > 2], [[1, 2], [3]], xs + [9], [0] * 3)\n"
        "print(xs.pop(), xs, xs.index(3), xs.count(5))"),
    "list_of_floats_and_strings": "fs = [1.5, 2.0, -0.5]\nws = ['b', 'a', \"it's\"]\nprint(fs, sum(fs), sorted(ws), ws)",
    "enumerate_zip_reversed": (
        "names = ['a', 'b', 'c']\nfor i, n in enumerate(names, 1):\n    print(i, n)\n"
        "for a, b in zip([1, 2, 3], [4, 5]):\n    print(a * b)\nfor v in reversed(names):\n    print(v)"),
    "generators": (
        "data = [4, 8, 15, 16, 23, 42]\nmean = sum(data) / len(data)\nvar = sum((x - mean) ** 2 for x in data) / len(data)\n"
        "print(round(var, 3), max(x % 7 for x in data), min(d for d in data if d > 10), sum(1 for c in 'banana' if c in 'an'))"),
    "strings": (
        "s = 'Hello, World'\nprint(s.lower(), s.upper(), s.title(), s.count('l'), s.find('World'), s.replace('l', 'L'))\n"
        "print(s.split(', '), '  pad  '.strip(), '-'.join(['a', 'b']), s.startswith('He'), s.endswith('x'))\n"
        "print(s[0], s[-1], s[2:5], len(s), 'lo' in s, s.isalpha(), '123'.isdigit(), 'a b  c'.split())\n"
        "print(ord('A'), chr(97), str(12) + str(1.5) + str(True), s * 2, 'x' < 'y', '±5°'[1], len('±5°'))"),
    "fstring_specs": (
        "x = 1234.5678\nn = 1234567\nprint(f'{x:.2f}|{x:,.1f}|{x:>12.3f}|{x:e}|{x:.3%}|{n:,}|{n:>10}|{n:08d}|{n:x}')\n"
        "print(f'{x:<10.1f}|{\"ab\":^6}|{\"ab\":*>5}|{-x:+.0f}|{0.5:.0f}|{1.5:.0f}|{x!r}|{\"q\"!r}|{n:_}|{0.000123:g}')"),
    "str_format_method": (
        "x = 3.14159\nn = 42\nprint('{} and {:.2f}'.format(n, x), '{1}-{0}'.format('a', 'b'), '{v:>6}|{w!r}'.format(v=n, w='q'))\n"
        "print('Total: {:,}'.format(1234567), '{:.1%}'.format(0.256), '{{literal}} {}'.format(True))"),
    "sorted_key": (
        "words = ['pear', 'fig', 'banana', 'kiwi', 'apple']\ndef last(w):\n    return w[-1]\n"
        "print(sorted(words, key=len), sorted(words, key=len, reverse=True), sorted(words, key=last))\n"
        "print(sorted([3, -7, 5, -3], key=abs), sorted('hello', key=ord))"),
    "global_statement": (
        "count = 0\ntotal = 0\ndef add(v):\n    global count, total\n    count += 1\n    total = total + v\n"
        "for v in [2, 3.5, 4]:\n    add(v)\nprint(count, total)"),
    "print_sep_end": "print(1, 2, 3, sep='-', end='!\\n')\nprint('a', 'b', sep='')\nprint()\nprint('x', end='')\nprint('y')",
    "conversions_rounding": (
        "print(int(3.99), int(-3.99), int('42'), float('2.5'), float(3), abs(-4), abs(-2.5), round(2.5), round(3.5))\n"
        "print(round(2.675, 2), round(-0.5), round(1234.5678, -2), round(7, 1), round(1.0005, 3), str(10 ** 15))"),
    "math_module": (
        "import math\nfrom math import sqrt, pi\nprint(math.sqrt(16), sqrt(2), pi, math.floor(2.7), math.ceil(2.1), math.floor(7))\n"
        "print(math.factorial(10), math.gcd(48, 18), math.isclose(0.1 + 0.2, 0.3), math.log(math.e), math.log(8, 2))\n"
        "print(math.sin(0), math.cos(0), math.radians(180), math.degrees(math.pi), math.pow(2, 10), math.fabs(-3))"),
    "min_max_key": (
        "words = 'The quick brown fox jumps'.split()\ndef last(w):\n    return w[-1]\n"
        "print(max(words, key=len), min(words, key=len), max(words, key=last), min([3, -7, 5], key=abs))"),
    "big_int_true_division": (
        "for a in [2 ** 62 + 1, -(2 ** 62) * 2, 1, 10 ** 18 + 1, 0]:\n"
        "    for b in [3, -7, 2 ** 62 + 5, -(10 ** 18) + 7]:\n"
        "        print(a / b, b / a if a != 0 else 0)"),
    "unicode_identifiers": "π = 3.14159\nΔt = 2\ndef área(r):\n    return π * r ** 2\nprint(área(Δt), f'{π:.2f}')",
    "global_read_in_function": "RATE = 0.5\ndef cost(q):\n    return q * RATE\nprint(cost(4), cost(3))",
    "nested_function_in_if": "if True:\n    def sq(v):\n        return v * v\n    print(sq(5))",
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_construct_linked(name):
    src = PROGRAMS[name]
    expected = run_cpython(src, checked=False)
    assert expected.error is None, expected
    assert run_wasm(src, standalone=False) == expected


@pytest.mark.parametrize("name", ["int_arith", "strings", "fstring_specs", "lists", "math_module"])
def test_construct_standalone(name):
    src = PROGRAMS[name]
    assert run_wasm(src, standalone=True) == run_cpython(src, checked=False)
