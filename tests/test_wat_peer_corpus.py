"""The peer corpus (real solution programs): never a different output, and almost all identical.

Uses the full corpus when this machine has it (../shared/corpus beside the checkout), else the deterministic sample
checked in next to this test (the first 4 programs of every AST shape: 295 programs). The full
report is `python -m benchmarks.peer_corpus`.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.peer_corpus import CORPUS, evaluate, load_corpus, sample_by_shape, summarise

SAMPLE = Path(__file__).parent / "data" / "wat_peer_corpus_sample.jsonl"


def test_peer_corpus_sample():
    records = sample_by_shape(load_corpus(CORPUS if CORPUS.exists() else SAMPLE), per_shape=4)
    assert len(records) >= 290
    outcomes = [evaluate(r) for r in records]
    s = summarise(outcomes)
    assert s["different"] == [], s["different"][:3]
    identical = s["by_status"].get("identical", 0)
    assert identical >= 0.97 * len(outcomes), s["reasons"]
    assert s["shapes_all_identical"] >= 100
