"""Per-program convert time and run time over the peer corpus: p50 / p99 / max.

    python -m benchmarks.convert_speed [--limit N] [--standalone]
"""

from __future__ import annotations

import argparse
import statistics
import time


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main(argv=None) -> int:
    from benchmarks.peer_corpus import load_corpus
    from worldmodel.runtime import run_wat
    from worldmodel.wat import ConversionError, convert, runtime_library_wat

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--standalone", action="store_true", help="time the standalone form (default: linked)")
    args = ap.parse_args(argv)
    records = load_corpus()
    if args.limit:
        records = records[: args.limit]
    t0 = time.perf_counter()
    runtime_library_wat()
    print(f"runtime library build (once per process): {1000 * (time.perf_counter() - t0):.0f} ms")
    convert_ms, run_ms, sizes = [], [], []
    for r in records:
        t = time.perf_counter()
        try:
            wat = convert(r["program"], standalone=args.standalone)
        except ConversionError:
            continue
        convert_ms.append(1000 * (time.perf_counter() - t))
        sizes.append(len(wat))
        t = time.perf_counter()
        run_wat(wat)
        run_ms.append(1000 * (time.perf_counter() - t))
    form = "standalone" if args.standalone else "linked"
    print(f"programs: {len(convert_ms)} converted ({form} form)")
    for name, vals in (("convert ms", convert_ms), ("run ms (assemble+instantiate+run)", run_ms)):
        print(f"{name:36s} p50 {percentile(vals, 50):8.2f}  p99 {percentile(vals, 99):8.2f}  max {max(vals):8.2f}"
              f"  mean {statistics.mean(vals):8.2f}")
    print(f"{'WAT size (chars)':36s} p50 {percentile(sizes, 50):8.0f}  p99 {percentile(sizes, 99):8.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
