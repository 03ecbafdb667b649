"""A made-up bundle manifest with a `benchmark` block, and results that it proves: for the leaderboard's tests and
its load benchmark (benchmarks/leaderboard_load.py). The token ids and outputs are invented; only their hashes
matter to the server."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path

from worldmodel import benchmark_suite

MODEL_ID, MODEL_VERSION = "worldmodel-tiny", "3f9c0a1b2c4d"
PREFIX_TOKENS = 17


def greedy_prefix(prompt_id: str) -> tuple[int, str]:
    """Made-up token ids, different per prompt: the server only compares hashes."""
    first = 100 * (1 + len(prompt_id))
    return PREFIX_TOKENS, benchmark_suite.token_prefix_sha256(list(range(first, first + PREFIX_TOKENS)))


def expected_block(suite: str = "v1") -> dict:
    data = benchmark_suite.load_suite(suite)
    greedy = []
    for item in data["greedy"]:
        tokens, sha = greedy_prefix(item["id"])
        greedy.append({"id": item["id"], "tokens": tokens, "sha256": sha})
    return {
        "suite": suite, "suite_sha256": benchmark_suite.suite_sha256(suite), "greedy": greedy,
        "sandbox": [{"id": item["id"], "stdout_sha256": benchmark_suite.stdout_sha256(f"out {item['id']}\n")}
                    for item in data["sandbox"]],
    }


def write_manifest(folder: Path, model_id: str = MODEL_ID, model_version: str = MODEL_VERSION,
                   benchmark: dict | None = None) -> Path:
    """A bundle folder holding only a manifest.json with a `benchmark` block (all the server reads of it, through the
    strict manifest reader: the rest is the smallest manifest it accepts)."""
    folder.mkdir(parents=True, exist_ok=True)
    graph = {"path": "onnx/model.onnx", "role": "graph", "size": 1, "sha256": "0" * 64}
    manifest = {"format_version": 1, "model": {"id": model_id, "version": model_version}, "protocol_version": 1,
                "architecture": {"num_layers": 2, "num_attention_heads": 4, "num_kv_heads": 2, "head_dim": 16,
                                 "vocab_size": 49152, "hidden_size": 64, "max_position_embeddings": 2048},
                "generation": {"max_new_tokens": 64, "temperature": 0.0, "top_p": 1.0, "eos_token_ids": [2],
                               "stop_strings": []},
                "tokenizer": {"files": ["onnx/model.onnx"]}, "graph": graph["path"], "files": [graph],
                "benchmark": expected_block() if benchmark is None else benchmark}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def submission(decode_ms: float = 1300.0, prefill_ms: float = 200.0, browser: str = "Chrome", os: str = "Linux",
               device_class: str = "desktop", **device) -> dict:
    """A result that passes every check: rates computed from its parts, hashes from expected_block()."""
    data = benchmark_suite.load_suite("v1")
    block = expected_block()
    expected_greedy = {g["id"]: g for g in block["greedy"]}
    greedy = []
    for index, item in enumerate(data["greedy"]):
        greedy.append({"id": item["id"], "prompt_tokens": 40 + 120 * index, "generated_tokens": 48,
                       "prefill_ms": prefill_ms * (1 + 3 * index), "decode_ms": decode_ms + 100 * index,
                       "tokens": expected_greedy[item["id"]]["tokens"], "sha256": expected_greedy[item["id"]]["sha256"]})
    sandbox = [{"id": item["id"], "runs": item["runs"], "p50_ms": 0.4, "p99_ms": 1.2,
                "stdout_sha256": s["stdout_sha256"]} for item, s in zip(data["sandbox"], block["sandbox"])]
    result = {
        "schema": 1, "suite": "v1", "run_id": str(uuid.uuid4()), "app_version": "0.1.0",
        "bundle": {"model_id": MODEL_ID, "model_version": MODEL_VERSION, "release_version": "1.0.0"},
        "device": {"browser": browser, "browser_version": "156.0", "os": os, "device_class": device_class,
                   "cores": 8, "device_memory_gb": 8, "cross_origin_isolated": True, "threads": 4, "simd": True,
                   "webgpu": None, **device},
        "results": {
            "load": {"cold_ms": 7012.5, "warm_ms": 1490.0},
            "greedy": greedy,
            "prefill_tokens_per_s": 0.0, "decode_tokens_per_s": 0.0,
            "sandbox": sandbox, "sandbox_p50_ms": 0.4, "sandbox_p99_ms": 2.0,
            "questions": {"total": len(data["questions"]), "correct": 12},
            "total_ms": 95000.0,
        },
    }
    return with_rates(result)


def with_rates(result: dict) -> dict:
    """Recompute the two rates from the greedy parts (after a test changed them)."""
    result = copy.deepcopy(result)
    greedy = result["results"]["greedy"]
    result["results"]["prefill_tokens_per_s"] = (sum(g["prompt_tokens"] for g in greedy)
                                                 / sum(g["prefill_ms"] for g in greedy) * 1000)
    result["results"]["decode_tokens_per_s"] = (sum(g["generated_tokens"] - 1 for g in greedy)
                                                / sum(g["decode_ms"] for g in greedy) * 1000)
    return result
