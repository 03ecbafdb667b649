"""`worldmodel ask "What is 17 times 23?"`: one question, the answer streamed as it is written.

With `--show-steps` the think text, the WAT module and the computed block are printed too; `--json` prints
the structured result (including provenance flags) instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from worldmodel.decoding_options import add_decoding_arguments, decoding_from_args


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags shared by `ask` and `chat`."""
    from worldmodel.generate import GenerationConfig

    parser.add_argument("--backend", choices=("auto", "torch", "onnx"), default="auto",
                        help="auto: onnxruntime on the bundle when one exists and no --adapter/--base is given")
    parser.add_argument("--bundle", type=Path, default=None,
                        help="bundle folder for the onnx backend (default: bundles/default from `make run`)")
    parser.add_argument("--adapter", default=None,
                        help="LoRA adapter folder (default: the committed one in models/); 'none' for the base model")
    parser.add_argument("--base", default=None, help="base model: HF folder or .gguf (default: packaged SmolLM2)")
    parser.add_argument("--max-new-tokens", type=int, default=GenerationConfig.max_new_tokens)
    parser.add_argument("--temperature", type=float, default=GenerationConfig.temperature, help="0 = greedy")
    parser.add_argument("--top-p", type=float, default=GenerationConfig.top_p)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--no-tools", action="store_true", help="plain chat: no WAT execution")
    parser.add_argument("--on-error", choices=("template", "model"), default="template",
                        help="after a runtime error: a fixed could-not-compute answer, or let the model write it")
    parser.add_argument("--threads", type=int, default=None)
    add_decoding_arguments(parser)
    parser.add_argument("--show-steps", action="store_true", help="also print think, WAT and computed")
    parser.add_argument("--json", action="store_true", help="print the structured result as JSON")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", help="the question to answer")
    add_model_arguments(parser)


def load_backend(args: argparse.Namespace):
    """The ONNX bundle (fast, what the web app runs) when asked for or when it exists; else PyTorch."""
    from worldmodel.evaluate import resolve_adapter
    from worldmodel.model.backend import load_backend as load
    from worldmodel.model.bundle import default_bundle_path

    bundle = args.bundle or default_bundle_path()
    explicit_model = args.adapter is not None or args.base is not None
    if args.backend == "onnx" or (args.backend == "auto" and not explicit_model and (bundle / "manifest.json").is_file()):
        return load("onnx", bundle=bundle, threads=args.threads)
    return load("torch", args.base, resolve_adapter(args.adapter), threads=args.threads)


def generation_config(args: argparse.Namespace):
    from worldmodel.generate import GenerationConfig

    decoding = decoding_from_args(args)
    return GenerationConfig(max_new_tokens=args.max_new_tokens, temperature=args.temperature, top_p=args.top_p,
                            seed=args.seed, use_tools=not args.no_tools, on_error=args.on_error,
                            grammar=decoding.grammar, jump_forward=decoding.jump_forward)


class StreamPrinter:
    """Prints the answer as it streams: everything, or only the final answer unless --show-steps."""

    def __init__(self, show_steps: bool, out=sys.stdout):
        self.show_steps = show_steps
        self.out = out
        self.after_program = False  # without --show-steps, only text after the computed block is the answer
        self.buffer = ""  # text before any program: printed at the end when it turns out to be a plain reply

    def __call__(self, event) -> None:
        if event.kind == "token":
            if self.show_steps or self.after_program:
                self.out.write(event.text)
                self.out.flush()
            else:
                self.buffer += event.text
        elif event.kind == "computed":
            self.after_program = True
            if self.show_steps:
                self.out.write("\n" + event.text + "\n")
            self.buffer = ""
        elif event.kind == "done":
            if not self.show_steps and not self.after_program:
                self.out.write(event.data.get("final", self.buffer))
            self.out.write("\n")
            flags = []
            if event.data.get("computed_error"):
                flags.append(f"[the computation failed: {event.data['computed_error']}]")
            if event.data.get("invented_number"):
                flags.append(f"[warning: numbers not computed by the runtime: {event.data['unsupported_numbers']}]")
            for flag in flags:
                self.out.write(flag + "\n")
            self.out.flush()


def open_backend(args: argparse.Namespace):
    """The backend `args` name, or None once stderr says why it cannot be loaded."""
    from worldmodel.model.bundle import BundleError

    try:
        return load_backend(args)
    except (FileNotFoundError, ValueError, BundleError) as error:
        print(f"error: {error}", file=sys.stderr)
        return None


def answer_question(backend, messages, args: argparse.Namespace, config):
    """One answer with the decoding flags: streamed when one program is written, else printed once voted."""
    from worldmodel.voting import answer

    decoding = decoding_from_args(args)
    streamed = decoding.votes == 1 and not args.json
    printer = StreamPrinter(args.show_steps) if streamed else None
    result, vote, attempts = answer(backend, messages, config, votes=decoding.votes,
                                    temperature=decoding.vote_temperature, retries=decoding.retries, on_event=printer)
    if args.json:
        print(json.dumps({**result.to_dict(), "vote": vote.__dict__, "attempts": len(attempts)}, indent=2))
    elif not streamed:
        if args.show_steps and result.program:
            print(result.program + "\n" + (result.computed or ""))
        print(result.final)
    if not args.json and (decoding.votes > 1 or len(attempts) > 1):
        print(f"[{vote.summary()}" + (f"; {len(attempts)} attempts" if decoding.votes == 1 else "") + "]")
    return result


def run(args: argparse.Namespace) -> int:
    backend = open_backend(args)
    if backend is None:
        return 2
    try:
        config = generation_config(args)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    answer_question(backend, args.question, args, config)
    return 0
