"""Writes the hostile bundles the browser worker must refuse (tests/hostile/bundles.py) into DIR/<case>/,
and DIR/index.json listing them; e2e/hostile.spec.ts loads each."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hostile.bundles import CASES, write_case  # noqa: E402


def main(out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    for case in CASES:
        write_case(out / case.name, case)
    (out / "index.json").write_text(json.dumps({"cases": [case.name for case in CASES]}, indent=2) + "\n")
    print(f"{len(CASES)} hostile bundles in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
