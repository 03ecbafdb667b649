"""Per-client token buckets, in memory only.

A client is keyed by a salted SHA-256 of its address: the salt is random per process and never leaves it, so the
keys identify nobody outside this process, and they are never written anywhere. The table is bounded (least
recently seen clients are dropped first), so a flood of addresses cannot grow it without limit.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    """`burst` requests at once, refilled at `per_second`; e.g. RateLimit(per_second=0.2, burst=10)."""

    per_second: float
    burst: float

    def __post_init__(self):
        if not (self.per_second > 0 and self.burst >= 1):
            raise ValueError(f"a rate limit needs per_second > 0 and burst >= 1, got {self}")


class RateLimiter:
    """`allow(address)` spends one token of that client's bucket; False when it is empty."""

    def __init__(self, limit: RateLimit, max_clients: int = 100_000, clock=time.monotonic):
        self.limit = limit
        self.max_clients = max_clients
        self.clock = clock
        self._salt = os.urandom(16)
        self._buckets: OrderedDict[bytes, tuple[float, float]] = OrderedDict()  # key -> (tokens, last refill)
        self._lock = threading.Lock()

    def client_key(self, address: str) -> bytes:
        return hashlib.sha256(self._salt + address.encode("utf-8", "surrogatepass")).digest()

    def allow(self, address: str) -> bool:
        key, now = self.client_key(address), self.clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.limit.burst, now))
            tokens = min(self.limit.burst, tokens + (now - last) * self.limit.per_second)
            allowed = tokens >= 1
            self._buckets[key] = (tokens - 1 if allowed else tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            return allowed

    def retry_after(self) -> int:
        """Seconds until one token is back (for the Retry-After header)."""
        return max(1, int(1 / self.limit.per_second + 0.999))


@dataclass(frozen=True)
class RateLimits:
    """The server's budgets per client: writes (submissions, admin calls), reads, and analytics events (their own, so
    that the usage counts of many app users behind one address never use up a submission). None: unlimited."""

    write: RateLimit | None = RateLimit(per_second=0.1, burst=10)  # ten at once, then one per 10 s
    read: RateLimit | None = RateLimit(per_second=10, burst=120)
    events: RateLimit | None = RateLimit(per_second=1, burst=30)

    @classmethod
    def unlimited(cls) -> RateLimits:
        return cls(write=None, read=None, events=None)
