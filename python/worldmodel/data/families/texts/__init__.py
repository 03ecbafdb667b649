"""The families' phrasings, kept as data: question templates, think steps, final answers, refusals and the like.

One TOML file per family module (`basic.toml` holds the texts of families/basic.py) with a table per family,
named as the family, whose keys are the family's keyword arguments. A declaration takes them with
`**texts("name")`:

    FIBONACCI = Family(
        name="fibonacci", stage="complex", **texts("fibonacci"), exact=True,
        sample=...,
    )

A table named after the module holds the texts several of its families share; the module binds them to names
(`FINALS_NUMBER = texts("basic")["FINALS_NUMBER"]`). formulas.toml and units.toml state whole formulas and unit
dimensions. The Python keeps the logic (samplers, programs, truths, slot functions). Arrays come back as tuples
at every depth, as the Python literals were. A template's id is its index, so a new template is appended to the
end of its array, never inserted (data/README.md).
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any


@cache
def _tables() -> dict[str, tuple[str, dict[str, Any]]]:
    """Every table of every TOML file here: name -> (file name, table). A name may stand in one file only."""
    tables: dict[str, tuple[str, dict[str, Any]]] = {}
    for path in sorted(Path(__file__).parent.glob("*.toml")):
        with path.open("rb") as f:
            for name, table in tomllib.load(f).items():
                if name in tables:
                    raise ValueError(f"texts: [{name}] is in both {tables[name][0]} and {path.name}")
                tables[name] = (path.name, table)
    return tables


def _tuples(value: Any) -> Any:
    """Arrays as tuples, inside tables too."""
    if isinstance(value, dict):
        return {key: _tuples(item) for key, item in value.items()}
    return tuple(_tuples(item) for item in value) if isinstance(value, list) else value


def texts(name: str) -> dict[str, Any]:
    """The table `name` (a family's keyword arguments: `templates`, `think`, `finals`, `refusals`, ...), a new
    dict on every call."""
    try:
        _, table = _tables()[name]
    except KeyError:
        raise KeyError(f"texts: no [{name}] table in data/families/texts/*.toml") from None
    return _tuples(table)
