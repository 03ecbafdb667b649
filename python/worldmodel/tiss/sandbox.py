"""Running one RUN command: never through a shell, confined to the project root, with limits on everything.

The argv is checked by the caller (tools.py: allow-list, approval). Here the process gets:
- a scrubbed environment (fixed PATH of system folders, HOME in the project root, nothing inherited),
- the project root as working directory, a timeout, a cap on stdout and stderr, and rlimits (file size,
  address space, core dumps, process count),
- when bubblewrap works on this machine: a sandbox where the project root is the only writable folder,
  /tmp is private, there is no network, and every process dies with the sandbox (own PID namespace).
As root the kernel ignores RLIMIT_NPROC, so a pids cgroup caps the process count there when one can be made.
"""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"
# Programs that read, print or compare but cannot run code or write files by themselves.
DEFAULT_ALLOW = frozenset({"echo", "printf", "cat", "ls", "wc", "head", "tail", "grep", "diff", "cmp", "true",
                           "false", "pwd", "basename", "dirname", "seq", "sleep", "test", "expr", "date"})
# Applied inside the sandbox just before exec (so the limits bind the command, not bubblewrap).
_LAUNCHER = ("import os,resource,sys\n"
             "for name,value in zip(('RLIMIT_NPROC','RLIMIT_FSIZE','RLIMIT_AS','RLIMIT_CORE'),sys.argv[1:5]):\n"
             "    resource.setrlimit(getattr(resource,name),(int(value),int(value)))\n"
             "os.execvpe(sys.argv[5],sys.argv[5:],os.environ)\n")


@dataclass
class CommandPolicy:
    """Limits for RUN. SET_BUDGET in a script can lower `timeout_s` and `output_limit`, never raise them."""

    allow: frozenset[str] = DEFAULT_ALLOW
    timeout_s: float = 30.0
    output_limit: int = 1024 * 1024  # bytes per stream
    max_processes: int = 64
    file_size_limit: int = 64 * 1024 * 1024
    memory_limit: int = 4 * 1024 * 1024 * 1024  # address space
    sandbox: str = "auto"  # auto: bubblewrap when it works here | none: never
    allow_unsandboxed: bool = False  # run approved programs even without a sandbox (say so loudly)
    extra_env: dict[str, str] = field(default_factory=dict)


@dataclass
class CommandOutcome:
    argv: list[str]
    stdout: str
    stderr: str
    exit_code: int | None
    duration: float
    error_kind: str | None = None  # timeout | output_limit | program_not_found | None
    sandboxed: bool = False


@lru_cache(maxsize=None)
def bubblewrap() -> str | None:
    """The bwrap binary when it can actually build a sandbox here (user namespaces may be disabled)."""
    path = shutil.which("bwrap", path=SAFE_PATH)
    if path is None:
        return None
    try:
        probe = subprocess.run([path, "--ro-bind", "/", "/", "--unshare-all", "--unshare-user-try",
                                "--die-with-parent", "--", "/bin/true"],
                               capture_output=True, timeout=10, env={"PATH": SAFE_PATH})
    except (OSError, subprocess.TimeoutExpired):
        return None
    return path if probe.returncode == 0 else None


def sandbox_status(policy: CommandPolicy) -> str:
    """'bubblewrap' or 'none', and why not: what the engine prints before it runs anything."""
    if policy.sandbox == "none":
        return "none (disabled)"
    return "bubblewrap" if bubblewrap() else "none (bubblewrap is not installed or cannot create namespaces here)"


def scrubbed_env(root: Path, policy: CommandPolicy) -> dict[str, str]:
    return {"PATH": SAFE_PATH, "HOME": str(root), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TMPDIR": "/tmp",
            "PYTHONDONTWRITEBYTECODE": "1", **policy.extra_env}


def _sandbox_argv(bwrap: str, root: Path) -> list[str]:
    return [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
            "--bind", str(root), str(root), "--unshare-all", "--unshare-user-try", "--die-with-parent",
            "--new-session", "--cap-drop", "ALL", "--chdir", str(root), "--"]


