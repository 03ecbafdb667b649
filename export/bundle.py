"""Writing a bundle folder (docs/bundle.md): HF config and tokenizer files, the graph with its weight
shards, a Brotli copy of every file, and `manifest.json`. Same inputs → byte-identical folder."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import onnx

from export.llama_graph import LlamaShape, input_names, output_names
from export.onnx_export import OPSET
from export.shards import SHARD_LIMIT, write_sharded
from export.source import Source
from worldmodel.generate import GenerationConfig
from worldmodel import PROTOCOL_VERSION
from worldmodel.model.bundle import (DEFAULT_APP_RANGE, DEFAULT_PROTOCOL_RANGE, FORMAT_VERSION, MANIFEST,
                                     UNRELEASED_VERSION, compress, content_version, manifest_bytes, sha256_bytes)
from worldmodel.model.versions import check_range, check_semver
from worldmodel.protocol import WAT_CLOSE

GRAPH_FILES = {"fp32": "onnx/model.onnx", "int8": "onnx/model_quantized.onnx"}  # transformers.js names
TRANSFORMERS_JS_DTYPE = {"fp32": "fp32", "int8": "q8"}


def release_block(version: str = UNRELEASED_VERSION, app_range: str = DEFAULT_APP_RANGE,
                  protocol_range: str = DEFAULT_PROTOCOL_RANGE) -> dict:
    """The manifest's `release`: the semantic model version and the app and protocol versions it works with."""
    return {"version": check_semver(version),
            "compatibility": {"app": check_range(app_range), "protocol": check_range(protocol_range)}}


def _json_bytes(value) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _config_json(source: Source, level: str, shard_count: int) -> dict:
    config = source.model.config.to_dict()
    # Private keys carry local paths or commit hashes: not part of the model, and not reproducible.
    config = {key: value for key, value in config.items() if not key.startswith("_")}
    config.pop("quantization_config", None)
    config["architectures"] = ["LlamaForCausalLM"]
    config["dtype"] = "float32"
    # transformers 5 keeps rope_theta under rope_parameters; readers built on transformers 4 (optimum)
    # look for it at the top level and silently fall back to 10000 without it.
    config["rope_theta"] = LlamaShape.from_config(source.model.config).rope_theta
    graph_name = Path(GRAPH_FILES[level]).name
    config["transformers.js_config"] = {
        "dtype": TRANSFORMERS_JS_DTYPE[level],
        "use_external_data_format": {graph_name: shard_count},
    }
    return config


def _generation(source: Source) -> dict:
    defaults = GenerationConfig()
    return {
        "max_new_tokens": defaults.max_new_tokens,
        "temperature": defaults.temperature,
        "top_p": defaults.top_p,
        "eos_token_ids": source.eos_token_ids,
        "stop_strings": [WAT_CLOSE],
        "context_budget": source.context_budget,
    }


def _generation_config_json(source: Source) -> dict:
    tokenizer = source.tokenizer
    return {
        "bos_token_id": tokenizer.bos_token_id,
        "eos_token_id": source.eos_token_ids,
        "pad_token_id": tokenizer.pad_token_id,
        "do_sample": False,
        "max_new_tokens": GenerationConfig().max_new_tokens,
    }


def _tokenizer_config_json(source: Source, shape: LlamaShape) -> dict:
    tokenizer = source.tokenizer
    return {
        # transformers.js reads the chat template only from here; transformers 5 would write a separate
        # chat_template.jinja, so this file is written by hand.
        "chat_template": source.chat_template,
        "bos_token": tokenizer.bos_token,
        "eos_token": tokenizer.eos_token,
        "pad_token": tokenizer.pad_token,
        "unk_token": tokenizer.unk_token,
        "add_bos_token": False,
        "add_prefix_space": False,
        "clean_up_tokenization_spaces": False,
        "model_max_length": shape.max_position_embeddings,
        "tokenizer_class": "GPT2Tokenizer",
    }


def _role(path: str, level: str) -> str:
    if path == GRAPH_FILES[level]:
        return "graph"
    if path.startswith("onnx/"):
        return "weights"
    return "tokenizer" if path.startswith("tokenizer") else "config"


def write_bundle(out: Path, graph: onnx.ModelProto, level: str, source: Source, shard_limit: int = SHARD_LIMIT,
                 progress=print, release: dict | None = None) -> dict:
    """Write the bundle for `graph` (quantization `level`) to `out`, replacing an earlier bundle there.
    Returns the manifest. `graph` is modified (its weights move to shard files). `release`: the manifest's
    release block (default: release_block(), an unreleased 0.0.0)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise FileExistsError(f"{out} exists and is not a bundle: refusing to replace it")
    shape = LlamaShape.from_config(source.model.config)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Build beside the target and swap it in at the end, so readers never see half a bundle.
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        if not 0 < shard_limit <= SHARD_LIMIT:
            raise ValueError(f"shard limit must be between 1 byte and {SHARD_LIMIT} bytes, got {shard_limit}")
        shards = write_sharded(graph, work / GRAPH_FILES[level], shard_limit)
        progress(f"  {len(shards)} weight shards of at most {shard_limit / 2**20:g} MiB")
        (work / "config.json").write_bytes(_json_bytes(_config_json(source, level, len(shards))))
        (work / "generation_config.json").write_bytes(_json_bytes(_generation_config_json(source)))
        (work / "tokenizer.json").write_bytes(source.tokenizer.backend_tokenizer.to_str(pretty=False).encode("utf-8"))
        (work / "tokenizer_config.json").write_bytes(_json_bytes(_tokenizer_config_json(source, shape)))

        files = []
        raw_paths = sorted(p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file())
        for index, path in enumerate(raw_paths, 1):
            data = (work / path).read_bytes()
            packed = compress(data)
            (work / (path + ".br")).write_bytes(packed)
            files.append({
                "path": path,
                "role": _role(path, level),
                "size": len(data),
                "sha256": sha256_bytes(data),
                "compressed": {"path": path + ".br", "encoding": "br", "size": len(packed),
                               "sha256": sha256_bytes(packed)},
            })
            progress(f"  [{index}/{len(raw_paths)}] {path}: {len(data):,} B → {len(packed):,} B br")

        manifest = {
            "format_version": FORMAT_VERSION,
            "model": {"id": source.model_id, "version": content_version(files), "source": source.description,
                      "quantization": level},
            "release": release or release_block(),
            "protocol_version": PROTOCOL_VERSION,
            "architecture": shape.as_manifest(),
            "generation": _generation(source),
            "tokenizer": {
                "files": ["tokenizer.json", "tokenizer_config.json"],
                "chat_template": source.chat_template,
                "bos_token_id": source.tokenizer.bos_token_id,
                "eos_token_id": source.tokenizer.eos_token_id,
                "pad_token_id": source.tokenizer.pad_token_id,
            },
            "graph": GRAPH_FILES[level],
            "onnx": {
                "opset": OPSET,
                "inputs": input_names(shape),
                "outputs": output_names(shape),
                "kv_dtype": "float32",
                "session_options": {"disable_quant_qdq": True},
            },
            "files": files,
            "totals": {"size": sum(f["size"] for f in files),
                       "compressed_size": sum(f["compressed"]["size"] for f in files)},
        }
        (work / MANIFEST).write_bytes(manifest_bytes(manifest))
        os.chmod(work, 0o755)  # mkdtemp makes it 0700; a bundle is served to others
        if out.exists():
            shutil.rmtree(out)
        os.replace(work, out)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return manifest
