"""results, result_documents and event_counts

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "results",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("quarantine_reason", sa.String(512), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("suite", sa.String(16), nullable=False),
        sa.Column("app_version", sa.String(32), nullable=False),
        sa.Column("model_id", sa.String(128), nullable=False),
        sa.Column("model_version", sa.String(128), nullable=False),
        sa.Column("release_version", sa.String(64), nullable=True),
        sa.Column("browser", sa.String(64), nullable=False),
        sa.Column("browser_version", sa.String(64), nullable=False),
        sa.Column("os", sa.String(64), nullable=False),
        sa.Column("device_class", sa.String(16), nullable=False),
        sa.Column("cores", sa.Integer(), nullable=False),
        sa.Column("device_memory_gb", sa.Float(), nullable=True),
        sa.Column("cross_origin_isolated", sa.Boolean(), nullable=False),
        sa.Column("threads", sa.Integer(), nullable=False),
        sa.Column("simd", sa.Boolean(), nullable=False),
        sa.Column("webgpu", sa.Boolean(), nullable=False),
        sa.Column("load_cold_ms", sa.Float(), nullable=False),
        sa.Column("load_warm_ms", sa.Float(), nullable=False),
        sa.Column("prefill_tokens_per_s", sa.Float(), nullable=False),
        sa.Column("decode_tokens_per_s", sa.Float(), nullable=False),
        sa.Column("sandbox_p50_ms", sa.Float(), nullable=False),
        sa.Column("sandbox_p99_ms", sa.Float(), nullable=False),
        sa.Column("questions_total", sa.Integer(), nullable=False),
        sa.Column("questions_correct", sa.Integer(), nullable=False),
        sa.Column("total_ms", sa.Float(), nullable=False),
        sa.UniqueConstraint("run_id", name="uq_results_run_id"),
        sa.UniqueConstraint("content_sha256", name="uq_results_content_sha256"),
    )
    op.create_index("ix_results_status_received", "results", ["status", "received_at"])
    op.create_index("ix_results_status_class_decode", "results", ["status", "device_class", "decode_tokens_per_s"])
    op.create_index("ix_results_status_browser", "results", ["status", "browser"])
    op.create_table(
        "result_documents",
        sa.Column("result_id", sa.Integer(), sa.ForeignKey("results.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("submission", sa.Text(), nullable=False),
    )
    op.create_table(
        "event_counts",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("kind", sa.String(32), primary_key=True),
        sa.Column("count", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("event_counts")
    op.drop_table("result_documents")
    op.drop_index("ix_results_status_browser", table_name="results")
    op.drop_index("ix_results_status_class_decode", table_name="results")
    op.drop_index("ix_results_status_received", table_name="results")
    op.drop_table("results")
