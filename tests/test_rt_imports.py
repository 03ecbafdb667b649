"""ABI 2's implicit rt imports (worldmodel.rt_imports): what is added, what is left alone, and runs end to end."""

from __future__ import annotations

import pytest

from worldmodel.data.module_abi import with_module_abi
from worldmodel.rt_imports import complete_imports, explicit_imports, scan
from worldmodel.runtime import run_wat

SIGNATURES = {"print_i64": "(param i64)", "int_mul": "(param i64 i64) (result i64)", "heap_mark": "(result i32)"}


def test_missing_rt_calls_are_imported_in_first_call_order_on_the_module_line():
    wat = "(module\n  (func (export \"main\")\n    (call $print_i64 (call $int_mul (i64.const 6) (i64.const 7)))))"
    completed = complete_imports(wat, SIGNATURES)
    first_line, rest = completed.split("\n", 1)
    assert first_line == ('(module (import "rt" "print_i64" (func $print_i64 (param i64))) '
                          '(import "rt" "int_mul" (func $int_mul (param i64 i64) (result i64)))')
    assert rest == wat.split("\n", 1)[1]  # line numbers of the written text are unchanged
    assert run_wat(wat).computed_text == "42"


def test_defined_imported_and_unknown_names_are_left_alone():
    wat = ('(module $m (import "rt" "print_i64" (func $print_i64 (param i64)))\n'
           '  (func $int_mul (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))\n'
           '  (func (export "main") (call $print_i64 (call $int_mul (i64.const 6) (i64.const 7))) (call $nope)))')
    assert complete_imports(wat, SIGNATURES) == wat
    result = run_wat(wat)
    assert result.error_kind == "wat_syntax" and "nope" in result.error_message


def test_comments_and_strings_do_not_count_as_calls():
    wat = ('(module ;; (call $int_mul)\n (; (call $heap_mark) (; nested ;) ;)\n'
           ' (data (i32.const 65536) "(call $int_mul)")\n (func (export "main") (call $print_i64 (i64.const 1))))')
    called, defined, uses_memory, has_memory, _ = scan(wat)
    assert called == ["print_i64"] and not defined
    assert uses_memory and not has_memory
    completed = complete_imports(wat, SIGNATURES)
    assert completed.startswith('(module (import "rt" "memory" (memory 1)) (import "rt" "print_i64"')
    assert run_wat(wat).computed_text == "1"


def test_named_module_gets_its_imports_after_the_name():
    wat = '(module $answer\n (func (export "main") (call $print_i64 (i64.const 5))))'
    assert complete_imports(wat, SIGNATURES).startswith('(module $answer (import "rt" "print_i64"')
    assert run_wat(wat).computed_text == "5"


def test_folded_and_flat_memory_instructions_import_rt_memory():
    for body in ("(i64.store (i32.const 65536) (i64.const 9))", "i32.const 65536 i64.const 9 i64.store"):
        assert scan(f'(module (func (export "main") {body}))')[2]



@pytest.mark.parametrize("wat", ["", "(module", "((((", '(module (func (export "main") (call $print_i64'])
def test_malformed_text_is_left_to_the_assembler(wat):
    complete_imports(wat, SIGNATURES)  # never raises
    assert run_wat(wat).error_kind == "wat_syntax"


def test_explicit_imports_write_one_line_each_and_run_unchanged():
    wat = "(module\n  (func (export \"main\")\n    (call $print_i64 (call $int_mul (i64.const 6) (i64.const 7)))))"
    written = explicit_imports(wat, SIGNATURES)
    assert written.split("\n")[:3] == ["(module", '  (import "rt" "print_i64" (func $print_i64 (param i64)))',
                                        '  (import "rt" "int_mul" (func $int_mul (param i64 i64) (result i64)))']
    assert explicit_imports(written, SIGNATURES) == written  # nothing left to import
    assert complete_imports(written, SIGNATURES) == written
    assert run_wat(written).computed_text == run_wat(wat).computed_text == "42"


def test_training_rows_relinked_to_abi_1_state_every_signature_and_compute_the_same():
    module = "(module\n  (func $main (export \"main\")\n    (call $print_f64 (call $int_truediv (i64.const 7) (i64.const 2)))))"
    row = {"id": "r", "messages": [{"role": "user", "content": "7 / 2?"},
                                   {"role": "assistant", "content": f"<think>7 / 2</think>\n<wat_model>\n{module}\n</wat_model>\n<computed>3.5</computed>\nIt is 3.5."}]}
    (relinked,) = with_module_abi([row], 1)
    text = relinked["messages"][1]["content"]
    assert '(import "rt" "int_truediv" (func $int_truediv (param i64 i64) (result f64)))' in text
    assert '(import "rt" "print_f64" (func $print_f64 (param f64)))' in text
    assert relinked["messages"][0] == row["messages"][0] and row["messages"][1]["content"].count("import") == 0
    written = text.split("<wat_model>\n")[1].split("</wat_model>")[0]
    assert run_wat(written).computed_text == "3.5"
    assert with_module_abi([row], 2) == [row]
    with pytest.raises(ValueError):
        with_module_abi([row], 3)


def test_relink_rewrites_training_splits_and_copies_question_files(tmp_path):
    import json

    from worldmodel.cli import main

    module = "(module\n  (func $main (export \"main\")\n    (call $print_i64 (i64.const 7))))"
    row = {"id": "r", "messages": [{"role": "user", "content": "7?"},
                                   {"role": "assistant", "content": f"<wat_model>\n{module}\n</wat_model>\n<computed>7</computed>\n7."}]}
    source, out = tmp_path / "data", tmp_path / "abi1"
    source.mkdir()
    (source / "train.jsonl").write_text(json.dumps(row) + "\n")
    questions = json.dumps({"question": "How many?", "answer": 3, "category": "gsm8k"}) + "\n"
    (source / "gsm8k_test.jsonl").write_text(questions)  # evaluation questions: no messages to relink
    assert main(["data", "relink", "--source", str(source), "--out", str(out), "--module-abi", "1"]) == 0
    assert '(import "rt" "print_i64"' in json.loads((out / "train.jsonl").read_text())["messages"][1]["content"]
    assert (out / "gsm8k_test.jsonl").read_text() == questions
