"""The leaderboard API (docs/leaderboard.md) on SQLite and PostgreSQL: hostile submissions are refused with their
stable error code and leave nothing stored, good ones are listed, aggregated and exported, the quarantine needs the
admin token, analytics keep only counters."""

from __future__ import annotations

import asyncio
import datetime as dt
import copy
import csv
import io
import json
import logging

import pytest
from starlette.testclient import TestClient

from worldmodel.leaderboard.app import build_leaderboard_app
from worldmodel.leaderboard.ratelimit import RateLimit, RateLimits
from worldmodel.leaderboard.sample import MODEL_ID, MODEL_VERSION, expected_block, submission, with_rates, write_manifest

TOKEN = "s3cret-admin-token-7f1d"
URL = "/api/v1/results"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'leaderboard.db'}"
    return request.getfixturevalue("local_postgres").create_database()


@pytest.fixture
def bundle(tmp_path):
    return write_manifest(tmp_path / "bundle")


def make_client(db_url, bundle, **options) -> TestClient:
    options.setdefault("rate_limits", RateLimits.unlimited())
    options.setdefault("admin_token", TOKEN)
    return TestClient(build_leaderboard_app(db_url, [bundle], **options))


@pytest.fixture
def client(db_url, bundle):
    with make_client(db_url, bundle) as client:
        yield client


def stored_count(client) -> int:
    return client.app.state.api.store.count()


