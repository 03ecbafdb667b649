"""The two output forms and the runtime library module follow docs/protocol.md sections 2 and 4."""

from __future__ import annotations

import re

import pytest
import wasmtime

from worldmodel.rt_imports import complete_imports
from worldmodel.wat import ConversionError, convert, runtime_exports, runtime_library_wat

PROGRAM = "import math\nprices = [0.1, 2.5]\ntotal = 0\nfor p in prices:\n    total += p\nprint(f'{total:.2f}', math.sqrt(2), 7 // 2)\n"


def imports_of(wat: str) -> list[tuple[str, str]]:
    return re.findall(r'\(import "([^"]+)" "([^"]+)"', wat)


def test_standalone_imports_only_env_write_and_exports_main_memory():
    wat = convert(PROGRAM)
    assert imports_of(wat) == [("env", "write")]
    assert sorted(re.findall(r'\(export "([^"]+)"\)', wat)) == ["main", "memory"]
    module = wasmtime.Module(wasmtime.Engine(), wasmtime.wat2wasm(wat))
    assert {e.name for e in module.exports} == {"main", "memory"}


def test_linked_form_leaves_rt_imports_to_the_runtime():
    """ABI 2: the linked form calls rt functions without import lines; every call resolves to an rt export."""
    wat = convert(PROGRAM, standalone=False)
    assert imports_of(wat) == []
    called = set(re.findall(r"\(call \$([\w.]+)", wat)) - {"main"}
    exported = {name for name, _, _ in runtime_exports()}
    assert called and called <= exported
    completed = complete_imports(wat, {name: "" for name in exported})
    assert {name for _, name in imports_of(completed)} == called | {"memory"}  # PROGRAM has data: rt's memory
    assert "(f64.const 0.1)" in wat and "(f64.const 2.5)" in wat  # shortest float literals
    assert re.search(r"\(data \(i32\.const 6553[6-9]\)|\(data \(i32\.const 65[5-9]\d\d\)", wat)  # page 1


def test_common_forms_are_one_call():
    """f"{x:.2f}" prints through print_fixed, and an int literal used as a float is a float literal."""
    wat = convert("price = 12.5\nchange = 50 - price * 3\nprint(f'{change:.2f}')\nprint(f'{change:.3f}', end='')\n",
                  standalone=False)
    assert "(call $print_fixed (local.get $change) (i64.const 2))" in wat
    assert "(call $write_fixed (local.get $change) (i64.const 3))" in wat
    assert "format_float" not in wat and "convert_i64_s" not in wat
    assert "(f64.const 50.0)" in wat and "(f64.const 3.0)" in wat


def test_runtime_library_module_exports_protocol_names():
    rt = runtime_library_wat()
    module = wasmtime.Module(wasmtime.Engine(), wasmtime.wat2wasm(rt))
    exports = {e.name for e in module.exports}
    for name in ("memory", "print_i64", "print_f64", "print_bool", "print_str", "write_i64", "write_f64",
                 "write_bool", "write_str", "sqrt", "sin", "log", "pow", "atan2", "hypot", "fmod",
                 "float_repr", "format_float", "format_int", "format_str", "round_float", "parse_float"):
        assert name in exports, name
    assert [i.module for i in module.imports] == ["env"]


@pytest.mark.parametrize("source, says", [
    ("def broken(x: int) -> int:\n    return x.nope\n", "runtime library runtime.broken.broken"),
    ("def broken(x: int) -> int:\n    return nobody_defines_this(x)\n", "runtime library runtime.broken.broken"),
    ("def broken(x: int) -> int\n", "runtime library runtime.broken: "),
    ("def int_to_str(x: int) -> str:\n    return ''\n",
     "runtime.broken: int_to_str is already defined in runtime.formatting"),
])
def test_a_library_function_that_does_not_compile_or_clashes_fails_the_build(monkeypatch, source, says):
    from worldmodel.wat import library

    sources = library.module_sources()
    monkeypatch.setattr(library, "module_sources", lambda: [*sources, ("runtime.broken", source)])
    with pytest.raises(ConversionError) as error:
        library.build()
    assert says in error.value.message


def test_a_runtime_module_left_out_of_the_build_order_fails_the_build(monkeypatch):
    from worldmodel.wat import library, runtime

    monkeypatch.setattr(runtime, "SUBSET_MODULES", [m for m in runtime.SUBSET_MODULES if m != "math/ddarith"])
    with pytest.raises(ConversionError) as error:
        library.module_sources()
    assert "math/ddarith not in SUBSET_MODULES" in error.value.message


def test_a_hand_written_routine_left_out_of_the_order_fails_the_build(monkeypatch):
    from worldmodel.wat import library, runtime

    monkeypatch.setattr(runtime, "HAND_WRITTEN_ORDER", [n for n in runtime.HAND_WRITTEN_ORDER if n != "str_eq"])
    with pytest.raises(ConversionError) as error:
        library.hand_written_forms()
    assert "disagree about str_eq" in error.value.message


def test_the_rt_exports_document_matches_the_library():
    from worldmodel.wat import exports_doc

    assert exports_doc.DEFAULT.read_text() == exports_doc.render(), "regenerate: python -m worldmodel.wat.exports_doc"