class _PidsCgroup:
    """A pids cgroup capping the process count, for root (which RLIMIT_NPROC does not bind); else a no-op."""

    def __init__(self, limit: int):
        self.path: Path | None = None
        if os.geteuid() != 0:
            return
        for base in _pids_cgroup_bases():
            candidate = base / f"tiss-{os.getpid()}-{time.monotonic_ns()}"
            try:
                candidate.mkdir()
            except OSError:
                continue
            # The kernel fills a new cgroup with its control files; a plain folder (no cgroup here) has none.
            if (candidate / "pids.max").is_file() and (candidate / "cgroup.procs").is_file():
                try:
                    (candidate / "pids.max").write_text(str(limit))
                    self.path = candidate
                    return
                except OSError:
                    pass
            candidate.rmdir()

    def enter(self) -> None:  # runs in the child between fork and exec
        if self.path is not None:
            (self.path / "cgroup.procs").write_text("0")

    def close(self) -> None:
        if self.path is None:
            return
        for _ in range(50):  # the killed processes leave the cgroup asynchronously
            try:
                for pid in (self.path / "cgroup.procs").read_text().split():
                    os.kill(int(pid), signal.SIGKILL)
                self.path.rmdir()
                return
            except (OSError, ValueError):
                time.sleep(0.02)


def _pids_cgroup_bases() -> list[Path]:
    """Where this process's pids cgroup lives: cgroup v1's pids hierarchy, or the v2 (unified) one."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return []
    bases = []
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "pids":
            bases.append(Path("/sys/fs/cgroup/pids") / path.lstrip("/"))
        elif controllers == "":
            for mount in (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified")):
                if (mount / "cgroup.controllers").is_file():
                    bases.append(mount / path.lstrip("/"))
    return [base for base in bases if (base / "cgroup.procs").is_file()]


def run_argv(argv: list[str], root: Path, policy: CommandPolicy, timeout_s: float, output_limit: int,
             sandboxed: bool) -> CommandOutcome:
    """Run `argv` in `root` under the policy's limits; never raises for the command's own failures."""
    program = shutil.which(argv[0], path=SAFE_PATH) if "/" not in argv[0] else str(root / argv[0])
    started = time.perf_counter()
    if program is None or not os.access(program, os.X_OK):
        return CommandOutcome(argv, "", f"{argv[0]}: program not found", None, 0.0, "program_not_found")
    nproc = policy.max_processes
    launch = [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(nproc), str(policy.file_size_limit),
              str(policy.memory_limit), "0", program, *argv[1:]]
    full = (_sandbox_argv(bubblewrap(), root) + launch) if sandboxed else launch
    cgroup = _PidsCgroup(nproc + 8)  # + bubblewrap's own processes
    try:
        process = subprocess.Popen(full, cwd=root, env=scrubbed_env(root, policy), stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                                   preexec_fn=cgroup.enter, close_fds=True)
    except OSError as error:
        cgroup.close()
        return CommandOutcome(argv, "", str(error), None, 0.0, "program_not_found")
    try:
        stdout, stderr, error_kind = _collect(process, timeout_s, output_limit)
    finally:
        _kill(process)
        cgroup.close()
    duration = time.perf_counter() - started
    exit_code = process.returncode if error_kind is None else None
    return CommandOutcome(argv, stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"), exit_code,
                          duration, error_kind, sandboxed)


def _collect(process: subprocess.Popen, timeout_s: float, limit: int) -> tuple[bytes, bytes, str | None]:
    """Read both pipes until EOF, the deadline or the output cap."""
    buffers = {process.stdout: bytearray(), process.stderr: bytearray()}
    selector = selectors.DefaultSelector()
    for stream in buffers:
        selector.register(stream, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout_s
    error_kind = None
    while selector.get_map():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            error_kind = "timeout"
            break
        for key, _ in selector.select(min(remaining, 0.5)):
            chunk = os.read(key.fd, 65536)
            if not chunk:
                selector.unregister(key.fileobj)
                continue
            buffer = buffers[key.fileobj]
            buffer += chunk[: limit + 1 - len(buffer)]
            if len(buffer) > limit:
                error_kind = "output_limit"
                break
        if error_kind:
            break
    selector.close()
    if error_kind is None:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            error_kind = "timeout"
    return bytes(buffers[process.stdout][:limit]), bytes(buffers[process.stderr][:limit]), error_kind


def _kill(process: subprocess.Popen) -> None:
    """Kill the whole process group (and with bubblewrap, its PID namespace dies with it)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
    for stream in (process.stdout, process.stderr):
        stream.close()
