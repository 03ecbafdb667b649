"""`python -m export --verify DIR`: re-check a bundle from its files alone.

Checks the manifest's shape, every file's size and SHA-256 (raw and Brotli), that the Brotli copy
decompresses to the raw bytes, the 16 MiB shard limit, that the graph's external data points only at
listed weight files; then loads the graph from the compressed files (as the web app does) with
onnxruntime and answers one question through the tool loop.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import brotli
import onnx

from export.shards import SHARD_LIMIT
from worldmodel.model.onnx_backend import MANIFEST, OnnxBackend, SUPPORTED_FORMAT_VERSIONS

REQUIRED_KEYS = ("format_version", "model", "protocol_version", "architecture", "generation", "tokenizer", "graph", "files")
ROLES = ("graph", "weights", "tokenizer", "config")
VERIFY_QUESTION = "What is 17 times 23?"


class VerifyError(RuntimeError):
    pass


@dataclass
class VerifyReport:
    files: int
    size: int
    compressed_size: int
    answer: str
    stop_reason: str
    new_tokens: int
    tokens_per_second: float
    problems: list[str] = field(default_factory=list)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_files(folder: Path) -> tuple[dict, list[str]]:
    """Static checks; returns (manifest, problems)."""
    problems: list[str] = []
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise VerifyError(f"{folder}: no {MANIFEST}")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    missing = [key for key in REQUIRED_KEYS if key not in manifest]
    if missing:
        raise VerifyError(f"{manifest_path}: missing keys {missing}")
    if manifest["format_version"] not in SUPPORTED_FORMAT_VERSIONS:
        raise VerifyError(f"{manifest_path}: format_version {manifest['format_version']!r} is not supported")

    listed = set()
    for entry in manifest["files"]:
        path, compressed = entry["path"], entry["compressed"]
        listed.update({path, compressed["path"]})
        if entry["role"] not in ROLES:
            problems.append(f"{path}: unknown role {entry['role']!r}")
        if entry["role"] == "weights" and entry["size"] > SHARD_LIMIT:
            problems.append(f"{path}: {entry['size']} bytes exceeds the {SHARD_LIMIT} byte shard limit")
        packed_path = folder / compressed["path"]
        if not packed_path.is_file():
            problems.append(f"{compressed['path']}: missing")
            continue
        packed = packed_path.read_bytes()
        if len(packed) != compressed["size"] or _sha(packed) != compressed["sha256"]:
            problems.append(f"{compressed['path']}: size or SHA-256 differs from the manifest")
            continue
        data = brotli.decompress(packed)
        if len(data) != entry["size"] or _sha(data) != entry["sha256"]:
            problems.append(f"{compressed['path']}: decompresses to bytes that differ from the manifest's {path}")
        raw_path = folder / path
        if raw_path.is_file() and raw_path.read_bytes() != data:
            problems.append(f"{path}: raw file differs from its Brotli copy")

    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {MANIFEST}
    problems += [f"{path}: not listed in the manifest" for path in sorted(present - listed)]

    entries = {entry["path"]: entry for entry in manifest["files"]}
    graph_entry = entries.get(manifest["graph"])
    if graph_entry is None or graph_entry["role"] != "graph":
        problems.append(f"graph {manifest['graph']!r} is not listed with role 'graph'")
    else:
        graph = onnx.load_from_string(brotli.decompress((folder / graph_entry["compressed"]["path"]).read_bytes()))
        graph_dir = Path(manifest["graph"]).parent.as_posix()
        locations = {
            next(e.value for e in tensor.external_data if e.key == "location")
            for tensor in graph.graph.initializer
            if tensor.data_location == onnx.TensorProto.EXTERNAL
        }
        referenced = {f"{graph_dir}/{location}" for location in locations}
        weights = {path for path, entry in entries.items() if entry["role"] == "weights"}
        problems += [f"graph references {path}, which is not a listed weight file" for path in sorted(referenced - weights)]
        problems += [f"{path}: weight file not referenced by the graph" for path in sorted(weights - referenced)]
        names = [i.name for i in graph.graph.input]
        expected = manifest.get("onnx", {}).get("inputs")
        if expected is not None and names != expected:
            problems.append(f"graph inputs {names} differ from manifest onnx.inputs")
    return manifest, problems


def verify_bundle(folder: "str | Path", question: str = VERIFY_QUESTION, max_new_tokens: int = 48, threads: int | None = None) -> VerifyReport:
    """Raises VerifyError listing every problem; returns the report when the bundle is sound."""
    from worldmodel.generate import GenerationConfig, generate

    folder = Path(folder)
    manifest, problems = check_files(folder)
    if problems:
        raise VerifyError(f"{folder}: " + "; ".join(problems))
    backend = OnnxBackend.from_bundle(folder, threads=threads, prefer_compressed=True)
    result = generate(backend, question, GenerationConfig(max_new_tokens=max_new_tokens))
    if result.new_tokens < 1:
        raise VerifyError(f"{folder}: the model produced no token")
    return VerifyReport(
        files=len(manifest["files"]),
        size=manifest["totals"]["size"],
        compressed_size=manifest["totals"]["compressed_size"],
        answer=result.text,
        stop_reason=result.stop_reason,
        new_tokens=result.new_tokens,
        tokens_per_second=result.new_tokens / result.seconds if result.seconds else 0.0,
    )
