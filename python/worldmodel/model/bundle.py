"""The model bundle format (docs/bundle.md) in one place: its constants, hashing and Brotli settings, the
strict manifest schema, confined reading of a bundle that may be hostile, and where bundles live.
The writer (export/bundle.py), the verifier (export/verify.py) and the ONNX backend all use this module.
Every fault is a `BundleError` naming the file and the problem.

- The manifest is read up to MAX_MANIFEST_BYTES, parsed as strict UTF-8 JSON (no NaN, bounded nesting)
  and checked against a schema (pydantic, strict types: `1.0` or `true` is not the integer 1).
- Every path in it is a relative POSIX path without `..`; opening one resolves symlinks and refuses
  anything that lands outside the bundle folder (manifest.json included).
- Brotli files are decompressed in chunks and stop as soon as the output passes the declared size, so a
  1.6 KB shard that expands to 1 GiB costs at most the declared size plus one chunk.

web/worker/manifest.ts and bundle-loader.ts apply the same rules in the browser; tests/hostile/ holds the
manifests both must refuse.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from worldmodel import PROTOCOL_VERSION
from worldmodel.chat_context import CONTEXT_BUDGET
from worldmodel.model.versions import check_range, check_semver, satisfies

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
SUPPORTED_FORMAT_VERSIONS = (FORMAT_VERSION,)
# Quality 9: measured 136 MiB for the int8 model; 11 is no smaller and 40x slower. lgwin fixed too,
# because the output must not depend on library defaults.
BROTLI_QUALITY = 9
BROTLI_LGWIN = 22
# The versions of the web app (package.json) whose loader reads this format, and of the answer protocol
# (docs/protocol.md) the model speaks: what an export writes into `release.compatibility` by default.
DEFAULT_APP_RANGE = ">=0.1.0,<1.0.0"
DEFAULT_PROTOCOL_RANGE = f">={PROTOCOL_VERSION},<{PROTOCOL_VERSION + 1}"
UNRELEASED_VERSION = "0.0.0"  # a bundle built with `--out` and no `--version`
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
MAX_FILE_BYTES = 256 * 1024 * 1024  # the graph and each shard are far smaller (shards: 16 MiB)
MAX_FILES = 4096
MAX_JSON_DEPTH = 64  # the manifest nests 4 levels; json.loads would recurse into RecursionError
DECOMPRESS_CHUNK = 1 << 20
_SEGMENT = re.compile(r"^[A-Za-z0-9._+-]+$")


class BundleError(RuntimeError):
    """A bundle is missing a file, has a wrong hash or size, an unknown format or a malformed manifest."""


def check_bundle_path(path: str) -> str:
    """A manifest path must name a file inside the bundle: relative POSIX segments of safe characters."""
    parts = path.split("/")
    if not path or len(path) > 512 or any(part in ("", ".", "..") or not _SEGMENT.match(part) for part in parts):
        raise ValueError(f"path {path!r} must be relative, use '/' and plain names, and stay inside the bundle")
    return path



class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class CompressedFile(_Strict):
    model_config = ConfigDict(strict=True, extra="forbid")
    path: str
    encoding: Literal["br"]
    size: int = Field(ge=0, le=MAX_FILE_BYTES)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")

    _path = field_validator("path")(check_bundle_path)


class FileEntry(_Strict):
    model_config = ConfigDict(strict=True, extra="forbid")
    path: str
    role: Literal["graph", "weights", "tokenizer", "config"]
    size: int = Field(ge=0, le=MAX_FILE_BYTES)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    compressed: CompressedFile | None = None

    _path = field_validator("path")(check_bundle_path)


class ModelInfo(_Strict):
    id: str
    version: str
    source: str | None = None
    quantization: str | None = None


class Architecture(_Strict):
    num_layers: int = Field(gt=0, le=1024)
    num_attention_heads: int = Field(gt=0, le=1024)
    num_kv_heads: int = Field(gt=0, le=1024)
    head_dim: int = Field(gt=0, le=4096)
    vocab_size: int = Field(gt=0, le=10_000_000)
    hidden_size: int = Field(gt=0, le=65536)
    max_position_embeddings: int = Field(gt=0, le=10_000_000)


class Generation(_Strict):
    max_new_tokens: int = Field(gt=0, le=1_000_000)
    temperature: float = Field(ge=0, le=100, allow_inf_nan=False)
    top_p: float = Field(gt=0, le=1, allow_inf_nan=False)
    eos_token_ids: list[int] = Field(min_length=1, max_length=64)
    stop_strings: list[str] = Field(max_length=64)
    # Prompt tokens for earlier chat turns and the question, as the model was trained (worldmodel.chat_context;
    # 0: each question alone). Absent from bundles exported before the field.
    context_budget: int = Field(default=CONTEXT_BUDGET, ge=0, le=1_000_000)


class TokenizerInfo(_Strict):
    files: list[str] = Field(min_length=1, max_length=16)
    chat_template: str | None = Field(default=None, max_length=65536)
    bos_token_id: int | None = None
    eos_token_id: int | None = None
    pad_token_id: int | None = None

    @field_validator("files")
    @classmethod
    def _paths(cls, value: list[str]) -> list[str]:
        return [check_bundle_path(path) for path in value]


class Totals(_Strict):
    size: int = Field(ge=0)
    compressed_size: int = Field(ge=0)


class Compatibility(_Strict):
    model_config = ConfigDict(strict=True, extra="forbid")
    app: str = Field(max_length=128)
    protocol: str = Field(max_length=128)

    _ranges = field_validator("app", "protocol")(check_range)


class Release(_Strict):
    """The semantic model version and what it needs from its reader (the web app, the protocol)."""

    model_config = ConfigDict(strict=True, extra="forbid")
    version: str = Field(max_length=32)
    compatibility: Compatibility

    _version = field_validator("version")(check_semver)


class GreedyExpectation(_Strict):
    model_config = ConfigDict(strict=True, extra="forbid")
    id: str = Field(max_length=64)
    tokens: int = Field(ge=0, le=100_000)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class SandboxExpectation(_Strict):
    model_config = ConfigDict(strict=True, extra="forbid")
    id: str = Field(max_length=64)
    stdout_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class BenchmarkExpectations(_Strict):
    """What a real run of the browser benchmark suite on this bundle reproduces (docs/leaderboard.md)."""

    model_config = ConfigDict(strict=True, extra="forbid")
    suite: str = Field(max_length=32)
    suite_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    greedy: list[GreedyExpectation] = Field(max_length=256)
    sandbox: list[SandboxExpectation] = Field(max_length=256)


class Manifest(_Strict):
    # Strict ints, not Literal: pydantic's Literal[1] accepts `true` and `1.0`.
    format_version: int = Field(ge=1, le=1)
    model: ModelInfo
    protocol_version: int = Field(ge=1, le=1)
    architecture: Architecture
    generation: Generation
    tokenizer: TokenizerInfo
    graph: str
    onnx: dict | None = None
    files: list[FileEntry] = Field(min_length=1, max_length=MAX_FILES)
    totals: Totals | None = None
    release: Release | None = None  # absent in bundles written before releases existed
    benchmark: BenchmarkExpectations | None = None  # absent in bundles written before the benchmark page

    _graph = field_validator("graph")(check_bundle_path)


def _json_depth_ok(text: str) -> bool:
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest <= MAX_JSON_DEPTH


def parse_manifest(data: bytes, where: str = MANIFEST) -> Manifest:
    """Bytes of manifest.json → the checked manifest, or BundleError saying what is wrong."""
    if len(data) > MAX_MANIFEST_BYTES:
        raise BundleError(f"{where}: larger than {MAX_MANIFEST_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BundleError(f"{where}: not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})") from None
    if not _json_depth_ok(text):
        raise BundleError(f"{where}: JSON nested deeper than {MAX_JSON_DEPTH} levels")

    def no_constant(name: str):
        raise ValueError(f"{name} is not JSON")

    try:
        value = json.loads(text, parse_constant=no_constant)
    except ValueError as error:
        raise BundleError(f"{where}: not valid JSON ({error})") from None
    if not isinstance(value, dict):
        raise BundleError(f"{where}: not a JSON object")
    version = value.get("format_version")
    if type(version) is not int or version not in SUPPORTED_FORMAT_VERSIONS:
        shown = repr(version) if len(repr(version)) <= 40 else repr(version)[:37] + "..."
        raise BundleError(f"{where}: format_version {shown} is not supported (expected {SUPPORTED_FORMAT_VERSIONS})")
    try:
        manifest = Manifest.model_validate(value)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'manifest'}: {e['msg']}" for e in error.errors()[:5])
        raise BundleError(f"{where}: invalid manifest: {problems}") from None
    _check_consistency(manifest, where)
    return manifest


def _check_consistency(manifest: Manifest, where: str) -> None:
    paths = [entry.path for entry in manifest.files]
    packed = [entry.compressed.path for entry in manifest.files if entry.compressed]
    every = paths + packed
    if len(set(every)) != len(every) or MANIFEST in every:
        raise BundleError(f"{where}: a file is listed twice (or as {MANIFEST})")
    roles = {entry.path: entry.role for entry in manifest.files}
    if roles.get(manifest.graph) != "graph":
        raise BundleError(f"{where}: graph {manifest.graph!r} is not listed with role 'graph'")
    missing = [path for path in manifest.tokenizer.files if path not in roles]
    if missing:
        raise BundleError(f"{where}: tokenizer files {missing} are not listed in files")


def check_protocol(manifest: dict, where: str, protocol: int = PROTOCOL_VERSION) -> None:
    """Refuse a bundle whose release says it speaks another answer protocol than this reader."""
    release = manifest.get("release")
    if release is not None and not satisfies(str(protocol), release["compatibility"]["protocol"]):
        raise BundleError(f"{where}: model {release['version']} needs protocol {release['compatibility']['protocol']}, "
                          f"this reader speaks protocol {protocol}")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def compress(data: bytes) -> bytes:
    """The Brotli copy of a bundle file, with fixed settings so equal inputs give equal bytes."""
    import brotli

    return brotli.compress(data, mode=brotli.MODE_GENERIC, quality=BROTLI_QUALITY, lgwin=BROTLI_LGWIN)


def content_version(files: list[dict]) -> str:
    """`model.version`: 12 hex of SHA-256 over the listed raw files' paths and hashes (changes iff content does)."""
    return hashlib.sha256("".join(f"{f['path']}:{f['sha256']}\n" for f in files).encode()).hexdigest()[:12]


