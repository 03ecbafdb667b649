"""Accuracy of the runtime library's math against CPython's math (glibc): shared by tests and benchmarks.

CPython-only helper (never compiled).  For each function: random inputs from a domain where the
result is finite, the share of bit-identical results and the largest distance in ulps.
"""

from __future__ import annotations

import math
import random
import struct
from collections.abc import Callable
from dataclasses import dataclass

from worldmodel.wat.runtime.math import mathlib

Gen = Callable[[random.Random], tuple]


def _wide(rng: random.Random, lo: float, hi: float) -> float:
    return math.exp(rng.uniform(lo, hi)) * rng.choice((1.0, -1.0))


DOMAINS: dict[str, Gen] = {
    "sqrt": lambda r: (math.exp(r.uniform(-744, 709)),),
    "exp": lambda r: (r.uniform(-745, 709.7),),
    "exp2": lambda r: (r.uniform(-1074, 1023.9),),
    "expm1": lambda r: (r.choice((r.uniform(-40, 709), r.uniform(-1, 1))),),
    "log": lambda r: (math.exp(r.uniform(-744, 709)),),
    "log2": lambda r: (math.exp(r.uniform(-744, 709)),),
    "log10": lambda r: (math.exp(r.uniform(-744, 709)),),
    "log1p": lambda r: (math.exp(r.uniform(-30, 20)) - 0.999,),
    "pow": lambda r: (math.exp(r.uniform(-10, 10)), r.uniform(-50, 50)),
    "sin": lambda r: (r.choice((r.uniform(-10, 10), _wide(r, -20, 700))),),
    "cos": lambda r: (r.choice((r.uniform(-10, 10), _wide(r, -20, 700))),),
    "tan": lambda r: (r.choice((r.uniform(-10, 10), _wide(r, -20, 700))),),
    "asin": lambda r: (r.uniform(-1, 1),),
    "acos": lambda r: (r.uniform(-1, 1),),
    "atan": lambda r: (r.choice((r.uniform(-10, 10), _wide(r, -30, 30))),),
    "atan2": lambda r: (r.uniform(-10, 10), r.uniform(-10, 10)),
    "sinh": lambda r: (r.uniform(-710, 710),),
    "cosh": lambda r: (r.uniform(-710, 710),),
    "tanh": lambda r: (r.choice((r.uniform(-20, 20), _wide(r, -30, 1))),),
    "asinh": lambda r: (_wide(r, -30, 700),),
    "acosh": lambda r: (1.0 + math.exp(r.uniform(-30, 700)),),
    "atanh": lambda r: (r.uniform(-1, 1),),
    "cbrt": lambda r: (_wide(r, -744, 709),),
    "hypot": lambda r: (_wide(r, -300, 300), _wide(r, -300, 300)),
    "fmod": lambda r: (_wide(r, -50, 50), _wide(r, -20, 20)),
}


def _key(x: float) -> int:
    """Ordered integer for a double (adjacent doubles differ by 1)."""
    b = struct.unpack("<q", struct.pack("<d", x))[0]
    return b if b >= 0 else -(b & 0x7FFFFFFFFFFFFFFF)


def ulp_distance(a: float, b: float) -> int:
    if math.isnan(a) and math.isnan(b):
        return 0
    return abs(_key(a) - _key(b))


@dataclass
class Accuracy:
    name: str
    samples: int
    identical: int
    max_ulps: int
    worst_input: tuple | None

    @property
    def share(self) -> float:
        return self.identical / self.samples


def measure(name: str, samples: int, seed: int = 0) -> Accuracy:
    rng = random.Random(seed)
    ours = getattr(mathlib, name)
    ref = getattr(math, name)
    identical, worst, worst_input = 0, 0, None
    for _ in range(samples):
        args = DOMAINS[name](rng)
        d = ulp_distance(ours(*args), ref(*args))
        if d == 0:
            identical += 1
        elif d > worst:
            worst, worst_input = d, args
    return Accuracy(name, samples, identical, worst, worst_input)
