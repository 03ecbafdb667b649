"""The command line's decoding defaults (worldmodel.decoding_options) and their flags."""

import argparse

import pytest

from worldmodel.decoding_options import (DEFAULT_GRAMMAR, DEFAULT_JUMP_FORWARD, add_decoding_arguments,
                                         decoding_from_args, default_jump_forward, plain_decoding)


def parse(*argv: str):
    parser = argparse.ArgumentParser()
    add_decoding_arguments(parser)
    return decoding_from_args(parser.parse_args(list(argv)))


def test_the_defaults_guide_jumps_by_the_grammar_and_mask_nothing():
    decoding = parse()
    assert (decoding.grammar, decoding.votes, decoding.retries) == (DEFAULT_GRAMMAR, 1, 0) == (False, 1, 0)
    assert decoding.jump_forward is default_jump_forward() is DEFAULT_JUMP_FORWARD  # xgrammar comes with `make setup`


def test_each_default_can_be_turned_around():
    assert parse("--no-jump-forward").jump_forward is False
    both = parse("--grammar", "--jump-forward", "--votes", "3")
    assert (both.grammar, both.jump_forward, both.votes) == (True, True, 3)
    assert parse("--grammar", "--no-jump-forward").jump_forward is False


def test_a_minimal_install_without_xgrammar_decodes_plainly(monkeypatch):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "xgrammar" else object())
    assert parse().jump_forward is False
    assert parse("--jump-forward").jump_forward is True  # asked for by name: generate() then says what is missing


def test_evaluations_inside_training_stay_plain():
    plain = plain_decoding()
    assert (plain.grammar, plain.jump_forward, plain.votes, plain.retries) == (False, False, 1, 0)


def test_bad_counts_are_refused():
    with pytest.raises(ValueError):
        parse("--votes", "0")
