"""The hostile corpus of modules and programs (tests/hostile/programs.py): each ends in its named error or
prints exactly what CPython prints, within a watchdog's time bound, and a healthy run works afterwards."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest
from hostile.programs import CASES, CPYTHON
from watchdog import within

from worldmodel.runtime import Limits, run_python, run_wat

BOUND_S = 60.0  # the limits below stop every case in seconds; the watchdog catches a hang
HEALTHY_PY = "total = 0\nfor i in range(10):\n    total += i * 0.5\nprint(total, [1, 2][::-1])\n"


def run_case(case):
    limits = Limits()
    if case.fuel:
        limits = replace(limits, fuel=case.fuel)
    if case.timeout_s:
        limits = replace(limits, timeout_s=case.timeout_s)
    return (run_python if case.kind == "py" else run_wat)(case.source, limits)


def cpython(source: str) -> tuple[str, str | None]:
    """CPython's stdout and the name of the error it ended with (None: it ended normally)."""
    done = subprocess.run([sys.executable, "-c", source], capture_output=True, timeout=BOUND_S)
    stdout = done.stdout.decode("utf-8", errors="surrogateescape")
    last = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
    return stdout, (last[-1].split(":")[0] if done.returncode and last else None)


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.kind}-{case.name}")
def test_hostile_case(case):
    result = within(BOUND_S, run_case, case)
    if case.expect == CPYTHON:
        stdout, error = cpython(case.source)
        assert (result.stdout, result.ok, result.error_kind) == (stdout, error is None, error), result
    elif case.expect == "ok":
        assert result.ok, result
    else:
        assert (result.ok, result.error_kind) == (False, case.expect), result
        assert result.error_message
    healthy = run_python(HEALTHY_PY)
    assert healthy.ok and healthy.stdout == "22.5 [2, 1]\n", healthy
