"""`worldmodel train`: every TrainConfig field is a flag (`--max-len 1024`, `--no-bf16`, …).

Run it again with the same `--out` to resume from the last checkpoint. Under `torchrun` it trains with DDP.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import typing


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from worldmodel.train.trainer import TrainConfig

    hints = typing.get_type_hints(TrainConfig)
    for field in dataclasses.fields(TrainConfig):
        flag = "--" + field.name.replace("_", "-")
        kind = hints[field.name]
        if kind is bool or kind == (bool | None):  # --flag / --no-flag; unset keeps the field's default
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=field.default)
            continue
        base = next((t for t in typing.get_args(kind) if t is not type(None)), kind)  # X | None → X
        parser.add_argument(flag, type=base, default=field.default, help=f"default: {field.default}")
    parser.add_argument("--model-card", action="store_true",
                        help="after training, write the model card (README.md, curves PNG) into OUT/adapter")
    parser.add_argument("--card-eval", default=None, help="evaluation report JSON (worldmodel eval --out) for the card")


def run(args: argparse.Namespace) -> int:
    from worldmodel.train.trainer import TrainConfig, train

    values = {f.name: getattr(args, f.name) for f in dataclasses.fields(TrainConfig)}
    summary = train(TrainConfig(**values))
    if "interrupted_at" in summary:
        print(json.dumps(summary))
        return 0
    if args.model_card:
        from pathlib import Path

        from worldmodel.train.model_card import write_model_card

        run_dir = Path(args.out)
        write_model_card(run_dir / "adapter", run_dir, Path(args.card_eval) if args.card_eval else None)
    return 0
