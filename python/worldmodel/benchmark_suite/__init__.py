"""The browser benchmark's suite: fixed prompts, modules and questions, one JSON file per version (docs/leaderboard.md).

The suite is data (`v1.json`), read here by the export (expected results into the manifest) and the leaderboard
server (checks), and imported by the benchmark page (web/src/benchmark/). A released file never changes; a new
suite is a new file.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

SUITE_DIR = Path(__file__).parent
CURRENT_SUITE = "v1"
SUITES = ("v1",)

# Greedy tokens are compared only before the first step whose top-two logit margin is below this: engines that sum
# in another order (onnxruntime CPU vs wasm, 1 vs N threads) agree on the argmax only where it is not a near tie.
NEAR_TIE = 0.05


def suite_path(name: str = CURRENT_SUITE) -> Path:
    if name not in SUITES:
        raise ValueError(f"unknown benchmark suite {name!r} (known: {', '.join(SUITES)})")
    return SUITE_DIR / f"{name}.json"


@cache
def suite_bytes(name: str = CURRENT_SUITE) -> bytes:
    return suite_path(name).read_bytes()


def load_suite(name: str = CURRENT_SUITE) -> dict:
    return json.loads(suite_bytes(name))


def suite_sha256(name: str = CURRENT_SUITE) -> str:
    return hashlib.sha256(suite_bytes(name)).hexdigest()


def token_prefix_sha256(token_ids: list[int]) -> str:
    """SHA-256 of token ids written as decimals joined by "," (the page's twin: web/src/benchmark/proof.ts)."""
    return hashlib.sha256(",".join(str(int(t)) for t in token_ids).encode("ascii")).hexdigest()


def stdout_sha256(stdout: str) -> str:
    return hashlib.sha256(stdout.encode("utf-8")).hexdigest()


def stable_prefix_length(margins: list[float], near_tie: float = NEAR_TIE) -> int:
    """How many greedy tokens come before the first step whose top-two margin is below `near_tie`."""
    for i, margin in enumerate(margins):
        if not margin >= near_tie:  # NaN counts as a tie
            return i
    return len(margins)
