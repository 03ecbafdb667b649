"""ByteLog compile and run times for programs of 10, 1,000 and 10,000 facts.

    python -m benchmarks.bytelog_speed [--repeat N]

Two shapes per size: transitive closure over one chain of n edges (the worst case: n(n+1)/2 derived
tuples, one semi-naive round per edge) and over chains of 100 edges (the same facts, 50 times fewer
tuples). Compile = parse + check + WAT; run = assemble + instantiate + evaluate + print in the sandbox
with its default limits. 10,000 distinct facts do not fit in the 100 KiB source limit, so that size is
compiled with the source limit lifted (the sandbox's limits stay).
"""

from __future__ import annotations

import argparse
import statistics
import time

RULES = "RULE path: SCAN edge, EMIT path $0 $1\nRULE path: SCAN edge, JOIN path $1, EMIT path $0 $2\nSOLVE\n"


def chains(n: int, length: int) -> tuple[str, int]:
    """n edges in chains of `length`; returns the program and its number of derived path tuples."""
    facts = "".join(f"FACT edge {i} {i + 1}\n" for i in range(n + n // length) if (i + 1) % (length + 1))
    pieces = [length] * (n // length) + ([n % length] if n % length else [])
    return f"REL edge\nREL path\n{facts}{RULES}QUERY path 0 {min(n, length)}\n", sum(k * (k + 1) // 2 for k in pieces)


def main(argv=None) -> int:
    from worldmodel.bytelog import Limits, compile_to_wat
    from worldmodel.runtime import run_wat

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per program; medians are printed")
    args = ap.parse_args(argv)
    run_wat(compile_to_wat("REL r"))  # the runtime library is built once per process: not part of any figure
    lifted = Limits(source_bytes=10**7)
    print(f"{'facts':>6} {'shape':<12} {'source':>9} {'tuples':>10} {'compile ms':>10} {'WAT':>9} {'run ms':>8} "
          f"{'fuel':>7}  result")
    for n in (10, 1_000, 10_000):
        for shape, length in (("one chain", n), ("chains of 100", 100)):
            if shape != "one chain" and n <= 100:
                continue
            source, tuples = chains(n, length)
            compile_ms, run_ms = [], []
            for _ in range(args.repeat):
                t = time.perf_counter()
                wat = compile_to_wat(source, limits=lifted)
                compile_ms.append(1000 * (time.perf_counter() - t))
                result = run_wat(wat)
                run_ms.append(result.ms)
            outcome = result.stdout.strip() if result.ok else result.error_kind
            print(f"{len([1 for line in source.splitlines() if line.startswith('FACT')]):>6} {shape:<12} "
                  f"{len(source.encode()):>8,}B {tuples:>10,} {statistics.median(compile_ms):>10.1f} "
                  f"{len(wat):>8,}B {statistics.median(run_ms):>8.1f} {result.fuel_used / 1e6:>6.0f}M  {outcome}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
