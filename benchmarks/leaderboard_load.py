"""Load on the leaderboard server: concurrent submissions, then concurrent reads, and nothing lost.

    python -m benchmarks.leaderboard_load [--db URL | --postgres] [--submissions 2000 --reads 10000 --clients 4]

Starts the server (the real ASGI app under uvicorn, one process, as `worldmodel leaderboard` runs it) on loopback in
a subprocess, with a made-up bundle whose manifest proves the submissions (worldmodel.leaderboard.sample) and the
rate limits off (RateLimits.unlimited(), a constructor option). `--clients` threads, each with its own keep-alive
connection, first post `--submissions` distinct valid results, then make `--reads` reads (list pages with filters,
stats, every tenth one the JSON export). Prints throughput and p50/p99 latency of each phase, then pages through
every accepted result and checks that each id the server returned on submission is there. The database is a
temporary SQLite file unless `--db` names one; `--postgres` starts a throw-away local PostgreSQL
(worldmodel.leaderboard.pg_local, as the tests do).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from worldmodel.leaderboard.sample import submission, write_manifest

BROWSERS = [("Chrome", "Linux", "desktop"), ("Firefox", "Windows", "desktop"), ("Safari", "iOS", "mobile"),
            ("Chrome", "Android", "mobile"), ("Edge", "Windows", "desktop"), ("Safari", "iPadOS", "tablet")]


def serve(db_url: str, bundle: Path, port: int) -> None:
    """The server half (run in the subprocess): the leaderboard app without rate limits, on 127.0.0.1:port."""
    import uvicorn

    from worldmodel.leaderboard.app import build_leaderboard_app
    from worldmodel.leaderboard.ratelimit import RateLimits

    app = build_leaderboard_app(db_url, [bundle], rate_limits=RateLimits.unlimited())
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not answer within a minute")


def run_clients(port: int, clients: int, jobs: list, work) -> tuple[list[float], float, list]:
    """Share `jobs` among `clients` threads, each with one keep-alive connection; `work(connection, job)` returns a
    result. Returns each request's latency (s), the wall time and the results."""
    latencies: list[float] = []
    results: list = []
    lock = threading.Lock()

    def client(mine: list) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        own_latencies, own_results = [], []
        for job in mine:
            start = time.perf_counter()
            own_results.append(work(connection, job))
            own_latencies.append(time.perf_counter() - start)
        connection.close()
        with lock:
            latencies.extend(own_latencies)
            results.extend(own_results)

    threads = [threading.Thread(target=client, args=(jobs[i::clients],)) for i in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - start, results


def request(connection: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def report(name: str, latencies: list[float], wall: float) -> None:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    print(f"{name:7s} {len(latencies):6d} requests in {wall:6.2f} s: {len(latencies) / wall:7.1f} req/s, "
          f"p50 {statistics.median(ordered) * 1000:6.1f} ms, p99 {p99 * 1000:6.1f} ms", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--postgres", action="store_true", help="start a throw-away local PostgreSQL and use it")
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--reads", type=int, default=10000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--serve", nargs=3, metavar=("DB_URL", "BUNDLE", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:  # the subprocess
        serve(args.serve[0], Path(args.serve[1]), int(args.serve[2]))
        return 0

    workdir = Path(tempfile.mkdtemp(prefix="leaderboard-load-"))
    bundle = write_manifest(workdir / "bundle")
    postgres = None
    if args.postgres:
        from worldmodel.leaderboard.pg_local import LocalPostgres

        postgres = LocalPostgres()
        db_url = postgres.create_database("leaderboard_load")
    else:
        db_url = args.db or f"sqlite:///{workdir / 'leaderboard.db'}"
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    server = subprocess.Popen([sys.executable, "-m", "benchmarks.leaderboard_load", "--serve", db_url, str(bundle),
                               str(port)], env=env)
    try:
        wait_until_up(port, server)
        print(f"leaderboard load: {args.submissions} submissions, {args.reads} reads, {args.clients} clients, "
              f"database {db_url.split('://')[0]}", flush=True)

        bodies = []
        for i in range(args.submissions):
            browser, os_name, device_class = BROWSERS[i % len(BROWSERS)]
            # Distinct figures make distinct content (identical content is refused as a duplicate).
            bodies.append(json.dumps(submission(decode_ms=1300.0 + i * 0.01, browser=browser, os=os_name,
                                                device_class=device_class)).encode())

        def submit(connection, body):
            status, answer = request(connection, "POST", "/api/v1/results", body)
            return status, json.loads(answer)

        latencies, wall, answers = run_clients(port, args.clients, bodies, submit)
        report("writes", latencies, wall)
        statuses = [status for status, _ in answers]
        accepted = {answer["id"] for status, answer in answers if status == 201 and answer["status"] == "accepted"}
        quarantined = sum(1 for status, answer in answers if status == 201 and answer["status"] == "quarantined")
        refused = [answer for status, answer in answers if status != 201]
        print(f"        {len(accepted)} accepted, {quarantined} quarantined, {len(refused)} refused"
              + (f" (first: {refused[0]})" if refused else ""), flush=True)

        read_paths = []
        for i in range(args.reads):
            browser, os_name, device_class = BROWSERS[i % len(BROWSERS)]
            read_paths.append(
                "/api/v1/results.json?browser=Safari&os=iOS" if i % 10 == 9 else
                f"/api/v1/stats?device_class={device_class}" if i % 3 == 2 else
                f"/api/v1/results?browser={browser}&sort=decode_tokens_per_s&limit=50&offset={i % 7 * 50}")

        def read(connection, path):
            status, answer = request(connection, "GET", path)
            json.loads(answer)
            return status

        latencies, wall, read_statuses = run_clients(port, args.clients, read_paths, read)
        report("reads", latencies, wall)

        # Nothing lost: every id accepted above is in the listing.
        listed: set[int] = set()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        offset, total = 0, None
        while total is None or offset < total:
            _, answer = request(connection, "GET", f"/api/v1/results?limit=500&offset={offset}")
            page = json.loads(answer)
            total = page["total"]
            listed.update(row["id"] for row in page["results"])
            offset += 500
        lost = accepted - listed
        print(f"check   {len(listed)} listed of {len(accepted)} accepted: "
              f"{'nothing lost' if not lost else f'{len(lost)} LOST'}", flush=True)
        ok = (not lost and statuses.count(201) == len(bodies) and all(status == 200 for status in read_statuses))
        return 0 if ok else 1
    finally:
        server.terminate()
        server.wait(timeout=30)
        if postgres is not None:
            postgres.stop()


if __name__ == "__main__":
    raise SystemExit(main())
