"""`worldmodel serve`: isolation headers, MIME types, caching policy and range requests, over real HTTP."""

from __future__ import annotations

import argparse
import contextlib
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import uvicorn  # noqa: E402  (the serve extra; installed by `make setup`)

from worldmodel import serve  # noqa: E402
from worldmodel.commands import serve as serve_command  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    app, bundle = root / "app", root / "bundle"
    (app / "assets").mkdir(parents=True)
    (bundle / "onnx").mkdir(parents=True)
    (app / "index.html").write_text("<!doctype html><title>WorldModel</title>")
    (app / "sw.js").write_text("self.addEventListener('fetch', () => {});")
    (app / "assets" / "index-abc123.js").write_text("console.log(1)")
    (app / "assets" / "ort-wasm-simd-threaded-abc.wasm").write_bytes(b"\0asm\1\0\0\0")
    (app / "rt.wat").write_text("(module)")
    (bundle / "manifest.json").write_text('{"format_version": 1}')
    shard = bytes(range(256)) * 64
    (bundle / "onnx" / "model_quantized.onnx_data_1").write_bytes(shard)
    (bundle / "onnx" / "model_quantized.onnx_data_1.br").write_bytes(shard[:1000])

    with running(serve.build_app(app, bundle)) as base:
        yield base, shard


