"""`worldmodel chat`: an interactive loop. Each turn keeps the conversation (with the computed blocks) as context."""

from __future__ import annotations

import argparse
import json

from worldmodel.model.cli_ask import StreamPrinter, add_model_arguments, generation_config, open_backend


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_model_arguments(parser)
    parser.add_argument("--max-turns-kept", type=int, default=4, help="earlier turns kept as context")


def run(args: argparse.Namespace) -> int:
    from worldmodel.generate import generate

    backend = open_backend(args)
    if backend is None:
        return 2
    config = generation_config(args)
    history: list[dict] = []
    print("Ask a question (empty line or Ctrl-D to quit).")
    while True:
        try:
            question = input("> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not question:
            return 0
        history.append({"role": "user", "content": question})
        printer = None if args.json else StreamPrinter(args.show_steps)
        result = generate(backend, history[-(2 * args.max_turns_kept + 1):], config, on_event=printer)
        if args.json:
            print(json.dumps(result.to_dict()))
        history.append({"role": "assistant", "content": result.text})
