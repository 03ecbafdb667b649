"""Releases for e2e/release.spec.ts, published with export.release into RELEASES (served by
`worldmodel serve --bundle-origin` as the second origin):

- stable 1.0.0: the e2e tiny bundle; stable 2.0.0: the tiny model with its last layer re-drawn (serve.sh
  exports both with `python -m export --release`);
- stable 3.0.0: 2.0.0 with a graph that is not ONNX but whose hashes are right (downloads fine, fails to load);
- stable 4.0.0: 2.0.0 needing app >=99.0.0 (the app must refuse it);
- beta 2.0.0: variants "a" (2.0.0's bundle) and "b" (1.0.0's weights), weight 1 each (in e2e-channel-4.0.0.json).

After each stable release, channel.json is copied to e2e-channel-<version>.json: the spec serves these as
channel.json in turn, as if each version were published while the app runs.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from export.bundle import release_block
from export.release import CHANNEL_FILE, publish, read_channels
from worldmodel.model.bundle import MANIFEST, compress, content_version, manifest_bytes, sha256_bytes


def snapshot(releases: Path, version: str) -> None:
    shutil.copyfile(releases / CHANNEL_FILE, releases / f"e2e-channel-{version}.json")


def stable_folder(releases: Path, version: str) -> Path:
    entry = read_channels(releases)["channels"]["stable"]
    assert entry["version"] == version, entry
    return (releases / entry["variants"][0]["manifest"]).parent


def broken_copy(bundle: Path, out: Path) -> Path:
    """`bundle` with its graph replaced by bytes onnxruntime cannot load, the manifest made consistent again."""
    shutil.copytree(bundle, out)
    manifest = json.loads((out / MANIFEST).read_text())
    graph = manifest["graph"]
    data = b"this is not an ONNX graph\n" * 64
    packed = compress(data)
    (out / graph).write_bytes(data)
    (out / (graph + ".br")).write_bytes(packed)
    for entry in manifest["files"]:
        if entry["path"] == graph:
            entry.update(size=len(data), sha256=sha256_bytes(data))
            entry["compressed"].update(size=len(packed), sha256=sha256_bytes(packed))
    manifest["model"]["version"] = content_version(manifest["files"])
    manifest["totals"] = {"size": sum(f["size"] for f in manifest["files"]),
                          "compressed_size": sum(f["compressed"]["size"] for f in manifest["files"])}
    (out / MANIFEST).write_bytes(manifest_bytes(manifest))
    return out


def main(releases: Path) -> None:
    snapshot(releases, "2.0.0")
    v1 = (releases / json.loads((releases / "e2e-channel-1.0.0.json").read_text())["channels"]["stable"]["variants"][0]["manifest"]).parent
    v2 = stable_folder(releases, "2.0.0")
    with tempfile.TemporaryDirectory() as work:
        broken = broken_copy(v2, Path(work) / "broken")
        publish(broken, releases, release=release_block("3.0.0"), notes="e2e: a graph that does not load")
    snapshot(releases, "3.0.0")
    publish(v2, releases, channel="beta", variant="a")
    publish(v1, releases, channel="beta", variant="b", release=release_block("2.0.0"))
    publish(v2, releases, release=release_block("4.0.0", app_range=">=99.0.0"), notes="e2e: needs a future app")
    snapshot(releases, "4.0.0")  # last: e2e/serve-bundle-origin.sh waits for this file
    print(f"release fixtures in {releases}: stable 1.0.0–4.0.0, beta 2.0.0 (variants a, b)")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