def post(client, body, content_type="application/json"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(URL, content=data, headers={"Content-Type": content_type})


def admin(token=TOKEN):
    return {"Authorization": f"Bearer {token}"}


def test_a_good_result_is_accepted_listed_and_returned_exactly(client):
    result = submission(browser="Firefox", os="Android", device_class="mobile", webgpu={"vendor": "arm"})
    response = post(client, result)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "accepted"
    listed = client.get(URL).json()
    assert listed["total"] == 1
    row = listed["results"][0]
    expected = {key: value for key, value in result.items() if key != "run_id"}
    expected["device"]["webgpu"] = {"vendor": "arm", "architecture": None, "device": None, "description": None}
    assert {key: row[key] for key in expected} == expected
    assert "run_id" not in row and row["status"] == "accepted"
    assert dt.datetime.fromisoformat(row["received_at"]).utcoffset() == dt.timedelta(0)
    assert client.get("/api/v1/health").json() == {"ok": True}


def mutate(path: str, value):
    """A hostile submission: a valid one with one field (dotted path; ints index lists) replaced or deleted."""
    def make():
        result = submission()
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target = result
        for key in parents:
            target = target[key]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value
        return result
    return make


DELETE = object()


def impossible_decode() -> dict:
    """94 tokens decoded in 20 ms: 4,700 tokens/s, beyond any desktop (consistent otherwise)."""
    result = submission()
    for greedy in result["results"]["greedy"]:
        greedy["decode_ms"] = 10.0
    return with_rates(result)

# (name, body maker, HTTP status, error code)
HOSTILE = [
    ("wrong type: cores as text", mutate("device.cores", "8"), 400, "invalid"),
    ("wrong type: bool as 1", mutate("device.simd", 1), 400, "invalid"),
    ("wrong type: list for object", mutate("results.load", []), 400, "invalid"),
    ("missing field", mutate("results.decode_tokens_per_s", DELETE), 400, "invalid"),
    ("extra field", mutate("device.ip", "1.2.3.4"), 400, "invalid"),
    ("negative figure", mutate("results.load.cold_ms", -1.0), 400, "invalid"),
    ("zero rate", mutate("results.decode_tokens_per_s", 0), 400, "invalid"),
    ("wrong schema version", mutate("schema", 2), 400, "invalid"),
    ("run_id not a UUID v4", mutate("run_id", "1; DROP TABLE results"), 400, "invalid"),
    ("NUL in a device string", mutate("device.browser", "Chrome\x00"), 400, "invalid"),
    ("over-long device string", mutate("device.os", "L" * 65), 400, "invalid"),
    ("unknown device class", mutate("device.device_class", "server"), 400, "invalid"),
    ("unknown suite", mutate("suite", "v9"), 400, "invalid"),
    ("unknown bundle", mutate("bundle.model_version", "000000000000"), 422, "unknown_bundle"),
    ("greedy hash mismatch", mutate("results.greedy.0.sha256", "0" * 64), 422, "proof_mismatch"),
    ("greedy prefix length mismatch", mutate("results.greedy.1.tokens", 16), 422, "proof_mismatch"),
    ("sandbox output mismatch", mutate("results.sandbox.2.stdout_sha256", "f" * 64), 422, "proof_mismatch"),
    ("decode rate not from its parts", mutate("results.decode_tokens_per_s", 40.0), 422, "implausible"),
    ("prefill rate not from its parts", mutate("results.prefill_tokens_per_s", 500.0), 422, "implausible"),
    ("p50 above p99", mutate("results.sandbox.0.p50_ms", 5.0), 422, "implausible"),
    ("overall p50 above p99", mutate("results.sandbox_p50_ms", 3.0), 422, "implausible"),
    ("more right than asked", mutate("results.questions.correct", 21), 422, "implausible"),
    ("total shorter than its parts", mutate("results.total_ms", 9000.0), 422, "implausible"),
    ("missing greedy prompt", lambda: with_rates({**submission(), "results": {
        **submission()["results"], "greedy": submission()["results"]["greedy"][:1]}}), 422, "implausible"),
    ("sandbox runs not the suite's", mutate("results.sandbox.0.runs", 3), 422, "implausible"),
    ("more generated than the suite allows", lambda: with_rates(mutate("results.greedy.0.generated_tokens", 49)()),
     422, "implausible"),
    ("physically impossible decode", lambda: impossible_decode(), 422, "implausible"),
]


def test_hostile_submissions_are_refused_with_their_code_and_store_nothing(client):
    for name, make, status, code in HOSTILE:
        response = post(client, make())
        assert (response.status_code, response.json()["error"]) == (status, code), (name, response.text)
        assert response.json()["detail"], name
    raw = json.dumps(submission())
    for name, body, content_type, code in [
        ("NaN", raw.replace('"cold_ms": 7012.5', '"cold_ms": NaN').encode(), "application/json", "invalid"),
        ("Infinity", raw.replace('"cold_ms": 7012.5', '"cold_ms": Infinity').encode(), "application/json", "invalid"),
        ("overflow to inf", raw.replace('"cold_ms": 7012.5', '"cold_ms": 1e999').encode(), "application/json",
         "invalid"),
        ("not JSON", b"{'schema': 1", "application/json", "invalid"),
        ("lone surrogate", raw.replace('"Chrome"', '"\\ud800"').encode(), "application/json", "invalid"),
        ("deep nesting", b"[" * 60000, "application/json", "invalid"),
        ("not UTF-8", b'{"schema": "\xff"}', "application/json", "invalid"),
        ("empty body", b"", "application/json", "invalid"),
        ("JSON array", b"[]", "application/json", "invalid"),
        ("form-encoded", b"schema=1", "application/x-www-form-urlencoded", "invalid"),
    ]:
        response = post(client, body, content_type)
        assert response.status_code in (400, 415) and response.json()["error"] == code, (name, response.text)
    assert stored_count(client) == 0
    assert client.get("/api/v1/health").json() == {"ok": True}
    assert post(client, submission()).status_code == 201  # and it still takes good results


def test_a_10_mb_body_is_refused_as_too_large(client):
    response = post(client, b"{" + b" " * (10 * 1024 * 1024) + b"}")
    assert response.status_code == 413 and response.json()["error"] == "too_large"
    assert stored_count(client) == 0
    assert client.get("/api/v1/health").json() == {"ok": True}


def test_a_streamed_body_is_refused_before_it_is_read_whole(db_url, bundle):
    """No Content-Length (chunked): the API stops reading as soon as the body passes 64 KiB."""
    app = build_leaderboard_app(db_url, [bundle], rate_limits=RateLimits.unlimited())
    chunk, chunks_total, received = b" " * 16384, 640, []  # 10 MiB offered

    async def receive():
        received.append(1)
        return {"type": "http.request", "body": chunk, "more_body": len(received) < chunks_total}

    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": URL, "raw_path": URL.encode(), "root_path": "", "query_string": b"",
             "headers": [(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")],
             "client": ("127.0.0.1", 5000), "server": ("testserver", 80)}
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["error"] == "too_large"
    assert len(received) <= 5  # 64 KiB is four chunks and a bit: the other 9.9 MB were never read
    assert app.state.api.store.count() == 0


def test_sql_and_html_in_device_strings_are_stored_and_returned_as_exact_data(client):
    injection = "Robert'); DROP TABLE results;--"
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = post(client, submission(browser=injection, os=script, browser_version="1' OR '1'='1"))
    assert response.status_code == 201, response.text
    listed = client.get(URL, params={"browser": injection})
    assert listed.headers["content-type"] == "application/json"
    assert listed.headers["x-content-type-options"] == "nosniff"
    row = listed.json()["results"][0]
    assert (row["device"]["browser"], row["device"]["os"], row["device"]["browser_version"]) == (
        injection, script, "1' OR '1'='1")
    assert client.get(URL, params={"os": "' OR 1=1 --"}).json()["total"] == 0
    assert stored_count(client) == 1  # the table is still there


def test_replays_are_refused_as_duplicates(client):
    result = submission()
    assert post(client, result).status_code == 201
    replay = post(client, result)
    assert (replay.status_code, replay.json()["error"]) == (409, "duplicate")
    same_content = post(client, {**result, "run_id": "0b6c7a62-1c2d-4e5f-8a9b-0c1d2e3f4a5b"})
    assert (same_content.status_code, same_content.json()["error"]) == (409, "duplicate")
    assert stored_count(client) == 1


def test_bursts_past_the_rate_limit_are_refused(db_url, bundle):
    limits = RateLimits(write=RateLimit(per_second=0.001, burst=3), read=RateLimit(per_second=0.001, burst=50),
                        events=RateLimit(per_second=0.001, burst=2))
    with make_client(db_url, bundle, rate_limits=limits) as client:
        codes = [post(client, mutate("device.cores", "8")()).json()["error"] for _ in range(3)]
        assert codes == ["invalid"] * 3
        refused = post(client, submission())
        assert (refused.status_code, refused.json()["error"]) == (429, "rate_limited")
        assert int(refused.headers["retry-after"]) >= 1
        assert stored_count(client) == 0
        assert client.get("/api/v1/health").json() == {"ok": True}
        events = [client.post("/api/v1/events", json={"kind": "answer"}).status_code for _ in range(3)]
        assert events == [202, 202, 429]  # events have their own budget, spent apart from submissions
    # Another client has its own bucket.
    with TestClient(client.app, client=("203.0.113.9", 4000)) as other:
        assert post(other, submission()).status_code == 201


def test_filters_sort_pagination_and_stats(client):
    figures = [("Chrome", "Linux", "desktop", 1300.0), ("Chrome", "Linux", "desktop", 1000.0),
               ("Firefox", "Windows", "desktop", 2000.0), ("Safari", "iOS", "mobile", 2600.0)]
    for browser, os_name, device_class, decode_ms in figures:
        assert post(client, submission(decode_ms=decode_ms, browser=browser, os=os_name,
                                       device_class=device_class)).status_code == 201
    assert client.get(URL, params={"browser": "Chrome"}).json()["total"] == 2
    assert client.get(URL, params={"os": "iOS", "device_class": "mobile"}).json()["total"] == 1
    assert client.get(URL, params={"model_version": MODEL_VERSION, "suite": "v1"}).json()["total"] == 4
    assert client.get(URL, params={"model_version": "other"}).json()["total"] == 0
    assert client.get(URL, params={"browser": ""}).json()["total"] == 4  # an empty filter is no filter
    fastest = client.get(URL, params={"sort": "decode_tokens_per_s", "limit": 2}).json()
    rates = [row["results"]["decode_tokens_per_s"] for row in fastest["results"]]
    assert len(rates) == 2 and rates[0] > rates[1] and fastest["total"] == 4
    page = client.get(URL, params={"sort": "decode_tokens_per_s", "limit": 2, "offset": 2}).json()["results"]
    assert page[0]["results"]["decode_tokens_per_s"] < rates[1]
    for bad in ({"sort": "run_id"}, {"limit": "0"}, {"limit": "501"}, {"offset": "-1"}, {"colour": "red"}):
        response = client.get(URL, params=bad)
        assert (response.status_code, response.json()["error"]) == (400, "invalid"), bad

    stats = client.get("/api/v1/stats").json()
    assert stats["count"] == 4
    chrome = next(g for g in stats["groups"] if g["browser"] == "Chrome")
    assert chrome["device_class"] == "desktop" and chrome["count"] == 2
    decodes = sorted(row["results"]["decode_tokens_per_s"] for row in client.get(URL, params={"browser": "Chrome"})
                     .json()["results"])
    assert chrome["decode_tokens_per_s"]["median"] == pytest.approx(sum(decodes) / 2)
    assert chrome["decode_tokens_per_s"]["p90"] == pytest.approx(decodes[0] + 0.9 * (decodes[1] - decodes[0]))
    assert client.get("/api/v1/stats", params={"device_class": "mobile"}).json()["count"] == 1


def test_exports_escape_formulas_in_csv_and_keep_everything_in_json(client):
    for browser, decode_ms in (("=cmd|' /C calc'!A0", 1300.0), ("+SUM(A1)", 1200.0), ("@x", 1100.0),
                               ("Chrome, \"quoted\"", 1000.0)):
        assert post(client, submission(browser=browser, decode_ms=decode_ms, os="-2+3")).status_code == 201
    response = client.get("/api/v1/results.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["browser"] for row in rows] == ["'=cmd|' /C calc'!A0", "'+SUM(A1)", "'@x", 'Chrome, "quoted"']
    assert {row["os"] for row in rows} == {"'-2+3"}
    assert float(rows[0]["decode_tokens_per_s"]) > 0 and rows[0]["simd"] == "true"
    assert rows[0]["received_at"].endswith("+00:00")
    exported = client.get("/api/v1/results.json", params={"browser": "@x"}).json()["results"]
    assert len(exported) == 1 and exported[0]["device"]["browser"] == "@x"
    assert len(exported[0]["results"]["greedy"]) == 2 and "run_id" not in exported[0]


def test_admin_routes_need_the_token_and_it_is_never_logged(db_url, bundle, caplog):
    caplog.set_level(logging.DEBUG)
    with make_client(db_url, bundle, admin_token="") as client:  # no token configured: no admin API
        assert client.get("/api/v1/admin/quarantine", headers=admin()).status_code == 404
    with make_client(db_url, bundle) as client:
        for headers in ({}, admin("wrong"), {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"}):
            response = client.get("/api/v1/admin/quarantine", headers=headers)
            assert (response.status_code, response.json()["error"]) == (401, "unauthorized"), headers
            assert response.headers["www-authenticate"] == "Bearer"
        assert client.get("/api/v1/admin/quarantine", headers=admin()).json() == {"results": []}
        post(client, submission(decode_ms=60.0))  # quarantined: the admin route logs its review
        client.post("/api/v1/admin/quarantine/1/accept", headers=admin())
    assert caplog.records and TOKEN not in caplog.text


def test_quarantined_results_are_not_listed_until_accepted(client):
    fast = post(client, submission(decode_ms=60.0))  # 427 tok/s on a desktop: possible, but review it
    assert fast.status_code == 201 and fast.json()["status"] == "quarantined"
    other = post(client, submission(decode_ms=55.0)).json()
    assert client.get(URL).json()["total"] == 0
    queue = client.get("/api/v1/admin/quarantine", headers=admin()).json()["results"]
    assert [row["id"] for row in queue] == [fast.json()["id"], other["id"]]
    assert "decode_tokens_per_s" in queue[0]["quarantine_reason"]
    accepted = client.post(f"/api/v1/admin/quarantine/{fast.json()['id']}/accept", headers=admin())
    assert accepted.json() == {"id": fast.json()["id"], "status": "accepted"}
    assert client.post(f"/api/v1/admin/quarantine/{other['id']}/reject", headers=admin()).status_code == 200
    assert client.get(URL).json()["total"] == 1
    again = client.post(f"/api/v1/admin/quarantine/{other['id']}/accept", headers=admin())
    assert (again.status_code, again.json()["error"]) == (404, "not_found")
    assert client.get("/api/v1/admin/quarantine", headers=admin()).json() == {"results": []}


def test_a_result_far_above_the_best_of_its_class_is_quarantined(client):
    for i in range(5):
        assert post(client, submission(decode_ms=1300.0 + i)).json()["status"] == "accepted"
    assert post(client, submission(decode_ms=500.0)).json()["status"] == "quarantined"  # 2.6× the best
    assert post(client, submission(decode_ms=900.0, device_class="mobile")).json()["status"] == "accepted"


def test_analytics_keep_only_counts_of_allowed_kinds(db_url, bundle):
    with make_client(db_url, bundle) as client:
        for body in ({"kind": "benchmark_started"}, {"kind": "benchmark_started", "count": 2},
                     {"kind": "compute_error", "count": 1}):
            assert client.post("/api/v1/events", json=body).status_code == 202
        for bad in ({"kind": "hello <b>"}, {"kind": "benchmark_started", "count": 0},
                    {"kind": "benchmark_started", "message": "free text"}, {"kind": "benchmark_started", "count": 1.5}):
            response = client.post("/api/v1/events", json=bad)
            assert (response.status_code, response.json()["error"]) == (400, "invalid"), bad
        too_big = client.post("/api/v1/events", content=b" " * 2048, headers={"Content-Type": "application/json"})
        assert too_big.status_code == 413
        counts = client.get("/api/v1/admin/events", headers=admin()).json()["events"]
        assert {row["kind"]: row["count"] for row in counts} == {"benchmark_started": 3, "compute_error": 1}
        assert set(counts[0]) == {"day", "kind", "count"}
    with make_client(db_url, bundle, analytics=False) as client:
        assert client.post("/api/v1/events", json={"kind": "benchmark_started"}).status_code == 404


def test_unknown_routes_and_methods_answer_json(client):
    response = client.get("/api/v1/nothing")
    assert (response.status_code, response.json()["error"]) == (404, "not_found")
    response = client.delete(URL)
    assert (response.status_code, response.json()["error"]) == (405, "method_not_allowed")


def test_a_database_that_does_not_answer_is_a_503_not_a_crash(client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(client.app.state.api.store, "ping", down)
    monkeypatch.setattr(client.app.state.api.store, "add", down)
    for response in (client.get("/api/v1/health"), post(client, submission())):
        assert (response.status_code, response.json()["error"]) == (503, "unavailable")


def test_a_manifest_for_another_suite_file_proves_nothing(db_url, tmp_path):
    stale = expected_block()
    stale["suite_sha256"] = "0" * 64
    folder = write_manifest(tmp_path / "stale", benchmark=stale)
    with make_client(db_url, folder) as client:
        response = post(client, submission())
        assert (response.status_code, response.json()["error"]) == (422, "unknown_bundle")
        assert not client.app.state.api.expected


def test_results_of_several_bundles_in_a_releases_folder(tmp_path):
    releases = tmp_path / "releases"
    write_manifest(releases / MODEL_ID / "1.0.0-0123456789ab")
    write_manifest(releases / MODEL_ID / "1.1.0-ba9876543210", model_version="777777777777")
    with make_client(f"sqlite:///{tmp_path / 'lb.db'}", releases) as client:
        assert set(client.app.state.api.expected) == {(MODEL_ID, MODEL_VERSION), (MODEL_ID, "777777777777")}
        other = copy.deepcopy(submission())
        other["bundle"]["model_version"] = "777777777777"
        assert post(client, other).status_code == 201
