"""`worldmodel model-card ADAPTER_DIR --run RUN_DIR [--eval REPORT.json] [--data DATA_DIR]` (also
`python -m worldmodel.train.model_card`): write an adapter's model card (worldmodel/train/model_card.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from worldmodel.train.model_card import copy_adapter, write_model_card


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("adapter", type=Path)
    parser.add_argument("--run", type=Path, required=True, help="the training run folder (train_config.json, metrics)")
    parser.add_argument("--eval", type=Path, default=None, help="report from `worldmodel eval --baseline --out`")
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--notes", type=Path, default=None, help="markdown appended as a Notes section")
    parser.add_argument("--copy-adapter", action="store_true", help="first copy RUN/adapter into ADAPTER")


def run(args: argparse.Namespace) -> int:
    if args.copy_adapter:
        copy_adapter(args.run / "adapter", args.adapter)
    notes = args.notes.read_text() if args.notes else ""
    print(write_model_card(args.adapter, args.run, args.eval, args.data, notes))
    return 0

