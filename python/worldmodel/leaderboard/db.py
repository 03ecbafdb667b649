"""Storage: SQLAlchemy 2 typed ORM over SQLite (the default, one file) or PostgreSQL (`postgresql+psycopg://…`).

The tables are created and changed only by the alembic migrations in `migrations/` (run at startup); the models
here must match them, which tests/test_leaderboard_db.py checks. A result row keeps the figures the API filters,
sorts and aggregates on as columns; the whole submission (minus its run_id, ~3 KB of JSON) lives in a table of its
own, read by primary key for the rows a page or export returns, so that filtering, counting and aggregating scan
only the narrow rows. Client addresses are never stored.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

ACCEPTED, QUARANTINED, REJECTED = "accepted", "quarantined", "rejected"


class Base(DeclarativeBase):
    pass


class Result(Base):
    __tablename__ = "results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(36))
    content_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    quarantine_reason: Mapped[str | None] = mapped_column(String(512))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    suite: Mapped[str] = mapped_column(String(16))
    app_version: Mapped[str] = mapped_column(String(32))
    model_id: Mapped[str] = mapped_column(String(128))
    model_version: Mapped[str] = mapped_column(String(128))
    release_version: Mapped[str | None] = mapped_column(String(64))

    browser: Mapped[str] = mapped_column(String(64))
    browser_version: Mapped[str] = mapped_column(String(64))
    os: Mapped[str] = mapped_column(String(64))
    device_class: Mapped[str] = mapped_column(String(16))
    cores: Mapped[int] = mapped_column(Integer)
    device_memory_gb: Mapped[float | None] = mapped_column(Float)
    cross_origin_isolated: Mapped[bool] = mapped_column(Boolean)
    threads: Mapped[int] = mapped_column(Integer)
    simd: Mapped[bool] = mapped_column(Boolean)
    webgpu: Mapped[bool] = mapped_column(Boolean)

    load_cold_ms: Mapped[float] = mapped_column(Float)
    load_warm_ms: Mapped[float] = mapped_column(Float)
    prefill_tokens_per_s: Mapped[float] = mapped_column(Float)
    decode_tokens_per_s: Mapped[float] = mapped_column(Float)
    sandbox_p50_ms: Mapped[float] = mapped_column(Float)
    sandbox_p99_ms: Mapped[float] = mapped_column(Float)
    questions_total: Mapped[int] = mapped_column(Integer)
    questions_correct: Mapped[int] = mapped_column(Integer)
    total_ms: Mapped[float] = mapped_column(Float)

    __table_args__ = (
        UniqueConstraint("run_id", name="uq_results_run_id"),  # a replayed run
        UniqueConstraint("content_sha256", name="uq_results_content_sha256"),  # the same figures under a new run_id
        Index("ix_results_status_received", "status", "received_at"),
        Index("ix_results_status_class_decode", "status", "device_class", "decode_tokens_per_s"),
        Index("ix_results_status_browser", "status", "browser"),
    )

    @property
    def received(self) -> str:
        """The time of receipt, ISO 8601 in UTC to the second (SQLite keeps no time zone; every time stored is UTC)."""
        received = self.received_at
        if received.tzinfo is None:
            received = received.replace(tzinfo=dt.UTC)
        return received.astimezone(dt.UTC).isoformat(timespec="seconds")

    def public(self, document: str) -> dict:
        """What readers see: the stored submission (its Document) plus the server's id, status and time of receipt."""
        return {"id": self.id, "status": self.status, "received_at": self.received, **json.loads(document)}


class Document(Base):
    """The whole submission of a result as JSON text, run_id left out."""

    __tablename__ = "result_documents"

    result_id: Mapped[int] = mapped_column(ForeignKey("results.id", ondelete="CASCADE"), primary_key=True)
    submission: Mapped[str] = mapped_column(Text)


class EventCount(Base):
    """Opt-in analytics: one counter per day and kind (an allow-listed name), nothing else."""

    __tablename__ = "event_counts"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)


def normalize_url(url: str) -> str:
    """`postgres://` and `postgresql://` mean psycopg 3 here (SQLAlchemy's default driver, psycopg2, is not used)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        # timeout: writers wait for the file lock instead of failing at once under concurrent submissions.
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            if make_url(url).database not in (None, "", ":memory:"):
                cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=8, max_overflow=8)


def make_sessionmaker(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)
