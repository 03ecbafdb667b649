"""The tiny export end to end: ONNX → parity → int8 → shards → manifest → verify, then the bundle itself
(determinism, tamper detection) and the ONNX backend that loads it."""

from __future__ import annotations

import hashlib
import json
import shutil

import numpy as np
import onnx
import pytest
import torch

from export.__main__ import main as export_main
from export.pipeline import TINY_SHARD_LIMIT, build_bundle
from export.shards import SHARD_LIMIT
from export.verify import VerifyError, check_files, verify_bundle
from worldmodel.model.backend import Backend
from worldmodel.model.bundle import parse_manifest
from worldmodel.model.onnx_backend import Bundle, BundleError, OnnxBackend

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "tiny"
    report = build_bundle(out, tiny=True, threads=1, progress=lambda line: None)
    return out, report


def test_build_reports_parity_quality_and_verify(tiny_build):
    _, report = tiny_build
    assert report.parity["full_top1"] >= 0.995 and report.parity["incremental_top1"] >= 0.995
    assert report.parity["full_max_abs"] < 1e-3 and report.parity["incremental_max_abs"] < 1e-3
    assert report.parity["prefill_tokens"] < report.parity["tokens"]  # some tokens went through the KV cache
    assert report.quality["level"] == "int8" and report.quality["top1_vs_fp32"] >= 0.9
    assert report.verify["new_tokens"] >= 1


def test_manifest_lists_every_file_with_hashes(tiny_build):
    out, report = tiny_build
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest == report.manifest
    assert manifest["format_version"] == 1 and manifest["protocol_version"] == 1
    assert manifest["model"]["quantization"] == "int8" and manifest["graph"] == "onnx/model_quantized.onnx"
    assert manifest["generation"]["stop_strings"] == ["</wat_model>"]
    assert 2 in manifest["generation"]["eos_token_ids"]  # <|im_end|>
    assert manifest["tokenizer"]["chat_template"] == json.loads((out / "tokenizer_config.json").read_text())["chat_template"]
    roles = {entry["role"] for entry in manifest["files"]}
    assert roles == {"graph", "weights", "tokenizer", "config"}
    paths = [entry["path"] for entry in manifest["files"]]
    assert paths == sorted(paths)
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert on_disk == sorted(["manifest.json", *paths, *(p + ".br" for p in paths)])
    assert manifest["totals"]["size"] == sum((out / p).stat().st_size for p in paths)


def test_weights_are_split_into_shards_within_the_limit(tiny_build):
    out, report = tiny_build
    weights = [e for e in report.manifest["files"] if e["role"] == "weights"]
    assert len(weights) >= 2
    assert all(e["size"] <= TINY_SHARD_LIMIT <= SHARD_LIMIT for e in weights)
    graph = onnx.load(out / report.manifest["graph"], load_external_data=False)
    locations = {next(x.value for x in t.external_data if x.key == "location")
                 for t in graph.graph.initializer if t.data_location == onnx.TensorProto.EXTERNAL}
    assert {f"onnx/{name}" for name in locations} == {e["path"] for e in weights}
    config = json.loads((out / "config.json").read_text())
    assert config["transformers.js_config"]["use_external_data_format"] == {"model_quantized.onnx": len(weights)}
    # Readers on transformers 4 (optimum) need rope_theta at the top level, or fall back to 10000.
    assert config["rope_theta"] == config["rope_parameters"]["rope_theta"] == 100000.0


def test_same_inputs_give_a_byte_identical_bundle(tiny_build, tmp_path):
    out, _ = tiny_build
    again = tmp_path / "again"
    build_bundle(again, tiny=True, threads=1, verify=False, progress=lambda line: None)
    first = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    second = {p.relative_to(again).as_posix(): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [path for path in first if first[path] != second[path]] == []


def test_verify_catches_a_corrupted_shard(tiny_build, tmp_path):
    out, _ = tiny_build
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    shard = broken / "onnx" / "model_quantized.onnx_data_1.br"
    data = bytearray(shard.read_bytes())
    data[100] ^= 0xFF
    shard.write_bytes(bytes(data))
    _, problems = check_files(broken)
    assert any("model_quantized.onnx_data_1.br" in problem for problem in problems)
    with pytest.raises(VerifyError):
        verify_bundle(broken)
    assert export_main(["--verify", str(broken)]) == 1


def test_verify_catches_a_stray_or_missing_file(tiny_build, tmp_path):
    out, _ = tiny_build
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / "onnx" / "extra.bin").write_bytes(b"x")
    (copy / "tokenizer.json.br").unlink()
    problems = check_files(copy)[1]
    assert any("extra.bin" in p for p in problems) and any("tokenizer.json.br" in p for p in problems)


def test_verify_cli_accepts_a_sound_bundle(tiny_build, capsys):
    out, _ = tiny_build
    assert export_main(["--verify", str(out), "--threads", "1"]) == 0
    assert "OK" in capsys.readouterr().out


def test_refuses_to_overwrite_a_folder_that_is_not_a_bundle(tmp_path):
    target = tmp_path / "precious"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        build_bundle(target, tiny=True, threads=1, verify=False, progress=lambda line: None)
    assert (target / "notes.txt").read_text() == "keep me"


# --- the ONNX backend over the bundle ---------------------------------------------------------------


