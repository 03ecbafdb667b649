"""WebKit smoke test (Safari's engine): WebKitGTK's WebDriver (`webkit2gtk-driver` from the distribution) driven by
Selenium, under Xvfb. Run by `make test-webkit`:

    xvfb-run -a .venv/bin/python e2e/webkit_smoke.py [--port 4273]

1. the app loads the tiny bundle (build/e2e/bundle, written by e2e/serve.sh, which this script starts as the server
   unless one already answers on --port, e.g. the one Playwright's run left);
2. the solver runs the 17 × 23 module in WebKit's engine and shows 391;
3. the sandbox conformance corpus (build/e2e/conformance.json) gives the Python runtime's results.

Every part that cannot run fails the test with the reason (a missing driver, browser, display or package), never
a silent skip. Exit status 0 only when all three parts passed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DRIVER = "/usr/bin/WebKitWebDriver"
# Debian's webkit2gtk-driver runs the browser its `webkitgtk:browserOptions` name; MiniBrowser ships with libwebkit2gtk.
MINIBROWSER_CANDIDATES = [
    "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
    "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.0/MiniBrowser",
    "/usr/lib/x86_64-linux-gnu/webkitgtk-6.0/MiniBrowser",
    "/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
]
MODULE_391 = """(module
  (import "rt" "memory" (memory 1))
  (import "rt" "print_i64" (func $print_i64 (param i64)))
  (func (export "main")
    (call $print_i64 (i64.mul (i64.const 17) (i64.const 23)))))"""
ASSEMBLER_KINDS = {"wat_syntax", "invalid_module"}  # wording differs between wabt and wasmtime (conformance.spec.ts)


class CannotRun(RuntimeError):
    """A part of the test cannot run here; the message says which and why."""


def prerequisites() -> str:
    problems = []
    if not Path(DRIVER).is_file():
        problems.append(f"{DRIVER} is missing: `apt-get install -y webkit2gtk-driver`")
    browser = next((path for path in MINIBROWSER_CANDIDATES if Path(path).is_file()), None)
    if browser is None:
        problems.append(f"no MiniBrowser in {', '.join(MINIBROWSER_CANDIDATES)} (it comes with libwebkit2gtk)")
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        problems.append("no display: run under Xvfb (`xvfb-run -a`, apt package xvfb)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        problems.append("selenium is not installed: `pip install -e '.[webkit]'`")
    if problems:
        raise CannotRun("WebKit smoke test cannot start: " + "; ".join(problems))
    return browser  # type: ignore[return-value]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def start_server(port: int) -> subprocess.Popen | None:
    """e2e/serve.sh: exports the tiny bundle, writes the conformance corpus, builds the app, serves it.
    None when a server already answers on `port` (it is reused, and left running)."""
    url = f"http://127.0.0.1:{port}/bundle/manifest.json"
    if answers(url) and (ROOT / "build" / "e2e" / "conformance.json").is_file():
        return None
    env = dict(os.environ, PYTHON=os.environ.get("PYTHON", str(ROOT / ".venv" / "bin" / "python")))
    server = subprocess.Popen(["bash", "e2e/serve.sh", str(port)], cwd=ROOT, env=env, start_new_session=True)
    deadline = time.time() + 600
    while time.time() < deadline:
        if server.poll() is not None:
            raise CannotRun(f"e2e/serve.sh exited with status {server.returncode} before serving")
        if answers(url):
            return server
        time.sleep(1)
    stop(server)
    raise CannotRun(f"the app server did not answer {url} within 600 s")


def stop(server: subprocess.Popen | None) -> None:
    if server is not None and server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def open_webkit(browser: str):
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.options import Options
    from selenium.webdriver.webkitgtk.service import Service

    options = Options()
    options.binary_location = browser
    options.add_argument("--automation")
    try:
        return webdriver.WebKitGTK(options=options, service=Service(executable_path=DRIVER))
    except Exception as error:  # selenium's SessionNotCreatedException and the driver's own start failures
        raise CannotRun(f"WebKitWebDriver could not start a session with {browser}: {str(error).strip().splitlines()[0]}") from None


def wait_for(driver, script: str, timeout: float, what: str):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def check_app_loads(driver, base: str) -> str:
    driver.get(f"{base}/?threads=1")
    state = wait_for(driver, "const s = document.getElementById('loader').dataset.state; return s === 'ready' || s === 'error' ? s : null;",
                     240, "the model to load")
    status = driver.execute_script("return document.getElementById('load-status').textContent")
    if state != "ready":
        raise AssertionError(f"the app did not load the tiny bundle in WebKit: {status}")
    threads = driver.execute_script("return document.querySelector('[data-metric=\"Threads\"]')?.textContent ?? ''")
    isolated = driver.execute_script("return self.crossOriginIsolated === true")
    return f"{status} · threads: {threads} · cross-origin isolated: {isolated}"


def check_solver_391(driver) -> None:
    driver.execute_script("""
        document.querySelector('[data-mode="solver"]').click();
        document.getElementById('solver-edit').open = true;
        document.getElementById('solver-wat-input').value = arguments[0];
        document.getElementById('solver-run').click();""", MODULE_391)
    text = wait_for(driver, "const t = document.getElementById('solver-computed').textContent; return t && t !== 'running…' ? t : null;",
                    60, "the solver's module result")
    if text != "391":
        raise AssertionError(f"the solver's 17 × 23 module gave {text!r} in WebKit, expected '391'")
    badge = driver.execute_script("return document.getElementById('solver-provenance').textContent")
    if not badge.startswith("executed"):
        raise AssertionError(f"the provenance badge says {badge!r}, not that the module was executed")


def check_conformance(driver) -> tuple[int, list[str]]:
    corpus = json.loads((ROOT / "build" / "e2e" / "conformance.json").read_text())
    cases = corpus["cases"]
    driver.set_script_timeout(600)
    results = driver.execute_async_script("""
        const [cases, done] = arguments;
        (async () => {
          const sandbox = new window.worldmodel.Sandbox();
          const out = [];
          for (const c of cases) {
            const r = c.bytelog !== undefined ? await sandbox.runByteLog(c.bytelog) : await sandbox.run(c.wat);
            out.push({ ok: r.ok, errorKind: r.errorKind, computedText: r.computedText });
          }
          return out;
        })().then(done, (e) => done({ error: String(e) }));""", cases)
    if isinstance(results, dict):
        raise AssertionError(f"the conformance run failed in WebKit: {results['error']}")
    mismatches = []
    for case, result in zip(cases, results):
        same_text = result["computedText"] == case["computed_text"] or (not case["ok"] and case["error_kind"] in ASSEMBLER_KINDS)
        if result["ok"] != case["ok"] or result["errorKind"] != case["error_kind"] or not same_text:
            mismatches.append(f"{case['name']}: python {case['ok'] and 'ok' or case['error_kind']} {case['computed_text']!r} | "
                              f"webkit {result['ok'] and 'ok' or result['errorKind']} {result['computedText']!r}")
    return len(cases), mismatches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=4273)
    args = parser.parse_args(argv)
    try:
        browser = prerequisites()
        server = start_server(args.port)
    except CannotRun as reason:
        print(f"FAILED (cannot run): {reason}", file=sys.stderr)
        return 2
    failures = []
    driver = None
    try:
        driver = open_webkit(browser)
        print(f"WebKit: {driver.capabilities.get('browserName')} {driver.capabilities.get('browserVersion')}", flush=True)
        for name, check in (("app loads the tiny bundle", lambda: check_app_loads(driver, f"http://127.0.0.1:{args.port}")),
                            ("solver: 17 × 23 = 391", lambda: check_solver_391(driver)),
                            ("sandbox conformance corpus", lambda: check_conformance(driver))):
            started = time.time()
            try:
                detail = check()
            except (AssertionError, CannotRun) as error:
                failures.append(f"{name}: {error}")
                print(f"FAIL {name}: {error}", flush=True)
                continue
            if name.startswith("sandbox"):
                total, mismatches = detail
                print(f"{'ok' if not mismatches else 'FAIL'} {name}: {total - len(mismatches)}/{total} identical "
                      f"({time.time() - started:.1f} s)", flush=True)
                if mismatches:
                    failures.append(f"{name}: " + "\n  ".join(mismatches[:20]))
            else:
                print(f"ok {name} ({time.time() - started:.1f} s){': ' + detail if detail else ''}", flush=True)
    except CannotRun as reason:
        failures.append(str(reason))
        print(f"FAILED (cannot run): {reason}", file=sys.stderr)
    finally:
        if driver is not None:
            driver.quit()
        stop(server)
    if failures:
        print("WebKit smoke test FAILED:\n" + "\n".join(failures), file=sys.stderr)
        return 1
    print("WebKit smoke test passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
