"""`worldmodel eval`: accuracy, compile rate and provenance on a question file (the scoring: worldmodel/evaluate.py)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from worldmodel.decoding_options import add_decoding_arguments, decoding_from_args
from worldmodel.evaluate import DEFAULT_MAX_NEW_TOKENS, DEFAULT_QUESTIONS, evaluate, format_report, resolve_adapter


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from worldmodel.model.loading import default_adapter_path

    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS,
                        help="JSONL with question, answer, optional rel_tol/category (default: the test split)")
    parser.add_argument("--adapter", default=None,
                        help=f"LoRA adapter folder (default: {default_adapter_path()}); 'none' for the bare base model")
    parser.add_argument("--base", default=None, help="base model: HF folder or .gguf (default: packaged SmolLM2)")
    parser.add_argument("--baseline", action="store_true", help="also evaluate the base model without tools")
    parser.add_argument("--limit", type=int, default=None, help="only the first N questions")
    parser.add_argument("--per-category", type=int, default=None,
                        help="only the first N questions of each category (a sample covering every family)")
    parser.add_argument("--category", default=None,
                        help="only questions of this category or family (e.g. gsm8k: the held-out GSM8K slice)")
    parser.add_argument("--max-new-tokens", type=int, default=DEFAULT_MAX_NEW_TOKENS)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (per worker)")
    parser.add_argument("--workers", type=int, default=1,
                        help="processes generating side by side, each with its own model (e.g. 8 on a GPU)")
    parser.add_argument("--device", default=None, help="torch device (default: cuda when present, else cpu)")
    parser.add_argument("--backend", choices=("torch", "onnx"), default="torch",
                        help="torch: base model + --adapter; onnx: the exported bundle (--bundle), as `ask` runs it")
    parser.add_argument("--bundle", type=Path, default=None, help="bundle folder for --backend onnx (default: bundles/default)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON report here")
    parser.add_argument("--quiet", action="store_true", help="no per-question progress on stderr")
    add_decoding_arguments(parser)



def run(args: argparse.Namespace) -> int:
    if args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    try:
        adapter = resolve_adapter(args.adapter)
        decoding = decoding_from_args(args)
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    def progress(record: dict) -> None:
        if not args.quiet:
            mark = "✓" if record["correct"] else "✗"
            print(f"{mark} [{record['category']}] {record['question'][:70]!r} → {record['final'][:60]!r}",
                  file=sys.stderr, flush=True)

    try:
        report = evaluate(args.questions, args.base, adapter, args.baseline, args.limit, args.max_new_tokens,
                          threads=args.threads, progress=progress, workers=args.workers, device=args.device,
                          backend=args.backend, bundle=args.bundle, category=args.category,
                          per_category=args.per_category, decoding=decoding)
    except FileNotFoundError as error:  # a missing bundle, question file or model folder
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0
