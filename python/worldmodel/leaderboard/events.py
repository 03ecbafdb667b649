"""Opt-in analytics from the app: aggregate counters only.

An event is `{"kind": K, "count": n}` with K from the fixed allow-list below; the server adds n to today's counter
for K and keeps nothing else: no address, no user agent, no time finer than the day, no free text.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

EVENT_KINDS = (
    # The app's usage counts (web/src/analytics.ts):
    "answer",               # an answer was completed
    "compute_error",        # a module failed to compile or to run
    "load_error",           # the model failed to load
    # The benchmark page:
    "benchmark_started",
    "benchmark_finished",
    "benchmark_failed",
    "result_submitted",
)
MAX_EVENT_BYTES = 1024
MAX_EVENT_COUNT = 1000  # per request: the app batches, but no browser has this many events to send at once


class Event(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    kind: Literal[EVENT_KINDS]
    count: int = Field(default=1, ge=1, le=MAX_EVENT_COUNT)
