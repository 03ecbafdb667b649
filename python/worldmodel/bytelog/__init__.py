"""ByteLog: a small Datalog compiled to WebAssembly (docs/bytelog.md).

    from worldmodel.bytelog import compile_to_wat, run_bytelog, ByteLogError
    wat = compile_to_wat(source)                    # linked form, as the model's <wat_model> (docs/protocol.md 2a)
    wat = compile_to_wat(source, standalone=True)   # standalone form (2b)
    result = run_bytelog(source)                    # a worldmodel.runtime.RunResult; never raises

Source → `program.parse` (lark grammar `bytelog.lark`, then names, variables, arity and limits checked)
→ `codegen.module` (the evaluator `engine.wat` plus the program as data) → the sandboxed runtime.
"""

from __future__ import annotations

from .program import ByteLogError, Limits, Program, parse

__all__ = ["compile_to_wat", "run_bytelog", "parse", "ByteLogError", "Limits", "Program"]


def compile_to_wat(source: str, *, standalone: bool = False, limits: Limits = Limits()) -> str:
    """Compile ByteLog source to a WAT module that evaluates the fixpoint and prints the queries' answers."""
    from .codegen import module

    return module(parse(source, limits), standalone=standalone)


def run_bytelog(source: str, limits=None):
    """Compile and run in the sandbox. A program rejected by the compiler gives error kind
    `conversion_error` with the compiler's message (its ByteLog error kind first)."""
    from worldmodel.runtime import CONVERSION_ERROR, Limits, RunResult, run_wat

    try:
        wat = compile_to_wat(source)
    except ByteLogError as error:
        return RunResult(ok=False, error_kind=CONVERSION_ERROR, error_message=str(error))
    return run_wat(wat, limits or Limits())
