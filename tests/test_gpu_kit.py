"""The GPU training kit (worldmodel.train.gpu_kit): parts that join back to the base model, the rows it carries, and a
train.sh that checks what it joined."""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest

from worldmodel.model.loading import gguf_path
from worldmodel.train import gpu_kit


def test_split_parts_join_back_to_the_same_bytes(tmp_path):
    source = tmp_path / "blob"
    source.write_bytes(bytes(range(256)) * 3)
    parts = gpu_kit.split_file(source, tmp_path / "kit" / "base", part_bytes=100)
    assert [p.parent.name for p in parts] == [f"base-{k}" for k in range(8)]
    assert all(p.stat().st_size <= 100 for p in parts)
    assert b"".join(p.read_bytes() for p in sorted(parts)) == source.read_bytes()


def test_kit_carries_the_rows_and_a_train_script_that_checks_the_base(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    rows = [json.dumps({"messages": [{"role": "user", "content": f"q{i}"}]}) for i in range(3)]
    (data / "train.jsonl").write_text("\n".join(rows) + "\n")
    kit = gpu_kit.build_kit(data, tmp_path / ".gpu", extra_flags="--max-steps 5", wheels=False)
    packed = tmp_path / ".gpu" / "run" / "data" / "train.jsonl.gz"
    assert kit["rows"] == [packed] and gzip.decompress(packed.read_bytes()).decode().splitlines() == rows
    parts = kit["parts"]
    assert all(p.stat().st_size <= gpu_kit.PART_BYTES for p in parts) and all((p.parent / "join.sh").is_file() for p in parts)
    run_bytes = sum(f.stat().st_size for f in (tmp_path / ".gpu" / "run").rglob("*") if f.is_file())
    checkout = gpu_kit.checkout_bytes()
    # Every call fits: the checkout, its part, and (the last call) the run folder, under what one call carries.
    assert checkout + max(p.stat().st_size for p in parts) + run_bytes <= gpu_kit.CALL_BYTES
    assert hashlib.sha256(b"".join(p.read_bytes() for p in parts)).hexdigest() == hashlib.sha256(gguf_path().read_bytes()).hexdigest()
    script = (tmp_path / ".gpu" / "run" / "train.sh").read_text()
    assert hashlib.sha256(gguf_path().read_bytes()).hexdigest() in script and "sha256sum -c" in script
    assert gpu_kit.TRAIN_FLAGS in script and script.index(gpu_kit.TRAIN_FLAGS) < script.index("--max-steps 5")


def test_kit_refuses_to_replace_a_folder_that_is_not_a_kit(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.jsonl").write_text("{}\n")
    (tmp_path / "precious").mkdir()
    (tmp_path / "precious" / "notes.txt").write_text("keep")
    with pytest.raises(FileExistsError):
        gpu_kit.build_kit(tmp_path / "data", tmp_path / "precious", wheels=False)
    assert (tmp_path / "precious" / "notes.txt").read_text() == "keep"
    with pytest.raises(FileNotFoundError, match="data build"):
        gpu_kit.build_kit(tmp_path / "nothing", tmp_path / "kit", wheels=False)


def test_parts_shrink_to_fit_beside_a_larger_checkout_and_refuse_when_nothing_fits():
    mib = 2**20
    assert gpu_kit.part_bytes_for(15 * mib, 1 * mib) == gpu_kit.PART_BYTES
    assert gpu_kit.part_bytes_for(30 * mib, 2 * mib) == 30 * mib  # 64 - 2 margin - 30 - 2
    with pytest.raises(ValueError, match="commit less"):
        gpu_kit.part_bytes_for(55 * mib, 2 * mib)
