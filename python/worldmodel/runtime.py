"""The sandboxed WAT runtime: assemble, validate, link and run a module under hard limits.

Implements docs/protocol.md sections 2-3 on wasmtime. The browser runtime (web/worker) implements the
same document; tests/test_runtime_*.py and the e2e conformance test hold both to it.

Every run gets a fresh Store: fuel bounds the instruction count, an epoch deadline bounds wall-clock time,
store limits bound memory, the write callback bounds output, and wasmtime's stack limit bounds recursion.
A module cannot reach anything but `env.write` and the runtime library, so a hostile module can only
fail, never harm the process.
"""

from __future__ import annotations

import functools
import math
import re
import threading
import time
from dataclasses import asdict, dataclass

import wasmtime

from worldmodel.rt_imports import complete_imports, signature_text
from worldmodel.wasm_sections import compile_cost, function_count

# Error kinds shared with the browser runtime (docs/protocol.md section 3).
WAT_SYNTAX = "wat_syntax"
INVALID_MODULE = "invalid_module"
MODULE_TOO_LARGE = "module_too_large"
UNKNOWN_IMPORT = "unknown_import"
MISSING_MAIN = "missing_main"
FUEL_EXHAUSTED = "fuel_exhausted"
TIMEOUT = "timeout"
MEMORY_LIMIT = "memory_limit"
OUTPUT_LIMIT = "output_limit"
STACK_OVERFLOW = "stack_overflow"
TRAP = "trap"
CONVERSION_ERROR = "conversion_error"

RUNTIME_LIBRARY = "rt"
HOST_MODULE = "env"
PAGE = 65536

# "ValueError: math domain error" written to fd 2 by a module just before it traps.
_PYTHON_ERROR = re.compile(r"^([A-Z][A-Za-z]*(?:Error|Exception|Exit|Interrupt)): ?(.*)$")

_TRAP_KINDS = {
    wasmtime.TrapCode.OUT_OF_FUEL: FUEL_EXHAUSTED,
    wasmtime.TrapCode.INTERRUPT: TIMEOUT,
    wasmtime.TrapCode.STACK_OVERFLOW: STACK_OVERFLOW,
}
_TRAP_MESSAGES = {
    wasmtime.TrapCode.MEMORY_OUT_OF_BOUNDS: "out of bounds memory access",
    wasmtime.TrapCode.INTEGER_DIVISION_BY_ZERO: "integer divide by zero",
    wasmtime.TrapCode.INTEGER_OVERFLOW: "integer overflow",
    wasmtime.TrapCode.BAD_CONVERSION_TO_INTEGER: "invalid conversion to integer",
    wasmtime.TrapCode.UNREACHABLE: "unreachable executed",
    wasmtime.TrapCode.TABLE_OUT_OF_BOUNDS: "undefined table element",
    wasmtime.TrapCode.INDIRECT_CALL_TO_NULL: "uninitialized table element",
    wasmtime.TrapCode.BAD_SIGNATURE: "indirect call type mismatch",
    wasmtime.TrapCode.HEAP_MISALIGNED: "misaligned memory access",
}


