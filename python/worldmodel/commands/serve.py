"""`worldmodel serve [--bundle DIR] [--app DIR] [--host H] [--port N] [--leaderboard DB_URL]`: the web app and a
model bundle over HTTP (the server itself: worldmodel/serve.py), and optionally the leaderboard API at `/api`."""

from __future__ import annotations

import argparse
from pathlib import Path

from worldmodel.serve import DEFAULT_APP, DEFAULT_BUNDLE, build_app, build_bundle_origin


def port_number(text: str) -> int:
    """An argparse type: a TCP port (0 lets the system pick a free one)."""
    port = int(text)
    if not 0 <= port <= 65535:
        raise ValueError(text)
    return port


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE, help=f"model bundle directory with manifest.json (default: {DEFAULT_BUNDLE})")
    parser.add_argument("--app", type=Path, default=DEFAULT_APP, help=f"built web app (default: {DEFAULT_APP}; build it with `npm run build`)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=port_number, default=8000, help="TCP port, 0-65535 (default: 8000)")
    parser.add_argument("--bundle-origin", action="store_true", help="serve only --bundle (a releases folder or "
                        "one bundle) as a separate bundle origin, as a CDN: CORS, CORP cross-origin, immutable "
                        "content-addressed releases (docs/deploy.md)")
    parser.add_argument("--leaderboard", metavar="DB_URL", default=None,
                        help="also serve the benchmark leaderboard API at /api, storing results in DB_URL "
                             "(sqlite:///leaderboard.db or postgresql+psycopg://…); --bundle's manifest gives the "
                             "expected results (docs/leaderboard.md)")


def check_dirs(app_dir: Path, bundle_dir: Path) -> str | None:
    if not (app_dir / "index.html").is_file():
        return f"no built app in {app_dir}: run `make web` (npm install && npm run build) first"
    if not (bundle_dir / "manifest.json").is_file():
        return f"no bundle in {bundle_dir} (manifest.json missing): run `python -m export --out {bundle_dir}` first"
    return None


def run(args: argparse.Namespace) -> int:
    import sys

    import uvicorn

    if getattr(args, "bundle_origin", False):
        if not any((args.bundle / name).is_file() for name in ("channel.json", "manifest.json")):
            print(f"worldmodel serve: {args.bundle} holds neither channel.json nor manifest.json: publish a release "
                  f"with `python -m export --release {args.bundle} --version 1.0.0` first", file=sys.stderr)
            return 2
        print(f"WorldModel bundle origin on http://{args.host}:{args.port}/  ({args.bundle})", flush=True)
        uvicorn.run(build_bundle_origin(args.bundle), host=args.host, port=args.port, log_level="warning")
        return 0
    problem = check_dirs(args.app, args.bundle)
    if problem:
        print(f"worldmodel serve: {problem}", file=sys.stderr)
        return 2
    api = None
    if getattr(args, "leaderboard", None):
        from worldmodel.leaderboard.app import build_api

        api = build_api(args.leaderboard, [args.bundle])
    print(f"WorldModel on http://{args.host}:{args.port}/  (app {args.app}, bundle {args.bundle}"
          f"{', leaderboard API at /api' if api is not None else ''})", flush=True)
    uvicorn.run(build_app(args.app, args.bundle, api=api), host=args.host, port=args.port, log_level="warning")
    return 0
