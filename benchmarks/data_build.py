"""Dataset build speed: candidates checked per second (CPython + convert + runtime), one process.

    python -m benchmarks.data_build [PER_FAMILY]

The full build (`worldmodel data build`) checks ~90 candidates per family in 2 processes; this prints the
figures to extrapolate from.
"""

from __future__ import annotations

import sys
import time

from worldmodel.data.build import build
from worldmodel.data.families import FAMILIES


def main() -> None:
    per_family = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    started = time.perf_counter()
    result = build(0, per_family=per_family, workers=1)
    elapsed = time.perf_counter() - started
    candidates = per_family * len(FAMILIES)
    print(
        f"families: {len(FAMILIES)}, candidates: {candidates}, kept rows: {len(result.rows)}, "
        f"dropped: {sum(result.drops.values())} {dict(sorted(result.drops.items()))}"
    )
    print(
        f"build: {elapsed:.2f} s, {1000 * elapsed / candidates:.1f} ms per candidate, "
        f"{candidates / elapsed:.1f} candidates/s (one process)"
    )


if __name__ == "__main__":
    main()
