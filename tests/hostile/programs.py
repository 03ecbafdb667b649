"""Hostile WAT modules and Python programs: each with the named error it must end in, or "cpython" when
the converted program must print exactly what CPython prints (stdout and the error's name)."""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.compile_cost import joins_module

CPYTHON = "cpython"


@dataclass(frozen=True)
class ProgramCase:
    name: str
    kind: str  # "wat" or "py"
    source: str
    expect: str  # an error kind, or CPYTHON
    fuel: int | None = None
    timeout_s: float | None = None


def _chain(n: int) -> str:
    lines = []
    for i in range(n):
        lines += [f"def f{i}(x):", f"    return f{i + 1}(x) + 1" if i < n - 1 else "    return x"]
    return "\n".join(lines + ["print(f0(1))"]) + "\n"


def _elifs(n: int) -> str:
    lines = ["x = 200", "if x == 0:", "    print(0)"]
    for i in range(1, n):
        lines += [f"elif x == {i}:", f"    print({i})"]
    return "\n".join(lines + ["else:", "    print(-1)"]) + "\n"


RECURSION = "def f(n):\n    if n == 0:\n        return 0\n    return 1 + f(n - 1)\n\n\nprint(f({n}))\n"

WAT_CASES = [
    ProgramCase("compile-bomb-locals-x-blocks", "wat", joins_module(10_000, 10_000), "module_too_large"),
    ProgramCase("300k-functions", "wat", "(module " + "(func)" * 300_000 + '(func (export "main")))', "module_too_large"),
    ProgramCase("oversized-text", "wat", '(module (func (export "main")))' + " " * (3 << 20), "module_too_large"),
    ProgramCase("main-returns-funcref", "wat", '(module (func (export "main") (result funcref) (ref.null func)))', "invalid_module"),
    ProgramCase("main-returns-externref", "wat", '(module (func (export "main") (result externref) (ref.null extern)))', "invalid_module"),
    ProgramCase("main-returns-two-values", "wat", '(module (func (export "main") (result i32 i32) (i32.const 1) (i32.const 2)))', "invalid_module"),
    ProgramCase("main-returns-v128", "wat", '(module (func (export "main") (result v128) (v128.const i64x2 0 0)))', "invalid_module"),
    ProgramCase("main-returns-f32", "wat", '(module (func (export "main") (result f32) (f32.const 1)))', "invalid_module"),
    ProgramCase("endless-loop-fuel", "wat", '(module (func (export "main") (loop $l (br $l))))', "fuel_exhausted", fuel=50_000_000),
    ProgramCase("endless-loop-clock", "wat", '(module (func (export "main") (loop $l (br $l))))', "timeout", fuel=10**15, timeout_s=0.5),
    ProgramCase("memory-bomb", "wat", '(module (memory 60000) (func (export "main")))', "memory_limit"),
    ProgramCase("grow-bomb", "wat", '(module (memory 1) (func (export "main") (loop $l (br_if $l (i32.ne (memory.grow (i32.const 100)) (i32.const -1))))))', "ok"),
    ProgramCase("endless-recursion", "wat", '(module (func $f (export "main") (call $f)))', "stack_overflow"),
    ProgramCase("host-import", "wat", '(module (import "wasi_snapshot_preview1" "fd_write" (func)) (func (export "main")))', "unknown_import"),
    ProgramCase("output-bomb", "wat", '(module (import "env" "write" (func $w (param i32 i32 i32))) (memory (export "memory") 1)'
                ' (func (export "main") (loop $l (call $w (i32.const 1) (i32.const 0) (i32.const 60000)) (br $l))))', "output_limit"),
    ProgramCase("write-outside-memory", "wat", '(module (import "env" "write" (func $w (param i32 i32 i32))) (memory (export "memory") 1)'
                ' (func (export "main") (call $w (i32.const 1) (i32.const 65530) (i32.const 100))))', "output_limit"),
    ProgramCase("not-wat", "wat", "\x00\x01 this is not a module", "wat_syntax"),
]

PY_CASES = [
    ProgramCase("round-int-minus-19", "py", "print(round(6000000000000000000, -19))\n", "OverflowError"),
    ProgramCase("round-int-minus-19-small", "py", "print(round(4999999999999999999, -19), round(-5000000000000000000, -19))\n", CPYTHON),
    ProgramCase("nan-in-list", "py", "n = float('nan')\nxs = [1.0, n]\nprint(n in xs)\n", "NotImplementedError"),
    ProgramCase("nan-count", "py", "n = float('nan')\nxs = [n, 2.0]\nprint(xs.count(n))\n", "NotImplementedError"),
    ProgramCase("nan-index", "py", "n = float('nan')\nxs = [1.0, n]\nprint(xs.index(n))\n", "NotImplementedError"),
    ProgramCase("nan-absent-needle", "py", "xs = [1.0, float('nan')]\nprint(2.0 in xs, xs.count(1.0), xs.index(1.0))\n", CPYTHON),
    ProgramCase("print-reversed", "py", "print(reversed([1, 2]))\n", "conversion_error"),
    ProgramCase("len-reversed", "py", "print(len(reversed([1, 2])))\n", "conversion_error"),
    ProgramCase("reversed-consumed", "py", "xs = [3, 1, 2]\nprint(list(reversed(xs)), sum(reversed(xs)), 3 in reversed(xs))\n"
                "for x in reversed(xs):\n    print(x)\n", CPYTHON),
    ProgramCase("lone-surrogate", "py", "print('ok')\nprint('\\ud800')\n", CPYTHON),
    ProgramCase("surrogate-run", "py", "print('a\\udc00\\udfffb', end='')\n", CPYTHON),
    ProgramCase("surrogate-from-chr", "py", "s = 'x' + chr(0xd83d)\nprint(len(s))\nprint(s)\n", CPYTHON),
    ProgramCase("recursion-5000", "py", RECURSION.format(n=5000), "ok"),  # CPython: RecursionError (README)
    ProgramCase("recursion-endless", "py", RECURSION.format(n=10**7), "stack_overflow"),
    ProgramCase("sum-330-terms", "py", "x = " + " + ".join(["1"] * 330) + "\nprint(x)\n", CPYTHON),
    ProgramCase("unary-minus-330", "py", "x = " + "-" * 330 + "1\nprint(x)\n", CPYTHON),
    ProgramCase("elif-165", "py", _elifs(165), CPYTHON),
    ProgramCase("sum-5000-terms", "py", "x = " + " + ".join(["1"] * 5000) + "\nprint(x)\n", "conversion_error"),
    ProgramCase("parens-100k", "py", "x = " + "(" * 100_000 + "1" + ")" * 100_000 + "\nprint(x)\n", "conversion_error"),
    ProgramCase("print-end-empty", "py", "print(end='')\nprint('a', end='')\nprint(sep='', end='')\nprint()\n", CPYTHON),
    ProgramCase("call-chain-25", "py", _chain(25), CPYTHON),
    ProgramCase("call-chain-100", "py", _chain(100), CPYTHON),
    ProgramCase("endless-while", "py", "while True:\n    pass\n", "fuel_exhausted", fuel=50_000_000),
    ProgramCase("list-bomb", "py", "xs = [0]\nwhile True:\n    xs = xs + xs\n", "memory_limit"),
    ProgramCase("string-bomb", "py", "s = 'x'\nwhile True:\n    s = s + s\n", "memory_limit"),
    ProgramCase("print-bomb", "py", "while True:\n    print('x' * 1000)\n", "output_limit"),
]

CASES = WAT_CASES + PY_CASES
