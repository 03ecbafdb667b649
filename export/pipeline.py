"""The export pipeline, stage by stage: load → ONNX → parity → quantize → bundle → benchmark expectations → verify."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from export.benchmark_expectations import write_benchmark_block
from export.bundle import write_bundle
from export.onnx_export import export_onnx
from export.parity import MIN_TOP1_AGREEMENT, ParityError, check_parity
from export.reference_text import reference_token_ids
from export.shards import SHARD_LIMIT
from export.source import load_source

# The tiny model fits one 16 MiB shard; smaller shards make every tiny bundle exercise the multi-shard
# paths (splitting the embedding, several external-data files) in tests and in the web worker.
TINY_SHARD_LIMIT = 1 << 20
from export.verify import verify_bundle
from quantization.evaluate import compare_to_fp32
from quantization.quality_gates import check_quality
from quantization.weight_only_int8 import quantize_model
from worldmodel.model.onnx_backend import LlamaOnnxSession


@dataclass
class BuildReport:
    out: str
    quantization: str
    manifest: dict = field(default_factory=dict)
    parity: dict = field(default_factory=dict)
    quality: dict = field(default_factory=dict)
    verify: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)


class _Stages:
    def __init__(self, total: int, progress):
        self.total, self.index, self.progress, self.seconds = total, 0, progress, {}

    def __call__(self, name: str):
        stages = self

        class _Stage:
            def __enter__(self):
                stages.index += 1
                stages.progress(f"[{stages.index}/{stages.total}] {name}…")
                self.started = time.perf_counter()

            def __exit__(self, kind, value, traceback):
                elapsed = time.perf_counter() - self.started
                stages.seconds[name] = round(elapsed, 2)
                if kind is None:
                    stages.progress(f"      done in {elapsed:.1f} s")

        return _Stage()


def build_bundle(out: "str | Path", tiny: bool = False, adapter: "str | Path | None" = None,
                 base: "str | Path | None" = None, quantization: str = "int8", verify: bool = True,
                 threads: int | None = None, shard_limit: int | None = None, progress=print,
                 tiny_revision: int = 0, release: dict | None = None) -> BuildReport:
    """Build a bundle at `out`. Raises ParityError / QualityError when the graph is not faithful.
    `release`: the manifest's release block (export.bundle.release_block)."""
    stage = _Stages(7 if verify else 6, progress)
    report = BuildReport(out=str(out), quantization=quantization)
    if threads:
        import torch

        torch.set_num_threads(threads)

    with stage("load model" + (" (tiny, random)" if tiny else "") + (f" + adapter {adapter}" if adapter else "")):
        source = load_source(tiny=tiny, adapter=adapter, base=base, tiny_revision=tiny_revision)
        token_ids = reference_token_ids(source.tokenizer)
        progress(f"      {source.description}; {sum(p.numel() for p in source.model.parameters()):,} parameters")

    with stage("export ONNX (fp32, explicit KV cache)"):
        fp32_graph = export_onnx(source.model)
        fp32_session = LlamaOnnxSession(fp32_graph.SerializeToString(), threads)

    with stage(f"parity vs PyTorch on {len(token_ids)} tokens"):
        parity = check_parity(source.model, fp32_session, token_ids)
        report.parity = asdict(parity)
        progress("      " + parity.summary())
        if not parity.passed():
            raise ParityError(f"ONNX graph disagrees with PyTorch: {parity.summary()} "
                              f"(needs top-1 ≥ {MIN_TOP1_AGREEMENT:.1%})")

    with stage(f"quantize ({quantization})"):
        graph = quantize_model(fp32_graph, quantization)
        if quantization != "fp32":
            quality = compare_to_fp32(quantization, fp32_session, LlamaOnnxSession(graph.SerializeToString(), threads), token_ids)
            report.quality = asdict(quality)
            progress("      " + quality.summary())
            check_quality(quality)
        del fp32_graph, fp32_session

    with stage(f"write bundle to {out}"):
        limit = shard_limit or (TINY_SHARD_LIMIT if tiny else SHARD_LIMIT)
        report.manifest = write_bundle(Path(out), graph, quantization, source, shard_limit=limit, progress=progress,
                                       release=release)
        totals = report.manifest["totals"]
        progress(f"      {totals['size'] / 2**20:.1f} MiB raw, {totals['compressed_size'] / 2**20:.1f} MiB Brotli; "
                 f"version {report.manifest['model']['version']}")

    with stage("benchmark expectations (greedy prefixes before a near tie, sandbox outputs)"):
        report.manifest["benchmark"] = write_benchmark_block(out, threads=threads, progress=progress)

    if verify:
        with stage("verify bundle (hashes, onnxruntime, one question through the tool loop)"):
            result = verify_bundle(out, threads=threads)
            report.verify = {"stop_reason": result.stop_reason, "new_tokens": result.new_tokens,
                             "tokens_per_second": round(result.tokens_per_second, 1), "answer": result.answer}
            progress(f"      {result.new_tokens} tokens ({result.stop_reason}), {result.tokens_per_second:.1f} tok/s: "
                     f"{result.answer[:120]!r}")
    report.seconds = stage.seconds
    return report
