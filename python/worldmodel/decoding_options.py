"""Decoding flags shared by `worldmodel ask`, `chat` and `eval`: grammar, jump-forward, voting, retries.

The command line's defaults live here (the app's twins: web/worker/decoding.ts; README "Decoding" gives the figures
behind them): jump-forward guided by the grammar, which masks nothing (so a wrong module still fails and says so)
and saves about a third of the decode steps; no grammar mask; one program. GenerationConfig's own defaults stay
plain, so a library call decodes exactly as it is told, and `plain_decoding` is what training evaluations measure.
"""

from __future__ import annotations

import argparse
import importlib.util
from dataclasses import dataclass

DEFAULT_GRAMMAR = False
DEFAULT_JUMP_FORWARD = True  # where xgrammar is installed (`make setup` installs it); off without it


@dataclass(frozen=True)
class Decoding:
    grammar: bool
    jump_forward: bool
    votes: int
    vote_temperature: float
    retries: int


def plain_decoding() -> Decoding:
    """No grammar, no jump-forward, one program, no retry: what `evaluate()` measures unless told otherwise (the
    evaluations inside training runs)."""
    from worldmodel.voting import DEFAULT_VOTE_TEMPERATURE

    return Decoding(grammar=False, jump_forward=False, votes=1, vote_temperature=DEFAULT_VOTE_TEMPERATURE, retries=0)


def add_decoding_arguments(parser: argparse.ArgumentParser) -> None:
    from worldmodel.voting import DEFAULT_RETRIES, DEFAULT_VOTE_TEMPERATURE, DEFAULT_VOTES

    parser.add_argument("--grammar", action=argparse.BooleanOptionalAction, default=DEFAULT_GRAMMAR,
                        help="constrain the module to the typed WAT grammar (XGrammar; the `grammar` extra): it always "
                             "compiles, but a wrong plan then computes a wrong number instead of failing")
    parser.add_argument("--jump-forward", action=argparse.BooleanOptionalAction, default=None,
                        help="append text the grammar forces without decoding it (without --grammar the grammar "
                             "masks nothing and only guides the jumps; default: on where xgrammar is installed)")
    parser.add_argument("--votes", type=int, default=DEFAULT_VOTES,
                        help="programs written per question; the value most of them computed is the answer")
    parser.add_argument("--vote-temperature", type=float, default=DEFAULT_VOTE_TEMPERATURE,
                        help="sampling temperature of every program after the first")
    parser.add_argument("--retries", type=int, default=DEFAULT_RETRIES,
                        help="with --votes 1: sample again after a module that failed to compile or run, up to N times")


def decoding_from_args(args: argparse.Namespace) -> Decoding:
    if args.votes < 1 or args.retries < 0:
        raise ValueError("need --votes >= 1 and --retries >= 0")
    jump_forward = args.jump_forward if args.jump_forward is not None else default_jump_forward()
    return Decoding(grammar=args.grammar, jump_forward=jump_forward, votes=args.votes,
                    vote_temperature=args.vote_temperature, retries=args.retries)


def default_jump_forward() -> bool:
    """DEFAULT_JUMP_FORWARD where the grammar engine is installed; a minimal install decodes plainly."""
    return DEFAULT_JUMP_FORWARD and importlib.util.find_spec("xgrammar") is not None
