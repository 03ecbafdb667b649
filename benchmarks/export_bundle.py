"""The export benchmark for the real model, in one run:

    python -m benchmarks.export_bundle [--adapter DIR] [--questions FILE] [--limit N] [--threads N]

prints bytes raw / Brotli per format (fp32, int8), parity vs PyTorch, perplexity, top-1 vs fp32, task
accuracy PyTorch vs ONNX int8 (the evaluation harness through each backend), and CPU tokens/s for prefill
and decode (torch, ONNX fp32, ONNX int8) side by side. CPU-heavy (a few minutes on 2 cores, plus about
twice the generation time for the task questions): run it once for figures, not in tests.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from export.bundle import write_bundle
from export.onnx_export import export_onnx
from export.parity import check_parity
from export.reference_text import reference_token_ids
from export.source import load_source
from quantization.evaluate import compare_to_fp32, perplexity
from quantization.weight_only_int8 import quantize_model
from worldmodel.model.onnx_backend import LlamaOnnxSession, OnnxBackend
from worldmodel.evaluate import DEFAULT_MAX_NEW_TOKENS
from worldmodel.model.torch_backend import TorchBackend

PREFILL_TOKENS = 128
DECODE_TOKENS = 64


def speed(backend, prompt_ids: list[int], repeats: int) -> dict:
    """Median prefill time for `prompt_ids` and median greedy decode rate over DECODE_TOKENS steps."""
    prefill, decode = [], []
    for _ in range(repeats):
        backend.reset()
        started = time.perf_counter()
        logits = backend.forward(prompt_ids)
        prefill.append(time.perf_counter() - started)
        started = time.perf_counter()
        for _ in range(DECODE_TOKENS):
            logits = backend.forward([int(np.argmax(logits))])
        decode.append(DECODE_TOKENS / (time.perf_counter() - started))
    seconds = statistics.median(prefill)
    return {"prefill_ms": seconds * 1000, "prefill_tok_s": len(prompt_ids) / seconds, "decode_tok_s": statistics.median(decode)}


def task_accuracy(backends: dict, questions: Path, limit: int, max_new_tokens: int) -> dict:
    from worldmodel.evaluate import read_questions, score_rows

    rows = read_questions(questions, limit)
    results = {}
    for name, backend in backends.items():
        started = time.perf_counter()
        report = score_rows(backend, rows, max_new_tokens=max_new_tokens)
        results[name] = {**report["overall"], "seconds_total": time.perf_counter() - started}
        print(f"  {name}: accuracy {report['overall']['accuracy']:.1%} on {len(rows)} questions", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.export_bundle", description=__doc__.splitlines()[0])
    parser.add_argument("--adapter", type=Path)
    parser.add_argument("--base", type=Path)
    parser.add_argument("--questions", type=Path, default=Path("data/curriculum/test.jsonl"))
    parser.add_argument("--limit", type=int, default=40, help="task questions per backend (0: skip task accuracy)")
    parser.add_argument("--max-new-tokens", type=int, default=DEFAULT_MAX_NEW_TOKENS)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5, help="speed repetitions (medians)")
    parser.add_argument("--out-dir", type=Path, help="keep the two bundles here (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="also write every figure as JSON")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    figures: dict = {"threads": args.threads}

    started = time.perf_counter()
    source = load_source(adapter=args.adapter, base=args.base)
    token_ids = reference_token_ids(source.tokenizer)
    figures["load_s"] = time.perf_counter() - started
    print(f"model: {source.description} ({figures['load_s']:.1f} s to load)", flush=True)

    started = time.perf_counter()
    fp32_graph = export_onnx(source.model)
    figures["export_s"] = time.perf_counter() - started
    fp32_session = LlamaOnnxSession(fp32_graph.SerializeToString(), args.threads)
    parity = check_parity(source.model, fp32_session, token_ids)
    figures["parity"] = asdict(parity)
    print(f"export {figures['export_s']:.1f} s; parity: {parity.summary()}", flush=True)

    with torch.no_grad():
        torch_logits = source.model(torch.tensor([token_ids]), use_cache=False).logits[0].numpy()
    int8_graph = quantize_model(fp32_graph, "int8")
    quality = compare_to_fp32("int8", fp32_session, LlamaOnnxSession(int8_graph.SerializeToString(), args.threads), token_ids)
    figures["quality"] = {"perplexity_torch": perplexity(torch_logits, token_ids), **asdict(quality)}
    del fp32_session

    out_dir = args.out_dir or Path(tempfile.mkdtemp(prefix="export-bench-"))
    sizes = {}
    for level, graph in (("fp32", fp32_graph), ("int8", int8_graph)):
        started = time.perf_counter()
        manifest = write_bundle(out_dir / level, graph, level, source, progress=lambda line: None)
        sizes[level] = {**manifest["totals"], "write_s": time.perf_counter() - started,
                        "weights": sum(f["size"] for f in manifest["files"] if f["role"] == "weights"),
                        "shards": sum(f["role"] == "weights" for f in manifest["files"])}
    figures["sizes"] = sizes
    del fp32_graph, int8_graph

    backends = {
        "torch": TorchBackend(source.model, source.tokenizer, threads=args.threads),
        "onnx-fp32": OnnxBackend.from_bundle(out_dir / "fp32", threads=args.threads),
        "onnx-int8": OnnxBackend.from_bundle(out_dir / "int8", threads=args.threads),
    }
    prompt = (token_ids * 2)[:PREFILL_TOKENS]
    for backend in backends.values():  # warm-up: first runs allocate and tune
        speed(backend, prompt, 1)
    figures["speed"] = {}
    for _ in range(args.repeats):  # interleave backends so that background load hits them alike
        for name, backend in backends.items():
            figures["speed"].setdefault(name, []).append(speed(backend, prompt, 1))
    figures["speed"] = {name: {key: statistics.median(run[key] for run in runs) for key in runs[0]}
                        for name, runs in figures["speed"].items()}

    if args.limit == 0:
        figures["task"] = None
        print("task accuracy: skipped (--limit 0)")
    elif args.questions.is_file():
        print(f"task accuracy on {args.questions} (first {args.limit} numeric questions)…", flush=True)
        figures["task"] = task_accuracy({"torch": backends["torch"], "onnx-int8": backends["onnx-int8"]},
                                        args.questions, args.limit, args.max_new_tokens)
    else:
        figures["task"] = None
        print(f"task accuracy: skipped, {args.questions} not found (build it with `worldmodel data build`)")

    print_table(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


def print_table(f: dict) -> None:
    mib = 2**20
    print()
    print(f"{'':<24}{'fp32':>14}{'int8':>14}")
    for label, key in (("bundle raw (MiB)", "size"), ("bundle Brotli (MiB)", "compressed_size"), ("weights raw (MiB)", "weights")):
        print(f"{label:<24}{f['sizes']['fp32'][key] / mib:>14.1f}{f['sizes']['int8'][key] / mib:>14.1f}")
    print(f"{'weight shards':<24}{f['sizes']['fp32']['shards']:>14}{f['sizes']['int8']['shards']:>14}")
    q = f["quality"]
    print(f"{'perplexity':<24}{q['perplexity_fp32']:>14.3f}{q['perplexity']:>14.3f}   (PyTorch {q['perplexity_torch']:.3f}, {q['tokens']} tokens)")
    print(f"{'top-1 vs fp32':<24}{'100%':>14}{q['top1_vs_fp32']:>14.1%}")
    p = f["parity"]
    print(f"parity fp32 vs PyTorch: full top-1 {p['full_top1']:.2%}, max |Δ| {p['full_max_abs']:.1e}; "
          f"KV steps top-1 {p['incremental_top1']:.2%}, max |Δ| {p['incremental_max_abs']:.1e}")
    print()
    print(f"CPU speed, {f['threads']} threads, prompt {PREFILL_TOKENS} tokens, {DECODE_TOKENS} decode steps (medians):")
    print(f"{'':<24}{'prefill ms':>12}{'prefill tok/s':>15}{'decode tok/s':>14}")
    for name, s in f["speed"].items():
        print(f"{name:<24}{s['prefill_ms']:>12.0f}{s['prefill_tok_s']:>15.0f}{s['decode_tok_s']:>14.1f}")
    if f.get("task"):
        print()
        print(f"{'task accuracy':<24}{'accuracy':>10}{'compile':>10}{'exec':>8}{'s/answer':>10}")
        for name, t in f["task"].items():
            print(f"{name:<24}{t['accuracy']:>10.1%}{t['compile_rate']:>10.1%}{t['execution_rate']:>8.1%}{t['mean_seconds']:>10.1f}")
        delta = (f["task"]["onnx-int8"]["accuracy"] - f["task"]["torch"]["accuracy"]) * 100
        print(f"ONNX int8 − PyTorch: {delta:+.1f} points")
    print(f"\nexport {f['export_s']:.1f} s; bundle write fp32 {f['sizes']['fp32']['write_s']:.1f} s, int8 {f['sizes']['int8']['write_s']:.1f} s")


if __name__ == "__main__":
    raise SystemExit(main())
