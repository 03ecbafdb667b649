"""The peer corpus (real solution programs): never a different output, and almost all identical.

Runs a deterministic sample (the first 4 programs of every AST shape) to stay fast; the full run is
`python -m benchmarks.peer_corpus`.
"""

from __future__ import annotations

import pytest

from benchmarks.peer_corpus import CORPUS, evaluate, load_corpus, sample_by_shape, summarise

pytestmark = pytest.mark.skipif(not CORPUS.exists(), reason="peer corpus not present on this machine")


def test_peer_corpus_sample():
    records = sample_by_shape(load_corpus(), per_shape=4)
    outcomes = [evaluate(r) for r in records]
    s = summarise(outcomes)
    assert s["different"] == [], s["different"][:3]
    identical = s["by_status"].get("identical", 0)
    assert identical >= 0.97 * len(outcomes), s["reasons"]
    assert s["shapes_all_identical"] >= 100
