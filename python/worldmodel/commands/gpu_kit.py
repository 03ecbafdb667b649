"""`worldmodel gpu-kit --data DIR` (also `python -m worldmodel.train.gpu_kit`): pack what a training run on the lent
GPU machine carries, and print the calls that run it (worldmodel/train/gpu_kit.py, docs/training.md)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from worldmodel.train.gpu_kit import KIT, build_kit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=Path("data/curriculum"), help="built curriculum (train.jsonl)")
    parser.add_argument("--out", type=Path, default=KIT, help=f"kit folder (default {KIT}; replaced)")
    parser.add_argument("--extra", default="", help="more `worldmodel train` flags, e.g. '--max-steps 20'")
    parser.add_argument("--no-wheels", action="store_true", help="skip downloading wheels (testing the kit here)")


def run(args: argparse.Namespace) -> int:
    try:
        kit = build_kit(args.data, args.out, args.extra, wheels=not args.no_wheels)
    except (FileNotFoundError, FileExistsError, ValueError, subprocess.CalledProcessError) as error:
        print(f"worldmodel gpu-kit: {error}", file=sys.stderr)
        return 2
    for path in sorted(p for p in args.out.rglob("*") if p.is_file()):
        print(f"{path.stat().st_size / 2**20:7.1f} MiB  {path}")
    *first, last = [part.parent for part in kit["parts"]]
    calls = [f'run(carry=["{folder}"], command="bash {folder}/join.sh")' for folder in first]
    calls.append(f'run(carry=["{last}", "{args.out}/run"], command="bash {last}/join.sh && bash {args.out}/run/train.sh", '
                 'timeout_s=600)')  # the smallest part rides with the run
    print("\nCalls to the device tool, back to back (docs/training.md):\n  " + "\n  ".join(calls))
    return 0
