"""The submitted result (docs/leaderboard.md, "A result"): pydantic v2 models, strict and closed.

Strict types (`"8"` is not the integer 8, `1` is not `true`), unknown fields refused (`extra="forbid"`), every float
finite, every string capped and free of control characters (PostgreSQL cannot store NUL in text, and nothing a
browser reports needs a control character). Strings are otherwise data: stored and returned exactly as sent.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

SCHEMA_VERSION = 1
DEVICE_CLASSES = ("desktop", "mobile", "tablet", "unknown")
MAX_MS = 86_400_000.0  # one day: no benchmark run or part of one takes longer
MAX_TOKENS = 100_000
MAX_RATE = 1_000_000.0  # tokens/s; the checks apply far tighter bounds per device class

_NO_CONTROL = r"^[^\x00-\x1f\x7f]*$"


def text(max_length: int, min_length: int = 0):
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length, pattern=_NO_CONTROL)]


Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Millis = Annotated[float, Field(ge=0, le=MAX_MS)]
Rate = Annotated[float, Field(gt=0, le=MAX_RATE)]
ItemId = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]


class _Closed(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False, frozen=True)


class Bundle(_Closed):
    model_id: text(128, 1)
    model_version: text(128, 1)
    release_version: text(64, 1) | None


class WebGPU(_Closed):
    # What GPUAdapterInfo reports; any of them may be empty or absent in a browser.
    vendor: text(256) | None = None
    architecture: text(256) | None = None
    device: text(256) | None = None
    description: text(256) | None = None


class Device(_Closed):
    browser: text(64)
    browser_version: text(64)
    os: text(64)
    device_class: Literal[DEVICE_CLASSES]
    cores: int = Field(ge=1, le=4096)
    device_memory_gb: float | None = Field(gt=0, le=4096)
    cross_origin_isolated: bool
    threads: int = Field(ge=1, le=4096)
    simd: bool
    webgpu: WebGPU | None


class Load(_Closed):
    cold_ms: Millis
    warm_ms: Millis


class Greedy(_Closed):
    id: ItemId
    prompt_tokens: int = Field(ge=1, le=MAX_TOKENS)
    generated_tokens: int = Field(ge=1, le=MAX_TOKENS)
    prefill_ms: Annotated[float, Field(gt=0, le=MAX_MS)]
    decode_ms: Millis
    tokens: int = Field(ge=0, le=MAX_TOKENS)
    sha256: Sha256


class Sandbox(_Closed):
    id: ItemId
    runs: int = Field(ge=1, le=100_000)
    p50_ms: Millis
    p99_ms: Millis
    stdout_sha256: Sha256


class Questions(_Closed):
    total: int = Field(ge=0, le=10_000)
    correct: int = Field(ge=0, le=10_000)


class Results(_Closed):
    load: Load
    greedy: list[Greedy] = Field(min_length=1, max_length=64)
    prefill_tokens_per_s: Rate
    decode_tokens_per_s: Rate
    sandbox: list[Sandbox] = Field(min_length=1, max_length=64)
    sandbox_p50_ms: Millis
    sandbox_p99_ms: Millis
    questions: Questions
    total_ms: Annotated[float, Field(gt=0, le=MAX_MS)]


class Submission(_Closed):
    schema_: Literal[SCHEMA_VERSION] = Field(alias="schema")
    suite: Annotated[str, StringConstraints(pattern=r"^v[0-9]{1,4}$")]
    # A UUID v4, lower-case as crypto.randomUUID() writes it.
    run_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    app_version: text(32, 1)
    bundle: Bundle
    device: Device
    results: Results

    def public(self) -> dict:
        """The submission as stored and shown: everything but `run_id` (a nonce, of no use to readers)."""
        data = self.model_dump(mode="json", by_alias=True)
        del data["run_id"]
        return data

    def content_sha256(self) -> str:
        """Identifies the content whatever its run_id: a replay under a fresh run_id has the same hash."""
        canonical = json.dumps(self.public(), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def parse_submission(body: bytes) -> Submission:
    """Parse a JSON body; raises ValidationError (bad JSON included) with the field path in each error."""
    return Submission.model_validate_json(body)


def describe_validation_error(error: ValidationError, limit: int = 3) -> str:
    """`field.path: why` for the first few errors; the offending input is never echoed back."""
    parts = []
    for item in error.errors(include_url=False, include_input=False)[:limit]:
        where = ".".join(str(part) for part in item["loc"]) or "body"
        parts.append(f"{where}: {item['msg']}")
    more = error.error_count() - limit
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")
