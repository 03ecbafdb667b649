"""`worldmodel tiss lint` (rules with line, column and id) and `worldmodel tiss run` (--dry-run, --yes, --json)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from worldmodel.tiss.lint import lint

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "tiss"


def rules(source):
    return [(d.severity, d.rule, d.line, d.column) for d in lint(source)]


@pytest.mark.parametrize("source, expected", [
    ('FROB "x"', [("error", "unknown-command", 1, 1)]),
    ('STEP "a" {\n  RUN "true"\n', [("error", "unclosed-block", 1, 10)]),
    ('STEP "a" { PARALLEL { RUN "true" } }', [("error", "not-supported", 1, 12)]),
    ('LOG "{{who}}"', [("error", "undefined-variable", 1, 1)]),
    ("ASSERT count > 1", [("error", "undefined-variable", 1, 8)]),
    ("ASSERT LAST_RUN.EXIT_CODE == 0", [("error", "assert-before-run", 1, 8)]),
    ('ASSERT 1 == 2\nRUN "true"', [("error", "assert-always-fails", 1, 1), ("warning", "unreachable-step", 2, 1)]),
    ('IF 1 > 2 THEN {\n  RUN "true"\n}', [("warning", "unreachable-step", 2, 3)]),
    ('RUN "echo a && echo b"', [("error", "shell-syntax", 1, 1)]),
    ('VAR p = "sh"\nRUN "{{p}} x"', [("error", "interpolated-program", 2, 1)]),
    ('RUN "python3 x.py"', [("warning", "needs-approval", 1, 1)]),
    ("SET_BUDGET speed = 1", [("error", "unknown-budget", 1, 1)]),
    ('STEP "empty" { }', [("warning", "empty-block", 1, 1)]),
    ('READ "a" AS a\nLOG "{{a}}"\nPROMPT_AGENT "q" INTO r\nASSERT r.computed == 1\n'
     'TRY { RUN "false" } CATCH { LOG "{{LAST_ERROR.kind}}" }', []),
])
def test_lint_rules(source, expected):
    assert rules(source) == expected


def test_the_examples_lint_without_errors():
    for script in EXAMPLES.glob("*.tiss"):
        assert [d for d in lint(script.read_text()) if d.severity == "error"] == [], script


def tiss(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "worldmodel", "tiss", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_lint_cli_prints_path_line_column_rule_and_fails_on_errors(tmp_path):
    script = tmp_path / "bad.tiss"
    script.write_text('RUN "python3 x.py"\nLOG "{{nobody}}"\n')
    done = tiss("lint", str(script))
    assert done.returncode == 1
    assert f"{script}:1:1: warning [needs-approval]" in done.stdout
    assert f"{script}:2:1: error [undefined-variable]" in done.stdout
    clean = tmp_path / "ok.tiss"
    clean.write_text('RUN "echo hi"\n')
    assert tiss("lint", str(clean)).returncode == 0
    as_json = json.loads(tiss("lint", "--json", str(script)).stdout)
    assert {d["rule"] for d in as_json} == {"needs-approval", "undefined-variable"}


def test_run_cli_dry_run_json_and_yes(tmp_path):
    script = tmp_path / "task.tiss"
    script.write_text('VAR who = "you"\nWRITE "out/hi.py" <<EOF\nprint("hi {{who}}")\nEOF\n'
                      'RUN "python3 out/hi.py"\nASSERT LAST_RUN.STDOUT == "hi you"\n')
    dry = tiss("run", str(script), "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0 and 'print("hi you")' in dry.stdout and "would run python3 out/hi.py" in dry.stdout
    assert not (tmp_path / "out").exists()
    refused = tiss("run", str(script), "--json", cwd=tmp_path)  # stdin is not a terminal: nobody approves
    report = json.loads(refused.stdout)
    assert refused.returncode == 1 and report["failure"]["kind"] == "command_not_allowed"
    assert report["failure"]["line"] == 5
    done = tiss("run", str(script), "--yes", "--no-sandbox", "--json", "--root", str(tmp_path))
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["ok"] and report["last_run"]["stdout"] == "hi you\n"
    assert [e["command"] for e in report["log"]] == ["VAR", "WRITE", "RUN", "ASSERT"]


def test_run_cli_reports_failures_and_syntax_errors(tmp_path):
    script = tmp_path / "fail.tiss"
    script.write_text('STEP "check" {\n  RUN "echo 1"\n  ASSERT LAST_RUN.STDOUT == 2\n}\n')
    done = tiss("run", str(script), "--root", str(tmp_path))
    assert done.returncode == 1
    assert "FAILED at line 3, column 3 in step 'check' [assertion_failed]" in done.stderr
    broken = tmp_path / "broken.tiss"
    broken.write_text('STEP "x" {\n')
    done = tiss("run", str(broken))
    assert done.returncode == 2 and f"{broken}:1:10:" in done.stderr and "[unclosed_block]" in done.stderr
