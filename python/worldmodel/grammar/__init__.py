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


_FAULT_SIGNALS = ("SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE")


def import_xgrammar():
    """`xgrammar`, imported without the fault-signal handlers its FFI library (tvm-ffi) installs at import.

    tvm-ffi replaces the SIGSEGV handler with one that prints a backtrace and exits. wasmtime turns a module's
    out-of-bounds access into a trap through that same signal, so after the import any such module killed the
    whole process (measured: `worldmodel ask --grammar`, and pytest workers that had run the grammar tests). The
    handlers in place before the import are put back; only tvm-ffi's crash backtraces are lost.
    """
    import sys

    if "xgrammar" in sys.modules:
        return sys.modules["xgrammar"]
    import ctypes
    import signal

    libc = ctypes.CDLL(None, use_errno=True)
    saved = {}
    for name in _FAULT_SIGNALS:
        action = ctypes.create_string_buffer(256)  # opaque: larger than any libc's struct sigaction
        if libc.sigaction(getattr(signal, name), None, action) == 0:
            saved[name] = action
    import xgrammar

    for name, action in saved.items():
        if libc.sigaction(getattr(signal, name), action, None) != 0:
            raise OSError(ctypes.get_errno(), f"could not restore the {name} handler after importing xgrammar")
    return xgrammar
