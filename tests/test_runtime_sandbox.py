"""Hostile and faulty modules each end with a named error, and the process stays healthy afterwards."""

import pytest

from worldmodel.runtime import Limits, run_wat

WRITE = '(import "env" "write" (func $write (param i32 i32 i32)))'
HELLO = f"""(module {WRITE} (memory (export "memory") 1) (data (i32.const 16) "hello\\n")
  (func (export "main") (call $write (i32.const 1) (i32.const 16) (i32.const 6))))"""

HOSTILE = {
    "infinite loop (fuel)": ('(module (func (export "main") (loop $l (br $l))))', Limits(fuel=5_000_000), "fuel_exhausted"),
    "infinite loop (clock)": ('(module (func (export "main") (loop $l (br $l))))',
                              Limits(fuel=10**15, timeout_s=0.3), "timeout"),
    "memory bomb at start": ('(module (memory 60000) (func (export "main")))', Limits(), "memory_limit"),
    "memory bomb by growing": ("""(module (memory 1) (func (export "main")
        (if (i32.lt_s (memory.grow (i32.const 2000)) (i32.const 0)) (then unreachable))))""",
                               Limits(memory_bytes=8 * 2**20), "trap"),
    "deep recursion": ('(module (func $f (export "main") (call $f)))', Limits(), "stack_overflow"),
    "malformed WAT": ('(module (func (export "main") (i32.add)', Limits(), "wat_syntax"),
    "type error": ('(module (func (export "main") (drop (i32.add (i32.const 1) (f64.const 1.0)))))', Limits(), "invalid_module"),
    "unknown host import": ('(module (import "wasi_snapshot_preview1" "fd_write" (func)) (func (export "main")))', Limits(), "unknown_import"),
    "unknown env import": ('(module (import "env" "clock" (func (result i64))) (func (export "main")))', Limits(), "unknown_import"),
    "no main": ('(module (func (export "start")))', Limits(), "missing_main"),
    "main with parameters": ('(module (func (export "main") (param i32)))', Limits(), "missing_main"),
    "division by zero": ('(module (func (export "main") (result i32) (i32.div_s (i32.const 1) (i32.const 0))))', Limits(), "trap"),
    "out of bounds": ('(module (memory 1) (func (export "main") (result i32) (i32.load (i32.const 65535))))', Limits(), "trap"),
    "output flood": (f"""(module {WRITE} (memory (export "memory") 1)
        (func (export "main") (loop $l (call $write (i32.const 1) (i32.const 0) (i32.const 4096)) (br $l))))""",
                     Limits(max_output_bytes=10_000), "output_limit"),
    "write outside memory": (f"""(module {WRITE} (memory (export "memory") 1)
        (func (export "main") (call $write (i32.const 1) (i32.const 65530) (i32.const 100))))""", Limits(), "output_limit"),
    "huge module": ("(module " + "(func)" * 300_000 + '(func (export "main")))', Limits(), "module_too_large"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_module_ends_with_named_error_and_process_stays_healthy(name):
    wat, limits, kind = HOSTILE[name]
    result = run_wat(wat, limits)
    assert not result.ok
    assert result.error_kind == kind, (result.error_kind, result.error_message)
    assert result.error_message
    healthy = run_wat(HELLO)
    assert healthy.ok and healthy.stdout == "hello\n"


def test_timeout_is_wall_clock():
    result = run_wat('(module (func (export "main") (loop $l (br $l))))', Limits(fuel=10**15, timeout_s=0.2))
    assert result.error_kind == "timeout"
    assert result.ms >= 200


def test_output_is_capped_not_lost():
    wat = HOSTILE["output flood"][0]
    result = run_wat(wat, Limits(max_output_bytes=10_000))
    assert 0 < len(result.stdout) <= 10_000


def test_python_error_written_before_trap_is_reported_by_name():
    message = "ValueError: math domain error\\n"
    wat = f"""(module {WRITE} (memory (export "memory") 1) (data (i32.const 0) "{message}")
      (func (export "main") (call $write (i32.const 2) (i32.const 0) (i32.const 30)) unreachable))"""
    result = run_wat(wat)
    assert (result.error_kind, result.error_message) == ("ValueError", "math domain error")


def test_plain_unreachable_is_a_trap():
    result = run_wat('(module (func (export "main") unreachable))')
    assert (result.error_kind, result.error_message) == ("trap", "unreachable executed")


def test_syntax_error_has_location():
    result = run_wat('(module\n  (func (export "main")\n    (i64.add (i64.const 1))))')
    assert result.error_kind in ("wat_syntax", "invalid_module")
    result = run_wat('(module\n  (func (export "main")\n    (i64.bogus)))')
    assert result.error_kind == "wat_syntax"
    assert result.error_message.startswith("line 3, col ")


@pytest.mark.parametrize(
    "body, result_type, expected",
    [("(i64.const -391)", "i64", "-391"), ("(i32.const 7)", "i32", "7"), ("(f64.const 0.1)", "f64", "0.1"),
     ("(f64.const 1e16)", "f64", "1e+16"), ("(f64.div (f64.const 1) (f64.const 4))", "f64", "0.25")],
)
def test_returned_value_becomes_computed_text(body, result_type, expected):
    result = run_wat(f'(module (func (export "main") (result {result_type}) {body}))')
    assert result.ok and result.stdout == ""
    assert result.computed_text == expected


def test_stdout_wins_and_loses_one_trailing_newline():
    result = run_wat(HELLO)
    assert result.computed_text == "hello"


def test_fuel_is_counted():
    small = run_wat('(module (func (export "main") (result i64) (i64.const 1)))')
    loop = run_wat("""(module (func (export "main") (result i64) (local $i i64)
      (loop $l (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br_if $l (i64.lt_s (local.get $i) (i64.const 1000)))) (local.get $i)))""")
    assert loop.computed_text == "1000"
    assert loop.fuel_used > 1000 > small.fuel_used


def test_binary_modules_are_accepted():
    import wasmtime
    binary = wasmtime.wat2wasm('(module (func (export "main") (result i32) (i32.const 5)))')
    assert run_wat(bytes(binary)).computed_text == "5"


def test_many_failures_in_a_row_leave_runtime_usable():
    for _ in range(50):
        assert run_wat('(module (func $f (export "main") (call $f)))').error_kind == "stack_overflow"
        assert run_wat('(module (memory 60000) (func (export "main")))').error_kind == "memory_limit"
    assert run_wat(HELLO).ok
