"""The focus subset: families the adapter gets wrong get the larger share, every family is replayed."""

from __future__ import annotations

import json
import math

import torch

from model_helpers import make_tiny_model_folder, protocol_row, write_dataset
from worldmodel.cli import command_main, main
from worldmodel.train import focus
from worldmodel.train.trainer import TrainConfig, train

torch.set_num_threads(1)


def _rows() -> list[dict]:
    return ([protocol_row(a, b, "mul") for a in range(2, 12) for b in (3, 4)]
            + [protocol_row(a, b, "add") for a in range(2, 12) for b in (3, 4)])


def test_quotas_follow_loss_with_a_floor_and_a_cap():
    rows = _rows()  # 20 arith_mul, 20 arith_add
    losses = {"arith_mul": {"mean": 0.01}, "arith_add": {"mean": 0.5}}
    quotas = focus.family_quotas(rows, losses, scale=20, floor=3)
    assert quotas == {"arith_mul": 3, "arith_add": 10}  # 0.2 → floor 3; 0.5 × 20 = 10
    assert focus.family_quotas(rows, losses, scale=1000, floor=3)["arith_add"] == 20  # capped at the family's rows
    assert focus.family_quotas(rows, {"arith_mul": {"mean": 0.01}}, scale=20, floor=3)["arith_add"] == 20  # unscored


def test_subset_is_deterministic_without_repeats_and_honours_quotas():
    rows = _rows()
    quotas = {"arith_mul": 3, "arith_add": 10}
    subset = focus.focus_subset(rows, quotas, seed=5)
    assert subset == focus.focus_subset(rows, quotas, seed=5)
    assert subset != focus.focus_subset(rows, quotas, seed=6)
    assert len({row["id"] for row in subset}) == len(subset) == 13
    assert sum(row["family"] == "arith_add" for row in subset) == 10


def test_cli_scores_an_adapter_and_writes_a_dataset_folder(tmp_path):
    tiny = make_tiny_model_folder(tmp_path / "tiny")
    rows = _rows()
    data = write_dataset(tmp_path / "data", rows, rows[:2])
    config = TrainConfig(data=str(data), out=str(tmp_path / "run"), base=str(tiny), max_len=256, rows_per_batch=2,
                         grad_accum=1, max_steps=2, warmup_steps=1, eval_every=0, lora_r=4, lora_alpha=8,
                         threads=1, logger="none")
    train(config)
    out = tmp_path / "focus"
    assert main(["focus", "--adapter", str(tmp_path / "run" / "adapter"), "--data", str(data), "--out", str(out),
                 "--base", str(tiny), "--per-family", "2", "--scale", "10", "--floor", "2"]) == 0
    saved = json.loads((out / "family_losses.json").read_text())
    assert set(saved["losses"]) == {"arith_mul", "arith_add"}
    for score in saved["losses"].values():  # a random tiny model is far from fitting: a real, finite loss
        assert math.isfinite(score["mean"]) and score["mean"] > 1.0 and score["max"] >= score["mean"]
        assert score["n_train"] == 20
    subset = [json.loads(line) for line in (out / "train.jsonl").read_text().splitlines()]
    assert len(subset) == sum(saved["quotas"].values())
    assert (out / "validation.jsonl").read_text() == (data / "validation.jsonl").read_text()
    # The saved scores reproduce the same subset without loading a model.
    again = tmp_path / "again"
    assert command_main("focus", "python -m worldmodel.train.focus", [
        "--data", str(data), "--out", str(again), "--losses", str(out / "family_losses.json"), "--scale", "10",
        "--floor", "2"]) == 0
    assert (again / "train.jsonl").read_text() == (out / "train.jsonl").read_text()
    # neither an adapter to score nor saved scores
    assert main(["focus", "--data", str(data), "--out", str(tmp_path / "none")]) == 2
