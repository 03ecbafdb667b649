"""Opt-in analytics from the app: aggregate counters only.

An event is `{"kind": K, "count": n}` with K from the fixed allow-list below; the server adds n to today's counter
for K and keeps nothing else: no address, no user agent, no time finer than the day, no free text.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

EVENT_KINDS = (
    "benchmark_started",      # the benchmark page's run button
    "benchmark_finished",     # a run completed
    "benchmark_failed",       # a run stopped on an error (the error's kind is counted separately below)
    "result_submitted",       # the user chose to submit
    "error_model_load",       # the bundle failed to download or verify
    "error_out_of_memory",    # the engine ran out of memory
    "error_worker",           # the inference worker crashed
    "error_webgpu",           # WebGPU was requested but unavailable
    "error_sandbox",          # a suite module trapped or failed to link
    "error_network",          # the submission did not reach the server
)
MAX_EVENT_BYTES = 1024
MAX_EVENT_COUNT = 1000  # per request: the app batches, but no browser has this many events to send at once


class Event(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    kind: Literal[EVENT_KINDS]
    count: int = Field(default=1, ge=1, le=MAX_EVENT_COUNT)
