"""`worldmodel run PROG.wat|PROG.py|PROG.bl`: run a program in the sandbox and print its output."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from worldmodel.runtime import CONVERSION_ERROR, MODULE_TOO_LARGE, WAT_SYNTAX, Limits, RunResult, run_python, run_wat


def _positive(kind):
    """An argparse type: a finite number above zero (a negative, infinite or NaN limit would disable it)."""
    def parse(text: str):
        value = kind(text)
        if not math.isfinite(value) or value <= 0:
            raise ValueError(text)
        return value
    parse.__name__ = f"positive {kind.__name__}"
    return parse


def add_arguments(parser) -> None:
    parser.add_argument("program", type=Path, help="a .wat module (either ABI form), a .py program or a .bl ByteLog program")
    parser.add_argument("--json", action="store_true", help="print the structured result as JSON")
    parser.add_argument("--fuel", type=_positive(int), default=Limits.fuel, help="instruction budget")
    parser.add_argument("--timeout", type=_positive(float), default=Limits.timeout_s, help="wall-clock limit in seconds")
    parser.add_argument("--memory-mb", type=_positive(int), default=Limits.memory_bytes // 2**20, help="memory cap in MiB")


def read_program(path: Path, limits: Limits) -> str | RunResult:
    """The program's text, or a failed result: too large (read stops at the cap, so /dev/zero ends) or not UTF-8."""
    with open(path, "rb") as file:
        data = file.read(limits.max_module_bytes + 1)
    if len(data) > limits.max_module_bytes:
        return RunResult(ok=False, error_kind=MODULE_TOO_LARGE,
                         error_message=f"{path} is larger than the {limits.max_module_bytes} byte limit")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        kind = CONVERSION_ERROR if path.suffix in (".py", ".bl") else WAT_SYNTAX
        return RunResult(ok=False, error_kind=kind,
                         error_message=f"{path} is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})")


def run(args) -> int:
    limits = Limits(fuel=args.fuel, timeout_s=args.timeout, memory_bytes=args.memory_mb * 2**20)
    try:
        source = read_program(args.program, limits)
    except OSError as error:
        print(f"worldmodel run: {error}", file=sys.stderr)
        return 2
    if isinstance(source, RunResult):
        result = source
    elif args.program.suffix == ".py":
        result = run_python(source, limits)
    elif args.program.suffix == ".bl":
        from worldmodel.bytelog import run_bytelog

        result = run_bytelog(source, limits)
    else:
        result = run_wat(source, limits)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, allow_nan=False))
    else:
        sys.stdout.write(result.stdout)
        if result.ok and not result.stdout and result.value is not None:
            print(result.computed_text)  # a module that returns its value instead of printing it
        if not result.ok:
            print(f"{args.program}: {result.error_kind}: {result.error_message}", file=sys.stderr)
    return 0 if result.ok else 1
