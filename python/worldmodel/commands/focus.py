"""`worldmodel focus --adapter ADAPTER --out DIR` (also `python -m worldmodel.train.focus`): a training subset
weighted by what the adapter has not learned yet (worldmodel/train/focus.py)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from worldmodel.train.focus import family_losses, family_quotas, focus_subset, write_focus_data
from worldmodel.train.trainer import load_split


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--adapter", type=Path, help="the adapter to continue from (scored unless --losses)")
    parser.add_argument("--data", type=Path, default=Path("data/curriculum"), help="source dataset folder")
    parser.add_argument("--out", type=Path, required=True, help="folder for the subset (train/validation/test)")
    parser.add_argument("--base", default=None, help="base model (default: packaged SmolLM2)")
    parser.add_argument("--losses", type=Path, default=None,
                        help="reuse the family_losses.json of an earlier run instead of scoring again")
    parser.add_argument("--per-family", type=int, default=6, help="rows scored per family")
    parser.add_argument("--scale", type=float, default=700.0, help="rows drawn per unit of mean loss")
    parser.add_argument("--floor", type=int, default=8, help="rows replayed from every family")
    parser.add_argument("--sample-seed", type=int, default=0, help="which rows are scored")
    parser.add_argument("--seed", type=int, default=7, help="which rows are drawn")
    parser.add_argument("--threads", type=int, default=None)


def run(args: argparse.Namespace) -> int:
    if not (args.adapter or args.losses):
        print("error: give --adapter to score, or --losses to reuse saved scores", file=sys.stderr)
        return 2
    rows = load_split(args.data, "train")
    if args.losses:
        losses = json.loads(args.losses.read_text())["losses"]
    else:
        losses = family_losses(rows, args.adapter, args.base, args.per_family, args.sample_seed, args.threads)
    quotas = family_quotas(rows, losses, args.scale, args.floor)
    subset = focus_subset(rows, quotas, args.seed)
    write_focus_data(args.data, args.out, subset, losses, quotas)
    top = sorted(quotas.items(), key=lambda item: -item[1])[:8]
    print(f"{len(subset)} of {len(rows)} training rows → {args.out}/train.jsonl; largest shares: "
          + ", ".join(f"{family} {n} (loss {losses.get(family, {}).get('mean', float('nan')):.3f})"
                      for family, n in top))
    return 0

