"""`worldmodel tiss run SCRIPT [--dry-run] [--yes] [--json]` and `worldmodel tiss lint SCRIPT`.

Exit status: 0 success, 1 the script halted (or lint found errors), 2 the script does not parse or cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from worldmodel.tiss.sandbox import DEFAULT_ALLOW, CommandPolicy


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    run = sub.add_parser("run", help="run a TissLang script (or show what it would do with --dry-run)")
    run.add_argument("script", type=Path)
    run.add_argument("--dry-run", action="store_true", help="print every action with variables filled in; no I/O")
    run.add_argument("--yes", action="store_true",
                     help="approve programs outside the allow-list and REQUEST_REVIEW for this one run")
    run.add_argument("--json", action="store_true", help="print the report (log, failure, variables) as JSON")
    run.add_argument("--root", type=Path, default=None,
                     help="project root: the only folder READ, WRITE and commands may write (default: current folder)")
    run.add_argument("--allow", action="append", default=[], metavar="PROGRAM",
                     help=f"add a program to the allow-list (default: {', '.join(sorted(DEFAULT_ALLOW))})")
    run.add_argument("--timeout", type=float, default=CommandPolicy.timeout_s, help="seconds per RUN (ceiling)")
    run.add_argument("--no-sandbox", action="store_true",
                     help="run approved programs even where no process sandbox (bubblewrap) is available")
    lint = sub.add_parser("lint", help="check a script: errors and warnings with line, column and rule id")
    lint.add_argument("script", type=Path)
    lint.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int:
    try:
        source = args.script.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"error: cannot read {args.script}: {error}", file=sys.stderr)
        return 2
    if args.action == "lint":
        return _lint(args, source)
    return _run(args, source)


def _lint(args, source: str) -> int:
    from worldmodel.tiss.lint import lint

    diagnostics = lint(source)
    if args.json:
        print(json.dumps([d.to_dict() for d in diagnostics], indent=2))
    else:
        for diagnostic in diagnostics:
            print(diagnostic.format(str(args.script)))
        errors = sum(d.severity == "error" for d in diagnostics)
        print(f"{errors} error(s), {len(diagnostics) - errors} warning(s)", file=sys.stderr)
    return 1 if any(d.severity == "error" for d in diagnostics) else 0


def _run(args, source: str) -> int:
    from worldmodel.tiss.approval import AssumeYes, Deny, Interactive
    from worldmodel.tiss.engine import ExecutionEngine
    from worldmodel.tiss.errors import TissSyntaxError
    from worldmodel.tiss.parser import parse
    from worldmodel.tiss.sandbox import sandbox_status
    from worldmodel.tiss.tools import Context, EngineConfig

    try:
        script = parse(source)
    except TissSyntaxError as error:
        if args.json:
            print(json.dumps({"ok": False, "failure": error.to_dict()}, indent=2))
        else:
            print(f"{args.script}:{error.line}:{error.column}: {error.message} [{error.kind}]", file=sys.stderr)
        return 2
    root = (args.root or Path.cwd()).resolve()
    policy = CommandPolicy(allow=DEFAULT_ALLOW | set(args.allow), timeout_s=args.timeout,
                           allow_unsandboxed=args.no_sandbox)
    approver = AssumeYes() if args.yes else Interactive() if sys.stdin.isatty() else Deny()
    context = Context(EngineConfig(policy=policy), approver, out=None if args.json else sys.stdout)
    engine = ExecutionEngine(context)
    sandbox = sandbox_status(policy)
    if args.dry_run:
        lines, _ = engine.dry_run(script, root)
        if args.json:
            print(json.dumps({"dry_run": lines, "root": str(root), "sandbox": sandbox}, indent=2))
        else:
            print(f"dry run in {root} (sandbox: {sandbox}); nothing is executed")
            print("\n".join(lines))
        return 0
    if sandbox != "bubblewrap":
        print(f"warning: no process sandbox: {sandbox}. Allow-listed programs run unconfined; approved programs "
              + ("run unconfined (--no-sandbox)." if args.no_sandbox else "are refused (pass --no-sandbox)."),
              file=sys.stderr)
    state = engine.run(script, root)
    if args.json:
        print(json.dumps({**state.report(), "root": str(root), "sandbox": sandbox}, indent=2, default=str))
    elif state.failure is not None:
        failure = state.failure
        step = f" in step {failure.step!r}" if getattr(failure, "step", None) else ""
        print(f"FAILED at line {failure.line}, column {failure.column}{step} [{failure.kind}]", file=sys.stderr)
        print(f"  {failure.message}", file=sys.stderr)
        if state.last_run is not None and failure.kind in ("exit_status", "assertion_failed"):
            for name, text in (("stdout", state.last_run.stdout), ("stderr", state.last_run.stderr)):
                if text.strip():
                    print(f"  last {name}: " + text.strip()[-500:].replace("\n", "\n    "), file=sys.stderr)
    else:
        print(f"ok: {sum(e.command == 'RUN' for e in state.log)} command(s), "
              f"{sum(e.command == 'ASSERT' for e in state.log)} assertion(s)")
    return 1 if state.halted else 0
