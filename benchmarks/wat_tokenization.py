"""WAT-aware tokenization: tokens per `<wat_model>` block with the base SmolLM2 tokenizer vs with added tokens.

    python -m benchmarks.wat_tokenization [--data data/curriculum] [--split train]

Prints the mean tokens per block for the data-mined candidates (top 16/32/64/96) and for the fixed list
`DEFAULT_WAT_TOKENS` that `worldmodel train --add-wat-tokens` uses.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def main(argv=None) -> int:
    from worldmodel.model import load_tokenizer
    from worldmodel.train.wat_tokens import DEFAULT_WAT_TOKENS, candidate_tokens, measure, wat_blocks

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("data/curriculum"))
    parser.add_argument("--split", default="train")
    args = parser.parse_args(argv)
    path = args.data / f"{args.split}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    tokenizer = load_tokenizer()
    blocks = wat_blocks(rows)
    words = candidate_tokens(blocks, tokenizer)
    print(f"{len(blocks)} WAT blocks from {path}")
    print(f"{'added tokens':<28} {'base tok/block':>15} {'with added':>11} {'reduction':>10}")
    for label, chosen in [*((f"mined top {n}", words[:n]) for n in (16, 32, 64, 96)),
                          (f"DEFAULT_WAT_TOKENS ({len(DEFAULT_WAT_TOKENS)})", DEFAULT_WAT_TOKENS)]:
        result = measure(blocks, tokenizer, chosen)
        print(f"{label:<28} {result['base_mean']:>15.1f} {result['added_mean']:>11.1f} {result['reduction']:>10.1%}")
    print("top mined:", " ".join(words[:24]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
