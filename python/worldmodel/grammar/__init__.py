"""Grammar-constrained decoding of the model's modules (issue 13): the typed WAT grammar, XGrammar masks, jump-forward.

`wat.ebnf` beside this file is the grammar both runtimes apply (the web build ships the same text as
web/public/wat.ebnf); it is generated from rt's export table by `python -m worldmodel.grammar` and a test keeps the
committed file equal to a fresh generation.
"""

from __future__ import annotations

from pathlib import Path

GRAMMAR_PATH = Path(__file__).with_name("wat.ebnf")


def generate_grammar() -> str:
    """The grammar text from the runtime library's export table, as the engine reads it."""
    from worldmodel.grammar.wat_ebnf import grammar_text
    from worldmodel.runtime import rt_function_types

    return grammar_text(rt_function_types())


def wat_grammar() -> str:
    """The committed grammar text (what the browser ships too)."""
    return GRAMMAR_PATH.read_text(encoding="utf-8")
