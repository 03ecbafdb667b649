"""alembic's environment: always online, on the connection `upgrade_to_head` passes in (never from a URL in a file)."""

from __future__ import annotations

from alembic import context

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the leaderboard migrations with worldmodel.leaderboard.migrations.upgrade_to_head(engine)")

context.configure(connection=connection, version_table=config.get_main_option("version_table"),
                  render_as_batch=connection.dialect.name == "sqlite")  # SQLite alters tables by copying them
with context.begin_transaction():
    context.run_migrations()
