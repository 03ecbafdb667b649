"""`worldmodel convert PROG.py|PROG.bl [--linked] [-o OUT.wat]`: print the WAT module for a Python or ByteLog program."""

from __future__ import annotations

import sys
from pathlib import Path


def add_arguments(parser) -> None:
    parser.add_argument("program", help="Python source file (the supported subset), a .bl ByteLog program, or - for Python on stdin")
    parser.add_argument("--linked", action="store_true",
                        help="emit the linked form (calls the runtime library 'rt'; the runtime adds its imports) instead of standalone")
    parser.add_argument("-o", "--output", help="write the WAT here instead of stdout")
    parser.add_argument("--write-runtime", metavar="PATH",
                        help="also write the runtime library module rt.wat to PATH")


def run(args) -> int:
    from worldmodel.wat import ConversionError, convert, write_runtime_library

    name = args.program
    source = sys.stdin.read() if name == "-" else Path(name).read_text()
    if name.endswith(".bl"):
        from worldmodel.bytelog import ByteLogError, compile_to_wat

        try:
            wat = compile_to_wat(source, standalone=not args.linked)
        except ByteLogError as e:
            print(f"{name}:{e.line}:{e.column}: {e.kind}: {e.message}", file=sys.stderr)
            return 1
    else:
        try:
            wat = convert(source, standalone=not args.linked)
        except ConversionError as e:
            print(f"{name}:{e.line}:{e.col}: unsupported construct '{e.construct}': {e.message}", file=sys.stderr)
            return 1
    if args.output:
        Path(args.output).write_text(wat)
    else:
        sys.stdout.write(wat)
    if args.write_runtime:
        write_runtime_library(args.write_runtime)
    return 0
