"""Tokens per answer of two builds of the same questions (e.g. before and after a change to the module dialect).

    python -m benchmarks.answer_tokens BEFORE_DIR AFTER_DIR [--split test]

Both folders are `worldmodel data build` outputs with the same seed, so row ids name the same questions. Prints,
side by side, mean and median tokens of the assistant turn and of its `<wat_model>` block, and the ratio; the
estimated seconds per answer at the browser's measured decode rate (shared/notes/measured.md: ~35 tokens/s).
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from worldmodel import protocol

DECODE_TOKENS_PER_S = 35.0  # int8 bundle in headless Chromium, 2 threads (the app's measured decode rate)


def _rows(folder: Path, split: str) -> dict[str, dict]:
    with (folder / f"{split}.jsonl").open(encoding="utf-8") as handle:
        return {row["id"]: row for row in map(json.loads, handle)}


def _lengths(rows: list[dict], encode) -> tuple[list[int], list[int]]:
    turns, modules = [], []
    for row in rows:
        reply = row["messages"][-1]["content"]
        turns.append(len(encode(reply)))
        wat = protocol.parse_answer(reply).wat
        if wat:
            modules.append(len(encode(wat)))
    return turns, modules


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--split", default="test")
    args = parser.parse_args(argv)

    from worldmodel.model import load_tokenizer

    tokenizer = load_tokenizer(None)
    encode = lambda text: tokenizer(text, add_special_tokens=False)["input_ids"]  # noqa: E731
    before, after = _rows(args.before, args.split), _rows(args.after, args.split)
    common = sorted(set(before) & set(after))
    same = [i for i in common if before[i]["question"] == after[i]["question"]]
    computed = [i for i in same if before[i]["answer"] is not None]
    print(f"{len(computed)} computed answers on the same questions ({args.split} split; {len(same)} rows in common)")
    figures = {}
    for label, rows in (("before", before), ("after", after)):
        turns, modules = _lengths([rows[i] for i in computed], encode)
        figures[label] = (statistics.mean(turns), statistics.median(turns), statistics.mean(modules))
    print(f"{'':<28}{'before':>10}{'after':>10}{'after/before':>14}")
    names = ("answer tokens (mean)", "answer tokens (median)", "module tokens (mean)")
    for index, name in enumerate(names):
        b, a = figures["before"][index], figures["after"][index]
        print(f"{name:<28}{b:>10.1f}{a:>10.1f}{a / b:>14.2f}")
    b, a = figures["before"][0], figures["after"][0]
    print(f"{'decode s/answer at 35 tok/s':<28}{b / DECODE_TOKENS_PER_S:>10.2f}{a / DECODE_TOKENS_PER_S:>10.2f}"
          f"{a / b:>14.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
