"""What an execution knows: the last command's result, variables, budgets, the log, and whether it halted."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from worldmodel.tiss.errors import TissError


@dataclass
class LastRun:
    command: str
    argv: list[str]
    stdout: str = ""
    stderr: str = ""
    exit_code: int | None = None
    duration: float = 0.0  # seconds: LAST_RUN.EXECUTION_TIME
    error_kind: str | None = None
    sandboxed: bool = False


@dataclass
class LogEntry:
    command: str  # the statement keyword: RUN, WRITE, ASSERT, STEP…
    detail: str  # what it did, variables filled in
    status: str  # ok | failed | caught | skipped | dry_run
    line: int
    duration: float = 0.0
    error: dict | None = None


@dataclass
class Budgets:
    """Limits a script may lower with SET_BUDGET (never above the engine's policy)."""

    timeout: float  # seconds per RUN
    output: int  # bytes per stream per RUN
    tokens: int  # new tokens per PROMPT_AGENT
    commands: int = 1000  # RUN statements per script


@dataclass
class State:
    root: Path
    budgets: Budgets
    variables: dict = field(default_factory=dict)
    last_run: LastRun | None = None
    halted: bool = False
    failure: TissError | None = None
    log: list[LogEntry] = field(default_factory=list)
    approved: set[str] = field(default_factory=set)  # programs approved for this run
    steps: list[str] = field(default_factory=list)  # the STEP titles enclosing the current statement
    commands_run: int = 0

    def record(self, entry: LogEntry) -> None:
        self.log.append(entry)

    def report(self) -> dict:
        """The failure report and the log as plain data (`--json`)."""
        return {
            "ok": not self.halted,
            "failure": None if self.failure is None else {**self.failure.to_dict(),
                                                         "step": getattr(self.failure, "step", None)},
            "log": [asdict(entry) for entry in self.log],
            "variables": {name: value for name, value in self.variables.items()},
            "last_run": None if self.last_run is None else asdict(self.last_run),
        }
