"""LoRA training on a tiny random Llama: loss goes down, resume reproduces an uninterrupted run, DDP syncs."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from model_helpers import make_tiny_model_folder, protocol_row, write_dataset
from worldmodel.chat_context import ADAPTER_RECORD
from worldmodel.train.trainer import TrainConfig, TrainState, lr_factor, regroup_micro_batches, train

torch.set_num_threads(1)
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("train")
    tiny = make_tiny_model_folder(root / "tiny")
    rows = [protocol_row(a, b) for a in range(2, 8) for b in (3, 4)]
    data = write_dataset(root / "data", rows, rows[:2])
    return root, tiny, data


def _config(setup, out: str, **overrides) -> TrainConfig:
    root, tiny, data = setup
    values = dict(data=str(data), out=str(root / out), base=str(tiny), max_len=256, rows_per_batch=2,
                  grad_accum=2, epochs=100, max_steps=8, lr=3e-3, warmup_steps=2, log_every=1, eval_every=0,
                  checkpoint_every=100, lora_r=4, lora_alpha=8, lora_dropout=0.1, threads=1, logger="none")
    values.update(overrides)
    return TrainConfig(**values)


def _losses(out: Path) -> list[float]:
    return [json.loads(line)["loss"] for line in (out / "metrics.jsonl").read_text().splitlines()]


def test_lr_schedule_warms_up_then_decays():
    factors = [lr_factor(step, 100, 10, 0.1) for step in range(100)]
    assert factors[0] == pytest.approx(0.1) and factors[9] == pytest.approx(1.0)
    assert all(a >= b for a, b in zip(factors[9:], factors[10:])) and factors[-1] == pytest.approx(0.1, abs=1e-3)


def test_training_reduces_loss_and_saves_an_adapter(setup):
    config = _config(setup, "overfit", max_steps=12, logger="tensorboard")
    summary = train(config)
    out = Path(config.out)
    losses = _losses(out)
    assert summary["steps"] == 12 and len(losses) == 12
    assert sum(losses[-3:]) / 3 < 0.98 * sum(losses[:3]) / 3
    adapter = out / "adapter"
    assert (adapter / "adapter_config.json").is_file()
    assert any(name.endswith(".safetensors") for name in os.listdir(adapter))
    # Single-question rows only: the adapter's record says so, and the chat sends each question alone.
    assert json.loads((adapter / ADAPTER_RECORD).read_text()) == {"context_budget": 0, "conversations_trained": 0}
    assert list((out / "tensorboard").iterdir())  # event files were written


def test_resume_after_interruption_matches_uninterrupted_run(setup):
    straight = _config(setup, "straight")
    train(straight)
    interrupted = _config(setup, "resumed", stop_after_steps=3)
    assert train(interrupted)["interrupted_at"] == 3
    assert not (Path(interrupted.out) / "adapter").exists()
    resumed = _config(setup, "resumed")
    assert train(resumed)["steps"] == 8
    expected = load_file(Path(straight.out) / "adapter" / "adapter_model.safetensors")
    actual = load_file(Path(resumed.out) / "adapter" / "adapter_model.safetensors")
    assert expected.keys() == actual.keys() and expected
    for name in expected:
        torch.testing.assert_close(actual[name], expected[name], rtol=0, atol=0)
    assert _losses(Path(straight.out)) == _losses(Path(resumed.out))


def test_ddp_two_processes_keep_parameters_in_sync(setup, tmp_path):
    root, tiny, data = setup
    out = tmp_path / "ddp"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(REPO / "tests")}
    command = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2", "--standalone",
               str(REPO / "tests" / "model_ddp_worker.py"), str(data), str(out), str(tiny)]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=240)
    assert completed.returncode == 0, completed.stderr[-3000:]
    reports = [json.loads((out / f"rank{rank}.json").read_text()) for rank in (0, 1)]
    assert reports[0]["steps"] == reports[1]["steps"] == 3
    # Different data shards per rank, yet identical LoRA weights after every step: gradients were averaged.
    assert reports[0]["first_batch"] != reports[1]["first_batch"]
    assert reports[0]["checksum"] == pytest.approx(reports[1]["checksum"], rel=0, abs=0)
    assert reports[0]["checksum"] != reports[0]["initial_checksum"]


def test_tool_loop_evaluation_and_early_stopping(setup):
    root, tiny, data = setup
    chat = {"question": "hi", "answer": None, "messages": [{"role": "user", "content": "hi"},
                                                           {"role": "assistant", "content": "Hello!"}]}
    rows = [json.loads(line) for line in (data / "train.jsonl").read_text().splitlines()]
    eval_data = write_dataset(root / "eval_data", rows, [chat, *rows[:2]])
    config = _config(setup, "early", data=str(eval_data), eval_every=2, eval_examples=2, eval_max_new_tokens=8,
                     early_stopping_patience=1, lr=1e-5)
    summary = train(config)
    # A random model never answers: accuracy stays 0, so the second evaluation brings no improvement and stops.
    assert summary["stopped_early"] and summary["steps"] == 4
    assert [h["step"] for h in summary["history"]] == [2, 4] and all(h["n"] == 2 for h in summary["history"])
    assert (Path(config.out) / "best_adapter" / "adapter_config.json").is_file()


def test_a_committed_checkpoint_resumes_exactly_in_a_fresh_folder(setup, tmp_path):
    """What a fresh machine does: the checkpoint folder alone (as committed) continues the run bit for bit."""
    straight = _config(setup, "straight-for-commit")
    train(straight)
    interrupted = _config(setup, "interrupted-for-commit", stop_after_steps=5)
    train(interrupted)
    committed = tmp_path / "committed"
    shutil.copytree(Path(interrupted.out) / "checkpoint", committed)
    assert json.loads((committed / "train_config.json").read_text())["lr"] == interrupted.lr
    resumed = _config(setup, "fresh-machine", resume_from=str(committed))
    assert train(resumed)["steps"] == 8
    expected = load_file(Path(straight.out) / "adapter" / "adapter_model.safetensors")
    actual = load_file(Path(resumed.out) / "adapter" / "adapter_model.safetensors")
    for name in expected:
        torch.testing.assert_close(actual[name], expected[name], rtol=0, atol=0)
    with pytest.raises(FileNotFoundError, match="no checkpoint.pt"):
        train(_config(setup, "nothing-to-resume", resume_from=str(tmp_path / "missing")))


def test_the_portable_checkpoint_resumes_in_a_fresh_folder(setup, tmp_path):
    """What is committed between sessions: fp16 weights and the data position only (no checkpoint.pt). The run
    continues at the same step and batch with fresh AdamW moments, the lr re-warming; the weights it starts from
    are the interrupted run's, rounded to fp16."""
    interrupted = _config(setup, "interrupted-portable", stop_after_steps=4)
    train(interrupted)
    checkpoint = Path(interrupted.out) / "checkpoint"
    committed = tmp_path / "portable"
    committed.mkdir()
    for name in ("weights.safetensors", "state.json", "train_config.json"):
        shutil.copy(checkpoint / name, committed / name)
    exact = torch.load(checkpoint / "checkpoint.pt", weights_only=False)
    portable = load_file(committed / "weights.safetensors")
    for name, value in exact["trainable"].items():
        assert portable[name].dtype == torch.float16
        torch.testing.assert_close(portable[name].float(), value, rtol=1e-3, atol=1e-6)
    assert json.loads((committed / "state.json").read_text())["step"] == 4

    resumed = _config(setup, "fresh-machine-portable", resume_from=str(committed), rewarm_steps=2)
    assert train(resumed)["steps"] == 8
    metrics = [json.loads(line) for line in (Path(resumed.out) / "metrics.jsonl").read_text().splitlines()]
    assert [m["step"] for m in metrics] == [5, 6, 7, 8]
    straight_lr = [lr_factor(step, 8, 2, 0.1) * 3e-3 for step in range(4, 8)]  # the lr steps 5..8 ran at
    # The first resumed step runs at half the schedule's lr (step 1 of a 2-step re-warm-up), then the schedule's.
    assert [m["lr/lora"] for m in metrics] == pytest.approx([straight_lr[0] / 2, *straight_lr[1:]])
    # Step 5 is computed before any update on the resumed side: the same batch (data position) and dropout (RNG) as
    # an uninterrupted run's step 5, on weights that differ only by the fp16 rounding.
    straight = _config(setup, "straight-portable")
    train(straight)
    assert metrics[0]["loss"] == pytest.approx(_losses(Path(straight.out))[4], rel=1e-3)
    with pytest.raises(ValueError, match="does not match this run's trainable weights"):
        train(_config(setup, "wrong-rank", resume_from=str(committed), lora_r=8))


