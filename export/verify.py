"""`python -m export --verify DIR`: re-check a bundle from its files alone.

Checks the manifest's shape, every file's size and SHA-256 (raw and Brotli), that the Brotli copy
decompresses to the raw bytes, the 16 MiB shard limit, that the graph's external data points only at
listed weight files; then loads the graph from the compressed files (as the web app does) with
onnxruntime and answers one question through the tool loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


from export.shards import SHARD_LIMIT
from worldmodel.model.bundle import MANIFEST, Bundle, BundleError
from worldmodel.model.onnx_backend import OnnxBackend, external_locations, load_graph, probe_template

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


def check_files(folder: Path) -> tuple[dict, list[str]]:
    """Static checks through the strict reader (worldmodel.model.bundle); returns (manifest, problems)."""
    try:
        bundle = Bundle(folder)
    except BundleError as error:
        raise VerifyError(str(error)) from None
    manifest = bundle.manifest
    problems: list[str] = []
    listed = set()
    for entry in manifest["files"]:
        path, compressed = entry["path"], entry["compressed"]
        if compressed is None:
            problems.append(f"{path}: no Brotli copy listed")
            continue
        listed.update({path, compressed["path"]})
        if entry["role"] == "weights" and entry["size"] > SHARD_LIMIT:
            problems.append(f"{path}: {entry['size']} bytes exceeds the {SHARD_LIMIT} byte shard limit")
        try:
            if not bundle.has(compressed["path"]):
                problems.append(f"{compressed['path']}: missing")
                continue
            data = bundle.read(path, prefer_compressed=True)
            if bundle.has(path) and bundle.read(path, check=False) != data:
                problems.append(f"{path}: raw file differs from its Brotli copy")
        except BundleError as error:
            problems.append(str(error))

    template = manifest["tokenizer"]["chat_template"]
    if template is not None:
        try:
            probe_template(template, str(folder))
        except BundleError as error:
            problems.append(str(error))

    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink()} - {MANIFEST}
    problems += [f"{path}: not listed in the manifest" for path in sorted(present - listed)]

    entries = {entry["path"]: entry for entry in manifest["files"]}
    graph_dir = Path(manifest["graph"]).parent.as_posix()
    try:
        graph = load_graph(bundle.read(manifest["graph"], prefer_compressed=True))
    except BundleError as error:
        return manifest, problems + [str(error)]
    referenced = {f"{graph_dir}/{location}" for location in external_locations(graph)}
    weights = {path for path, entry in entries.items() if entry["role"] == "weights"}
    problems += [f"graph references {path}, which is not a listed weight file" for path in sorted(referenced - weights)]
    problems += [f"{path}: weight file not referenced by the graph" for path in sorted(weights - referenced)]
    names = [i.name for i in graph.graph.input]
    expected = (manifest.get("onnx") or {}).get("inputs")
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
    try:
        backend = OnnxBackend.from_bundle(folder, threads=threads, prefer_compressed=True)
    except BundleError as error:
        raise VerifyError(str(error)) from None
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
