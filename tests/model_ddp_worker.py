"""One rank of the DDP test (tests/test_model_train.py), started by torchrun: trains a few steps with gloo and
writes its view of the LoRA weights so the test can compare ranks."""

import json
import os
import sys
from pathlib import Path

import torch

from worldmodel.train import trainer

torch.set_num_threads(1)
data, out, base = sys.argv[1:4]
rank = int(os.environ["RANK"])
seen = {}
original_collate = trainer.collate


def recording_collate(rows, examples, pad_id):
    seen.setdefault("first_batch", [examples[i].input_ids[-12:] for row in rows for i in row])
    return original_collate(rows, examples, pad_id)


trainer.collate = recording_collate
config = trainer.TrainConfig(data=data, out=out, base=base, max_len=256, rows_per_batch=1, grad_accum=1, epochs=100,
                             max_steps=3, lr=1e-2, warmup_steps=1, eval_every=0, checkpoint_every=100, lora_r=4,
                             lora_alpha=8, lora_dropout=0.0, threads=1, logger="none")
original_build = trainer.build_model


def checksum(model) -> float:
    return float(sum(p.detach().double().sum() * (i + 1) for i, p in
                     enumerate(p for p in model.parameters() if p.requires_grad)))


def recording_build(*args, **kwargs):
    model, new_ids = original_build(*args, **kwargs)
    seen["initial_checksum"] = checksum(model)
    seen["model"] = model
    return model, new_ids


trainer.build_model = recording_build
summary = trainer.train(config)
model = seen.pop("model")
Path(out).mkdir(parents=True, exist_ok=True)
(Path(out) / f"rank{rank}.json").write_text(json.dumps({"steps": summary["steps"], "checksum": checksum(model), **seen}))
torch.distributed.destroy_process_group()
