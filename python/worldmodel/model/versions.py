"""Release versions and compatibility ranges of model bundles (docs/bundle.md, "release").

A release version is semantic: `MAJOR.MINOR.PATCH` (plain numbers, no pre-release tags). A range is a
comma-separated list of comparators that must all hold, e.g. `>=0.1.0,<1.0.0` or `>=1,<2`; a version
in a range may have one to three numbers (missing ones are 0), so protocol integers fit the same syntax.

The grammar is deliberately this small so that the browser's twin (web/worker/versions.ts) agrees with
this one exactly; tests/test_bundle_versions.py holds the cases both must pass.
"""

from __future__ import annotations

import operator
import re

SEMVER = re.compile(r"^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})$")
_NUMBERS = re.compile(r"^(0|[1-9][0-9]{0,8})(\.(0|[1-9][0-9]{0,8})){0,2}$")
_COMPARATOR = re.compile(r"^(>=|<=|>|<|==)\s*(\S+)$")
_OPERATORS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq}
MAX_RANGE_LENGTH = 128


def parse_version(text: str) -> tuple[int, int, int]:
    """`1`, `1.2` or `1.2.3` → (1, 2, 3) with missing numbers 0; ValueError otherwise."""
    if not isinstance(text, str) or not _NUMBERS.match(text):
        raise ValueError(f"version {text!r} must be one to three dot-separated numbers")
    numbers = [int(part) for part in text.split(".")]
    return tuple(numbers + [0] * (3 - len(numbers)))  # type: ignore[return-value]


def check_semver(text: str) -> str:
    """A release version must be exactly MAJOR.MINOR.PATCH."""
    if not isinstance(text, str) or not SEMVER.match(text):
        raise ValueError(f"release version {text!r} must be MAJOR.MINOR.PATCH (e.g. 1.2.0)")
    return text


def parse_range(text: str) -> list[tuple[str, tuple[int, int, int]]]:
    """`>=0.1.0,<1.0.0` → [(">=", (0, 1, 0)), ("<", (1, 0, 0))]; ValueError for anything else."""
    if not isinstance(text, str) or not 0 < len(text) <= MAX_RANGE_LENGTH:
        raise ValueError(f"range {text!r} must be a non-empty string of at most {MAX_RANGE_LENGTH} characters")
    comparators = []
    for part in text.split(","):
        match = _COMPARATOR.match(part.strip())
        if not match:
            raise ValueError(f"range {text!r}: {part.strip()!r} is not a comparator such as >=1.0.0 or <2")
        comparators.append((match.group(1), parse_version(match.group(2))))
    return comparators


def check_range(text: str) -> str:
    parse_range(text)
    return text


def satisfies(version: str, range_text: str) -> bool:
    """Whether `version` lies in the range (every comparator holds)."""
    value = parse_version(version)
    return all(_OPERATORS[op](value, bound) for op, bound in parse_range(range_text))


def newer(a: str, b: str) -> bool:
    """Whether version `a` is later than `b`."""
    return parse_version(a) > parse_version(b)
