"""Hostile bundles (tests/hostile/bundles.py): every reader refuses them with a BundleError, within a time
bound checked by a watchdog, without reading outside the bundle; a valid bundle reads afterwards."""

from __future__ import annotations

import os
import resource

import pytest
from hostile.bundles import BOMB_DECLARED, CASES, SHARD, base_files, write_case
from watchdog import within

from export.verify import VerifyError, check_files
from worldmodel.model.bundle import Bundle, BundleError, decompress_exact, parse_manifest
from worldmodel.model.onnx_backend import OnnxBackend

BOUND_S = 30.0


def healthy_read(tmp_path):
    bundle = Bundle(write_case(tmp_path / "healthy", None))
    assert bundle.read(SHARD) == base_files()[SHARD]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_backend_refuses_hostile_bundle(case, tmp_path):
    folder = write_case(tmp_path / case.name, case)

    def load():
        # Every file as the backend reads it (decompressed, hash-checked), then the backend itself, which
        # checks the chat template before the graph (this synthetic graph is not a model).
        bundle = Bundle(folder)
        for entry in bundle.manifest["files"]:
            bundle.read(entry["path"])
        OnnxBackend.from_bundle(folder, threads=1)

    with pytest.raises(BundleError, match=case.expect.replace(".", r"\.")):
        within(BOUND_S, load)
    healthy_read(tmp_path)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_verify_refuses_hostile_bundle(case, tmp_path):
    folder = write_case(tmp_path / case.name, case)
    try:
        manifest, problems = within(BOUND_S, check_files, folder)
    except VerifyError as error:
        assert case.expect in str(error)
    else:
        assert any(case.expect in problem for problem in problems), problems
    healthy_read(tmp_path)


def test_brotli_bomb_stops_at_the_declared_size(tmp_path):
    from hostile.bundles import brotli_bomb

    bomb = brotli_bomb()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(BundleError, match="more than the 1048576 bytes"):
        decompress_exact(bomb, BOMB_DECLARED, "shard")
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 64, f"peak memory grew by {grown_mib:.0f} MiB decompressing an 809-byte bomb"
    with pytest.raises(BundleError, match="truncated"):
        decompress_exact(bomb[:400], 1 << 31, "shard")
    with pytest.raises(BundleError, match="not a valid Brotli stream"):
        decompress_exact(b"\xff" * 64, 100, "shard")


def test_symlinks_out_of_the_bundle_are_refused(tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text('{"format_version": 1}')
    folder = write_case(tmp_path / "links", None)
    (folder / "config.json.br").unlink()
    os.symlink(secret, folder / "config.json.br")
    with pytest.raises(BundleError, match="outside the bundle"):
        Bundle(folder).read("config.json")
    _, problems = check_files(folder)
    assert any("outside the bundle" in p for p in problems), problems

    (folder / "manifest.json").rename(tmp_path / "real-manifest.json")
    os.symlink(tmp_path / "real-manifest.json", folder / "manifest.json")
    with pytest.raises(BundleError, match="outside the bundle"):
        Bundle(folder)


def test_valid_synthetic_manifest_is_accepted():
    import json

    from hostile.bundles import manifest_for

    files = base_files()
    manifest = parse_manifest(json.dumps(manifest_for(files, files)).encode())
    assert manifest.format_version == 1 and len(manifest.files) == len(files)
