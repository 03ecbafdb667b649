"""RUN's process confinement: with bubblewrap an approved program can write only the project root and reach no
network; without it, approved programs are refused unless the caller opts into running them unconfined."""

from __future__ import annotations

import socket
import uuid
from pathlib import Path

import pytest

from tests.tiss_helpers import run_script
from worldmodel.tiss.sandbox import CommandPolicy, bubblewrap, sandbox_status

needs_bubblewrap = pytest.mark.skipif(bubblewrap() is None, reason="bubblewrap cannot build a sandbox here "
                                      "(`make setup` installs it; unprivileged user namespaces must be enabled)")


def python(code: str) -> str:
    return 'RUN "python3 -c \'' + code.replace('"', '\\"').replace("\n", "\\n") + '\'"'


@needs_bubblewrap
def test_an_approved_program_writes_the_root_but_nothing_outside_it(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    inside = run_script(python('open("made.txt", "w").write("ok")'), root, approve=True)
    assert inside.failure is None and (root / "made.txt").read_text() == "ok"
    # /tmp is private inside the sandbox: the folder beside the root is not even visible there.
    hidden = run_script(python(f'open("{outside}/x.txt", "w")'), root, approve=True)
    assert hidden.failure.kind == "exit_status" and "No such file" in hidden.last_run.stderr
    assert list(outside.iterdir()) == []
    # Everything else is mounted read-only, e.g. this checkout (when the root is not inside it).
    probe = Path(__file__).resolve().parent / f"tiss-probe-{uuid.uuid4().hex}.txt"
    escape = run_script(python(f'open("{probe}", "w")'), root, approve=True)
    assert escape.failure.kind == "exit_status" and "Read-only file system" in escape.last_run.stderr
    assert not probe.exists() and escape.last_run.sandboxed is True


@needs_bubblewrap
def test_an_approved_program_reaches_no_network_not_even_the_host_loopback(tmp_path):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        state = run_script(python(f'import socket; socket.create_connection(("127.0.0.1", {port}), timeout=2)'),
                           tmp_path, approve=True)
    assert state.failure.kind == "exit_status"
    assert "ConnectionRefusedError" in state.last_run.stderr or "unreachable" in state.last_run.stderr


@needs_bubblewrap
def test_processes_left_behind_die_with_the_command(tmp_path):
    # The child sleeps on after its parent exits; the sandbox's PID namespace ends it with the command.
    code = 'import os, time\nif os.fork() == 0:\n    time.sleep(30)\n    open("late.txt", "w").write("x")\n'
    state = run_script(python(code), tmp_path, approve=True)
    assert state.failure is None
    import time
    time.sleep(0.5)
    assert not (tmp_path / "late.txt").exists()


def test_without_a_sandbox_approved_programs_are_refused_unless_explicitly_unconfined(tmp_path):
    policy = dict(sandbox="none")
    assert sandbox_status(CommandPolicy(**policy)).startswith("none")
    refused = run_script(python("print(1)"), tmp_path, approve=True, **policy)
    assert refused.failure.kind == "sandbox_unavailable" and "--no-sandbox" in refused.failure.message
    unconfined = run_script(python("print(1)"), tmp_path, approve=True, unsandboxed=True, **policy)
    assert unconfined.failure is None and unconfined.last_run.sandboxed is False
    listed = run_script('RUN "echo allow-listed"', tmp_path, **policy)
    assert listed.failure is None and listed.last_run.stdout == "allow-listed\n"
