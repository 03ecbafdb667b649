"""Scanning text around quoted strings: where a script line's comment starts, where a RUN command has a shell
operator. One scanner serves both; they differ only in where a backslash escapes the next character."""

from __future__ import annotations

from collections.abc import Iterator


def outside_quotes(text: str, shell: bool = False) -> Iterator[int]:
    """The indexes of the characters of `text` that stand outside quoted strings (quotes themselves excluded).

    TissLang strings (`shell=False`): a backslash escapes the next character inside either kind of quote.
    Shell words (`shell=True`): a backslash escapes inside double quotes and outside quotes (the escaped
    character is skipped, not yielded), never inside single quotes.
    """
    quote = None
    index = 0
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\" and (quote == '"' or not shell):
                index += 1
            elif char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "\\" and shell:
            index += 1
        else:
            yield index
        index += 1
