"""Who approves programs outside the allow-list: a person at the terminal, `--yes`, or nobody."""

from __future__ import annotations

import sys
from typing import Protocol


class Approver(Protocol):
    def approve(self, question: str) -> bool: ...

    def pause(self, message: str) -> None: ...


class Deny:
    """Non-interactive without --yes: nothing outside the allow-list runs; PAUSE does not wait."""

    def approve(self, question: str) -> bool:
        return False

    def pause(self, message: str) -> None:
        pass


class AssumeYes(Deny):
    """--yes: approve everything for this one run (each approval is still logged)."""

    def approve(self, question: str) -> bool:
        return True


class Interactive:
    def __init__(self, stdin=None, stdout=None):
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stderr

    def approve(self, question: str) -> bool:
        self.stdout.write(f"{question} [y/N] ")
        self.stdout.flush()
        return self.stdin.readline().strip().lower() in ("y", "yes")

    def pause(self, message: str) -> None:
        self.stdout.write(f"{message} (press Enter to continue) ")
        self.stdout.flush()
        self.stdin.readline()