@dataclass(frozen=True)
class Limits:
    """Resource limits for one run. The defaults suit answering a question; tests tighten them."""

    fuel: int = 2_000_000_000  # ~1 fuel per instruction: a few seconds of work at most
    timeout_s: float = 5.0
    memory_bytes: int = 64 * 1024 * 1024
    max_output_bytes: int = 64 * 1024
    max_module_bytes: int = 2 * 1024 * 1024  # WAT text or binary
    max_functions: int = 5_000  # compile time grows with the function count (300k empty ones: 20 s)
    # Compile time grows with locals × blocks in one function (wasm_sections.compile_cost); the peer
    # corpus needs at most 4,560 and the runtime library 4,800.
    max_compile_cost: int = 1_000_000
    stack_bytes: int = 512 * 1024

    def __post_init__(self):
        # A negative, zero, infinite or NaN limit would silently disable the check it configures.
        for name in ("fuel", "timeout_s", "memory_bytes", "max_output_bytes", "max_module_bytes", "max_functions",
                     "max_compile_cost", "stack_bytes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
                raise ValueError(f"limit {name} must be a finite positive number, got {value!r}")


@dataclass
class RunResult:
    ok: bool
    stdout: str = ""
    stderr: str = ""
    value: int | float | None = None
    error_kind: str | None = None
    error_message: str = ""
    fuel_used: int = 0
    ms: float = 0.0

    @property
    def computed_text(self) -> str:
        """The text that goes inside <computed> (docs/protocol.md section 3)."""
        if not self.ok:
            return self.error_message
        if self.stdout:
            return self.stdout[:-1] if self.stdout.endswith("\n") else self.stdout
        if self.value is None:
            return ""
        return repr(self.value) if isinstance(self.value, float) else str(self.value)

    def to_dict(self) -> dict:
        """JSON-safe: a non-finite float value becomes its Python repr ("nan", "inf", "-inf")."""
        value = self.value
        if isinstance(value, float) and not math.isfinite(value):
            value = repr(value)
        return {**asdict(self), "value": value, "computed_text": self.computed_text}


class _OutputLimitExceeded(Exception):
    pass


@functools.lru_cache(maxsize=4)
def _engine(stack_bytes: int) -> wasmtime.Engine:
    config = wasmtime.Config()
    config.consume_fuel = True
    config.epoch_interruption = True
    config.max_wasm_stack = stack_bytes
    # No SIMD: the browser sandbox assembles without it, and wasmtime-py aborts the process when it
    # inspects a v128 type (a `main` returning v128).
    config.wasm_simd = False
    config.wasm_relaxed_simd = False
    # Deterministic floats across engines: WebAssembly already fixes IEEE results except NaN bit
    # patterns; canonicalise those too so that printing a NaN never depends on the CPU.
    config.cranelift_nan_canonicalization = True
    return wasmtime.Engine(config)


@functools.lru_cache(maxsize=4)
def _runtime_library(stack_bytes: int) -> wasmtime.Module:
    """The `rt` module, compiled once per engine (it is large; user modules are small)."""
    from worldmodel.wat import runtime_library_wat

    return wasmtime.Module(_engine(stack_bytes), wasmtime.wat2wasm(runtime_library_wat()))


class _EpochTicker:
    """Advances each busy engine's epoch every TICK_S while runs are active.

    An epoch is per engine, so one timer per run would end every other run on the same engine; instead
    each Store's deadline counts ticks from its own start, and runs in different threads time out alone.
    The thread exits when no run is active.
    """

    TICK_S = 0.01

    def __init__(self):
        self._lock = threading.Lock()
        self._active: dict[wasmtime.Engine, int] = {}
        self._thread: threading.Thread | None = None

    def deadline_ticks(self, seconds: float) -> int:
        return max(1, math.ceil(seconds / self.TICK_S) + 1)  # +1: the first tick may come at once

    def start(self, engine: wasmtime.Engine) -> None:
        with self._lock:
            self._active[engine] = self._active.get(engine, 0) + 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._tick, name="wasm-epoch", daemon=True)
                self._thread.start()

    def stop(self, engine: wasmtime.Engine) -> None:
        with self._lock:
            self._active[engine] -= 1
            if not self._active[engine]:
                del self._active[engine]

    def _tick(self) -> None:
        while True:
            time.sleep(self.TICK_S)
            with self._lock:
                if not self._active:
                    self._thread = None
                    return
                for engine in self._active:
                    engine.increment_epoch()


_TICKER = _EpochTicker()


