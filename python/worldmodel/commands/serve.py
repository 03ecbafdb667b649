"""`worldmodel serve [--bundle DIR] [--app DIR] [--host H] [--port N]`: the web app and a model bundle over HTTP
(the server itself: worldmodel/serve.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from worldmodel.serve import DEFAULT_APP, DEFAULT_BUNDLE, build_app


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


def check_dirs(app_dir: Path, bundle_dir: Path) -> str | None:
    if not (app_dir / "index.html").is_file():
        return f"no built app in {app_dir}: run `make web` (npm install && npm run build) first"
    if not (bundle_dir / "manifest.json").is_file():
        return f"no bundle in {bundle_dir} (manifest.json missing): run `python -m export --out {bundle_dir}` first"
    return None


def run(args: argparse.Namespace) -> int:
    import sys

    import uvicorn

    problem = check_dirs(args.app, args.bundle)
    if problem:
        print(f"worldmodel serve: {problem}", file=sys.stderr)
        return 2
    print(f"WorldModel on http://{args.host}:{args.port}/  (app {args.app}, bundle {args.bundle})", flush=True)
    uvicorn.run(build_app(args.app, args.bundle), host=args.host, port=args.port, log_level="warning")
    return 0
