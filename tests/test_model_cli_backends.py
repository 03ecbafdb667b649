"""`worldmodel ask` on the ONNX backend: a bundle drives the same generation loop as PyTorch."""

import json
import subprocess
import sys

import pytest

from export.pipeline import build_bundle


@pytest.fixture(scope="module")
def tiny_bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "tiny"
    build_bundle(out, tiny=True, threads=1, progress=lambda line: None)
    return out


def ask(*args, env=None):
    return subprocess.run([sys.executable, "-m", "worldmodel", "ask", *args], capture_output=True, text=True,
                          timeout=300, env=env)


def test_ask_runs_on_an_onnx_bundle(tiny_bundle):
    done = ask("What is 17 times 23?", "--backend", "onnx", "--bundle", str(tiny_bundle),
               "--max-new-tokens", "8", "--threads", "1", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # A random tiny model writes noise: the loop must spend exactly its budget and say why it stopped.
    assert result["new_tokens"] == 8
    assert result["stop_reason"] == "max_tokens"
    assert result["invented_number"] is False or result["unsupported_numbers"]


def test_ask_auto_picks_the_bundle_when_it_exists(tiny_bundle, monkeypatch):
    import argparse

    from worldmodel.commands import ask

    monkeypatch.setenv("WORLDMODEL_BUNDLE", str(tiny_bundle))
    parser = argparse.ArgumentParser()
    ask.add_arguments(parser)
    backend = ask.load_backend(parser.parse_args(["q", "--threads", "1"]))
    assert backend.name == "onnx"


def test_ask_reports_a_missing_bundle_clearly(tmp_path):
    done = ask("hi", "--backend", "onnx", "--bundle", str(tmp_path / "nothing"))
    assert done.returncode == 2
    assert "no bundle at" in done.stderr


def evaluate_cli(*args):
    return subprocess.run([sys.executable, "-m", "worldmodel", "eval", *args], capture_output=True, text=True,
                          timeout=300)


def test_eval_on_the_bundle_gives_the_same_answers_with_worker_processes(tiny_bundle, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text("".join(json.dumps({"question": f"What is {a} times {b}?", "answer": a * b}) + "\n"
                                 for a, b in ((17, 23), (4, 5), (12, 12))))
    reports = {}
    for workers in ("1", "2"):
        out = tmp_path / f"report-{workers}.json"
        done = evaluate_cli("--backend", "onnx", "--bundle", str(tiny_bundle), "--questions", str(questions),
                            "--max-new-tokens", "6", "--threads", "1", "--workers", workers, "--quiet",
                            "--out", str(out))
        assert done.returncode == 0, done.stderr
        reports[workers] = json.loads(out.read_text())
    serial, parallel = (reports[w]["model"]["rows"] for w in ("1", "2"))
    assert reports["2"]["backend"] == "onnx" and len(parallel) == 3
    # Greedy decoding: the same tokens and answers in question order, however the rows were spread.
    assert [(r["question"], r["final"], r["tokens"]) for r in serial] == \
           [(r["question"], r["final"], r["tokens"]) for r in parallel]
    assert all(r["tokens"] == 6 for r in parallel)


def test_eval_reports_a_missing_bundle_and_bad_workers_clearly(tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"question": "What is 2 times 3?", "answer": 6}\n')
    done = evaluate_cli("--backend", "onnx", "--bundle", str(tmp_path / "nothing"), "--questions", str(questions),
                        "--workers", "2")
    assert done.returncode == 2 and "no bundle at" in done.stderr
    done = evaluate_cli("--workers", "0", "--adapter", "none")
    assert done.returncode == 2 and "--workers" in done.stderr
