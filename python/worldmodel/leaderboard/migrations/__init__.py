"""The leaderboard's alembic migrations, run programmatically: no alembic.ini, the configuration is built here.

`upgrade_to_head(engine)` brings any database (empty included) to the newest revision; the server calls it at
startup, so deploying a new version migrates its database. A new migration is a new file in versions/ whose
`down_revision` names the previous one.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).parent
# PostgreSQL: servers starting together (replicas, several workers) migrate one at a time under this lock.
ADVISORY_LOCK_ID = 0x574D4C42  # "WMLB"


def alembic_config(connection=None):
    from alembic.config import Config

    config = Config()  # no file: everything alembic needs is set here
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("version_table", "leaderboard_alembic_version")
    config.attributes["connection"] = connection
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Migrate to the newest revision. Servers starting together migrate one after the other: PostgreSQL under an
    advisory lock, SQLite under its write lock (BEGIN IMMEDIATE), so the later ones find the work done."""
    from alembic import command
    from sqlalchemy import text

    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": ADVISORY_LOCK_ID})
            command.upgrade(alembic_config(connection), "head")
        return
    with engine.connect() as connection:
        # pysqlite starts no transaction before DDL on its own: take the write lock first, by hand.
        driver = connection.connection.driver_connection
        previous, driver.isolation_level = driver.isolation_level, None
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                command.upgrade(alembic_config(connection), "head")
            except BaseException:
                connection.exec_driver_sql("ROLLBACK")
                raise
            connection.exec_driver_sql("COMMIT")
        finally:
            driver.isolation_level = previous


def current_revision(engine: Engine) -> str | None:
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection, opts={"version_table": "leaderboard_alembic_version"}
                                          ).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