def manifest_bytes(manifest: dict) -> bytes:
    """manifest.json as the writer stores it (the release path is addressed by these bytes' hash)."""
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def default_bundle_path() -> Path:
    """The bundle `make run` exports (`python -m export --out bundles/default`); $WORLDMODEL_BUNDLE overrides it."""
    override = os.environ.get("WORLDMODEL_BUNDLE")
    if override:
        return Path(override).expanduser()
    # python/worldmodel/model/bundle.py → the repository root is three levels above the package folder.
    return Path(__file__).resolve().parents[3] / "bundles" / "default"


def resolve_bundle(bundle: "str | os.PathLike | None" = None) -> Path:
    """The bundle folder (default: default_bundle_path()); it must hold a manifest."""
    folder = Path(bundle or default_bundle_path())
    if not (folder / MANIFEST).is_file():
        raise FileNotFoundError(f"no bundle at {folder}: build one with `python -m export --out {folder}`")
    return folder


def decompress_exact(packed: bytes, size: int, name: str) -> bytes:
    """Brotli-decompress `packed`, which must expand to exactly `size` bytes; stops once it exceeds them."""
    import brotli

    decompressor = brotli.Decompressor()
    out = bytearray()
    pending = packed
    try:
        while True:
            piece = decompressor.process(pending, output_buffer_limit=DECOMPRESS_CHUNK)
            pending = b""
            out += piece
            if len(out) > size:
                raise BundleError(f"{name}: decompresses to more than the {size} bytes the manifest declares")
            if decompressor.is_finished():
                break
            if not piece and decompressor.can_accept_more_data():
                raise BundleError(f"{name}: Brotli stream is truncated")
    except brotli.error as error:
        raise BundleError(f"{name}: not a valid Brotli stream ({error})") from None
    if len(out) != size:
        raise BundleError(f"{name}: decompresses to {len(out)} bytes, the manifest declares {size}")
    return bytes(out)