def test_backend_follows_the_protocol_and_matches_a_full_pass(tiny_build):
    out, _ = tiny_build
    backend = OnnxBackend.from_bundle(out, threads=1)
    assert isinstance(backend, Backend) and backend.name == "onnx"
    ids = backend.tokenizer.encode("The river rises in the hills north of the town.", add_special_tokens=False).ids
    full, _ = backend.session.run(ids, backend.session.empty_past(), keep=0)
    backend.reset()
    first = backend.forward(ids[:4])
    np.testing.assert_allclose(first, full[3], atol=1e-4)
    for position in range(4, len(ids)):
        step = backend.forward([ids[position]])
        assert step.shape == (backend.manifest["architecture"]["vocab_size"],) and step.dtype == np.float32
        np.testing.assert_allclose(step, full[position], atol=1e-4)
    backend.reset()
    np.testing.assert_allclose(backend.forward(ids[:4]), first, atol=1e-6)


def test_backend_loads_from_compressed_files_alone(tiny_build, tmp_path):
    out, manifest = tiny_build[0], tiny_build[1].manifest
    cdn = tmp_path / "cdn"
    shutil.copytree(out, cdn)
    for entry in manifest["files"]:
        (cdn / entry["path"]).unlink()
    ids = [1, 2, 3, 500, 1000]
    expected = OnnxBackend.from_bundle(out, threads=1).forward(ids)
    np.testing.assert_array_equal(OnnxBackend.from_bundle(cdn, threads=1).forward(ids), expected)


def test_backend_rejects_tampered_files_and_long_contexts(tiny_build, tmp_path):
    out, _ = tiny_build
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / "onnx" / "model_quantized.onnx_data").write_bytes(b"\0" * 1024)
    with pytest.raises(BundleError, match="SHA-256"):
        OnnxBackend.from_bundle(copy, threads=1)
    with pytest.raises(BundleError, match="not a model bundle"):
        OnnxBackend.from_bundle(tmp_path, threads=1)
    backend = OnnxBackend.from_bundle(out, threads=1)
    with pytest.raises(ValueError):
        backend.forward([])
    backend.max_positions = 4
    with pytest.raises(ValueError, match="exceeds"):
        backend.forward([1, 2, 3, 4, 5])


def test_bundle_reader_lists_only_manifest_files(tiny_build):
    out, _ = tiny_build
    with pytest.raises(BundleError):
        Bundle(out).read("not-there.json")


def test_graph_loads_straight_from_the_folder(tiny_build):
    """onnxruntime (and transformers.js) resolve the shards beside the graph without our loader."""
    out, _ = tiny_build
    ids = [1, 2, 3, 500]
    unchecked = OnnxBackend.from_bundle(out, threads=1, check=False)
    np.testing.assert_array_equal(unchecked.forward(ids), OnnxBackend.from_bundle(out, threads=1).forward(ids))


def test_manifest_carries_the_benchmark_suites_expected_results(tiny_build):
    """The greedy prefixes are the backend's own greedy tokens up to the first near tie; sandbox hashes are of what
    the Python sandbox prints; the block names the suite by its hash (docs/leaderboard.md)."""
    from export.benchmark_expectations import greedy_expectation
    from worldmodel import benchmark_suite
    from worldmodel.runtime import run_wat

    out, _ = tiny_build
    block = json.loads((out / "manifest.json").read_text())["benchmark"]
    suite = benchmark_suite.load_suite(block["suite"])
    assert block["suite_sha256"] == benchmark_suite.suite_sha256(block["suite"])
    assert [g["id"] for g in block["greedy"]] == [g["id"] for g in suite["greedy"]]
    backend = OnnxBackend.from_bundle(out, threads=1)
    for expected, prompt in zip(block["greedy"], suite["greedy"]):
        ids, margins = greedy_expectation(backend, prompt["question"], prompt["max_new_tokens"])
        assert expected["tokens"] == benchmark_suite.stable_prefix_length(margins) <= len(ids)
        assert expected["sha256"] == benchmark_suite.token_prefix_sha256(ids[: expected["tokens"]])
    for expected, module in zip(block["sandbox"], suite["sandbox"], strict=True):
        assert expected["stdout_sha256"] == benchmark_suite.stdout_sha256(run_wat(module["wat"]).stdout)
    assert Bundle(out).manifest["benchmark"] == block  # the strict reader keeps the block


def test_strict_reader_refuses_a_malformed_benchmark_block(tiny_build):
    out, _ = tiny_build
    manifest = json.loads((out / "manifest.json").read_text())
    good = manifest["benchmark"]
    for bad in ({**good, "greedy": [{"id": "short", "tokens": -1, "sha256": "0" * 64}]},
                {**good, "suite_sha256": "not hex"},
                {**good, "extra": 1},
                {**good, "sandbox": [{"id": "arith", "stdout_sha256": "0" * 64, "stdout": "x"}]}):
        with pytest.raises(BundleError, match="benchmark"):
            parse_manifest(json.dumps({**manifest, "benchmark": bad}).encode())


def test_stable_prefix_stops_at_the_first_near_tie():
    from worldmodel.benchmark_suite import NEAR_TIE, stable_prefix_length, token_prefix_sha256

    assert stable_prefix_length([1.0, 0.5, NEAR_TIE / 2, 3.0]) == 2
    assert stable_prefix_length([1.0, float("nan"), 3.0]) == 1
    assert stable_prefix_length([1.0, 2.0]) == 2
    assert stable_prefix_length([]) == 0
    # the page's twin (web/src/benchmark/proof.ts) hashes the same text: ids as decimals joined by ","
    assert token_prefix_sha256([28, 1061, 314]) == hashlib.sha256(b"28,1061,314").hexdigest()
