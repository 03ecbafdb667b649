"""Hostile bundles: a small synthetic bundle (valid manifest, real hashes, Brotli copies; the graph is
not a real model) and mutations of it that every reader (Python and the browser worker) must refuse.
Symlinks, which a web client cannot meet, are tested in test_hostile_bundles.py on their own."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import brotli

SHARD = "onnx/model.onnx_data"
BOMB_DECLARED = 1 << 20  # what the manifest says the shard holds
BOMB_ACTUAL = 1 << 30  # what its 809 Brotli bytes expand to


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def base_files() -> dict[str, bytes]:
    return {
        "config.json": b'{"model_type": "llama"}\n',
        "tokenizer.json": b'{"version": "1.0"}\n',
        "tokenizer_config.json": b'{"chat_template": null}\n',
        "onnx/model.onnx": b"not a real graph",
        SHARD: bytes(range(256)) * 4,
    }


def manifest_for(files: dict[str, bytes], packed: dict[str, bytes]) -> dict:
    role = lambda path: "graph" if path == "onnx/model.onnx" else "weights" if path == SHARD else (  # noqa: E731
        "tokenizer" if path.startswith("tokenizer") else "config")
    return {
        "format_version": 1,
        "model": {"id": "hostile-test", "version": "000000000000", "source": "tests/hostile", "quantization": "fp32"},
        "protocol_version": 1,
        "architecture": {"num_layers": 1, "num_attention_heads": 1, "num_kv_heads": 1, "head_dim": 8,
                         "vocab_size": 16, "hidden_size": 8, "max_position_embeddings": 64},
        "generation": {"max_new_tokens": 8, "temperature": 0.0, "top_p": 1.0, "eos_token_ids": [2],
                       "stop_strings": ["</wat_model>"]},
        "tokenizer": {"files": ["tokenizer.json", "tokenizer_config.json"], "chat_template": None,
                      "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 2},
        "graph": "onnx/model.onnx",
        "onnx": {"opset": 17},
        "files": [
            {"path": path, "role": role(path), "size": len(data), "sha256": _sha(data),
             "compressed": {"path": path + ".br", "encoding": "br", "size": len(packed[path]),
                            "sha256": _sha(packed[path])}}
            for path, data in sorted(files.items())
        ],
    }


def brotli_bomb() -> bytes:
    """BOMB_ACTUAL zero bytes in about 800 Brotli bytes, built in 1 MiB steps (never held whole)."""
    compressor = brotli.Compressor(quality=5, lgwin=24)
    zeros = bytes(1 << 20)
    out = bytearray()
    for _ in range(BOMB_ACTUAL >> 20):
        out += compressor.process(zeros)
    return bytes(out + compressor.finish())


@dataclass(frozen=True)
class BundleCase:
    """`mutate(manifest, packed)` edits the manifest dict (or returns raw manifest bytes) and may replace
    compressed files; `expect` is a fragment of the Python BundleError."""

    name: str
    mutate: Callable[[dict, dict[str, bytes]], "dict | bytes | None"]
    expect: str


def _set(path: str, value) -> Callable:
    def mutate(manifest: dict, packed: dict) -> None:
        *parents, last = path.split(".")
        node = manifest
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if value is _DELETE:
            del node[int(last) if isinstance(node, list) else last]
        else:
            node[int(last) if isinstance(node, list) else last] = value
    return mutate


_DELETE = object()


def _raw(transform: Callable[[bytes], bytes]) -> Callable:
    return lambda manifest, packed: transform(json.dumps(manifest, indent=2).encode())


def _bomb(manifest: dict, packed: dict) -> None:
    bomb = brotli_bomb()
    entry = next(e for e in manifest["files"] if e["path"] == SHARD)
    entry["size"] = BOMB_DECLARED
    entry["compressed"].update(size=len(bomb), sha256=_sha(bomb))
    packed[SHARD] = bomb


CASES = [
    BundleCase("traversal-path", _set("files.0.path", "../../outside.json"), "stay inside the bundle"),
    BundleCase("absolute-path", _set("files.0.path", "/etc/passwd"), "stay inside the bundle"),
    BundleCase("traversal-compressed", _set("files.0.compressed.path", "../secret.br"), "stay inside the bundle"),
    BundleCase("traversal-graph", _set("graph", "onnx/../../model.onnx"), "stay inside the bundle"),
    BundleCase("traversal-tokenizer", _set("tokenizer.files.0", "../tokenizer.json"), "stay inside the bundle"),
    BundleCase("backslash-path", _set("files.0.path", "onnx\\..\\..\\x"), "stay inside the bundle"),
    BundleCase("size-as-string", _set("files.0.size", "24"), "files.0.size"),
    BundleCase("size-negative", _set("files.0.size", -1), "files.0.size"),
    BundleCase("size-huge", _set("files.0.size", 1 << 40), "files.0.size"),
    BundleCase("size-fractional", _set("files.0.size", 24.5), "files.0.size"),
    BundleCase("missing-files", _set("files", _DELETE), "files"),
    BundleCase("missing-sha256", _set("files.0.sha256", _DELETE), "sha256"),
    BundleCase("sha256-not-hex", _set("files.0.sha256", "Z" * 64), "sha256"),
    BundleCase("files-not-a-list", _set("files", {"path": "config.json"}), "files"),
    BundleCase("files-empty", _set("files", []), "files"),
    BundleCase("unknown-role", _set("files.0.role", "script"), "role"),
    BundleCase("unknown-encoding", _set("files.0.compressed.encoding", "gzip"), "encoding"),
    BundleCase("graph-not-listed", _set("graph", "onnx/other.onnx"), "graph"),
    BundleCase("tokenizer-not-listed", _set("tokenizer.files", ["vocab.json"]), "tokenizer files"),
    BundleCase("format-version-float", _raw(lambda b: b.replace(b'"format_version": 1,', b'"format_version": 1.0,')), "format_version"),
    BundleCase("format-version-true", _set("format_version", True), "format_version"),
    BundleCase("format-version-2", _set("format_version", 2), "format_version"),
    BundleCase("protocol-version-string", _set("protocol_version", "1"), "protocol_version"),
    BundleCase("eos-not-ints", _set("generation.eos_token_ids", ["2"]), "eos_token_ids"),
    BundleCase("temperature-nan", _raw(lambda b: b.replace(b'"temperature": 0.0', b'"temperature": NaN')), "not valid JSON"),
    BundleCase("top-level-array", lambda manifest, packed: b"[1, 2, 3]", "not a JSON object"),
    BundleCase("truncated-json", _raw(lambda b: b[: len(b) // 2]), "not valid JSON"),
    BundleCase("empty-file", lambda manifest, packed: b"", "not valid JSON"),
    BundleCase("not-utf8", _raw(lambda b: b.replace(b'"hostile-test"', b'"hostile-\xff\xfe"')), "not UTF-8"),
    BundleCase("deep-nesting", lambda manifest, packed: b"[" * 200_000 + b"]" * 200_000, "nested deeper"),
    BundleCase("duplicate-path", lambda manifest, packed: manifest["files"].append(dict(manifest["files"][0])), "listed twice"),
    BundleCase("brotli-bomb", _bomb, "decompresses to more than"),
    BundleCase("benchmark-not-an-object", _set("benchmark", "v1"), "benchmark"),
    BundleCase("benchmark-tokens-negative",
               _set("benchmark", {"suite": "v1", "suite_sha256": "0" * 64, "sandbox": [],
                                  "greedy": [{"id": "short", "tokens": -1, "sha256": "0" * 64}]}), "benchmark"),
    BundleCase("benchmark-hash-not-hex",
               _set("benchmark", {"suite": "v1", "suite_sha256": "Z" * 64, "greedy": [], "sandbox": []}), "benchmark"),
    BundleCase("template-endless-loop",
               _set("tokenizer.chat_template", "{% set r = range(100000) %}{% for i in r %}{% for j in r %}{% endfor %}{% endfor %}"),
               "chat template"),
    BundleCase("template-memory-bomb", _set("tokenizer.chat_template", "{% for i in range(100000) %}{{ 'x' * 99999 }}{% endfor %}"),
               "chat template"),
]


def write_case(out: Path, case: BundleCase | None) -> Path:
    """The synthetic bundle in `out`, with `case` applied (None: the valid bundle). Returns `out`."""
    files = base_files()
    packed = {path: brotli.compress(data) for path, data in files.items()}
    manifest = manifest_for(files, packed)
    result = case.mutate(manifest, packed) if case else None
    out.mkdir(parents=True, exist_ok=True)
    for path, data in packed.items():
        (out / (path + ".br")).parent.mkdir(parents=True, exist_ok=True)
        (out / (path + ".br")).write_bytes(data)
    (out / "manifest.json").write_bytes(result if isinstance(result, bytes) else json.dumps(manifest, indent=2).encode())
    return out
