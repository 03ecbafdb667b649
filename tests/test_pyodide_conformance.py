"""The converter inside Pyodide (the app's Python pane) writes byte for byte the WAT it writes under CPython here.

A sample of the peer corpus (../shared/corpus/peer-programs.jsonl) goes through web/worker/python_runner.py's
`convert_program` twice: in Pyodide under Node (web/scripts/pyodide_convert.mjs, from the same files
`npm run build` serves: Pyodide's npm package and the converter wheel) and on this host's CPython. Both
forms (linked and standalone) must be identical, and so must the converter's errors, line and column included.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "peer-programs.jsonl"
SAMPLE = 120
TIMINGS = ("linkedMs", "standaloneMs")


def load_runner():
    spec = importlib.util.spec_from_file_location("python_runner", ROOT / "web" / "worker" / "python_runner.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sample_programs() -> list[str]:
    programs = [json.loads(line)["program"] for line in CORPUS.read_text().splitlines() if line.strip()]
    step = len(programs) / SAMPLE
    return [programs[int(i * step)] for i in range(SAMPLE)]


def without_timings(result: dict) -> dict:
    return {k: v for k, v in result.items() if k not in TIMINGS}


@pytest.fixture(scope="module")
def pyodide_assets(tmp_path_factory) -> Path:
    assert (ROOT / "node_modules" / "pyodide").is_dir(), "node_modules/pyodide is missing: run `npm install`"
    assert shutil.which("node"), "node is missing"
    out = tmp_path_factory.mktemp("pyodide")
    subprocess.run([sys.executable, str(ROOT / "web" / "scripts" / "write_pyodide_assets.py"), str(out)],
                   cwd=ROOT, check=True, timeout=900)
    return out


def test_sample_converts_identically_in_pyodide_and_on_the_host(pyodide_assets):
    assert CORPUS.exists(), f"{CORPUS} is missing (CI lays ../shared beside the clone)"
    programs = sample_programs()
    completed = subprocess.run(["node", str(ROOT / "web" / "scripts" / "pyodide_convert.mjs"), str(pyodide_assets)],
                               input=json.dumps(programs), capture_output=True, text=True, cwd=ROOT, timeout=1800)
    assert completed.returncode == 0, completed.stderr[-3000:]
    browser = json.loads(completed.stdout)
    assert browser["leakedModules"] == [], "importing the converter pulled in modules Pyodide lacks"
    runner = load_runner()
    host = [json.loads(runner.convert_program(source)) for source in programs]
    assert len(browser["results"]) == len(host) == SAMPLE
    converted = sum(1 for r in host if r["ok"])
    assert converted >= 100, f"only {converted} of the sample convert: the sample no longer exercises the converter"
    mismatches = [i for i, (b, h) in enumerate(zip(browser["results"], host)) if without_timings(b) != without_timings(h)]
    assert mismatches == [], f"{len(mismatches)} programs differ, first: {programs[mismatches[0]]!r}"
