"""The `worldmodel` command: one subcommand per file in worldmodel/commands/ (`worldmodel run` is commands/run.py).

Each command module exposes `add_arguments(parser)` and `run(args) -> int` and is imported only when chosen, so
that `worldmodel convert` does not pay for torch. The `python -m …` forms the documentation names
(`python -m worldmodel.train`, which torchrun runs, `python -m worldmodel.train.focus`, `python -m worldmodel.train.gpu_kit`,
`python -m worldmodel.train.model_card`) are the same commands under another program name (`command_main`).
Tools that regenerate committed files stay `python -m` only (`worldmodel.wat.exports_doc`, the generators in
`worldmodel.wat.runtime.tools`), and so does the release command `python -m export`.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS: dict[str, str] = {
    # name (module worldmodel.commands.<name with _ for ->): one-line help
    "convert": "compile a Python program to a WAT module",
    "run": "run a .wat or .py program in the sandbox",
    "data": "build the curriculum dataset",
    "serve": "serve the web app and a model bundle (COOP/COEP, range requests)",
    "leaderboard": "the benchmark leaderboard's API server (checked, proven results; SQLite or PostgreSQL)",
    "ask": "answer one question (the model writes WAT, the runtime computes)",
    "chat": "interactive question answering",
    "eval": "accuracy, compile rate and provenance on a question file",
    "train": "LoRA fine-tuning (resumable; DDP under torchrun)",
    "focus": "a training subset weighted by the adapter's loss per family",
    "model-card": "write an adapter's model card from its training run and evaluation",
    "gpu-kit": "pack a training run for the lent GPU machine (base model in parts, rows, train.sh)",
    "tiss": "run or lint a TissLang task script (sandboxed commands, the model as agent)",
}


def command_module(name: str):
    return importlib.import_module("worldmodel.commands." + name.replace("-", "_"))


def parse_command(name: str, argv: list[str], prog: str) -> argparse.Namespace:
    module = command_module(name)
    parser = argparse.ArgumentParser(prog=prog, description=COMMANDS[name])
    module.add_arguments(parser)
    return parser.parse_args(argv)


def command_main(name: str, prog: str, argv: list[str] | None = None) -> int:
    """Run one command as its own program (the documented `python -m …` forms)."""
    args = parse_command(name, sys.argv[1:] if argv is None else argv, prog)
    return int(command_module(name).run(args) or 0)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="worldmodel", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        # Arguments are declared by the command's module itself; only the chosen one is imported (see main).
        sub.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Two-phase parse: find the command, then let its module declare its arguments.
    known, _ = build_parser().parse_known_args(argv)
    args = parse_command(known.command, argv[argv.index(known.command) + 1 :], f"worldmodel {known.command}")
    return int(command_module(known.command).run(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
