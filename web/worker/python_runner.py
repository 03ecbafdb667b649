"""The Python side of the app's Python pane, run inside Pyodide by python-runner.worker.ts.

`convert_program` converts with the same `worldmodel.wat` the command line uses (from the app's own wheel);
`run_program` runs the program as plain CPython would, capturing what it prints. Both answer JSON text.
"""

import contextlib
import io
import json
import time

from worldmodel.wat import ConversionError, convert


class OutputLimitExceeded(Exception):
    """The program printed more than the pane shows (the WAT sandbox's limit, so both columns stop alike)."""


class CappedOutput(io.StringIO):
    def __init__(self, limit_bytes: int):
        super().__init__()
        self.limit_bytes = limit_bytes
        self.written_bytes = 0

    def write(self, text: str) -> int:
        self.written_bytes += len(text.encode("utf-8", "surrogatepass"))
        if self.written_bytes > self.limit_bytes:
            raise OutputLimitExceeded(f"output exceeded {self.limit_bytes} bytes")
        return super().write(text)


def convert_program(source: str) -> str:
    """Both forms: linked (what the model writes, importing `rt`) and standalone, with their times."""
    try:
        started = time.perf_counter()
        linked = convert(source, standalone=False)
        linked_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        standalone = convert(source, standalone=True)
        standalone_ms = (time.perf_counter() - started) * 1000
    except ConversionError as error:
        return json.dumps({"ok": False, "line": error.line, "col": error.col, "construct": error.construct,
                           "message": error.message, "text": str(error)})
    return json.dumps({"ok": True, "linked": linked, "standalone": standalone,
                       "linkedMs": linked_ms, "standaloneMs": standalone_ms})


def run_program(source: str, max_output_bytes: int) -> str:
    """Runs the program as `python program.py` would; the error kind is the exception's class name."""
    out = CappedOutput(max_output_bytes)
    error_kind = error_message = None
    started = time.perf_counter()
    try:
        code = compile(source, "<program>", "exec")
        with contextlib.redirect_stdout(out):
            exec(code, {"__name__": "__main__"})
    except OutputLimitExceeded as error:
        error_kind, error_message = "output_limit", str(error)
    except BaseException as error:  # noqa: BLE001 - SystemExit too: the program's own outcome, shown as such
        error_kind, error_message = type(error).__name__, str(error)
    ms = (time.perf_counter() - started) * 1000
    return json.dumps({"ok": error_kind is None, "stdout": out.getvalue(), "errorKind": error_kind,
                       "errorMessage": error_message, "ms": ms})