class _Failure(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


def _compile(engine: wasmtime.Engine, wat: str | bytes, limits: Limits) -> wasmtime.Module:
    if len(wat) > limits.max_module_bytes:
        raise _Failure(MODULE_TOO_LARGE, f"module is {len(wat)} bytes; the limit is {limits.max_module_bytes}")
    try:
        binary = wat if isinstance(wat, bytes) else wasmtime.wat2wasm(wat)
    except wasmtime.WasmtimeError as error:
        raise _Failure(WAT_SYNTAX, _first_line(error)) from None
    if len(binary) > limits.max_module_bytes:
        raise _Failure(MODULE_TOO_LARGE, f"module is {len(binary)} bytes; the limit is {limits.max_module_bytes}")
    functions = function_count(bytes(binary))
    if functions > limits.max_functions:
        raise _Failure(MODULE_TOO_LARGE, f"module defines {functions} functions; the limit is {limits.max_functions}")
    cost = compile_cost(bytes(binary))
    if cost > limits.max_compile_cost:
        raise _Failure(MODULE_TOO_LARGE, f"a function has {cost} locals × blocks; the limit is {limits.max_compile_cost}")
    try:
        return wasmtime.Module(engine, binary)
    except wasmtime.WasmtimeError as error:
        raise _Failure(INVALID_MODULE, _first_line(error)) from None


def _first_line(error: Exception) -> str:
    """One readable line from a wasmtime error: its location for WAT syntax, the root cause otherwise."""
    text = str(error).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    location = re.search(r"--> <anon>:(\d+):(\d+)", text)
    if location:
        return f"line {location.group(1)}, col {location.group(2)}: {lines[0]}"
    causes = [re.sub(r"^\d+: ", "", line) for line in lines if re.match(r"^\d+: ", line)]
    return causes[-1] if causes else lines[0]


def _check_imports(module: wasmtime.Module, rt_exports: set[str]) -> bool:
    """Allow-list: `env.write` and the runtime library's exports. Returns whether `rt` is needed."""
    needs_rt = False
    for item in module.imports:
        if item.module == HOST_MODULE and item.name == "write":
            continue
        if item.module == RUNTIME_LIBRARY and item.name in rt_exports:
            needs_rt = True
            continue
        raise _Failure(UNKNOWN_IMPORT, f'import "{item.module}" "{item.name}" is not provided by the runtime')
    return needs_rt


@functools.lru_cache(maxsize=4)
def rt_function_types(stack_bytes: int = Limits().stack_bytes) -> dict[str, tuple[list[str], list[str]]]:
    """rt's function exports as the engine reads them from the assembled library: name → (params, results).
    The implicit imports (rt_imports) and the decoding grammar (worldmodel.grammar) are both built from this."""
    try:
        exports = _runtime_library(stack_bytes).exports
    except ImportError:  # a checkout without the compiled runtime library: nothing to complete from
        return {}
    return {
        export.name: ([str(p) for p in export.type.params], [str(r) for r in export.type.results])
        for export in exports
        if isinstance(export.type, wasmtime.FuncType)
    }


@functools.lru_cache(maxsize=4)
def rt_signatures(stack_bytes: int = Limits().stack_bytes) -> dict[str, str]:
    """rt's function exports with their signatures as an import line writes them (rt_imports, data.module_abi)."""
    return {name: signature_text(params, results) for name, (params, results) in rt_function_types(stack_bytes).items()}


@functools.lru_cache(maxsize=4)
def _rt_export_names(stack_bytes: int) -> frozenset[str]:
    try:
        return frozenset(export.name for export in _runtime_library(stack_bytes).exports)
    except ImportError as error:  # a checkout without the compiled runtime library
        raise _Failure(UNKNOWN_IMPORT, f"the runtime library is unavailable: {error}") from None


def run_wat(wat: str | bytes, limits: Limits = Limits()) -> RunResult:
    """Run a module in either ABI form (docs/protocol.md section 2) and never raise for its faults."""
    # rt is compiled once per process (seconds on a busy machine): that is not the module's time.
    signatures = rt_signatures(limits.stack_bytes)
    started = time.perf_counter()
    engine = _engine(limits.stack_bytes)
    store = wasmtime.Store(engine)
    store.set_limits(memory_size=limits.memory_bytes, table_elements=10_000, instances=4, tables=4, memories=2)
    store.set_fuel(limits.fuel)
    out, err = bytearray(), bytearray()
    memories: list[wasmtime.Memory] = []  # the memory that `env.write` reads from (rt's or the module's)

    def write(caller: wasmtime.Caller, fd: int, ptr: int, length: int) -> None:
        memory = memories[0] if memories else caller.get("memory")
        if not isinstance(memory, wasmtime.Memory):
            raise _OutputLimitExceeded("env.write called by a module that exports no memory")
        sink = err if fd == 2 else out
        if len(out) + len(err) + length > limits.max_output_bytes:
            raise _OutputLimitExceeded(f"output exceeded {limits.max_output_bytes} bytes")
        if ptr < 0 or length < 0 or ptr + length > memory.data_len(caller):
            raise _OutputLimitExceeded("env.write outside memory")
        sink += memory.read(caller, ptr, ptr + length)

    value = None
    _TICKER.start(engine)
    try:
        if isinstance(wat, str) and len(wat) <= limits.max_module_bytes:
            wat = complete_imports(wat, signatures)
        module = _compile(engine, wat, limits)
        # The wall clock covers compiling too: what is left of it bounds running.
        remaining = limits.timeout_s - (time.perf_counter() - started)
        if remaining <= 0:
            raise _Failure(TIMEOUT, "time limit exceeded (while compiling)")
        store.set_epoch_deadline(_TICKER.deadline_ticks(remaining))
        needs_rt = _check_imports(module, _rt_export_names(limits.stack_bytes) if _imports_rt(module) else frozenset())
        main_exports = [e for e in module.exports if e.name == "main"]
        if not main_exports or not isinstance(main_exports[0].type, wasmtime.FuncType):
            raise _Failure(MISSING_MAIN, 'the module exports no function "main"')
        if main_exports[0].type.params:
            raise _Failure(MISSING_MAIN, '"main" must take no parameters')
        results = [str(t) for t in main_exports[0].type.results]
        if results not in ([], ["i32"], ["i64"], ["f64"]):
            raise _Failure(INVALID_MODULE, f'"main" must return nothing or one i32, i64 or f64, not ({" ".join(results)})')
        linker = wasmtime.Linker(engine)
        write_type = wasmtime.FuncType([wasmtime.ValType.i32()] * 3, [])
        linker.define_func(HOST_MODULE, "write", write_type, write, access_caller=True)
        if needs_rt:
            rt_instance = linker.instantiate(store, _runtime_library(limits.stack_bytes))
            memories.append(rt_instance.exports(store)["memory"])
            linker.define_instance(store, RUNTIME_LIBRARY, rt_instance)
        instance = linker.instantiate(store, module)
        value = instance.exports(store)["main"](store)
        result = RunResult(ok=True, value=value)
    except _Failure as failure:
        result = RunResult(ok=False, error_kind=failure.kind, error_message=failure.message)
    except _OutputLimitExceeded as error:
        result = RunResult(ok=False, error_kind=OUTPUT_LIMIT, error_message=str(error))
    except wasmtime.Trap as trap:
        result = _trap_result(trap, err)
    except wasmtime.WasmtimeError as error:
        result = _wasmtime_error_result(error, err)
    finally:
        _TICKER.stop(engine)
    result.stdout = out.decode("utf-8", errors="replace")
    result.stderr = err.decode("utf-8", errors="replace")
    result.fuel_used = limits.fuel - store.get_fuel()
    result.ms = (time.perf_counter() - started) * 1000
    return result


def _imports_rt(module: wasmtime.Module) -> bool:
    return any(item.module == RUNTIME_LIBRARY for item in module.imports)


def _python_error(stderr: bytearray) -> tuple[str, str] | None:
    lines = stderr.decode("utf-8", errors="replace").strip().splitlines()
    match = _PYTHON_ERROR.match(lines[-1]) if lines else None
    if not match:
        return None
    name, message = match.groups()
    return (MEMORY_LIMIT if name == "MemoryError" else name), (message or name)


def _trap_result(trap: wasmtime.Trap, stderr: bytearray) -> RunResult:
    code = trap.trap_code
    if code == wasmtime.TrapCode.UNREACHABLE and (error := _python_error(stderr)):
        return RunResult(ok=False, error_kind=error[0], error_message=error[1])
    if code in _TRAP_KINDS:
        messages = {FUEL_EXHAUSTED: "fuel exhausted: the program ran too many instructions",
                    TIMEOUT: "time limit exceeded", STACK_OVERFLOW: "call stack exhausted (recursion too deep)"}
        kind = _TRAP_KINDS[code]
        return RunResult(ok=False, error_kind=kind, error_message=messages[kind])
    message = _TRAP_MESSAGES.get(code) if code is not None else None
    return RunResult(ok=False, error_kind=TRAP, error_message=message or _first_line(trap))


def _wasmtime_error_result(error: wasmtime.WasmtimeError, stderr: bytearray) -> RunResult:
    text = str(error)
    # Errors raised by our own write callback come back wrapped by wasmtime.
    if "output exceeded" in text or "env.write" in text:
        return RunResult(ok=False, error_kind=OUTPUT_LIMIT, error_message=_first_line(error))
    lowered = text.lower()
    if "memory" in lowered and ("limit" in lowered or "minimum" in lowered or "grow" in lowered or "exceed" in lowered):
        return RunResult(ok=False, error_kind=MEMORY_LIMIT, error_message="memory limit exceeded: " + _first_line(error))
    if "incompatible import" in lowered or "unknown import" in lowered:
        return RunResult(ok=False, error_kind=UNKNOWN_IMPORT, error_message=_first_line(error))
    return RunResult(ok=False, error_kind=TRAP, error_message=_first_line(error))


def run_python(source: str, limits: Limits = Limits(), *, standalone: bool = True) -> RunResult:
    """Convert a Python program (worldmodel.wat) and run it; conversion errors become a failed result."""
    from worldmodel.wat import ConversionError, convert

    started = time.perf_counter()
    try:
        wat = convert(source, standalone=standalone)
    except ConversionError as error:
        return RunResult(ok=False, error_kind=CONVERSION_ERROR, error_message=str(error),
                         ms=(time.perf_counter() - started) * 1000)
    return run_wat(wat, limits)
