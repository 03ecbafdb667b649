"""Build the leaderboard's ASGI apps: the API alone (to mount at `/api` beside the web app, `worldmodel serve
--leaderboard`) or a server of its own (`worldmodel leaderboard`).

Building migrates the database to the newest revision first (alembic, programmatically): Starlette does not run
the lifespan of a mounted app, so this happens here, once, before the first request in either form.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Mount

from worldmodel.leaderboard import checks
from worldmodel.leaderboard.api import LeaderboardAPI, http_error
from worldmodel.leaderboard.db import make_engine, make_sessionmaker
from worldmodel.leaderboard.migrations import upgrade_to_head
from worldmodel.leaderboard.ratelimit import RateLimiter, RateLimits
from worldmodel.leaderboard.store import Store

log = logging.getLogger("worldmodel.leaderboard")

TOKEN_ENV = "WORLDMODEL_LEADERBOARD_TOKEN"
DB_ENV = "WORLDMODEL_LEADERBOARD_DB"
DEFAULT_DB = "sqlite:///leaderboard.db"


def build_api(db_url: str, bundles: list[Path] = (), *, expected: dict | None = None,
              admin_token: str | None = None, rate_limits: RateLimits = RateLimits(), analytics: bool = True,
              allow_origins: tuple[str, ...] = ()) -> Starlette:
    """The API app (routes `/v1/…`). Expected results come from the manifests in `bundles` (or `expected`);
    `admin_token` defaults to $WORLDMODEL_LEADERBOARD_TOKEN (admin routes answer 404 without one)."""
    engine = make_engine(db_url)
    upgrade_to_head(engine)
    known = dict(expected or {})
    known.update(checks.load_expected(list(bundles)))
    if not known:
        log.warning("no bundle with a benchmark block given: every submission will be refused as unknown_bundle")
    token = admin_token if admin_token is not None else os.environ.get(TOKEN_ENV) or None
    api = LeaderboardAPI(
        Store(make_sessionmaker(engine)), known, token,
        write_limiter=RateLimiter(rate_limits.write) if rate_limits.write else None,
        read_limiter=RateLimiter(rate_limits.read) if rate_limits.read else None,
        event_limiter=RateLimiter(rate_limits.events) if rate_limits.events else None,
        analytics=analytics)
    middleware = []
    if allow_origins:  # the pages are served from another origin than this API
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(allow_origins), allow_methods=["GET", "POST"],
                                     allow_headers=["Content-Type", "Authorization"], max_age=86400))
    app = Starlette(routes=api.routes(), middleware=middleware, exception_handlers={HTTPException: http_error})
    app.state.api = api
    app.state.engine = engine
    return app


def build_leaderboard_app(db_url: str, bundles: list[Path] = (), **options) -> Starlette:
    """A server of its own: the API at `/api` (options: see build_api)."""
    api = build_api(db_url, bundles, **options)
    app = Starlette(routes=[Mount("/api", app=api)], exception_handlers={HTTPException: http_error})
    app.state.api = api.state.api
    app.state.engine = api.state.engine
    return app
