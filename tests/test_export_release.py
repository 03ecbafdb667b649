"""Releases (docs/deploy.md): versions and compatibility ranges, content-addressed release folders, the channel
file, the changelog, a next version that changes only some shards, and byte-identical repeats."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from export.__main__ import main as export_main
from export.bundle import release_block
from export.pipeline import build_bundle
from export.release import CHANGELOG_FILE, CHANNEL_FILE, publish, release_folder
from worldmodel.model.bundle import MANIFEST, Bundle, BundleError, parse_manifest
from worldmodel.model.versions import check_range, check_semver, newer, satisfies

CASES = json.loads((Path(__file__).parents[1] / "e2e" / "fixtures" / "version_ranges.json").read_text())


@pytest.mark.parametrize(("version", "range_text", "expected"), CASES["satisfies"])
def test_version_ranges(version, range_text, expected):
    assert satisfies(version, range_text) is expected


@pytest.mark.parametrize("range_text", CASES["invalid_ranges"])
def test_malformed_ranges_are_refused(range_text):
    with pytest.raises(ValueError):
        check_range(range_text)


@pytest.mark.parametrize(("text", "valid"), CASES["semver"])
def test_release_versions_are_plain_semver(text, valid):
    if valid:
        assert check_semver(text) == text
    else:
        with pytest.raises(ValueError):
            check_semver(text)


@pytest.mark.parametrize(("a", "b", "expected"), CASES["newer"])
def test_newer(a, b, expected):
    assert newer(a, b) is expected


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory):
    """Tiny bundles 1.0.0 and 2.0.0 (2.0.0 re-draws the last layer only)."""
    root = tmp_path_factory.mktemp("versions")
    quiet = dict(tiny=True, threads=1, verify=False, progress=lambda line: None)
    build_bundle(root / "v1", release=release_block("1.0.0"), **quiet)
    build_bundle(root / "v2", release=release_block("2.0.0"), tiny_revision=1, **quiet)
    return root / "v1", root / "v2"


def test_manifest_carries_the_release_block(two_versions):
    manifest = json.loads((two_versions[0] / MANIFEST).read_text())
    assert manifest["release"] == {"version": "1.0.0",
                                   "compatibility": {"app": ">=0.1.0,<1.0.0", "protocol": ">=1,<2"}}
    assert Bundle(two_versions[0]).manifest["release"]["version"] == "1.0.0"


def test_a_malformed_release_block_is_refused(two_versions):
    manifest = json.loads((two_versions[0] / MANIFEST).read_text())
    for bad in ({"version": "1.0", "compatibility": manifest["release"]["compatibility"]},
                {"version": "1.0.0", "compatibility": {"app": "latest", "protocol": ">=1"}},
                {"version": "1.0.0", "compatibility": {"app": ">=0.1.0"}}):
        with pytest.raises(BundleError, match="release"):
            parse_manifest(json.dumps({**manifest, "release": bad}).encode())


def test_a_bundle_for_another_protocol_is_refused(two_versions, tmp_path):
    releases = tmp_path / "releases"
    publish(two_versions[0], releases, release=release_block("1.0.0", protocol_range=">=2,<3"))
    folder = next(p.parent for p in releases.rglob(MANIFEST))
    with pytest.raises(BundleError, match="needs protocol >=2,<3, this reader speaks protocol 1"):
        Bundle(folder)


def test_next_version_changes_only_some_shards_and_the_channel_follows(two_versions, tmp_path):
    releases = tmp_path / "releases"
    first = publish(two_versions[0], releases, notes="first")
    second = publish(two_versions[1], releases)
    assert first.folder.name.startswith("1.0.0-") and second.folder.name.startswith("2.0.0-")
    for published in (first, second):  # the folder is addressed by the bytes of its manifest
        digest = hashlib.sha256((published.folder / MANIFEST).read_bytes()).hexdigest()[:12]
        assert published.folder.name.endswith(digest)
        assert release_folder(json.loads((published.folder / MANIFEST).read_text())) == published.manifest_path.rsplit("/", 1)[0]

    old, new = tree(first.folder), tree(second.folder)
    same = sorted(path for path in new if old.get(path) == new[path] and path != MANIFEST)
    weights = [p for p in new if "onnx_data" in p and not p.endswith(".br")]
    assert len(weights) >= 3
    # The last layer's shard and the graph (it holds the small tensors) changed; the embedding's did not.
    assert "onnx/model_quantized.onnx" in second.changed_files
    assert 0 < len([p for p in second.changed_files if "onnx_data" in p]) < len(weights)
    assert {"tokenizer.json", "config.json", "onnx/model_quantized.onnx_data"} <= set(same)
    assert second.total_files - len(second.changed_files) == len([p for p in same if not p.endswith(".br")])

    channel = json.loads((releases / CHANNEL_FILE).read_text())
    assert channel == {"format_version": 1, "channels": {"stable": {"version": "2.0.0", "variants": [
        {"name": "default", "weight": 1, "manifest": second.manifest_path}]}}}
    changelog = (releases / CHANGELOG_FILE).read_text()
    assert changelog.index("worldmodel-tiny 2.0.0") < changelog.index("worldmodel-tiny 1.0.0")  # newest first
    assert f"changed since 1.0.0: {len(second.changed_files)} of {second.total_files} files" in changelog
    assert "- notes: first" in changelog

    # Publishing the same release again changes nothing; an older version cannot replace a newer one.
    before = tree(releases)
    publish(two_versions[1], releases)
    assert tree(releases) == before
    with pytest.raises(ValueError, match="later than 1.0.0"):
        publish(two_versions[0], releases)


def test_variants_share_a_version_with_weights(two_versions, tmp_path):
    releases = tmp_path / "releases"
    publish(two_versions[1], releases, channel="beta", variant="a")
    publish(two_versions[0], releases, channel="beta", variant="b", weight=3, release=release_block("2.0.0"))
    beta = json.loads((releases / CHANNEL_FILE).read_text())["channels"]["beta"]
    assert beta["version"] == "2.0.0"
    assert [(v["name"], v["weight"]) for v in beta["variants"]] == [("a", 1), ("b", 3)]
    assert beta["variants"][0]["manifest"] != beta["variants"][1]["manifest"]
    with pytest.raises(ValueError, match="channel"):
        publish(two_versions[0], releases, channel="nightly")


def test_two_releases_of_the_same_inputs_are_byte_identical(two_versions, tmp_path):
    """The CLI builds and publishes 1.0.0 from scratch; publishing the fixture's 1.0.0 elsewhere gives the same bytes."""
    built, published = tmp_path / "built", tmp_path / "published"
    assert export_main(["--tiny", "--release", str(built), "--version", "1.0.0", "--no-verify", "--threads", "1",
                        "--notes", "same"]) == 0
    publish(two_versions[0], published, notes="same")
    assert tree(built) == tree(published)
    assert not [p for p in built.iterdir() if p.name.startswith(".")]  # no staging folder left behind


def test_cli_publishes_an_existing_bundle_and_refuses_bad_versions(two_versions, tmp_path, capsys):
    releases = tmp_path / "releases"
    assert export_main(["--release", str(releases), "--version", "1.2.3", "--publish", str(two_versions[0]),
                        "--requires-app", ">=99.0.0"]) == 0
    assert "release 1.2.3 published" in capsys.readouterr().out
    manifest = json.loads(next(releases.rglob(MANIFEST)).read_text())
    assert manifest["release"]["compatibility"]["app"] == ">=99.0.0"
    assert export_main(["--release", str(releases), "--version", "1.2", "--publish", str(two_versions[0])]) == 2
    assert "MAJOR.MINOR.PATCH" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        export_main(["--release", str(releases), "--publish", str(two_versions[0])])  # no --version
