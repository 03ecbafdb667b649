"""A training subset weighted by what an adapter has not learned yet, for continued training on a small budget.

When the curriculum changes under a trained adapter (new families, new program shapes), a full retraining run
costs hours on a CPU. Most families are already learned (loss ~0.01), so a continuation spends its few steps
best on the families the adapter gets wrong. This scores the adapter's loss per family on a few training
examples, then draws each family's share of the subset in proportion to that loss, with a floor so that every
family is replayed and nothing is forgotten:

    python -m worldmodel.train.focus --adapter models/smollm2-135m-wat-lora --out data/focus
    worldmodel train --data data/focus --init-adapter models/smollm2-135m-wat-lora ...

The subset folder gets the same validation and test splits as the source, so evaluation is unchanged.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path



def rows_by_family(rows: list[dict]) -> dict[str, list[dict]]:
    """Rows grouped by family, families in order of first appearance."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row.get("family") or "?", []).append(row)
    return groups


def family_losses(rows: list[dict], adapter: Path, base: str | None = None, per_family: int = 6,
                  sample_seed: int = 0, threads: int | None = None) -> dict[str, dict]:
    """Mean and max per-token loss of `adapter` on `per_family` training rows of each family (eval mode)."""
    import torch

    from worldmodel.model.loading import load_model
    from worldmodel.train.collator import collate, encode_example
    from worldmodel.train.trainer import causal_lm_loss_sum

    if threads:
        torch.set_num_threads(threads)
    model, tokenizer = load_model(base, adapter)
    rng = random.Random(sample_seed)
    scores = {}
    with torch.no_grad():
        for family, group in sorted(rows_by_family(rows).items()):
            losses = []
            for row in rng.sample(group, min(per_family, len(group))):
                example = encode_example(row["messages"], tokenizer)
                if example.trained_tokens == 0:
                    continue
                loss, count = causal_lm_loss_sum(model, collate([[0]], [example], tokenizer.pad_token_id), True)
                losses.append(float(loss) / count)
            if losses:
                scores[family] = {"mean": sum(losses) / len(losses), "max": max(losses), "n_train": len(group)}
    return scores


def family_quotas(rows: list[dict], losses: dict[str, dict], scale: float = 700.0, floor: int = 8) -> dict[str, int]:
    """Rows to draw per family: `scale` × mean loss, at least `floor`, at most what the family has.

    A family the scores do not cover (new since scoring) is taken whole: nothing is known about it.
    """
    quotas = {}
    for family, group in rows_by_family(rows).items():
        wanted = round(scale * losses[family]["mean"]) if family in losses else len(group)
        quotas[family] = min(len(group), max(floor, wanted))
    return quotas


def focus_subset(rows: list[dict], quotas: dict[str, int], seed: int = 7) -> list[dict]:
    """Draw each family's quota without replacement, then shuffle the whole subset."""
    rng = random.Random(seed)
    subset = []
    for family, group in rows_by_family(rows).items():
        subset += rng.sample(group, quotas.get(family, 0))
    rng.shuffle(subset)
    return subset


def write_focus_data(source: Path, out: Path, subset: list[dict], losses: dict, quotas: dict) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "train.jsonl").open("w", encoding="utf-8") as handle:
        for row in subset:
            handle.write(json.dumps(row) + "\n")
    for split in ("validation", "test"):
        if (source / f"{split}.jsonl").is_file():
            shutil.copyfile(source / f"{split}.jsonl", out / f"{split}.jsonl")
    (out / "family_losses.json").write_text(
        json.dumps({"source": str(source), "losses": losses, "quotas": quotas}, indent=1) + "\n")
    return out


if __name__ == "__main__":
    from worldmodel.cli import command_main

    raise SystemExit(command_main("focus", "python -m worldmodel.train.focus"))
