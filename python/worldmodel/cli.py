"""The `worldmodel` command: one subcommand per feature, each defined beside the code it drives.

Subcommand modules are imported lazily so that `worldmodel convert` does not pay for torch.
Each entry names a module exposing `add_arguments(parser)` and `run(args) -> int`.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (module, one-line help)
    "convert": ("worldmodel.wat.cli_convert", "compile a Python program to a WAT module"),
    "run": ("worldmodel.runtime_cli", "run a .wat or .py program in the sandbox"),
    "data": ("worldmodel.data.cli", "build the curriculum dataset"),
    "serve": ("worldmodel.serve", "serve the web app and a model bundle (COOP/COEP, range requests)"),
    "ask": ("worldmodel.model.cli_ask", "answer one question (the model writes WAT, the runtime computes)"),
    "chat": ("worldmodel.model.cli_chat", "interactive question answering"),
    "eval": ("worldmodel.evaluate", "accuracy, compile rate and provenance on a question file"),
    "train": ("worldmodel.train.cli", "LoRA fine-tuning (resumable; DDP under torchrun)"),
    "tiss": ("worldmodel.tiss.cli", "run or lint a TissLang task script (sandboxed commands, the model as agent)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="worldmodel", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, add_help=False)
        command.set_defaults(_module=module)
        # Arguments are declared by the module itself; import only the chosen one (see main).
        command.set_defaults(_name=name)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    # Two-phase parse: find the command, then let its module declare its arguments.
    known, _ = parser.parse_known_args(argv)
    module = importlib.import_module(known._module)
    full = argparse.ArgumentParser(prog=f"worldmodel {known._name}", description=COMMANDS[known._name][1])
    module.add_arguments(full)
    args = full.parse_args(argv[argv.index(known._name) + 1 :])
    return int(module.run(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
