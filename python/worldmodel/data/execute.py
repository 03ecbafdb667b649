"""Running one solution both ways: CPython (the reference) and convert → WAT → runtime (what the model sees).

A solution is kept only when both agree byte for byte on the printed text; the WAT, the computed block and
the computed text then come from the runtime.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass

from worldmodel import protocol
from worldmodel.runtime import Limits, run_wat
from worldmodel.wat import convert
from worldmodel.wat.errors import ConversionError

# Drop reasons, in the order the checks run.
PYTHON_ERROR = "python_error"  # the solution itself fails in CPython: a bug in the family
CONVERSION = "conversion"  # the converter does not handle this solution shape
CONVERTER_CRASH = "converter_crash"  # the converter failed with something other than ConversionError: its bug
RUNTIME_ERROR = "runtime_error"  # the WAT fails in the runtime
RUNTIME_MISMATCH = "runtime_mismatch"  # the runtime prints something other than CPython
TRUTH_MISMATCH = "truth_mismatch"  # the printed value disagrees with the independent ground truth
NOT_A_NUMBER = "not_a_number"  # the printed text is not one number

LIMITS = Limits(fuel=200_000_000, timeout_s=5.0)


@dataclass(frozen=True)
class Execution:
    drop_reason: str | None
    detail: str = ""
    wat: str = ""
    computed_block: str = ""
    computed_text: str = ""


def run_cpython(source: str) -> str:
    """What the program prints under CPython, with one trailing newline removed (like the computed text)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<solution>", "exec"), {"__name__": "__solution__"})
    text = out.getvalue()
    return text[:-1] if text.endswith("\n") else text


def execute(source: str) -> Execution:
    """Run `source` in CPython and, converted to linked-form WAT, in the runtime; compare the two."""
    try:
        expected = run_cpython(source)
    except Exception as error:  # any failure of the reference run is a bug in the family's solution
        return Execution(PYTHON_ERROR, f"{type(error).__name__}: {error}")
    try:
        wat = convert(source, standalone=False)
    except ConversionError as error:  # a shape outside the supported subset: counted, not fatal
        return Execution(CONVERSION, str(error))
    except Exception as error:  # noqa: BLE001 - a converter bug must not stop the build; it is counted and shown
        return Execution(CONVERTER_CRASH, f"{type(error).__name__}: {error}")
    result = run_wat(wat, LIMITS)
    if not result.ok:
        return Execution(RUNTIME_ERROR, f"{result.error_kind}: {result.error_message}", wat)
    if result.computed_text != expected:
        return Execution(RUNTIME_MISMATCH, f"runtime {result.computed_text!r} != cpython {expected!r}", wat)
    return Execution(None, "", wat.strip(), protocol.computed_block(result), result.computed_text)


def matches_truth(computed_text: str, truth: float | int, rel_tol: float) -> tuple[bool, str]:
    """Whether the computed text is one number equal to `truth` within `rel_tol`; else the drop reason."""
    try:
        value = float(computed_text.replace(",", ""))
    except ValueError:
        return False, NOT_A_NUMBER
    if abs(value - truth) <= max(rel_tol * abs(truth), 1e-9):
        return True, ""
    return False, TRUTH_MISMATCH
