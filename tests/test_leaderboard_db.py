"""The leaderboard's storage and plumbing: migrations from an empty database to head on SQLite and PostgreSQL (and
the ORM models agree with them), the rate limiter, the `worldmodel leaderboard` command and `serve --leaderboard`."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import pytest
from sqlalchemy import inspect

from worldmodel.leaderboard import db
from worldmodel.leaderboard.migrations import current_revision, head_revision, upgrade_to_head
from worldmodel.leaderboard.ratelimit import RateLimit, RateLimiter
from worldmodel.leaderboard.sample import submission, write_manifest


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("local_postgres").create_database()


def test_migrations_take_an_empty_database_to_head(empty_db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = db.make_engine(empty_db_url)
    assert current_revision(engine) is None and inspect(engine).get_table_names() == []
    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision() == "0001"
    assert {"results", "event_counts"} <= set(inspect(engine).get_table_names())
    upgrade_to_head(engine)  # at head already: nothing to do, no error
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": "leaderboard_alembic_version"})
        assert compare_metadata(context, db.Base.metadata) == []  # the models are what the migrations made
    engine.dispose()


def test_postgres_urls_mean_psycopg_3():
    assert db.normalize_url("postgresql://u:p@host/lb").startswith("postgresql+psycopg://u:p@host/lb")
    assert db.normalize_url("postgres://host/lb").startswith("postgresql+psycopg://")
    assert db.normalize_url("sqlite:///x.db") == "sqlite:///x.db"


def test_token_buckets_refill_and_are_per_client():
    now = [0.0]
    limiter = RateLimiter(RateLimit(per_second=1, burst=2), clock=lambda: now[0])
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]
    assert limiter.allow("b")
    now[0] = 1.0
    assert limiter.allow("a") and not limiter.allow("a")
    assert limiter.retry_after() == 1


def test_the_client_table_is_bounded_and_keyed_by_salted_hashes():
    limiter = RateLimiter(RateLimit(per_second=1, burst=1), max_clients=3)
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"):
        limiter.allow(address)
    assert len(limiter._buckets) == 3
    assert b"10.0.0.4" not in b"".join(limiter._buckets)
    assert limiter.client_key("10.0.0.4") != RateLimiter(limiter.limit).client_key("10.0.0.4")  # salted per process
    with pytest.raises(ValueError):
        RateLimit(per_second=0, burst=1)


def test_leaderboard_help():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-m", "worldmodel.cli", "leaderboard", "--help"], capture_output=True,
                          text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    for flag in ("--db", "--bundle", "--host", "--port", "--allow-origin"):
        assert flag in done.stdout


def test_leaderboard_command_refuses_a_missing_bundle_folder(tmp_path, capsys):
    from worldmodel.commands import leaderboard

    parser = argparse.ArgumentParser()
    leaderboard.add_arguments(parser)
    args = parser.parse_args(["--db", f"sqlite:///{tmp_path / 'lb.db'}", "--bundle", str(tmp_path / "nowhere")])
    assert leaderboard.run(args) == 2
    assert "no such bundle folder" in capsys.readouterr().err


def test_serve_mounts_the_api_beside_the_app(tmp_path):
    from starlette.testclient import TestClient

    from worldmodel.leaderboard.app import build_api
    from worldmodel.leaderboard.ratelimit import RateLimits
    from worldmodel.serve import build_app

    app_dir, bundle = tmp_path / "dist", write_manifest(tmp_path / "bundle")
    app_dir.mkdir()
    (app_dir / "index.html").write_text("<h1>app</h1>")
    api = build_api(f"sqlite:///{tmp_path / 'lb.db'}", [bundle], rate_limits=RateLimits.unlimited())
    with TestClient(build_app(app_dir, bundle, api=api)) as client:
        assert client.get("/api/v1/health").json() == {"ok": True}
        response = client.post("/api/v1/results", json=submission())
        assert response.status_code == 201, response.text
        assert client.get("/api/v1/results").json()["total"] == 1
        assert client.get("/").text == "<h1>app</h1>"
        assert client.get("/bundle/manifest.json").json()["benchmark"]["suite"] == "v1"
        assert client.get("/api/v1/health").headers["cross-origin-opener-policy"] == "same-origin"


def test_the_command_serves_the_api_and_logs_neither_token_nor_addresses(tmp_path):
    """`worldmodel leaderboard` for real (uvicorn, a free port): it answers, and its output has no token or IP."""
    import json
    import socket
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = "tok-" + "9" * 24
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "WORLDMODEL_LEADERBOARD_TOKEN": token}
    log_file = tmp_path / "server.log"
    with open(log_file, "w") as log:
        server = subprocess.Popen([sys.executable, "-m", "worldmodel.cli", "leaderboard", "--db",
                                   f"sqlite:///{tmp_path / 'lb.db'}", "--bundle", str(write_manifest(tmp_path / "b")),
                                   "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(base + "/health", timeout=2) as response:
                    assert json.load(response) == {"ok": True}
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        else:
            raise AssertionError(log_file.read_text())
        request = urllib.request.Request(base + "/results", data=json.dumps(submission()).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 201
        for header in (f"Bearer {token}", "Bearer wrong"):
            request = urllib.request.Request(base + "/admin/quarantine", headers={"Authorization": header})
            try:
                urllib.request.urlopen(request, timeout=10).close()
            except urllib.error.HTTPError as error:
                assert error.code == 401 and header == "Bearer wrong"
    finally:
        server.terminate()
        server.wait(timeout=30)
    output = log_file.read_text()
    assert "leaderboard API on" in output and "admin on" in output
    assert "result 1 accepted" in output  # its own log: what happened, never who asked
    assert token not in output and '"GET ' not in output and '"POST ' not in output  # no access log lines


def test_servers_starting_together_migrate_once(empty_db_url):
    """Replicas or workers starting at the same time: each upgrade waits for the other, none fails."""
    import threading

    engines = [db.make_engine(empty_db_url) for _ in range(3)]
    errors = []

    def upgrade(engine):
        try:
            upgrade_to_head(engine)
        except Exception as error:  # collected: a thread's exception would otherwise be lost
            errors.append(error)

    threads = [threading.Thread(target=upgrade, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and current_revision(engines[0]) == head_revision()
    for engine in engines:
        engine.dispose()


def test_serve_leaderboard_flag_mounts_the_api(tmp_path, monkeypatch):
    """`worldmodel serve --leaderboard DB_URL`: serve's own --bundle manifest gives the expected results."""
    import uvicorn
    from starlette.testclient import TestClient

    from worldmodel.commands import serve as serve_command

    app_dir, bundle = tmp_path / "dist", write_manifest(tmp_path / "bundle")
    app_dir.mkdir()
    (app_dir / "index.html").write_text("app")
    served = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(app=app, **options))
    parser = argparse.ArgumentParser()
    serve_command.add_arguments(parser)
    args = parser.parse_args(["--app", str(app_dir), "--bundle", str(bundle), "--port", "0",
                              "--leaderboard", f"sqlite:///{tmp_path / 'lb.db'}"])
    assert serve_command.run(args) == 0
    with TestClient(served["app"]) as client:
        assert client.post("/api/v1/results", json=submission()).json()["status"] == "accepted"
        assert client.get("/api/v1/results").json()["total"] == 1
        assert client.get("/").text == "app"


def test_allowed_origins_get_cors_and_others_do_not(tmp_path):
    from starlette.testclient import TestClient

    from worldmodel.leaderboard.app import build_leaderboard_app

    app = build_leaderboard_app(f"sqlite:///{tmp_path / 'lb.db'}", [write_manifest(tmp_path / "b")],
                                allow_origins=("https://worldmodel.example",))
    with TestClient(app) as client:
        preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
        allowed = client.options("/api/v1/results", headers={"Origin": "https://worldmodel.example", **preflight})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://worldmodel.example"
        other = client.options("/api/v1/results", headers={"Origin": "https://evil.example", **preflight})
        assert "access-control-allow-origin" not in other.headers
