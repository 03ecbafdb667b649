"""The benchmark leaderboard server (docs/leaderboard.md): checked, proven results from the benchmark page.

One concept per module: `schema` (the submission), `checks` (plausibility and proof), `db` (tables),
`migrations/` (alembic, run at startup), `store` (queries), `ratelimit`, `events` (analytics allow-list),
`export` (CSV/JSON), `api` (routes), `app` (the ASGI apps), `pg_local` (a throw-away local PostgreSQL for tests
and the load benchmark).
"""
