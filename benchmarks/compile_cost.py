"""Compile time and peak memory of wasmtime (Cranelift, the runtime's engine settings) for functions with
many locals live across many block/br_if joins: the cost behind `Limits.max_compile_cost`.

    python -m benchmarks.compile_cost [--sizes 500,1000,2000,4000] [--straight-line-mb 1.9]

Each measurement runs in a fresh process so that its peak memory is its own. The product locals × blocks
(worldmodel.wasm_sections.compile_cost) is printed beside each figure, with whether the runtime admits it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

MEASURE = r"""
import json, resource, sys, time, wasmtime
sys.path[:0] = [p for p in sys.argv[2:]]
from worldmodel.runtime import Limits, _engine
from worldmodel.wasm_sections import compile_cost
binary = bytes(wasmtime.wat2wasm(open(sys.argv[1]).read()))
started = time.perf_counter()
wasmtime.Module(_engine(Limits.stack_bytes), binary)
print(json.dumps({"seconds": time.perf_counter() - started, "binary": len(binary), "cost": compile_cost(binary),
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def joins_module(locals_: int, blocks: int) -> str:
    """Many locals live across many block/br_if joins: Cranelift's cost grows with their product."""
    sets = " ".join(f"(local.set {i} (i64.const {i}))" for i in range(locals_))
    joins = " ".join(f"(block (br_if 0 (i32.const {i % 2})) (local.set {i % locals_} (i64.const {i})))" for i in range(blocks))
    uses = "(i64.const 0) " + " ".join(f"(local.get {i}) (i64.add)" for i in range(locals_)) + " (drop)"
    return f'(module (func (export "main") (local {" i64" * locals_}) {sets} {joins} {uses}))'


def straight_line_module(megabytes: float) -> str:
    """One function of independent additions, about `megabytes` of text: cost linear in size, few locals."""
    step = "(local.set 0 (i64.add (local.get 0) (i64.const 7))) "
    return f'(module (func (export "main") (local i64) {step * int(megabytes * 2**20 / len(step))}))'


def measure(wat: str) -> dict:
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".wat") as file:
        file.write(wat)
        file.flush()
        done = subprocess.run([sys.executable, "-c", MEASURE, file.name, *sys.path], capture_output=True, text=True,
                              timeout=600, check=True)
    return json.loads(done.stdout)


def main(argv=None) -> int:
    from worldmodel.runtime import Limits

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,1000,2000,4000", help="locals = blocks for each measurement")
    parser.add_argument("--straight-line-mb", type=float, default=1.9, help="size of the straight-line module")
    args = parser.parse_args(argv)
    cap = Limits.max_compile_cost
    print(f"{'module':<28} {'binary':>9} {'locals×blocks':>14} {'compile s':>10} {'peak MiB':>9}  admitted (cap {cap:,})")
    rows = [(f"{n} locals × {n} joins", joins_module(n, n)) for n in map(int, args.sizes.split(","))]
    rows.append((f"straight line {args.straight_line_mb} MB", straight_line_module(args.straight_line_mb)))
    for name, wat in rows:
        figures = measure(wat)
        print(f"{name:<28} {figures['binary']:>9,} {figures['cost']:>14,} {figures['seconds']:>10.2f} "
              f"{figures['peak_mib']:>9.0f}  {'yes' if figures['cost'] <= cap else 'no: module_too_large'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
