"""Writes what the app's Python pane loads (web/public/pyodide/, generated, not committed).

Run by `npm run build` (the "pyodide-assets" script):
  - Pyodide's runtime files, copied from its npm package (node_modules/pyodide): the app serves them itself,
    no CDN;
  - the converter as a pure-Python wheel, `worldmodel-<version>-py3-none-any.whl`: worldmodel/__init__.py and
    worldmodel/wat/ (nothing else: importing the converter needs no wasmtime, lark or torch) plus
    worldmodel/wat/library.pickle, the runtime library built here ahead of time;
  - assets.json: the file list with sizes and SHA-256 (the page keeps its offline copy current with it).

Why a plain wheel and not pyodide-build: for a package without compiled code, pyodide-build produces an
ordinary py3-none-any wheel with the standard build frontend, the same files and metadata as this one. Writing
the zip here keeps the build free of a build-isolation download and makes the wheel reproducible (fixed file
times, sorted entries), so its hash changes only when the converter does.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "python" / "worldmodel"
PYODIDE_PACKAGE = ROOT / "node_modules" / "pyodide"
# What loadPyodide fetches from its indexURL for a bare interpreter (no packages from the lock file are loaded).
PYODIDE_FILES = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]
ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def converter_files() -> list[tuple[str, bytes]]:
    """(archive name, bytes) of the converter package: the same .py/.wat files library.source_digest covers."""
    files = [("worldmodel/__init__.py", (PACKAGE / "__init__.py").read_bytes())]
    wat = PACKAGE / "wat"
    for path in sorted(wat.rglob("*")):
        if path.suffix in (".py", ".wat") and "__pycache__" not in path.parts:
            files.append((f"worldmodel/{path.relative_to(PACKAGE).as_posix()}", path.read_bytes()))
    return files


def prebuilt_library() -> bytes:
    sys.path.insert(0, str(ROOT / "python"))
    from worldmodel.wat import library

    if Path(library.__file__).resolve().parent != (PACKAGE / "wat").resolve():
        raise SystemExit(f"write_pyodide_assets: imported {library.__file__}, not this checkout's converter")
    tmp = ROOT / "build" / "library.pickle"
    tmp.parent.mkdir(parents=True, exist_ok=True)
    return library.write_prebuilt(tmp).read_bytes()


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def write_wheel(out_dir: Path, version: str) -> Path:
    dist_info = f"worldmodel-{version}.dist-info"
    files = converter_files() + [("worldmodel/wat/library.pickle", prebuilt_library())]
    files.append((f"{dist_info}/METADATA", (
        f"Metadata-Version: 2.1\nName: worldmodel\nVersion: {version}\n"
        "Summary: The WorldModel Python-to-WAT converter (the browser's Python pane)\n").encode()))
    files.append((f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: write_pyodide_assets\n"
                  b"Root-Is-Purelib: true\nTag: py3-none-any\n"))
    files.append((f"{dist_info}/top_level.txt", b"worldmodel\n"))
    record = "\n".join([*(record_line(n, d) for n, d in files), f"{dist_info}/RECORD,,", ""]).encode()
    files.append((f"{dist_info}/RECORD", record))
    path = out_dir / f"worldmodel-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, data in files:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            wheel.writestr(info, data)
    return path


def main(out: str) -> int:
    out_dir = Path(out)
    if not (PYODIDE_PACKAGE / "package.json").exists():
        print("write_pyodide_assets: node_modules/pyodide is missing (run npm install)", file=sys.stderr)
        return 1
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    for name in PYODIDE_FILES:
        shutil.copyfile(PYODIDE_PACKAGE / name, out_dir / name)
    sys.path.insert(0, str(ROOT / "python"))
    import worldmodel

    wheel = write_wheel(out_dir, worldmodel.__version__)
    files = sorted(p for p in out_dir.iterdir() if p.is_file())
    assets = {
        "pyodideVersion": json.loads((PYODIDE_PACKAGE / "package.json").read_text())["version"],
        "wheel": wheel.name,
        "files": {p.name: {"bytes": p.stat().st_size, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in files},
    }
    (out_dir / "assets.json").write_text(json.dumps(assets, indent=1) + "\n")
    total = sum(f["bytes"] for f in assets["files"].values())
    print(f"write_pyodide_assets: {out_dir} ({len(files)} files, {total / 1048576:.1f} MB; {wheel.name})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "web/public/pyodide"))
