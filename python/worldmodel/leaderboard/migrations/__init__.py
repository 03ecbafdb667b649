"""The leaderboard's alembic migrations, run programmatically: no alembic.ini, the configuration is built here.

`upgrade_to_head(engine)` brings any database (empty included) to the newest revision; the server calls it at
startup, so deploying a new version migrates its database. A new migration is a new file in versions/ whose
`down_revision` names the previous one.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).parent


def alembic_config(connection=None):
    from alembic.config import Config

    config = Config()  # no file: everything alembic needs is set here
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("version_table", "leaderboard_alembic_version")
    config.attributes["connection"] = connection
    return config


def upgrade_to_head(engine: Engine) -> None:
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")


def current_revision(engine: Engine) -> str | None:
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection, opts={"version_table": "leaderboard_alembic_version"}
                                          ).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