def test_resume_with_smaller_micro_batches_takes_the_same_steps(setup):
    """A machine with less memory resumes with rows_per_batch 1 × grad_accum 4 instead of 2 × 2: the same rows
    make each step, so the weights end where the uninterrupted run's do (up to float summation order). In fp32: bf16
    autocast (chosen by default on CPUs with AVX512-BF16) rounds differently per batch shape, beyond these tolerances."""
    straight = _config(setup, "straight-regroup", lora_dropout=0.0, bf16=False)
    train(straight)
    interrupted = _config(setup, "regrouped", lora_dropout=0.0, stop_after_steps=3, bf16=False)
    train(interrupted)
    resumed = _config(setup, "regrouped", lora_dropout=0.0, rows_per_batch=1, grad_accum=4, bf16=False)
    assert train(resumed)["steps"] == 8
    expected = load_file(Path(straight.out) / "adapter" / "adapter_model.safetensors")
    actual = load_file(Path(resumed.out) / "adapter" / "adapter_model.safetensors")
    for name in expected:
        torch.testing.assert_close(actual[name], expected[name], rtol=1e-3, atol=1e-5)
    assert _losses(Path(resumed.out)) == pytest.approx(_losses(Path(straight.out)), rel=1e-4)
    state = TrainState(batch_in_epoch=6)
    regroup_micro_batches(state, 2, _config(setup, "unused", rows_per_batch=4, grad_accum=1))
    assert state.batch_in_epoch == 3
    with pytest.raises(ValueError, match="6 consumed rows in micro-batches of 4"):
        regroup_micro_batches(TrainState(batch_in_epoch=3), 2, _config(setup, "unused", rows_per_batch=4))


