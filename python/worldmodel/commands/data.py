"""`worldmodel data build --out DIR`: generate, check and split the curriculum dataset, and write its card."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from worldmodel.data import gsm8k
from worldmodel.data.build import PER_FAMILY
from worldmodel.data.module_abi import DEFAULT_MODULE_ABI, MODULE_ABIS

DEFAULT_SEED = 0
DEFAULT_OUT = Path("data/curriculum")
GSM8K_TEST = "gsm8k_test.jsonl"  # every held-out GSM8K problem, for `worldmodel eval --questions`


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("build", "relink"),
                        help="what to do (build: generate the dataset; relink: rewrite the modules of --source's "
                        "rows in --module-abi form)")
    parser.add_argument("--source", type=Path, help="relink: the dataset folder to rewrite")
    parser.add_argument("--module-abi", type=int, choices=MODULE_ABIS, default=DEFAULT_MODULE_ABI,
                        help=f"module form in the assistant turns: 2 leaves rt's imports to the runtime, 1 writes "
                        f"them out (default {DEFAULT_MODULE_ABI}; docs/protocol.md section 2)")
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"output folder for train/validation/test JSONL and README.md (default {DEFAULT_OUT}: what "
        "`worldmodel train` and `worldmodel eval` read)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument(
        "--per-family",
        type=int,
        default=PER_FAMILY,
        help=f"questions sampled per family before checks (default {PER_FAMILY})",
    )
    parser.add_argument("--card", type=Path, help="also write the dataset card here (e.g. docs/dataset-card.md)")
    parser.add_argument(
        "--workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="processes for the convert-and-run checks (results do not depend on it)",
    )
    parser.add_argument("--tokenizer", help="tokenizer folder for token lengths (default: the base model's)")
    parser.add_argument(
        "--gsm8k",
        type=Path,
        default=gsm8k.DEFAULT_CORPUS,
        help="GSM8K problems (JSONL) to add as checked programs (default: shared/corpus beside the checkout, when "
        "present); --gsm8k none leaves them out",
    )
    parser.add_argument("--gsm8k-train", type=int, default=None,
                        help="use only the first N GSM8K training problems (a lean build for CPU training; the "
                        "held-out validation and test slices stay whole)")


def token_counter(path: str | None):
    """Conversation length in tokens through the model's chat template."""
    from worldmodel.model import load_tokenizer

    tokenizer = load_tokenizer(path)

    def count(messages: list[dict]) -> int:
        ids = tokenizer.apply_chat_template(messages, tokenize=True)
        return len(ids["input_ids"] if hasattr(ids, "keys") else ids)

    return count


def _has_conversations(path: Path, opener) -> bool:
    """Whether a JSONL file holds training rows (with messages); question-only files such as gsm8k_test.jsonl are
    copied as they are."""
    import json

    with opener(path, "rt", encoding="utf-8") as handle:
        first = next((line for line in handle if line.strip()), None)
    return first is not None and "messages" in json.loads(first)


def relink(args: argparse.Namespace) -> int:
    """Rewrite every split of --source into --out with --module-abi modules; other files are copied."""
    import gzip
    import json
    import shutil

    from worldmodel.data.module_abi import with_module_abi
    from worldmodel.train.trainer import load_split

    if args.source is None or not args.source.is_dir():
        raise SystemExit("relink needs --source DIR: a dataset folder (train/validation/test JSONL)")
    if args.source.resolve() == args.out.resolve():
        raise SystemExit("relink writes a new folder: --out must differ from --source")
    args.out.mkdir(parents=True, exist_ok=True)
    for path in sorted(args.source.iterdir()):
        split = path.name.removesuffix(".gz").removesuffix(".jsonl")
        opener = gzip.open if path.name.endswith(".gz") else open
        if path.name.endswith((".jsonl", ".jsonl.gz")) and _has_conversations(path, opener):
            rows = with_module_abi(load_split(args.source, split), args.module_abi)
            with opener(args.out / path.name, "wt", encoding="utf-8") as handle:
                handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
            print(f"{split:<10} {len(rows):>6} rows  {args.out / path.name}  (module ABI {args.module_abi})")
        elif path.is_file():
            shutil.copyfile(path, args.out / path.name)
    return 0


def run(args: argparse.Namespace) -> int:
    if args.action == "relink":
        return relink(args)
    from worldmodel.data.build import build, write_splits
    from worldmodel.data.card import render_card
    from worldmodel.data.families import FAMILIES, LOGIC_FAMILIES

    if args.per_family < 1:
        raise SystemExit("--per-family must be at least 1")
    corpus = None if str(args.gsm8k) == "none" else args.gsm8k
    if corpus is not None and not corpus.is_file():
        if args.gsm8k != gsm8k.DEFAULT_CORPUS:
            raise SystemExit(f"--gsm8k {corpus}: no such file")
        print(f"note: {corpus} is missing; building without GSM8K problems", file=sys.stderr)
        corpus = None
    started = time.perf_counter()
    result = build(args.seed, args.per_family, workers=args.workers, count_tokens=token_counter(args.tokenizer),
                   gsm8k_corpus=corpus, gsm8k_train=args.gsm8k_train)
    if args.module_abi != DEFAULT_MODULE_ABI:
        from worldmodel.data.module_abi import with_module_abi

        result.rows = with_module_abi(result.rows, args.module_abi)
    paths = write_splits(result, args.out, args.seed)
    if corpus is not None:  # the whole held-out GSM8K slice for `worldmodel eval --questions` (gsm8k.held_out_questions)
        slice_path = args.out / GSM8K_TEST
        with slice_path.open("w", encoding="utf-8", newline="\n") as handle:
            for question in gsm8k.held_out_questions(gsm8k.load(corpus)):
                handle.write(json.dumps(question, ensure_ascii=False) + "\n")
        paths["gsm8k test slice"] = slice_path
    card = render_card(result, seed=args.seed, per_family=args.per_family, families=[*FAMILIES, *LOGIC_FAMILIES])
    (args.out / "README.md").write_text(card, encoding="utf-8")
    if args.card:
        args.card.parent.mkdir(parents=True, exist_ok=True)
        args.card.write_text(card, encoding="utf-8")

    for split, path in paths.items():
        print(f"{split:<10} {sum(1 for _ in path.open(encoding='utf-8')):>6} rows  {path}")
    dropped = sum(result.drops.values())
    print(
        f"dropped {dropped} of {dropped + len(result.rows)} candidates"
        + "".join(
            f"\n  {reason:<18} {count:>5}  e.g. {result.drop_examples[reason][:120]}"
            for reason, count in sorted(result.drops.items())
        )
    )
    print(f"built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0
