"""Python -> WebAssembly text (WAT) converter.

    from worldmodel.wat import convert, ConversionError, runtime_library_wat
    wat = convert(source)                     # standalone module (imports only env.write)
    wat = convert(source, standalone=False)   # linked module importing from the runtime library "rt"

See README.md in this folder for the supported subset, typing rules and memory layout.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .errors import ConversionError

__all__ = ["convert", "ConversionError", "runtime_library_wat", "write_runtime_library", "runtime_exports"]


def convert(source: str, *, standalone: bool = True) -> str:
    """Compile a Python program (the supported subset) to a WAT module whose run prints what CPython prints."""
    from .module import convert_program

    return convert_program(source, standalone=standalone)


@lru_cache(maxsize=1)
def runtime_library_wat() -> str:
    """The runtime library module `rt` in linked form (docs/protocol.md sections 2a and 4)."""
    from .library import load
    from .module import runtime_library_module

    return runtime_library_module(load())


def runtime_exports() -> list[tuple[str, list[str], list[str]]]:
    """(name, param valtypes, result valtypes) of every `rt` function export."""
    from .library import load

    lib = load()
    return [(name, *lib.headers[name]) for name in lib.funcs]


def write_runtime_library(path: str | Path) -> Path:
    """Write rt.wat for the browser to fetch; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(runtime_library_wat())
    return path
