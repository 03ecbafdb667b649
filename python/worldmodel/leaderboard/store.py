"""What the API does with the database: store a checked submission, list and aggregate accepted results, count
analytics events, review the quarantine. Plain synchronous SQLAlchemy; the API runs these in worker threads."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from worldmodel.leaderboard import checks
from worldmodel.leaderboard.db import ACCEPTED, QUARANTINED, REJECTED, Document, EventCount, Result
from worldmodel.leaderboard.schema import Submission

# Filters the listing, stats and exports take (query parameter = column, exact match).
FILTERS = ("browser", "os", "device_class", "model_id", "model_version", "release_version", "suite")
# `sort=` names a figure; each sorts best first (rates high to low, times low to high).
SORTS = {
    "received_at": Result.received_at.desc(),
    "decode_tokens_per_s": Result.decode_tokens_per_s.desc(),
    "prefill_tokens_per_s": Result.prefill_tokens_per_s.desc(),
    "load_cold_ms": Result.load_cold_ms.asc(),
    "load_warm_ms": Result.load_warm_ms.asc(),
    "sandbox_p50_ms": Result.sandbox_p50_ms.asc(),
    "sandbox_p99_ms": Result.sandbox_p99_ms.asc(),
    "total_ms": Result.total_ms.asc(),
    "questions_correct": Result.questions_correct.desc(),
}
EXPORT_LIMIT = 100_000  # rows per export; filters narrow it further


class Duplicate(Exception):
    pass


@dataclass(frozen=True)
class Stored:
    id: int
    status: str


def _row(sub: Submission, status: str, reason: str | None) -> Result:
    r, d, b = sub.results, sub.device, sub.bundle
    return Result(
        run_id=sub.run_id, content_sha256=sub.content_sha256(), status=status, quarantine_reason=reason,
        received_at=dt.datetime.now(dt.UTC), suite=sub.suite, app_version=sub.app_version,
        model_id=b.model_id, model_version=b.model_version, release_version=b.release_version,
        browser=d.browser, browser_version=d.browser_version, os=d.os, device_class=d.device_class, cores=d.cores,
        device_memory_gb=d.device_memory_gb, cross_origin_isolated=d.cross_origin_isolated, threads=d.threads,
        simd=d.simd, webgpu=d.webgpu is not None,
        load_cold_ms=r.load.cold_ms, load_warm_ms=r.load.warm_ms, prefill_tokens_per_s=r.prefill_tokens_per_s,
        decode_tokens_per_s=r.decode_tokens_per_s, sandbox_p50_ms=r.sandbox_p50_ms, sandbox_p99_ms=r.sandbox_p99_ms,
        questions_total=r.questions.total, questions_correct=r.questions.correct, total_ms=r.total_ms,
    )


class Store:
    def __init__(self, sessions: sessionmaker):
        self.sessions = sessions

    def add(self, sub: Submission) -> Stored:
        """Store a checked submission, accepted or quarantined; raises Duplicate for a known run_id or content."""
        with self.sessions() as session:
            in_class = (Result.status == ACCEPTED) & (Result.device_class == sub.device.device_class)
            best, count = session.execute(
                select(func.max(Result.decode_tokens_per_s), func.count()).where(in_class)).one()
            reason = checks.quarantine_reason(sub, best, count)
            row = _row(sub, QUARANTINED if reason else ACCEPTED, reason)
            document = json.dumps(sub.public(), ensure_ascii=False, separators=(",", ":"))
            try:
                session.add(row)
                session.flush()  # the unique constraints decide duplicates, also between concurrent requests
                session.add(Document(result_id=row.id, submission=document))
                session.commit()
            except IntegrityError:
                session.rollback()
                raise Duplicate() from None
            return Stored(row.id, row.status)

    @staticmethod
    def _filtered(query, filters: dict[str, str]):
        for name, value in filters.items():
            query = query.where(getattr(Result, name) == value)
        return query

    @staticmethod
    def _public(session, rows: list[Result]) -> list[dict]:
        """Rows with their documents, fetched by primary key for just these rows."""
        found = session.execute(select(Document.result_id, Document.submission)
                                .where(Document.result_id.in_([row.id for row in rows])))
        documents = {result_id: document for result_id, document in found}
        return [row.public(documents[row.id]) for row in rows]

    def list(self, filters: dict[str, str], sort: str, limit: int, offset: int) -> tuple[int, list[dict]]:
        with self.sessions() as session:
            total = session.scalar(self._filtered(
                select(func.count(Result.id)).where(Result.status == ACCEPTED), filters))
            rows = list(session.scalars(self._filtered(select(Result).where(Result.status == ACCEPTED), filters)
                                        .order_by(SORTS[sort], Result.id.desc()).limit(limit).offset(offset)))
            return total, self._public(session, rows)

    def export(self, filters: dict[str, str]) -> list[tuple[Result, str]]:
        """Accepted results in the order received, each with its document (JSON text)."""
        query = self._filtered(select(Result, Document.submission).join(Document, Document.result_id == Result.id)
                               .where(Result.status == ACCEPTED), filters)
        with self.sessions() as session:
            return [(row, document) for row, document in session.execute(query.order_by(Result.id).limit(EXPORT_LIMIT))]

    def stats(self, filters: dict[str, str]) -> list[dict]:
        """Per (browser, device_class): count, median and p90 of the decode and prefill rates."""
        query = self._filtered(select(Result.browser, Result.device_class, Result.decode_tokens_per_s,
                                      Result.prefill_tokens_per_s).where(Result.status == ACCEPTED), filters)
        groups: dict[tuple[str, str], tuple[list[float], list[float]]] = {}
        with self.sessions() as session:
            for browser, device_class, decode, prefill in session.execute(query.limit(EXPORT_LIMIT)):
                decodes, prefills = groups.setdefault((browser, device_class), ([], []))
                decodes.append(decode)
                prefills.append(prefill)
        return [
            {"browser": browser, "device_class": device_class, "count": len(decodes),
             "decode_tokens_per_s": {"median": quantile(decodes, 0.5), "p90": quantile(decodes, 0.9)},
             "prefill_tokens_per_s": {"median": quantile(prefills, 0.5), "p90": quantile(prefills, 0.9)}}
            for (browser, device_class), (decodes, prefills) in sorted(groups.items())
        ]

    def ping(self) -> None:
        with self.sessions() as session:
            session.execute(select(1))

    def count(self, status: str | None = None) -> int:
        query = select(func.count()).select_from(Result)
        with self.sessions() as session:
            return session.scalar(query if status is None else query.where(Result.status == status))

    def count_event(self, kind: str, count: int) -> None:
        """Add `count` to today's counter of `kind` (an upsert in each dialect's own syntax)."""
        with self.sessions() as session:
            dialect = session.get_bind().dialect.name
            if dialect == "postgresql":
                from sqlalchemy.dialects.postgresql import insert
            else:
                from sqlalchemy.dialects.sqlite import insert
            statement = insert(EventCount).values(day=dt.datetime.now(dt.UTC).date(), kind=kind, count=count)
            session.execute(statement.on_conflict_do_update(
                index_elements=[EventCount.day, EventCount.kind],
                set_={"count": EventCount.count + statement.excluded.count}))
            session.commit()

    def event_counts(self) -> list[dict]:
        with self.sessions() as session:
            rows = session.scalars(select(EventCount).order_by(EventCount.day, EventCount.kind))
            return [{"day": row.day.isoformat(), "kind": row.kind, "count": row.count} for row in rows]

    def quarantined(self) -> list[dict]:
        with self.sessions() as session:
            rows = list(session.scalars(select(Result).where(Result.status == QUARANTINED).order_by(Result.id)))
            return [{**public, "quarantine_reason": row.quarantine_reason}
                    for row, public in zip(rows, self._public(session, rows))]

    def review(self, result_id: int, accept: bool) -> bool:
        """Move a quarantined result to accepted or rejected; False when no quarantined result has that id."""
        with self.sessions() as session:
            changed = session.execute(
                update(Result).where(Result.id == result_id, Result.status == QUARANTINED)
                .values(status=ACCEPTED if accept else REJECTED)).rowcount
            session.commit()
            return changed == 1


def quantile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
