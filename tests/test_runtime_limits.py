"""Limits that bound compiling as well as running, limit validation, concurrent runs, the `main` ABI and
`worldmodel run`'s handling of hostile files and arguments (issue 14)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from worldmodel.runtime import Limits, run_wat
from worldmodel.wasm_sections import compile_cost

ROOT = Path(__file__).resolve().parents[1]


def joins_module(locals_: int, blocks: int) -> str:
    """Many locals live across many block/br_if joins: compile cost grows with their product."""
    sets = " ".join(f"(local.set {i} (i64.const {i}))" for i in range(locals_))
    joins = " ".join(f"(block (br_if 0 (i32.const {i % 2})) (local.set {i % locals_} (i64.const {i})))" for i in range(blocks))
    uses = "(i64.const 0) " + " ".join(f"(local.get {i}) (i64.add)" for i in range(locals_)) + " (drop)"
    return f'(module (func (export "main") (local {" i64" * locals_}) {sets} {joins} {uses}))'


def test_compile_cost_cap_refuses_locals_times_blocks_before_compiling():
    result = run_wat(joins_module(10_000, 10_000))
    assert result.error_kind == "module_too_large", result
    assert "locals × blocks" in result.error_message  # refused from the code section, before compiling


def test_compiling_counts_against_the_wall_clock():
    """A module under the cap still takes milliseconds to compile: with a 1 ms clock it times out there."""
    result = run_wat(joins_module(400, 400), Limits(timeout_s=0.001))
    assert (result.error_kind, result.error_message) == ("timeout", "time limit exceeded (while compiling)"), result
    assert run_wat(joins_module(400, 400)).ok


def test_compile_cost_counts_the_worst_function():
    import wasmtime

    small = compile_cost(bytes(wasmtime.wat2wasm(joins_module(10, 10))))
    large = compile_cost(bytes(wasmtime.wat2wasm(joins_module(100, 100))))
    assert 100 <= small < large and large >= 100 * 100
    assert run_wat(joins_module(100, 100)).ok


@pytest.mark.parametrize("field", ["fuel", "timeout_s", "memory_bytes", "max_output_bytes", "max_module_bytes",
                                   "max_functions", "max_compile_cost", "stack_bytes"])
@pytest.mark.parametrize("value", [-1, 0, math.inf, math.nan])
def test_non_finite_and_non_positive_limits_are_rejected(field, value):
    with pytest.raises(ValueError, match=field):
        Limits(**{field: value})


def test_runs_in_threads_time_out_independently():
    """A run that times out must not end a concurrent run on the same engine (one epoch per engine)."""
    endless = '(module (func (export "main") (loop $l (br $l))))'
    counting = """(module (func (export "main") (result i64) (local $i i64)
      (loop $l (local.set $i (i64.add (local.get $i) (i64.const 1))) (br_if $l (i64.lt_u (local.get $i) (i64.const 3000000000))))
      (local.get $i)))"""
    results = {}

    def run(name, wat, limits):
        results[name] = run_wat(wat, limits)

    threads = [threading.Thread(target=run, args=("short", endless, Limits(fuel=10**15, timeout_s=0.2))),
               threading.Thread(target=run, args=("long", counting, Limits(fuel=10**15, timeout_s=60.0)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert results["short"].error_kind == "timeout"
    assert results["long"].ok and results["long"].value == 3_000_000_000, results["long"]
    assert results["long"].ms > results["short"].ms


@pytest.mark.parametrize("result_type", ["funcref", "externref", "i32 i32", "f64 f64", "v128", "f32"])
def test_main_results_outside_the_abi_are_invalid_modules(result_type):
    result = run_wat(f'(module (func (export "main") (result {result_type}) unreachable))')
    assert result.error_kind == "invalid_module", result


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "worldmodel", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT)


def test_json_result_of_nan_is_valid_json(tmp_path):
    module = tmp_path / "nan.wat"
    module.write_text('(module (func (export "main") (result f64) (f64.div (f64.const 0) (f64.const 0))))')
    done = cli("run", "--json", str(module))
    result = json.loads(done.stdout, parse_constant=lambda name: pytest.fail(f"non-JSON constant {name}"))
    assert result["value"] == "nan" and result["computed_text"] == "nan"


@pytest.mark.parametrize("suffix, kind", [(".wat", "wat_syntax"), (".py", "conversion_error")])
def test_non_utf8_program_is_a_named_error(tmp_path, suffix, kind):
    program = tmp_path / f"latin1{suffix}"
    program.write_bytes(b"print('caf\xe9')\n")
    done = cli("run", "--json", str(program))
    result = json.loads(done.stdout)
    assert done.returncode == 1 and result["error_kind"] == kind
    assert "not UTF-8" in result["error_message"] and "0xe9" in result["error_message"]


def test_endless_file_is_read_only_up_to_the_cap():
    done = cli("run", "/dev/zero")
    assert done.returncode == 1
    assert "module_too_large" in done.stderr


@pytest.mark.parametrize("args", [["run", "--fuel", "-1"], ["run", "--memory-mb", "-1"], ["run", "--timeout", "inf"],
                                  ["run", "--timeout", "nan"], ["run", "--timeout", "0"], ["serve", "--port", "99999"],
                                  ["serve", "--port", "-5"]])
def test_bad_limits_and_ports_are_usage_errors(args, tmp_path):
    program = tmp_path / "ok.wat"
    program.write_text('(module (func (export "main")))')
    done = cli(*args, *([str(program)] if args[0] == "run" else []))
    assert done.returncode == 2
    assert "invalid" in done.stderr and "Traceback" not in done.stderr
