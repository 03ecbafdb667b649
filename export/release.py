"""Publishing a bundle as a release (docs/deploy.md): a versioned, content-addressed folder, the channel file
that names the current version per channel, and a changelog entry.

    RELEASES/
      channel.json                                   # {"channels": {"stable": {"version", "variants": [...]}}}
      CHANGELOG.md                                   # newest entry first
      worldmodel-tiny/1.0.0-3f9c0a1b2c4d/manifest.json  # <model id>/<version>-<SHA-256 of manifest.json, 12 hex>/
      worldmodel-tiny/1.0.0-3f9c0a1b2c4d/onnx/…

The folder name hashes manifest.json, which holds every file's SHA-256: a published folder never changes,
so a host may cache all of it forever (immutable); only channel.json and CHANGELOG.md change. Nothing
written here depends on the time or the machine, so the same inputs give byte-identical releases.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from worldmodel.model.bundle import MANIFEST, Bundle, BundleError, manifest_bytes, sha256_bytes
from worldmodel.model.versions import newer

CHANNEL_FILE = "channel.json"
CHANGELOG_FILE = "CHANGELOG.md"
CHANNEL_FORMAT = 1
CHANNELS = ("stable", "beta")
DEFAULT_VARIANT = "default"
_CHANGELOG_TITLE = "# Model releases\n\nNewest first. Written by `python -m export --release`.\n"


@dataclass
class PublishedRelease:
    folder: Path  # RELEASES/<id>/<version>-<hash>
    manifest_path: str  # relative to RELEASES, as channel.json lists it
    version: str
    changed_files: list[str]  # raw files whose SHA-256 differs from the channel's previous version (all when none)
    total_files: int


def release_folder(manifest: dict) -> str:
    """`<model id>/<version>-<12 hex of SHA-256 over manifest.json's bytes>`."""
    digest = sha256_bytes(manifest_bytes(manifest))[:12]
    return f"{manifest['model']['id']}/{manifest['release']['version']}-{digest}"


def read_channels(releases: Path) -> dict:
    path = releases / CHANNEL_FILE
    if not path.is_file():
        return {"format_version": CHANNEL_FORMAT, "channels": {}}
    channels = json.loads(path.read_text(encoding="utf-8"))
    if channels.get("format_version") != CHANNEL_FORMAT:
        raise BundleError(f"{path}: channel format {channels.get('format_version')!r} is not {CHANNEL_FORMAT}")
    return channels


def _write_atomic(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _previous_files(releases: Path, entry: dict | None, variant: str) -> dict[str, str] | None:
    """path → SHA-256 of the bundle the channel named for `variant` (or its first variant) before this release."""
    if not entry:
        return None
    variants = entry.get("variants", [])
    chosen = next((v for v in variants if v["name"] == variant), variants[0] if variants else None)
    if chosen is None or not (releases / chosen["manifest"]).is_file():
        return None
    manifest = json.loads((releases / chosen["manifest"]).read_text(encoding="utf-8"))
    return {f["path"]: f["sha256"] for f in manifest["files"]}


def publish(bundle_dir: Path, releases: Path, channel: str = "stable", variant: str = DEFAULT_VARIANT,
            weight: int = 1, notes: str = "", release: dict | None = None, move: bool = False) -> PublishedRelease:
    """Publish the bundle in `bundle_dir` under `releases`: copy (or `move`) it to its content-addressed folder,
    point `channel` at it and add a changelog entry. `release` replaces the manifest's release block (to
    publish an existing bundle under a version); otherwise the bundle must carry one."""
    if channel not in CHANNELS:
        raise ValueError(f"channel {channel!r} is not one of {', '.join(CHANNELS)}")
    if weight < 1:
        raise ValueError("a variant's weight must be a positive integer")
    Bundle(bundle_dir)  # the strict reader checks the manifest before anything is copied
    # Re-written from the file's own key order, so that publishing keeps the writer's bytes.
    manifest = json.loads((Path(bundle_dir) / MANIFEST).read_text(encoding="utf-8"))
    if release:
        manifest["release"] = release
    if manifest.get("release") is None:
        raise BundleError(f"{bundle_dir}: the manifest has no release block; pass a version")
    folder_name = release_folder(manifest)
    target = releases / folder_name
    version = manifest["release"]["version"]

    channels = read_channels(releases)
    entry = channels["channels"].get(channel)
    previous = _previous_files(releases, entry, variant)
    if entry and newer(entry["version"], version):
        raise ValueError(f"channel {channel} is at {entry['version']}, later than {version}")

    if not target.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            for item in manifest["files"]:
                for path in (item["path"], *([item["compressed"]["path"]] if item["compressed"] else [])):
                    destination = work / path
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    source = Path(bundle_dir) / path
                    if source.is_file():
                        (shutil.move if move else shutil.copyfile)(source, destination)
            (work / MANIFEST).write_bytes(manifest_bytes(manifest))
            os.chmod(work, 0o755)
            os.replace(work, target)
        finally:
            if work.exists():
                shutil.rmtree(work, ignore_errors=True)
    if move:  # a staging folder: published now (or the same release was there already)
        shutil.rmtree(bundle_dir, ignore_errors=True)

    manifest_path = f"{folder_name}/{MANIFEST}"
    listed = {"name": variant, "weight": weight, "manifest": manifest_path}
    if entry and entry["version"] == version:  # another variant of the same version
        variants = [v for v in entry["variants"] if v["name"] != variant] + [listed]
    else:
        variants = [listed]
    channels["channels"][channel] = {"version": version, "variants": sorted(variants, key=lambda v: v["name"])}
    channels["channels"] = dict(sorted(channels["channels"].items()))
    releases.mkdir(parents=True, exist_ok=True)
    _write_atomic(releases / CHANNEL_FILE, (json.dumps(channels, indent=2, sort_keys=True) + "\n").encode())

    files = {f["path"]: f["sha256"] for f in manifest["files"]}
    changed = sorted(path for path, digest in files.items() if previous is None or previous.get(path) != digest)
    _add_changelog_entry(releases, manifest, channel, variant, manifest_path, changed, len(files),
                         entry["version"] if entry else None, notes)
    return PublishedRelease(target, manifest_path, version, changed, len(files))


def _add_changelog_entry(releases: Path, manifest: dict, channel: str, variant: str, manifest_path: str,
                         changed: list[str], total: int, previous_version: str | None, notes: str) -> None:
    model, release = manifest["model"], manifest["release"]
    heading = f"## {model['id']} {release['version']} — {channel}, variant {variant}"
    compatibility = release["compatibility"]
    size = sum((f["compressed"] or f)["size"] for f in manifest["files"])
    lines = [
        heading,
        "",
        f"- bundle: `{manifest_path}` (content {model['version']}, {model.get('quantization') or 'fp32'}, "
        f"{total} files, {size / 2**20:.1f} MiB to download)",
        f"- source: {model.get('source') or 'unknown'}",
        f"- needs: app {compatibility['app']}, protocol {compatibility['protocol']}",
        (f"- changed since {previous_version}: {len(changed)} of {total} files ({', '.join(changed) or 'none'})"
         if previous_version else f"- first release on {channel}"),
    ]
    if notes:
        lines.append(f"- notes: {notes}")
    entry = "\n".join(lines) + "\n"
    path = releases / CHANGELOG_FILE
    existing = path.read_text(encoding="utf-8") if path.is_file() else _CHANGELOG_TITLE
    if f"`{manifest_path}`" in existing and heading in existing:
        return  # the same release published again: nothing new to say
    head, _, rest = existing.partition("\n## ")
    body = entry + ("\n## " + rest if rest else "")
    _write_atomic(path, (head.rstrip("\n") + "\n\n" + body).encode("utf-8"))