class Bundle:
    """Read access to a bundle folder: the checked manifest, and each file by path, raw or decompressed,
    confined to the folder and hash-checked."""

    def __init__(self, folder: "str | os.PathLike"):
        self.folder = Path(folder)
        self.root = self.folder.resolve()
        manifest_path = self.folder / MANIFEST
        if not manifest_path.is_file():
            raise BundleError(f"{self.folder} is not a model bundle (no {MANIFEST}); build one with `python -m export --out DIR`")
        self.schema = parse_manifest(self._read_capped(MANIFEST, MAX_MANIFEST_BYTES), str(manifest_path))
        self.manifest = self.schema.model_dump()
        check_protocol(self.manifest, str(manifest_path))
        self.entries = {entry["path"]: entry for entry in self.manifest["files"]}

    def confined(self, path: str) -> Path:
        """The file for a manifest path, refusing one that resolves (through symlinks) outside the bundle."""
        resolved = (self.root / check_bundle_path(path)).resolve()
        if not resolved.is_relative_to(self.root):
            raise BundleError(f"{path}: resolves outside the bundle folder {self.folder}")
        return resolved

    def _read_capped(self, path: str, limit: int) -> bytes:
        try:
            with open(self.confined(path), "rb") as file:
                data = file.read(limit + 1)
        except OSError as error:
            raise BundleError(f"{self.folder / path}: cannot be read ({error.strerror})") from None
        if len(data) > limit:
            raise BundleError(f"{self.folder / path}: larger than the {limit} bytes the manifest declares")
        return data

    def has(self, path: str) -> bool:
        return self.confined(path).is_file()

    def read(self, path: str, check: bool = True, prefer_compressed: bool = False) -> bytes:
        """The raw bytes of `path`: from the raw file if present (unless `prefer_compressed`), else by
        decompressing its `.br` copy, as a CDN client would."""
        entry = self.entries.get(path)
        if entry is None:
            raise BundleError(f"{path} is not listed in {self.folder / MANIFEST}")
        compressed = entry["compressed"]
        has_packed = compressed is not None and self.has(compressed["path"])
        if self.has(path) and not (prefer_compressed and has_packed):
            data = self._read_capped(path, entry["size"])
        else:
            if not has_packed:
                raise BundleError(f"bundle {self.folder} lacks both {path} and its compressed copy")
            packed = self._read_capped(compressed["path"], compressed["size"])
            if check and sha256_bytes(packed) != compressed["sha256"]:
                raise BundleError(f"{self.folder / compressed['path']}: SHA-256 does not match the manifest")
            data = decompress_exact(packed, entry["size"], str(self.folder / compressed["path"]))
        if check and (len(data) != entry["size"] or sha256_bytes(data) != entry["sha256"]):
            raise BundleError(f"{self.folder / path}: size or SHA-256 does not match the manifest")
        return data
