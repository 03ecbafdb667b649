"""`worldmodel run PROG.wat|PROG.py|PROG.bl`: run a program in the sandbox and print its output."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from worldmodel.runtime import Limits, run_python, run_wat


def add_arguments(parser) -> None:
    parser.add_argument("program", type=Path, help="a .wat module (either ABI form), a .py program or a .bl ByteLog program")
    parser.add_argument("--json", action="store_true", help="print the structured result as JSON")
    parser.add_argument("--fuel", type=int, default=Limits.fuel, help="instruction budget")
    parser.add_argument("--timeout", type=float, default=Limits.timeout_s, help="wall-clock limit in seconds")
    parser.add_argument("--memory-mb", type=int, default=Limits.memory_bytes // 2**20, help="memory cap in MiB")


def run(args) -> int:
    try:
        source = args.program.read_text(encoding="utf-8")
    except OSError as error:
        print(f"worldmodel run: {error}", file=sys.stderr)
        return 2
    limits = Limits(fuel=args.fuel, timeout_s=args.timeout, memory_bytes=args.memory_mb * 2**20)
    if args.program.suffix == ".py":
        result = run_python(source, limits)
    elif args.program.suffix == ".bl":
        from worldmodel.bytelog import run_bytelog

        result = run_bytelog(source, limits)
    else:
        result = run_wat(source, limits)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        sys.stdout.write(result.stdout)
        if result.ok and not result.stdout and result.value is not None:
            print(result.computed_text)  # a module that returns its value instead of printing it
        if not result.ok:
            print(f"{args.program}: {result.error_kind}: {result.error_message}", file=sys.stderr)
    return 0 if result.ok else 1
