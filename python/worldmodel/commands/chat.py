"""`worldmodel chat`: an interactive loop. Earlier turns go into the context as worldmodel.chat_context fits them
(worldmodel.generate does the fitting, to --context-budget tokens)."""

from __future__ import annotations

import argparse
from dataclasses import replace

from worldmodel.chat_context import ADAPTER_RECORD, CONTEXT_BUDGET, SINGLE_QUESTION, SINGLE_QUESTION_NOTE
from worldmodel.commands.ask import add_model_arguments, answer_question, generation_config, open_backend


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_model_arguments(parser)
    parser.add_argument("--context-budget", type=int, default=None,
                        help="prompt tokens for the earlier turns and the question (oldest turns dropped first); "
                        f"default: what the model was trained for (the bundle's generation.context_budget, the "
                        f"adapter's {ADAPTER_RECORD}; {CONTEXT_BUDGET} without a record, 0 = each question alone)")


def run(args: argparse.Namespace) -> int:
    backend = open_backend(args)
    if backend is None:
        return 2
    try:
        config = replace(generation_config(args), context_budget=args.context_budget)
    except ValueError as error:  # GenerationConfig checks every setting
        print(f"worldmodel chat: {error}")
        return 2
    history: list[dict] = []
    print("Ask a question (empty line or Ctrl-D to quit).")
    budget = backend.context_budget if args.context_budget is None else args.context_budget
    if budget == SINGLE_QUESTION:
        print(SINGLE_QUESTION_NOTE)
    while True:
        try:
            question = input("> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not question:
            return 0
        history.append({"role": "user", "content": question})
        result = answer_question(backend, history, args, config)
        history.append({"role": "assistant", "content": result.text})
