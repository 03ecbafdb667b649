"""The Python pane's costs: Pyodide cold and warm start, the converter's import time, convert times in the
browser beside the host, and the app's first load with and without the pane's files (it must cost nothing).

    python -m benchmarks.pyodide_pane [--bundle build/e2e/bundle] [--runs 3] [--programs 60]

Needs the built app (`make web`) and a bundle (the e2e tiny bundle by default, `bundles/default` for the real
model). Headless Chromium (benchmarks/web/pyodide_pane.mjs) drives the app served by `worldmodel serve`'s app.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import uvicorn

from worldmodel import serve

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "peer-programs.jsonl"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def host_figures(programs: list[str]) -> dict:
    # A fresh interpreter: importing the converter and building its runtime library, as the command line does.
    code = ("import time; t = time.perf_counter(); import worldmodel.wat; t1 = time.perf_counter(); "
            "from worldmodel.wat.library import load; load(); print(t1 - t, time.perf_counter() - t1)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    import_s, library_s = map(float, out.stdout.split())
    spec = importlib.util.spec_from_file_location("python_runner", ROOT / "web" / "worker" / "python_runner.py")
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    runner.convert_program(programs[0])  # the library is built once per process, as in the browser
    linked = [r["linkedMs"] for r in map(json.loads, map(runner.convert_program, programs)) if r["ok"]]
    return {"import_ms": import_s * 1000, "library_ms": library_s * 1000, "linked_ms": linked}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "build" / "e2e" / "bundle")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--programs", type=int, default=60)
    args = parser.parse_args()
    problem = serve.check_dirs(serve.DEFAULT_APP, args.bundle)
    if problem:
        print(f"pyodide_pane: {problem}", file=sys.stderr)
        return 2
    rows = [json.loads(line)["program"] for line in CORPUS.read_text().splitlines() if line.strip()]
    programs = [rows[int(i * len(rows) / args.programs)] for i in range(args.programs)]

    server = uvicorn.Server(uvicorn.Config(serve.build_app(serve.DEFAULT_APP, args.bundle), host="127.0.0.1", port=0, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        completed = subprocess.run(["node", str(ROOT / "benchmarks" / "web" / "pyodide_pane.mjs"), f"http://127.0.0.1:{port}", str(args.runs)],
                                   input=json.dumps(programs), capture_output=True, text=True, cwd=ROOT)
    finally:
        server.should_exit = True
        thread.join(timeout=5)
    if completed.returncode != 0:
        print(completed.stderr[-3000:], file=sys.stderr)
        return 1
    browser = json.loads(completed.stdout)
    host = host_figures(programs)

    loads = browser["loads"]
    print(f"App first load, navigation to model ready (median of {args.runs} fresh profiles):")
    for key, label in (("without", "pane files unreachable"), ("with", "pane present, not opened")):
        ready = statistics.median(r["readyMs"] for r in loads[key])
        print(f"  {label:<26} {ready / 1000:7.2f} s   requests to /pyodide/ before ready: {sum(r['paneRequestsBeforeReady'] for r in loads[key])}")
    print("Pyodide start in the pane's worker (load the interpreter; install the wheel; import the converter):")
    for key, label in (("cold", "cold (files from server)"), ("warm", "warm (files from cache)")):
        r = browser[key]
        print(f"  {label:<26} start {r['startMs'] / 1000:6.2f} s   wheel {r['wheelMs']:6.0f} ms   import {r['importMs']:6.0f} ms   "
              f"open → ready {r['wallMs'] / 1000:6.2f} s   (Python {r['pythonVersion']}, Pyodide {r['pyodideVersion']})")
    print(f"Converter import on the host (CPython {sys.version.split()[0]}): import {host['import_ms']:.0f} ms, "
          f"runtime library built in {host['library_ms']:.0f} ms (the browser loads it prebuilt)")
    linked_browser = [c["linkedMs"] for c in browser["convert"] if c["ok"]]
    print(f"Convert time, linked form, {len(linked_browser)} corpus programs:")
    print(f"  browser (Pyodide)  p50 {percentile(linked_browser, 0.5):7.1f} ms   p99 {percentile(linked_browser, 0.99):7.1f} ms")
    print(f"  host (CPython)     p50 {percentile(host['linked_ms'], 0.5):7.1f} ms   p99 {percentile(host['linked_ms'], 0.99):7.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
