"""`worldmodel leaderboard [--db URL] [--bundle DIR]… [--host H] [--port N]`: the benchmark leaderboard's API server
(docs/leaderboard.md; the server itself: worldmodel/leaderboard/)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from worldmodel.commands.serve import port_number

DB_ENV = "WORLDMODEL_LEADERBOARD_DB"  # worldmodel.leaderboard.app.DB_ENV, here without importing SQLAlchemy
DEFAULT_DB = "sqlite:///leaderboard.db"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=os.environ.get(DB_ENV, DEFAULT_DB),
                        help=f"database URL: sqlite:///FILE or postgresql+psycopg://USER:PASSWORD@HOST/DB "
                             f"(default: ${DB_ENV}, else {DEFAULT_DB}); migrated to the newest schema at start")
    parser.add_argument("--bundle", type=Path, action="append", default=[], metavar="DIR",
                        help="a bundle folder (or a releases folder) whose manifest.json `benchmark` block gives the "
                             "expected results; repeat for each bundle the leaderboard accepts")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=port_number, default=8100, help="TCP port, 0-65535 (default: 8100)")
    parser.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                        help="an origin whose pages may call this API (CORS), e.g. https://worldmodel.example; "
                             "not needed when the pages are served from this server's origin")
    parser.add_argument("--no-analytics", action="store_true", help="refuse analytics events (POST /api/v1/events)")


def run(args: argparse.Namespace) -> int:
    import logging
    import sys

    import uvicorn

    from worldmodel.leaderboard.app import TOKEN_ENV, build_leaderboard_app

    # The server's own log says what happened (result 12 accepted, submission refused: proof_mismatch), never who.
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # keep "Running upgrade …", not this
    missing = [str(folder) for folder in args.bundle if not folder.is_dir()]
    if missing:
        print(f"worldmodel leaderboard: no such bundle folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    app = build_leaderboard_app(args.db, args.bundle, analytics=not args.no_analytics,
                                allow_origins=tuple(args.allow_origin))
    admin = "on" if os.environ.get(TOKEN_ENV) else f"off (set {TOKEN_ENV})"
    print(f"WorldModel leaderboard API on http://{args.host}:{args.port}/api/v1/  "
          f"({len(app.state.api.expected)} bundle(s) with expected results; admin {admin})", flush=True)
    # No access log: it would print every client's address, which this server promises not to keep.
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", access_log=False)
    return 0