@contextlib.contextmanager
def running(asgi_app):
    """Serves `asgi_app` on a free port in a thread; yields its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    instance = uvicorn.Server(uvicorn.Config(asgi_app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.time() + 10
    while not instance.started and time.time() < deadline:
        time.sleep(0.02)
    assert instance.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(timeout=5)


def fetch(url: str, headers: dict | None = None, method: str = "GET"):
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_every_response_is_cross_origin_isolated(server):
    base, _ = server
    for path in ("/", "/assets/index-abc123.js", "/bundle/manifest.json", "/no-such-file"):
        _, headers, _ = fetch(base + path)
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin", path
        assert headers["Cross-Origin-Embedder-Policy"] == "require-corp", path
        assert headers["Cross-Origin-Resource-Policy"] == "same-origin", path


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/assets/index-abc123.js", "text/javascript; charset=utf-8"),
        ("/assets/ort-wasm-simd-threaded-abc.wasm", "application/wasm"),
        ("/rt.wat", "text/plain; charset=utf-8"),
        ("/bundle/manifest.json", "application/json"),
        ("/bundle/onnx/model_quantized.onnx_data_1", "application/octet-stream"),
        ("/bundle/onnx/model_quantized.onnx_data_1.br", "application/octet-stream"),
    ],
)
def test_media_types(server, path, media_type):
    base, _ = server
    status, headers, _ = fetch(base + path)
    assert status == 200
    assert headers["Content-Type"] == media_type


def test_brotli_shards_are_served_as_stored_bytes(server):
    # The worker verifies the SHA-256 of the .br bytes: the browser must not decode them on the way.
    base, shard = server
    status, headers, body = fetch(base + "/bundle/onnx/model_quantized.onnx_data_1.br", {"Accept-Encoding": "br"})
    assert status == 200
    assert headers.get("Content-Encoding") is None
    assert body == shard[:1000]


def test_caching_policy(server):
    base, _ = server
    assert fetch(base + "/assets/index-abc123.js")[1]["Cache-Control"] == serve.IMMUTABLE
    for path in ("/", "/sw.js", "/bundle/manifest.json", "/bundle/onnx/model_quantized.onnx_data_1"):
        assert fetch(base + path)[1]["Cache-Control"] == "no-cache", path
    _, headers, _ = fetch(base + "/bundle/manifest.json")
    assert headers["ETag"]
    status, _, _ = fetch(base + "/bundle/manifest.json", {"If-None-Match": headers["ETag"]})
    assert status == 304


def test_range_requests(server):
    base, shard = server
    status, headers, body = fetch(base + "/bundle/onnx/model_quantized.onnx_data_1", {"Range": "bytes=100-355"})
    assert status == 206
    assert headers["Content-Range"] == f"bytes 100-355/{len(shard)}"
    assert body == shard[100:356]
    assert fetch(base + "/bundle/onnx/model_quantized.onnx_data_1")[1]["Accept-Ranges"] == "bytes"


def test_missing_build_or_bundle_is_a_clear_error(tmp_path, capsys):
    args = argparse.Namespace(app=tmp_path / "dist", bundle=tmp_path / "bundle", host="127.0.0.1", port=0)
    assert serve_command.run(args) == 2
    assert "make web" in capsys.readouterr().err
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "index.html").write_text("x")
    assert serve_command.run(args) == 2
    assert "manifest.json missing" in capsys.readouterr().err


def test_cli_registers_serve():
    from worldmodel.cli import COMMANDS, command_module

    assert "serve" in COMMANDS and command_module("serve") is serve_command
    parser = argparse.ArgumentParser()
    serve_command.add_arguments(parser)
    args = parser.parse_args(["--bundle", "b", "--port", "9000"])
    assert args.bundle == Path("b") and args.port == 9000


@pytest.fixture(scope="module")
def bundle_origin(tmp_path_factory):
    """`worldmodel serve --bundle-origin` over a releases folder: a channel file and one content-addressed release."""
    releases = tmp_path_factory.mktemp("releases")
    release = releases / "worldmodel-tiny" / "1.0.0-0123456789ab"
    (release / "onnx").mkdir(parents=True)
    (releases / "channel.json").write_text('{"format_version": 1, "channels": {}}')
    (release / "manifest.json").write_text('{"format_version": 1}')
    shard = bytes(range(256)) * 64
    (release / "onnx" / "model_quantized.onnx_data.br").write_bytes(shard)
    with running(serve.build_bundle_origin(releases)) as base:
        yield base, shard


APP_ORIGIN = "http://127.0.0.1:4173"


def test_bundle_origin_is_readable_from_another_origin(bundle_origin):
    base, _ = bundle_origin
    for path in ("/channel.json", "/worldmodel-tiny/1.0.0-0123456789ab/manifest.json"):
        status, headers, _ = fetch(base + path, {"Origin": APP_ORIGIN})
        assert status == 200, path
        assert headers["Access-Control-Allow-Origin"] == "*", path
        # An isolated app (COEP require-corp) may use the bytes; the bundle host itself is not isolated.
        assert headers["Cross-Origin-Resource-Policy"] == "cross-origin", path
        assert headers.get("Cross-Origin-Embedder-Policy") is None, path


def test_bundle_origin_caches_content_addressed_releases_forever(bundle_origin):
    base, _ = bundle_origin
    assert fetch(base + "/channel.json")[1]["Cache-Control"] == "no-cache"  # changes with every release
    for path in ("/worldmodel-tiny/1.0.0-0123456789ab/manifest.json", "/worldmodel-tiny/1.0.0-0123456789ab/onnx/model_quantized.onnx_data.br"):
        assert fetch(base + path)[1]["Cache-Control"] == serve.IMMUTABLE, path


def test_bundle_origin_answers_ranged_resumes_across_origins(bundle_origin):
    base, shard = bundle_origin
    url = base + "/worldmodel-tiny/1.0.0-0123456789ab/onnx/model_quantized.onnx_data.br"
    status, headers, body = fetch(url, {"Origin": APP_ORIGIN, "Range": "bytes=1000-"})
    assert status == 206
    assert body == shard[1000:]
    assert headers["Content-Range"] == f"bytes 1000-{len(shard) - 1}/{len(shard)}"
    exposed = {name.strip().lower() for name in headers["Access-Control-Expose-Headers"].split(",")}
    assert {"content-range", "content-length"} <= exposed  # the loader reads Content-Range to resume
    # A browser that preflights the Range header is allowed to send it.
    status, headers, _ = fetch(url, {"Origin": APP_ORIGIN, "Access-Control-Request-Method": "GET",
                                     "Access-Control-Request-Headers": "range"}, method="OPTIONS")
    assert status == 200
    assert "range" in headers["Access-Control-Allow-Headers"].lower()


def test_bundle_origin_needs_a_release_or_bundle(tmp_path, capsys):
    args = argparse.Namespace(app=tmp_path / "dist", bundle=tmp_path, host="127.0.0.1", port=0, bundle_origin=True)
    assert serve_command.run(args) == 2
    assert "neither channel.json nor manifest.json" in capsys.readouterr().err
