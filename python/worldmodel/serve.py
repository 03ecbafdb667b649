"""`worldmodel serve`: serves the built web app and a model bundle (Starlette + uvicorn).

Every response carries the cross-origin isolation headers (COOP/COEP/CORP): they give the page
SharedArrayBuffer, which onnxruntime-web needs for threads. Starlette's FileResponse answers Range
requests and sends ETag/Last-Modified; this module adds MIME types the browser insists on
(`application/wasm` for streaming compilation) and a caching policy: content-hashed build assets are
immutable, everything else is revalidated so a new app or bundle is picked up at once.

`worldmodel serve --bundle-origin --bundle RELEASES` is instead a bundle host on its own origin, as a CDN
would be (docs/deploy.md): CORS for any origin (Range allowed, Content-Range exposed), CORP `cross-origin`
so an isolated app may embed the bytes, and files inside content-addressed release folders immutable.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_APP = REPO_ROOT / "web" / "dist"
DEFAULT_BUNDLE = REPO_ROOT / "bundles" / "default"

ISOLATION_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
}

# Brotli shards are served as opaque bytes: the worker verifies their SHA-256 before decoding them, so
# they must never be sent with `Content-Encoding: br` (the browser would decode them on the way).
MEDIA_TYPES = {
    ".wasm": "application/wasm",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".wat": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".onnx": "application/octet-stream",
    ".onnx_data": "application/octet-stream",
    ".data": "application/octet-stream",
    ".bin": "application/octet-stream",
    ".br": "application/octet-stream",
}

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

# A bundle origin's headers: readable from any origin, ranged reads allowed and their answers readable.
BUNDLE_ORIGIN_HEADERS = {"Cross-Origin-Resource-Policy": "cross-origin"}
CORS_EXPOSED = ["Content-Length", "Content-Range", "Accept-Ranges", "ETag"]
# export/release.py's folders: <model id>/<version>-<12 hex of manifest.json's SHA-256>/… never change.
CONTENT_ADDRESSED = re.compile(r"^[A-Za-z0-9._+-]+/[0-9]+\.[0-9]+\.[0-9]+-[0-9a-f]{12}/")


def media_type(path: str) -> str:
    # Anything unknown (external-data shards such as model.onnx_data_0 included) is opaque bytes.
    return MEDIA_TYPES.get(Path(path).suffix.lower(), "application/octet-stream")


def _static_files(directory: Path, is_immutable):
    """Starlette's StaticFiles (Range, ETag) with this module's MIME types and caching policy."""
    from starlette.staticfiles import StaticFiles

    class Files(StaticFiles):
        def file_response(self, full_path, stat_result, scope, status_code=200):
            response = super().file_response(full_path, stat_result, scope, status_code)
            response.headers["content-type"] = media_type(str(full_path))
            relative = os.path.relpath(full_path, self.directory).replace(os.sep, "/")
            response.headers["cache-control"] = IMMUTABLE if is_immutable(relative) else REVALIDATE
            return response

    return Files(directory=directory, html=True)


def _added_headers(headers_to_add: dict[str, str]):
    """Pure ASGI middleware adding headers a response lacks (no buffering, so Range and large files stream)."""

    class AddedHeaders:
        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            async def send_with_headers(message):
                if message["type"] == "http.response.start":
                    headers = list(message.get("headers", []))
                    present = {k.lower() for k, _ in headers}
                    for name, value in headers_to_add.items():
                        if name.lower().encode() not in present:
                            headers.append((name.lower().encode(), value.encode()))
                    message = {**message, "headers": headers}
                await send(message)

            await self.app(scope, receive, send_with_headers)

    return AddedHeaders


def build_bundle_origin(folder: Path):
    """The ASGI app of a bundle host on its own origin: `folder` (a releases folder or one bundle) at `/`."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.routing import Mount

    return Starlette(
        routes=[Mount("/", app=_static_files(folder, lambda relative: CONTENT_ADDRESSED.match(relative) is not None))],
        middleware=[
            Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD"], allow_headers=["Range"],
                       expose_headers=CORS_EXPOSED, max_age=86400),
            Middleware(_added_headers(BUNDLE_ORIGIN_HEADERS)),
        ],
    )


def build_app(app_dir: Path, bundle_dir: Path, extra_mounts: dict[str, Path] | None = None, api=None):
    """The ASGI app: `/` the built web app, `/bundle` the model bundle, plus `extra_mounts` (path → folder) and
    `api` (an ASGI app, the leaderboard's: worldmodel.leaderboard.app.build_api) at `/api`."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Mount

    def never(relative: str) -> bool:
        return False

    def hashed_asset(relative: str) -> bool:  # Vite names build assets by their content
        return relative.startswith("assets/")

    routes = [
        *([Mount("/api", app=api, name="api")] if api is not None else []),
        *(Mount(path, app=_static_files(folder, never)) for path, folder in (extra_mounts or {}).items()),
        Mount("/bundle", app=_static_files(bundle_dir, never), name="bundle"),
        Mount("/", app=_static_files(app_dir, hashed_asset), name="app"),
    ]
    return Starlette(routes=routes, middleware=[Middleware(_added_headers(ISOLATION_HEADERS))])

