"""`worldmodel serve`: serves the built web app and a model bundle (Starlette + uvicorn).

Every response carries the cross-origin isolation headers (COOP/COEP/CORP): they give the page
SharedArrayBuffer, which onnxruntime-web needs for threads. Starlette's FileResponse answers Range
requests and sends ETag/Last-Modified; this module adds MIME types the browser insists on
(`application/wasm` for streaming compilation) and a caching policy: content-hashed build assets are
immutable, everything else is revalidated so a new app or bundle is picked up at once.
"""

from __future__ import annotations

import os
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


def media_type(path: str) -> str:
    # Anything unknown (external-data shards such as model.onnx_data_0 included) is opaque bytes.
    return MEDIA_TYPES.get(Path(path).suffix.lower(), "application/octet-stream")


def build_app(app_dir: Path, bundle_dir: Path, extra_mounts: dict[str, Path] | None = None):
    """The ASGI app: `/` the built web app, `/bundle` the model bundle, plus `extra_mounts` (path → folder)."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    class Files(StaticFiles):
        def __init__(self, *, directory: Path, immutable_prefix: str | None):
            super().__init__(directory=directory, html=True)
            self.immutable_prefix = immutable_prefix

        def file_response(self, full_path, stat_result, scope, status_code=200):
            response = super().file_response(full_path, stat_result, scope, status_code)
            response.headers["content-type"] = media_type(str(full_path))
            relative = os.path.relpath(full_path, self.directory)
            hashed = self.immutable_prefix is not None and relative.startswith(self.immutable_prefix)
            response.headers["cache-control"] = IMMUTABLE if hashed else REVALIDATE
            return response

    class IsolationHeaders:
        """Pure ASGI middleware (no response buffering, so Range and large files stream)."""

        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            async def send_with_headers(message):
                if message["type"] == "http.response.start":
                    headers = list(message.get("headers", []))
                    present = {k.lower() for k, _ in headers}
                    for name, value in ISOLATION_HEADERS.items():
                        if name.lower().encode() not in present:
                            headers.append((name.lower().encode(), value.encode()))
                    message = {**message, "headers": headers}
                await send(message)

            await self.app(scope, receive, send_with_headers)

    routes = [
        *(Mount(path, app=Files(directory=folder, immutable_prefix=None)) for path, folder in (extra_mounts or {}).items()),
        Mount("/bundle", app=Files(directory=bundle_dir, immutable_prefix=None), name="bundle"),
        Mount("/", app=Files(directory=app_dir, immutable_prefix="assets" + os.sep), name="app"),
    ]
    return Starlette(routes=routes, middleware=[Middleware(IsolationHeaders)])
