"""Running one solution both ways: CPython (the reference) and convert → WAT → runtime (what the model sees).

A solution is kept only when both agree byte for byte on the printed text; the WAT, the computed block and
the computed text then come from the runtime. A ByteLog solution (logic families) has no CPython side: it is
compiled and run, and its answer is checked against the family's independent truth.
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


def execute(source: str, language: str = "python") -> Execution:
    """Run `source` in CPython and, converted to linked-form WAT, in the runtime; compare the two.
    A ByteLog source is compiled and run only; its `wat` is the ByteLog program (the `<computation>` block)."""
    if language == "bytelog":
        return _execute_bytelog(source)
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


def _execute_bytelog(source: str) -> Execution:
    from worldmodel.bytelog import run_bytelog

    result = run_bytelog(source, LIMITS)
    if not result.ok:
        reason = CONVERSION if result.error_kind == "conversion_error" else RUNTIME_ERROR
        return Execution(reason, f"{result.error_kind}: {result.error_message}")
    return Execution(None, "", source.strip(), protocol.computed_block(result), result.computed_text)


def logic_answer(computed_text: str) -> list[str] | bool | None:
    """The answer a ByteLog query printed: `true`/`false`, or the column-B names of its `rel(a, b)` lines."""
    if computed_text in ("true", "false"):
        return computed_text == "true"
    *lines, count = computed_text.split("\n")
    names = [line[line.index(", ") + 2 : -1] for line in lines if ", " in line and line.endswith(")")]
    return names if count == str(len(names)) == str(len(lines)) else None


def matches_truth(computed_text: str, truth: float | int | list | bool, rel_tol: float) -> tuple[bool, str]:
    """Whether the computed text is one number equal to `truth` within `rel_tol`; else the drop reason.
    A logic answer (a list of names or a bool) must be exactly what the query printed."""
    if isinstance(truth, (bool, list)):
        return (True, "") if logic_answer(computed_text) == truth else (False, TRUTH_MISMATCH)
    try:
        value = float(computed_text.replace(",", ""))
    except ValueError:
        return False, NOT_A_NUMBER
    if abs(value - truth) <= max(rel_tol * abs(truth), 1e-9):
        return True, ""
    return False, TRUTH_MISMATCH