def test_sigterm_stops_after_the_step_with_a_checkpoint(setup):
    root, tiny, data = setup
    out = root / "signalled"
    command = [sys.executable, "-m", "worldmodel", "train", "--data", str(data), "--out", str(out), "--base", str(tiny),
               "--max-len", "256", "--rows-per-batch", "2", "--grad-accum", "2", "--epochs", "1000",
               "--max-steps", "100000", "--log-every", "1", "--eval-every", "0", "--checkpoint-every", "100000",
               "--lora-r", "4", "--lora-alpha", "8", "--threads", "1", "--logger", "none"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in process.stdout:
        if line.startswith("step 2/"):
            process.send_signal(signal.SIGTERM)
            break
    output = process.communicate(timeout=300)[0]
    assert process.returncode == 0, output
    assert "stopping after this step" in output and "run the same command again to resume" in output
    state = torch.load(out / "checkpoint" / "checkpoint.pt", weights_only=False)["state"]
    assert 2 <= state["step"] < 100000
    assert (out / "last_adapter" / "adapter_config.json").is_file()  # usable where the run cannot go on


def test_a_gzipped_split_reads_like_the_plain_one(setup, tmp_path):
    from worldmodel.train.trainer import load_split

    _, _, data = setup
    packed = tmp_path / "packed"
    packed.mkdir()
    with gzip.open(packed / "train.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write((data / "train.jsonl").read_text(encoding="utf-8"))
    assert load_split(packed, "train") == load_split(data, "train")


def test_loss_with_logits_at_trained_positions_only_equals_the_full_projection(setup):
    """causal_lm_loss_sum projects only positions some row trains on; the loss and its gradient are unchanged."""
    from transformers import AutoTokenizer, LlamaForCausalLM

    from worldmodel.train.collator import collate, encode_example
    from worldmodel.train.trainer import IGNORE_INDEX, causal_lm_loss_sum

    root, tiny, data = setup
    model, tokenizer = LlamaForCausalLM.from_pretrained(tiny), AutoTokenizer.from_pretrained(tiny)
    rows = [protocol_row(a, b) for a, b in ((2, 3), (4, 5), (6, 7))]
    batch = collate([[0, 1], [2]], [encode_example(r["messages"], tokenizer) for r in rows], tokenizer.pad_token_id)
    loss, count = causal_lm_loss_sum(model, batch, False)
    loss.backward()
    sliced_grad = model.lm_head.weight.grad.clone()
    model.zero_grad()
    logits = model(input_ids=batch["input_ids"], position_ids=batch["position_ids"], use_cache=False).logits[:, :-1]
    labels = batch["labels"][:, 1:]
    keep = labels != IGNORE_INDEX
    full = torch.nn.functional.cross_entropy(logits[keep].float(), labels[keep], reduction="sum")
    full.backward()
    assert 0 < count == int(keep.sum()) < labels.numel()  # prompts are not trained on: there is something to skip
    assert torch.allclose(loss, full, rtol=1e-5)
    assert torch.allclose(sliced_grad, model.lm_head.weight.grad, rtol=1e-4, atol=1e-7)
