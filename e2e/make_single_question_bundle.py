"""Copies the e2e bundle (DIR) to OUT with generation.context_budget 0: a model trained on single questions, whose
chat sends each question alone (worldmodel.chat_context.SINGLE_QUESTION; e2e/chat.spec.ts)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from worldmodel.chat_context import SINGLE_QUESTION


def main(bundle: Path, out: Path) -> None:
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    if out.exists():
        shutil.rmtree(out)
    for entry in manifest["files"]:
        for name in (entry["path"], (entry.get("compressed") or {}).get("path")):
            if name:
                (out / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(bundle / name, out / name)
    manifest["generation"]["context_budget"] = SINGLE_QUESTION
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"single-question bundle in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
