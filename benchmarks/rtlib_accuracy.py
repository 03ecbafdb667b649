"""Runtime-library figures: math accuracy against CPython's math (glibc), repr/float() agreement on many random
doubles, and the WASM cost (fuel) of printing floats and calling math.

    python -m benchmarks.rtlib_accuracy [SAMPLES_PER_FUNCTION]

The tests assert floors on these figures (tests/test_rtlib_reference.py); this prints them all.
"""

from __future__ import annotations

import math
import random
import struct
import sys
import time

from worldmodel.runtime import Limits, run_wat
from worldmodel.wat import convert
from worldmodel.wat.runtime import formatting
from worldmodel.wat.runtime.math import mathlib
from worldmodel.wat.runtime.tools.accuracy import DOMAINS, measure


def accuracy(samples: int) -> None:
    print(f"math vs CPython math (glibc), {samples} random inputs each")
    print(f"{'function':10s} {'bit-identical':>14s} {'max ulps':>9s}  worst input")
    for name in DOMAINS:
        a = measure(name, samples, seed=1)
        print(f"{name:10s} {a.share:14.4%} {a.max_ulps:9d}  {a.worst_input}")


def repr_agreement(n: int) -> None:
    rng = random.Random(2)
    bad = parse_bad = 0
    started = time.perf_counter()
    for _ in range(n):
        x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
        s = formatting.float_repr(x)
        bad += s != repr(x)
        if math.isfinite(x):
            parse_bad += struct.pack("<d", formatting.parse_float(s)) != struct.pack("<d", x)
    took = time.perf_counter() - started
    print(f"\nrepr: {n} random bit patterns, {bad} differ from CPython; float(repr(x)) round trip: {parse_bad} differ"
          f" ({took / n * 1e6:.0f} us per value in CPython)")


def compiled_agreement(n: int) -> None:
    """The compiled port against the CPython reference on many more inputs than the tests use."""
    limits = Limits(max_output_bytes=1 << 24, timeout_s=300.0, fuel=10**12, memory_bytes=1 << 30)

    def run(src: str) -> list[str]:
        r = run_wat(convert(src), limits)
        assert r.ok, (r.error_kind, r.error_message)
        return r.stdout.splitlines()

    rng = random.Random(3)
    xs: list[float] = []
    while len(xs) < n:
        x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
        if math.isfinite(x):
            xs.append(x)
    out = run("xs = [" + ", ".join(map(repr, xs)) + "]\nfor x in xs:\n    print(x)\n")
    print(f"\ncompiled port vs reference: repr of {n} random doubles: {sum(a != repr(b) for a, b in zip(out, xs))} differ")
    src, expected = "import math\n", []
    for name in DOMAINS:
        args = [DOMAINS[name](rng) for _ in range(max(1, n // 10))]
        cols = list(zip(*args))
        for i, col in enumerate(cols):
            src += f"a{i} = [" + ", ".join(map(repr, col)) + "]\n"
        src += f"for i in range(len(a0)):\n    print(math.{name}(" + ", ".join(f"a{i}[i]" for i in range(len(cols))) + "))\n"
        expected += [formatting.float_repr(getattr(mathlib, name)(*a)) for a in args]
    out = run(src)
    print(f"compiled port vs reference: {len(expected)} math results: {sum(a != b for a, b in zip(out, expected))} differ")


PROGRAM = """
t = 0
for i in range(N):
    s = CALL
    t += 1
print(t)
"""


def wasm_cost() -> None:
    limits = Limits(fuel=50_000_000_000, timeout_s=120.0, memory_bytes=1 << 30, max_output_bytes=1 << 20)
    print("\nWASM cost per call in wasmtime (fuel ~ WASM instructions, loop overhead subtracted)")
    cases = [("repr", "float(i)"), ("repr", "0.5 * i"), ("repr", "0.1 * i"), ("repr", "1.0 / (i + 3)"),
             ("repr", "1e-300 * (i + 1)"), ("repr", "1e300 * (i + 1)"), ("f'{:.2f}'", "1.0 / (i + 3)"),
             ("math.sin", "0.001 * i"), ("math.exp", "0.001 * i"), ("math.log", "0.001 * i + 1.0"),
             ("math.pow", "0.001 * i + 1.0"), ("math.atan2", "0.001 * i"), ("math.sqrt", "0.001 * i + 1.0"),
             ("float(str)", "'0.1'")]
    n = 500
    for what, expr in cases:
        if what == "repr":
            body = f"repr({expr})"
        elif what == "f'{:.2f}'":
            body = "f'{" + expr + ":.2f}'"
        elif what == "float(str)":
            body = f"float({expr})"
        elif what in ("math.pow", "math.atan2"):
            body = f"{what}({expr}, 0.75)"
        else:
            body = f"{what}({expr})"
        program = "import math\n" + PROGRAM.replace("N", str(n))
        full = run_wat(convert(program.replace("CALL", body)), limits)
        base = run_wat(convert(program.replace("CALL", expr)), limits)
        if not full.ok:
            print(f"{what:12s} {expr:18s} failed: {full.error_kind} {full.error_message}")
            continue
        fuel = (full.fuel_used - base.fuel_used) / n
        print(f"{what:12s} {expr:18s} {fuel:10.0f} fuel/call")


def main() -> None:
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    accuracy(samples)
    repr_agreement(samples)
    compiled_agreement(min(samples, 5000))
    wasm_cost()


if __name__ == "__main__":
    main()
