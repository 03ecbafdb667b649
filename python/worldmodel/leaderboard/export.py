"""The exports of accepted results: CSV (one row per result, the figures as columns) and JSON (whole submissions).

Device strings are whatever a browser (or anyone) sent. A spreadsheet runs a cell that starts with `=`, `+`, `-`,
`@`, tab or carriage return as a formula, so such text cells are prefixed with `'` (OWASP's CSV-injection advice);
numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io

from worldmodel.leaderboard.db import Result

CSV_COLUMNS = (
    "id", "received_at", "suite", "app_version", "model_id", "model_version", "release_version",
    "browser", "browser_version", "os", "device_class", "cores", "device_memory_gb", "cross_origin_isolated",
    "threads", "simd", "webgpu", "load_cold_ms", "load_warm_ms", "prefill_tokens_per_s", "decode_tokens_per_s",
    "sandbox_p50_ms", "sandbox_p99_ms", "questions_total", "questions_correct", "total_ms",
)
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def results_csv(rows: list[tuple[Result, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row, _document in rows:
        writer.writerow([csv_cell(row.received if column == "received_at" else getattr(row, column))
                         for column in CSV_COLUMNS])
    return out.getvalue()


def results_json(rows: list[tuple[Result, str]]) -> list[dict]:
    return [row.public(document) for row, document in rows]
