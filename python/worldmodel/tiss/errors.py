"""TissLang errors: every failure carries a kind (a stable name), a message and, when known, a source position."""

from __future__ import annotations


class TissError(Exception):
    """A named failure. `kind` is what tests, `--json` and the failure report match on."""

    kind = "error"

    def __init__(self, message: str, line: int | None = None, column: int | None = None, kind: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        if kind is not None:
            self.kind = kind

    def at(self, line: int | None, column: int | None) -> "TissError":
        """Attach a position if the error has none yet (tools raise without knowing the statement)."""
        if self.line is None:
            self.line, self.column = line, column
        return self

    def __str__(self) -> str:
        where = f"line {self.line}, column {self.column}: " if self.line is not None else ""
        return f"{where}{self.message} [{self.kind}]"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "message": self.message, "line": self.line, "column": self.column}


class TissSyntaxError(TissError):
    """The script does not parse. `expected` lists what the parser would have accepted there."""

    kind = "syntax_error"

    def __init__(self, message: str, line: int | None, column: int | None, expected: list[str] | None = None,
                 kind: str | None = None):
        super().__init__(message, line, column, kind)
        self.expected = expected or []

    def to_dict(self) -> dict:
        return {**super().to_dict(), "expected": self.expected}


class SecurityError(TissError):
    """An action refused by the security policy (path escape, program not allowed, injection…)."""

    kind = "security"


class CommandError(TissError):
    """A RUN that could not finish normally: timeout, output limit, non-zero exit, program not found."""

    kind = "command_failed"


class AssertionFailed(TissError):
    kind = "assertion_failed"
