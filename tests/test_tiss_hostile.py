"""The hostile-script corpus: every script is stopped with a named error and the host is left untouched.

`pytest -s tests/test_tiss_hostile.py` (or `python -m tests.test_tiss_hostile`) prints the table:
case, expected error, observed error. Each case runs in its own project root; beside it lies an `outside/`
folder with a secret file that no case may change, read or add to.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.tiss_helpers import run_script
from worldmodel.tiss.errors import TissSyntaxError
from worldmodel.tiss.parser import MAX_SCRIPT_BYTES
from worldmodel.tiss.sandbox import bubblewrap

SANDBOX = bubblewrap() is not None
MARK = "PWNED"  # no case may create a file with this name anywhere in the tree below tmp, or in /tmp


@dataclass
class Case:
    name: str
    script: str  # {outside} {mark} {port} are filled in
    expected: str | tuple[str, ...]
    approve: bool = False  # run with --yes
    prepare: object = None  # callable(root, outside) run before the script


def _link(name, target):
    def prepare(root: Path, outside: Path):
        (root / name).symlink_to(target if os.path.isabs(target) else outside / target)
    return prepare


SANDBOXED = "exit_status" if SANDBOX else "sandbox_unavailable"  # an approved program without bubblewrap is refused
BIG = "x" * (1024 * 1024 + 10)
CASES = [
    Case("path traversal WRITE ../", 'WRITE "../outside/{mark}" <<EOF\nx\nEOF', "path_escape"),
    Case("absolute path WRITE", 'WRITE "{outside}/{mark}" <<EOF\nx\nEOF', "path_escape"),
    Case("path traversal READ", 'READ "sub/../../outside/secret.txt" AS s', "path_escape"),
    Case("symlinked folder escape", 'WRITE "link/{mark}" <<EOF\nx\nEOF', "path_escape", prepare=_link("link", ".")),
    Case("symlinked file READ", 'READ "evil.txt" AS s', "path_escape", prepare=_link("evil.txt", "secret.txt")),
    Case("symlinked file WRITE", 'WRITE "evil.txt" <<EOF\nowned\nEOF', "path_escape",
         prepare=_link("evil.txt", "secret.txt")),
    Case("dangling symlink WRITE", 'WRITE "new.txt" <<EOF\nx\nEOF', "path_escape", prepare=_link("new.txt", "{mark}")),
    Case("FILE EXISTS probe outside", 'ASSERT FILE "../outside/secret.txt" EXISTS', "path_escape"),
    Case("; in a value", 'VAR f = "x; touch {mark}"\nRUN "cat {{{{f}}}}"', "exit_status"),
    Case("&& in a value", 'VAR f = "x && touch {mark}"\nRUN "cat {{{{f}}}}"', "exit_status"),
    Case("backticks in a value", 'VAR f = "`touch {mark}`"\nRUN "cat {{{{f}}}}"', "exit_status"),
    Case("$() in a value", 'VAR f = "$(touch {mark})"\nRUN "cat {{{{f}}}}"', "exit_status"),
    Case("value with spaces is one argument", 'VAR f = "a b c"\nRUN "cat {{{{f}}}}"', "exit_status"),
    Case("; written in the command", 'RUN "echo hi; touch {mark}"', "shell_syntax"),
    Case("&& written in the command", 'RUN "true && touch {mark}"', "shell_syntax"),
    Case("$() written in the command", 'RUN "echo $(touch {mark})"', "shell_syntax"),
    Case("backticks written in the command", 'RUN "echo `touch {mark}`"', "shell_syntax"),
    Case("redirect written in the command", 'RUN "echo hi > {mark}"', "shell_syntax"),
    Case("option injection by a value", 'VAR o = "--version"\nRUN "cat {{{{o}}}}"', "option_injection"),
    Case("program from a value", 'VAR p = "bash"\nRUN "{{{{p}}}} -c true"', "interpolated_program"),
    Case("shell not on the allow-list", "RUN \"bash -c 'touch {mark}'\"", "command_not_allowed"),
    Case("python without approval", "RUN \"python3 -c 'open(\\\"{mark}\\\", \\\"w\\\")'\"", "command_not_allowed"),
    Case("fork bomb through a shell", "RUN \"bash -c ':(){{ :|:& }};:'\"", "command_not_allowed"),
    Case("fork bomb, approved", "SET_BUDGET timeout = 5\nRUN \"python3 -c 'import os\\nwhile True: os.fork()'\"",
         ("exit_status", "timeout") if SANDBOX else "sandbox_unavailable", approve=True),
    Case("approved write outside the root", "RUN \"python3 -c 'open(\\\"{outside}/{mark}\\\", \\\"w\\\")'\"",
         SANDBOXED, approve=True),
    Case("approved write to /tmp", "RUN \"python3 -c 'open(\\\"/tmp/{mark}\\\", \\\"w\\\").write(\\\"x\\\")'\"\n"
         "ASSERT FILE \"{mark}\" EXISTS", "assertion_failed" if SANDBOX else "sandbox_unavailable", approve=True),
    Case("approved network connection", "RUN \"python3 -c 'import socket; socket.create_connection((\\\"127.0.0.1\\\", "
         "{port}), timeout=2)'\"", SANDBOXED, approve=True),
    Case("environment secrets", "RUN \"python3 -c 'import os; print(os.environ)'\"\n"
         "ASSERT LAST_RUN.STDOUT CONTAINS \"tiss-test-secret\"",
         "assertion_failed" if SANDBOX else "sandbox_unavailable", approve=True),
    Case("output bomb", 'RUN "cat /dev/zero"', "output_limit"),
    Case("output bomb, endless", 'RUN "seq 1 1000000000000"', "output_limit"),
    Case("endless command", 'SET_BUDGET timeout = 1\nRUN "sleep 1000"', "timeout"),
    Case("endless command raising its budget", 'SET_BUDGET timeout = 100000\nRUN "tail -f secret-copy.txt"',
         "timeout", prepare=lambda root, outside: (root / "secret-copy.txt").write_text("x\n")),
    Case("huge heredoc", 'WRITE "big.txt" <<EOF\n' + BIG + "\nEOF", "write_limit"),
    Case("heredoc grown by interpolation", 'VAR x = "' + "y" * 2000 + '"\nWRITE "big.txt" <<EOF\n'
         + "{{{{x}}}}" * 600 + "\nEOF", "write_limit"),
    Case("script over the size limit", "# " + "z" * MAX_SCRIPT_BYTES, "script_too_large"),
    Case("command budget", "SET_BUDGET commands = 2\nRUN \"true\"\nRUN \"true\"\nRUN \"true\"", "budget_spent"),
]


def _observe(case: Case, base: Path, port: int) -> tuple[str, Path, Path]:
    root, outside = base / "project", base / "outside"
    root.mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.txt").write_text("secret\n")
    mark = f"{MARK}-{uuid.uuid4().hex[:8]}"
    if case.prepare is not None:
        case.prepare(root, outside)
    for link in root.iterdir():  # symlink targets may name the marker
        if link.is_symlink() and "{mark}" in os.readlink(link):
            target = os.readlink(link).replace("{mark}", mark)
            link.unlink()
            link.symlink_to(target)
    script = case.script.format(outside=outside, mark=mark, port=port)
    try:
        state = run_script(script, root, approve=case.approve, timeout_s=3.0, output_limit=64 * 1024)
        observed = state.failure.kind if state.failure is not None else "no error"
    except TissSyntaxError as error:
        observed = error.kind
    return observed, outside, mark


def _untouched(base: Path, outside: Path, mark: str) -> bool:
    marks = [p for p in base.rglob(f"*{mark}*")] + [p for p in Path("/tmp").glob(f"{mark}*")]
    return sorted(p.name for p in outside.iterdir()) == ["secret.txt"] and \
        (outside / "secret.txt").read_text() == "secret\n" and not marks


@pytest.fixture(scope="module")
def listener():
    """A host socket that a sandboxed command must not reach."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield server.getsockname()[1]
    server.close()


