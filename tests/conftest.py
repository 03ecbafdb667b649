"""Fixtures shared by test files: only those that must exist once per session live here."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def local_postgres():
    """One throw-away PostgreSQL server per test session (installed with apt-get when missing: CI is a clean
    Debian machine). If it cannot be installed or started, the tests that need it fail: they are not skipped."""
    from worldmodel.leaderboard.pg_local import LocalPostgres

    server = LocalPostgres()
    try:
        yield server
    finally:
        server.stop()
