"""`{{name}}` interpolation, and turning a RUN string into argv without a shell.

The command is split into arguments *before* values are filled in, so a value is always part of exactly one
argument: spaces, quotes, `;`, `&&`, backticks or `$()` in a value are plain characters of that argument.
Shell operators written in the script itself are refused (there is no shell to give them a meaning), and so
is a value that would turn a whole argument into an option (`--output=/etc/x`).
"""

from __future__ import annotations

import re
import shlex

from worldmodel.tiss.errors import SecurityError, TissError
from worldmodel.tiss.quoting import outside_quotes

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}")
_SHELL_OPERATORS = (";", "&", "|", "<", ">", "`", "$(")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def placeholders(text: str) -> list[str]:
    return PLACEHOLDER.findall(text)


def interpolate(text: str, variables: dict, unknown: str | None = None) -> str:
    """Fill `{{name}}` from `variables`. An undefined name is an error, or `unknown` formatted (dry run)."""
    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name in variables:
            return _text(variables[name])
        if unknown is not None:
            return unknown.format(name=name)
        raise TissError(f"undefined variable {name!r} in {{{{{name}}}}}", kind="undefined_variable")

    return PLACEHOLDER.sub(fill, text)


def _text(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def check_shell_syntax(command: str) -> None:
    """Refuse unquoted shell operators in the command as written in the script."""
    for index in outside_quotes(command, shell=True):
        for operator in _SHELL_OPERATORS:
            if command.startswith(operator, index):
                raise SecurityError(f"RUN never goes through a shell, so {operator!r} (column {index + 1} of "
                                    "the command) has no meaning: write one RUN per command", kind="shell_syntax")


def command_argv(command: str, variables: dict, unknown: str | None = None) -> list[str]:
    """The argv of a RUN: split the template, then fill each argument on its own."""
    check_shell_syntax(command)
    try:
        template = shlex.split(command, posix=True)
    except ValueError as error:
        raise TissError(f"cannot split the command: {error}", kind="command_syntax") from None
    if not template:
        raise TissError("RUN needs a command", kind="command_syntax")
    if placeholders(template[0]):
        raise SecurityError("the program name cannot come from a variable; name it in the script",
                            kind="interpolated_program")
    argv = []
    for argument in template:
        value = interpolate(argument, variables, unknown)
        if "\x00" in value:
            raise SecurityError("a variable holds a NUL byte, which no argument can carry", kind="injection")
        starts_with_value = PLACEHOLDER.match(argument) is not None
        if starts_with_value and value.startswith("-") and not _NUMBER.fullmatch(value):
            raise SecurityError(f"a variable would turn argument {argument!r} into the option {value!r}",
                                kind="option_injection")
        argv.append(value)
    return argv
