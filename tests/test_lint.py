"""The Python is lint-clean: `ruff check` (pyflakes' rules, configured in pyproject.toml) reports nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINTED_FOLDERS = ["python", "export", "quantization", "benchmarks", "tests", "e2e"]


def test_ruff_check_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", *LINTED_FOLDERS],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
