"""The one error the converter raises for programs outside the supported subset."""

from __future__ import annotations


class ConversionError(Exception):
    """A construct the converter cannot compile with exact Python semantics.

    `line`/`col` are 1-based line and 0-based column of the offending node (as in `ast`),
    `construct` is the AST node class name (e.g. 'ClassDef') or a short feature name.
    """

    def __init__(self, line: int, col: int, construct: str, message: str):
        self.line = line
        self.col = col
        self.construct = construct
        self.message = message
        super().__init__(f"line {line}, col {col}: unsupported construct '{construct}': {message}")


def error_at(node, construct: str | None, message: str) -> ConversionError:
    line = getattr(node, "lineno", 0) or 0
    col = getattr(node, "col_offset", 0) or 0
    return ConversionError(line, col, construct or type(node).__name__, message)