@pytest.fixture(autouse=True)
def secret_env(monkeypatch):
    monkeypatch.setenv("TISS_TEST_SECRET", "tiss-test-secret")


def run_corpus(tmp: Path, port: int) -> list[tuple[str, str, str, bool]]:
    rows = []
    for index, case in enumerate(CASES):
        observed, outside, mark = _observe(case, tmp / f"case{index}", port)
        expected = case.expected if isinstance(case.expected, tuple) else (case.expected,)
        rows.append((case.name, " or ".join(expected), observed,
                     observed in expected and _untouched(tmp / f"case{index}", outside, mark)))
    return rows


def format_table(rows) -> str:
    widths = [max(len(r[i]) for r in rows + [("case", "expected error", "observed", True)]) for i in range(3)]
    lines = [f"{'case':<{widths[0]}}  {'expected error':<{widths[1]}}  {'observed':<{widths[2]}}  host"]
    for name, expected, observed, ok in rows:
        lines.append(f"{name:<{widths[0]}}  {expected:<{widths[1]}}  {observed:<{widths[2]}}  "
                     f"{'untouched' if ok else 'FAILED'}")
    return "\n".join(lines)


def test_every_hostile_script_is_stopped_with_a_named_error(tmp_path, listener):
    rows = run_corpus(tmp_path, listener)
    print(f"\nsandbox: {'bubblewrap' if SANDBOX else 'none'}\n" + format_table(rows))
    assert [row for row in rows if not row[3]] == []
    assert len(rows) == len(CASES) >= 30


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder, socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        os.environ["TISS_TEST_SECRET"] = "tiss-test-secret"
        print(format_table(run_corpus(Path(folder), server.getsockname()[1])))
