"""Decoding flags shared by `worldmodel ask`, `chat` and `eval`: grammar, jump-forward, voting, retries.

The defaults are GenerationConfig's and worldmodel.voting's (one source each); README "Decoding" says why.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass


@dataclass(frozen=True)
class Decoding:
    grammar: bool
    jump_forward: bool
    votes: int
    vote_temperature: float
    retries: int


def plain_decoding() -> Decoding:
    """No grammar, one program, no retry: what `worldmodel eval` measures unless told otherwise."""
    from worldmodel.voting import DEFAULT_VOTE_TEMPERATURE

    return Decoding(grammar=False, jump_forward=False, votes=1, vote_temperature=DEFAULT_VOTE_TEMPERATURE, retries=0)


def add_decoding_arguments(parser: argparse.ArgumentParser) -> None:
    from worldmodel.generate import GenerationConfig
    from worldmodel.voting import DEFAULT_RETRIES, DEFAULT_VOTE_TEMPERATURE, DEFAULT_VOTES

    defaults = GenerationConfig()
    parser.add_argument("--grammar", action=argparse.BooleanOptionalAction, default=defaults.grammar,
                        help="constrain the module to the typed WAT grammar (XGrammar; the `grammar` extra)")
    parser.add_argument("--jump-forward", action=argparse.BooleanOptionalAction, default=defaults.jump_forward,
                        help="append text the grammar forces without decoding it (without --grammar the grammar "
                             "masks nothing and only guides the jumps)")
    parser.add_argument("--votes", type=int, default=DEFAULT_VOTES,
                        help="programs written per question; the value most of them computed is the answer")
    parser.add_argument("--vote-temperature", type=float, default=DEFAULT_VOTE_TEMPERATURE,
                        help="sampling temperature of every program after the first")
    parser.add_argument("--retries", type=int, default=DEFAULT_RETRIES,
                        help="with --votes 1: sample again after a module that failed to compile or run, up to N times")


def decoding_from_args(args: argparse.Namespace) -> Decoding:
    if args.votes < 1 or args.retries < 0:
        raise ValueError("need --votes >= 1 and --retries >= 0")
    return Decoding(grammar=args.grammar, jump_forward=args.jump_forward, votes=args.votes,
                    vote_temperature=args.vote_temperature, retries=args.retries)
