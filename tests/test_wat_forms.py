"""The two output forms and the runtime library module follow docs/protocol.md sections 2 and 4."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import wasmtime

from worldmodel.wat import convert, runtime_exports, runtime_library_wat
from worldmodel.wat.library import CORELIB_MODULES, SKIP_FILES, load

PROGRAM = "import math\nprices = [0.1, 2.5]\ntotal = 0\nfor p in prices:\n    total += p\nprint(f'{total:.2f}', math.sqrt(2), 7 // 2)\n"


def imports_of(wat: str) -> list[tuple[str, str]]:
    return re.findall(r'\(import "([^"]+)" "([^"]+)"', wat)


def test_standalone_imports_only_env_write_and_exports_main_memory():
    wat = convert(PROGRAM)
    assert imports_of(wat) == [("env", "write")]
    assert sorted(re.findall(r'\(export "([^"]+)"\)', wat)) == ["main", "memory"]
    module = wasmtime.Module(wasmtime.Engine(), wasmtime.wat2wasm(wat))
    assert {e.name for e in module.exports} == {"main", "memory"}


def test_linked_imports_only_what_it_calls_from_rt():
    wat = convert(PROGRAM, standalone=False)
    imports = imports_of(wat)
    assert all(mod == "rt" for mod, _ in imports)
    names = {name for _, name in imports} - {"memory"}
    called = set(re.findall(r"\(call \$([\w.]+)", wat))
    assert names == called - {"main"}
    exported = {name for name, _, _ in runtime_exports()}
    assert names <= exported
    assert "(f64.const 0.1)" in wat and "(f64.const 2.5)" in wat  # shortest float literals
    assert re.search(r"\(data \(i32\.const 6553[6-9]\)|\(data \(i32\.const 65[5-9]\d\d\)", wat)  # page 1


def test_runtime_library_module_exports_protocol_names():
    rt = runtime_library_wat()
    module = wasmtime.Module(wasmtime.Engine(), wasmtime.wat2wasm(rt))
    exports = {e.name for e in module.exports}
    for name in ("memory", "print_i64", "print_f64", "print_bool", "print_str", "write_i64", "write_f64",
                 "write_bool", "write_str", "sqrt", "sin", "log", "pow", "atan2", "hypot", "fmod",
                 "float_repr", "format_float", "format_int", "format_str", "round_float", "parse_float"):
        assert name in exports, name
    assert [i.module for i in module.imports] == ["env"]


def test_every_runtime_function_compiles():
    """corelib and rtlib are in the rt subset: the converter must compile all of them."""
    lib = load()
    assert lib.excluded == {}, lib.excluded
    here = Path(__file__).resolve().parents[1] / "python" / "worldmodel" / "wat"
    paths = [here / "corelib" / f"{m}.py" for m in CORELIB_MODULES]
    paths += [p for p in (here / "rtlib").glob("*.py") if p.name not in SKIP_FILES and not p.name.startswith("test")]
    for path in paths:
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef):
                assert lib.has(node.name), f"{path.name}: {node.name}"
