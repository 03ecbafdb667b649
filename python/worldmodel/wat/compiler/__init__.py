"""Python subset -> WebAssembly functions.

One compiler serves both user programs and the runtime library ("rt subset"):

* A `Unit` is a set of Python modules compiled together. In *user mode* functions are
  unannotated and specialised per argument types (`f(1)` and `f(1.5)` give two WASM functions);
  in *library mode* every function is fully annotated and compiled once under its own name.
* Types are inferred by running code generation repeatedly until the types of all locals and
  return values stop changing (a fixpoint over the small lattice in `types.py`); the last run,
  with `final=True`, produces the code. Anything whose semantics cannot be proven exact raises
  `ConversionError` instead of emitting an approximation.

The package reads top to bottom: `unit.py` (modules, instances, inference fixpoint) drives `function.py`
(`FunctionCompiler`, one function instance), which is composed from one mixin per kind of construct
(`statements.py`, `expressions.py`, `formatting.py`, `calls.py`, `builtins.py`, `comprehensions.py`);
`intrinsics.py`, `syntax.py` (AST questions) and `wat_helpers.py` (lowering tables, s-expression builders) serve them.
"""

from __future__ import annotations

from .function import FunctionCompiler
from .intrinsics import INTRINSICS
from .unit import FunctionInfo, Instance, Unit
from .wat_helpers import ERROR_NAMES, F64, I32, I64, call, concrete

__all__ = ["ERROR_NAMES", "F64", "I32", "I64", "INTRINSICS", "FunctionCompiler", "FunctionInfo",
           "Instance", "Unit", "call", "concrete"]
