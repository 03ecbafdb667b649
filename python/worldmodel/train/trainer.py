"""LoRA fine-tuning: one loop for a laptop, a CPU box or `torchrun` (DDP) without code changes.

Why a hand-written loop rather than transformers' Trainer: evaluation here runs the full tool loop
(generate → run WAT → final answer) rather than a loss, packing needs position_ids without an attention
mask, and resume must reproduce an uninterrupted run exactly (data order, dropout RNG, scheduler). Each of
these fights Trainer's defaults; the loop itself is short.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import math
import os
import shutil
import signal
import threading
import time
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable

import torch

from worldmodel.chat_context import write_adapter_record
from worldmodel.generate import GenerationConfig
from worldmodel.train.collator import IGNORE_INDEX, EncodedExample, collate, encode_example, pack

LORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
# The portable checkpoint (see save_checkpoint): fp16 weights + dropout RNG, and the position in the data.
PORTABLE_WEIGHTS = "weights.safetensors"
PORTABLE_STATE = "state.json"
RNG_KEY = "__torch_rng_state__"


@dataclass
class TrainConfig:
    data: str = "data/curriculum"  # folder with train.jsonl / validation.jsonl
    out: str = "runs/lora"
    base: str | None = None  # None: the packaged SmolLM2; or a HF folder / .gguf
    init_adapter: str | None = None  # start from this adapter's LoRA weights (continued training on new data)
    resume_from: str | None = None  # a committed checkpoint folder to continue when OUT has none (a fresh machine)
    max_len: int = 1024  # packed row length
    rows_per_batch: int = 4  # rows per micro-batch
    grad_accum: int = 2  # micro-batches per optimizer step
    epochs: float = 1.0
    max_steps: int | None = None  # caps the run (after epochs)
    max_train_examples: int | None = None  # a deterministic subset of the training split
    lr: float = 2e-4  # LoRA weights
    lr_embed: float = 5e-5  # rows of added tokens (when add_wat_tokens)
    weight_decay: float = 0.0
    warmup_steps: int = 20
    min_lr_ratio: float = 0.1  # cosine decays to lr * min_lr_ratio
    clip_grad_norm: float = 1.0
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    bf16: bool | None = None  # bf16 autocast; None: where the hardware computes bf16 natively (bf16_is_native)
    seed: int = 1234
    threads: int | None = None
    log_every: int = 5
    eval_every: int = 100  # optimizer steps; 0 disables
    eval_examples: int = 32  # validation questions run through the full tool loop
    eval_max_new_tokens: int = GenerationConfig.max_new_tokens  # as `generate`: programs cut short would count as wrong
    early_stopping_patience: int = 3  # evaluations without improvement; 0 disables
    checkpoint_every: int = 50
    stop_after_steps: int | None = None  # simulate an interruption (tests): stop after this step, keep the checkpoint
    rewarm_steps: int = 10  # after resuming a portable checkpoint (fresh AdamW moments): lr ramps up again
    add_wat_tokens: bool = False
    logger: str = "tensorboard"  # tensorboard | none


@dataclass
class TrainState:
    step: int = 0
    epoch: int = 0
    batch_in_epoch: int = 0  # micro-batches of the current epoch already consumed
    best_accuracy: float = -1.0
    best_step: int = 0
    evals_without_improvement: int = 0
    tokens_seen: int = 0
    stopped_early: bool = False
    history: list[dict] = field(default_factory=list)  # eval results
    rows_per_batch: int = 0  # the micro-batch size batch_in_epoch counts in (0: a checkpoint older than this field)
    rewarm_from: int = -1  # the step a portable resume restarted AdamW at (-1: none); the lr re-warms from there


def regroup_micro_batches(state: TrainState, saved_rows_per_batch: int, config: TrainConfig) -> None:
    """Resume with another micro-batch size (e.g. on a machine with less memory): the optimizer steps stay the
    same rows as long as rows per step (rows_per_batch × grad_accum) is unchanged, so only the count of consumed
    micro-batches is rescaled."""
    if saved_rows_per_batch in (0, config.rows_per_batch):
        return
    rows = state.batch_in_epoch * saved_rows_per_batch
    if rows % config.rows_per_batch:
        raise ValueError(f"cannot resume {rows} consumed rows in micro-batches of {config.rows_per_batch}")
    state.batch_in_epoch = rows // config.rows_per_batch


# ---------------------------------------------------------------- distributed helpers


def _dist_info() -> tuple[int, int, int]:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    return world, int(os.environ.get("RANK", "0")), int(os.environ.get("LOCAL_RANK", "0"))


def _init_distributed() -> tuple[int, int]:
    world, rank, local_rank = _dist_info()
    if world > 1 and not torch.distributed.is_initialized():
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        if backend == "nccl":
            torch.cuda.set_device(local_rank)
        torch.distributed.init_process_group(backend=backend)
    return world, rank


def _barrier(world: int) -> None:
    if world > 1:
        torch.distributed.barrier()


# ---------------------------------------------------------------- data


def read_jsonl(path: Path) -> list[dict]:
    """Rows of a JSONL file, gzipped when its name ends in .gz (a committed run's data travels compressed)."""
    with (gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else path.open(encoding="utf-8")) as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_split(data: Path, split: str) -> list[dict]:
    path = data / f"{split}.jsonl"
    if not path.is_file() and path.with_name(path.name + ".gz").is_file():
        path = path.with_name(path.name + ".gz")
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: build the data first (`worldmodel data build --out {data}`)")
    rows = read_jsonl(path)
    for row in rows:
        if not isinstance(row.get("messages"), list):
            raise ValueError(f"{path}: row {row.get('id')!r} has no 'messages' list")
    return rows


def encode_rows(rows: list[dict], tokenizer, max_len: int) -> tuple[list[EncodedExample], int]:
    """Encode rows; drop (and count) those longer than a packed row could hold."""
    encoded, dropped = [], 0
    for row in rows:
        example = encode_example(row["messages"], tokenizer)
        if len(example) > max_len or example.trained_tokens == 0:
            dropped += 1
            continue
        encoded.append(example)
    return encoded, dropped


# ---------------------------------------------------------------- model


def build_model(config: TrainConfig, tokenizer):
    from peft import LoraConfig, get_peft_model

    from worldmodel.model.loading import load_base_model

    model = load_base_model(config.base)
    new_token_ids: list[int] = []
    if config.add_wat_tokens:
        from worldmodel.train.wat_tokens import add_wat_tokens

        new_token_ids = add_wat_tokens(model, tokenizer)
    lora = LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=LORA_TARGETS,
        task_type="CAUSAL_LM",
        trainable_token_indices={"embed_tokens": new_token_ids} if new_token_ids else None,
    )
    model = get_peft_model(model, lora)
    if config.init_adapter:
        _load_adapter_weights(model, Path(config.init_adapter))
    model.config.use_cache = False
    return model, new_token_ids


def _load_adapter_weights(model, adapter: Path) -> None:
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    weights = adapter / "adapter_model.safetensors"
    if not weights.is_file():
        raise FileNotFoundError(f"{weights} not found (--init-adapter must be a saved adapter folder)")
    result = set_peft_model_state_dict(model, load_file(weights))
    if result.unexpected_keys:
        raise ValueError(f"--init-adapter {adapter} does not match this LoRA setup: {result.unexpected_keys[:3]}")


def parameter_groups(model, config: TrainConfig) -> list[dict]:
    """LoRA matrices and new-token embedding rows learn at their own rates."""
    lora, embed = [], []
    for name, parameter in model.named_parameters():
        if not parameter.requires_grad:
            continue
        (lora if "lora_" in name else embed).append(parameter)
    groups = [{"params": lora, "lr": config.lr, "weight_decay": config.weight_decay, "name": "lora"}]
    if embed:
        groups.append({"params": embed, "lr": config.lr_embed, "weight_decay": 0.0, "name": "new_tokens"})
    return groups


def lr_factor(step: int, total: int, warmup: int, min_ratio: float) -> float:
    """Linear warm-up, then cosine decay to `min_ratio`."""
    if step < warmup:
        return (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress))


def bf16_is_native(device: torch.device) -> bool:
    """Whether bf16 autocast speeds this device up. CPUs without AVX512-BF16 or AMX emulate bf16 matmuls ~50×
    slower than fp32 (measured: 1 vs 53 GFLOP/s on an AVX2-only EPYC), so autocast there is a trap."""
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    return torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported()


def causal_lm_loss_sum(model, batch: dict, bf16: bool) -> tuple[torch.Tensor, int]:
    """Summed next-token cross-entropy over labelled tokens, and their count."""
    device_type = "cuda" if batch["input_ids"].is_cuda else "cpu"
    labels = batch["labels"][:, 1:]
    # Logits only where some row has a label: the 49k-word output layer is ~20 % of a forward pass, and prompts
    # (system, question, computed text) are not trained on. Same loss, fewer FLOPs.
    positions = (labels != IGNORE_INDEX).any(dim=0).nonzero().squeeze(1)
    with torch.autocast(device_type=device_type, dtype=torch.bfloat16, enabled=bf16):
        # attention_mask=None + restarting position_ids → block-diagonal mask over packed examples.
        logits = model(input_ids=batch["input_ids"], position_ids=batch["position_ids"], use_cache=False,
                       logits_to_keep=positions).logits
    labels = labels[:, positions]
    keep = labels != IGNORE_INDEX
    loss = torch.nn.functional.cross_entropy(logits[keep].float(), labels[keep], reduction="sum")
    return loss, int(keep.sum())


# ---------------------------------------------------------------- checkpoints


def _trainable_state(model) -> dict[str, torch.Tensor]:
    return {name: p.detach().clone() for name, p in model.named_parameters() if p.requires_grad}


def save_checkpoint(folder: Path, model, optimizer, scheduler, state: TrainState, config: dict | None = None) -> None:
    """Everything resume needs, in one folder; the run's configuration goes beside it so that whoever resumes
    can repeat the same command. Two forms side by side:

    - `checkpoint.pt` (exact, ~59 MB): LoRA weights in fp32, AdamW moments, scheduler, RNG, data position;
    - the portable form (~10 MB, what is committed): `weights.safetensors` (LoRA weights in fp16, the dropout RNG)
      and `state.json` (the data position). It resumes with fresh AdamW moments and a short lr re-warm-up:
      not bit for bit, but small enough to commit without pushing the checkout past what a lent GPU call carries.
    """
    from safetensors.torch import save_file

    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    if config is not None:
        (tmp / "train_config.json").write_text(json.dumps(config, indent=2) + "\n")
    trainable = _trainable_state(model)
    torch.save(
        {
            "trainable": trainable,
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "rng": torch.get_rng_state(),
            "state": asdict(state),
        },
        tmp / "checkpoint.pt",
    )
    portable = {name: value.to(torch.float16).contiguous() for name, value in trainable.items()}
    save_file({**portable, RNG_KEY: torch.get_rng_state()}, tmp / PORTABLE_WEIGHTS)
    (tmp / PORTABLE_STATE).write_text(json.dumps(asdict(state), indent=2) + "\n")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)  # atomic: an interruption leaves the old or the new checkpoint, never half of one


class _StopOnSignal:
    """SIGINT/SIGTERM end the run after the current optimizer step, with a checkpoint; a second signal interrupts
    at once (the last periodic checkpoint stays). Only the main thread can install handlers."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: dict = {}

    def install(self) -> "_StopOnSignal":
        if threading.current_thread() is threading.main_thread():
            for number in (signal.SIGINT, signal.SIGTERM):
                self._previous[number] = signal.signal(number, self._handle)
        return self

    def _handle(self, number, frame) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        print(f"signal {number}: stopping after this step with a checkpoint", flush=True)

    def restore(self) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous.clear()


def _saved_rows_per_batch(config: TrainConfig) -> int:
    """The micro-batch size of a checkpoint written before TrainState recorded it: from the configuration
    committed beside it (0 when there is none, and the current size is assumed)."""
    saved = Path(config.resume_from or "") / "train_config.json"
    return json.loads(saved.read_text()).get("rows_per_batch", 0) if config.resume_from and saved.is_file() else 0


def load_checkpoint(folder: Path, model, optimizer, scheduler) -> TrainState:
    payload = torch.load(folder / "checkpoint.pt", weights_only=False, map_location="cpu")  # resumable on any device
    parameters = dict(model.named_parameters())
    with torch.no_grad():
        for name, value in payload["trainable"].items():
            parameters[name].copy_(value)
    optimizer.load_state_dict(payload["optimizer"])
    scheduler.load_state_dict(payload["scheduler"])
    torch.set_rng_state(payload["rng"])
    return TrainState(**payload["state"])


def load_portable_checkpoint(folder: Path, model) -> TrainState:
    """The committed form: weights (fp16 → the model's dtype) and the data position; AdamW starts afresh."""
    from safetensors.torch import load_file

    tensors = load_file(folder / PORTABLE_WEIGHTS)
    rng = tensors.pop(RNG_KEY, None)
    parameters = {name: p for name, p in model.named_parameters() if p.requires_grad}
    missing, unexpected = sorted(parameters.keys() - tensors.keys()), sorted(tensors.keys() - parameters.keys())
    reshaped = [name for name in tensors.keys() & parameters.keys() if tensors[name].shape != parameters[name].shape]
    if missing or unexpected or reshaped:
        raise ValueError(f"{folder / PORTABLE_WEIGHTS} does not match this run's trainable weights (missing "
                         f"{missing[:2]}, unexpected {unexpected[:2]}, other shape {reshaped[:2]}): same --lora-r?")
    with torch.no_grad():
        for name, value in tensors.items():
            parameters[name].copy_(value.to(parameters[name].dtype))
    if rng is not None:
        torch.set_rng_state(rng)
    return TrainState(**json.loads((folder / PORTABLE_STATE).read_text()))


def has_checkpoint(folder: Path) -> bool:
    return (folder / "checkpoint.pt").is_file() or (folder / PORTABLE_STATE).is_file()


# ---------------------------------------------------------------- evaluation during training


def evaluate_tool_loop(model, tokenizer, rows: list[dict], max_new_tokens: int) -> dict:
    """Accuracy, compile and execution rates on validation questions, through the full generation loop."""
    from worldmodel.evaluate import score_rows
    from worldmodel.model.torch_backend import TorchBackend

    was_training = model.training
    model.eval()
    model.config.use_cache = True
    try:
        backend = TorchBackend(model, tokenizer)
        report = score_rows(backend, rows, max_new_tokens=max_new_tokens)
    finally:
        model.config.use_cache = False
        model.train(was_training)
    return report["overall"]


# ---------------------------------------------------------------- the loop


class _Logger:
    def __init__(self, out: Path, kind: str, enabled: bool):
        self.enabled = enabled
        self.jsonl = (out / "metrics.jsonl").open("a", encoding="utf-8") if enabled else None
        self.writer = None
        if enabled and kind == "tensorboard":
            from torch.utils.tensorboard import SummaryWriter

            self.writer = SummaryWriter(str(out / "tensorboard"))

    def log(self, step: int, **values) -> None:
        if not self.enabled:
            return
        self.jsonl.write(json.dumps({"step": step, "time": time.time(), **values}) + "\n")
        self.jsonl.flush()
        if self.writer:
            for key, value in values.items():
                if isinstance(value, (int, float)):
                    self.writer.add_scalar(key, value, step)
            self.writer.flush()

    def close(self) -> None:
        if self.jsonl:
            self.jsonl.close()
        if self.writer:
            self.writer.close()


def train(config: TrainConfig) -> dict:
    """Run (or resume) a LoRA fine-tune; returns a summary. The adapter lands in `out/adapter`."""
    world, rank = _init_distributed()
    is_main = rank == 0
    if config.threads:
        torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    say = print if is_main else (lambda *a, **k: None)

    from worldmodel.model.loading import load_tokenizer

    tokenizer = load_tokenizer(config.base)
    model, new_token_ids = build_model(config, tokenizer)
    device = torch.device(f"cuda:{_dist_info()[2]}") if torch.cuda.is_available() else torch.device("cpu")
    model.to(device)
    bf16 = bf16_is_native(device) if config.bf16 is None else config.bf16
    data = Path(config.data)
    train_rows = load_split(data, "train")
    if config.max_train_examples:
        train_rows = train_rows[: config.max_train_examples]
    val_rows = []
    if config.eval_every and (data / "validation.jsonl").is_file():
        numeric = [r for r in load_split(data, "validation")  # chat/refusal rows have no answer to check
                   if isinstance(r.get("answer"), (int, float)) and not isinstance(r.get("answer"), bool)]
        val_rows = numeric[: config.eval_examples]
    # Rows with earlier turns: the adapter's record says whether it may be given a conversation (chat_context).
    conversations = sum(sum(m["role"] == "user" for m in row["messages"]) > 1 for row in train_rows)
    save_adapter = partial(_save_adapter, model, tokenizer, new_token_ids=new_token_ids, conversations=conversations)
    examples, dropped = encode_rows(train_rows, tokenizer, config.max_len)
    if not examples:
        raise ValueError("no training examples left after encoding")
    trained_tokens = sum(e.trained_tokens for e in examples)
    say(f"train: {len(examples)} examples ({dropped} dropped), {sum(map(len, examples))} tokens, "
        f"{trained_tokens} with loss; world={world}, device={device}, {'bf16 autocast' if bf16 else 'fp32'}")

    rows_per_step = config.rows_per_batch * config.grad_accum * world
    rows_per_epoch = len(pack(examples, config.max_len, config.seed))
    steps_per_epoch = max(1, rows_per_epoch // rows_per_step)
    total_steps = max(1, int(round(steps_per_epoch * config.epochs)))
    if config.max_steps:
        total_steps = min(total_steps, config.max_steps)

    optimizer = torch.optim.AdamW(parameter_groups(model, config), betas=(0.9, 0.999), eps=1e-8)
    state = TrainState()  # lr_at reads the state the checkpoint below may replace

    def lr_at(step: int) -> float:
        factor = lr_factor(step, total_steps, config.warmup_steps, config.min_lr_ratio)
        if state.rewarm_from >= 0 and config.rewarm_steps:  # fresh AdamW moments: ramp the lr up again
            factor *= min(1.0, (step - state.rewarm_from + 1) / config.rewarm_steps)
        return factor

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_at)
    checkpoint = out / "checkpoint"
    if config.resume_from and not has_checkpoint(checkpoint):
        if not has_checkpoint(Path(config.resume_from)):
            raise FileNotFoundError(f"--resume-from {config.resume_from}: no checkpoint.pt or {PORTABLE_STATE} there")
        shutil.copytree(config.resume_from, checkpoint, ignore=shutil.ignore_patterns("train_config.json"))
        say(f"copied the checkpoint of {config.resume_from} into {checkpoint}")
    if (checkpoint / "checkpoint.pt").is_file():
        state = load_checkpoint(checkpoint, model, optimizer, scheduler)
        regroup_micro_batches(state, state.rows_per_batch or _saved_rows_per_batch(config), config)
        say(f"resumed from step {state.step} (epoch {state.epoch}, batch {state.batch_in_epoch})")
    elif (checkpoint / PORTABLE_STATE).is_file():
        state = load_portable_checkpoint(checkpoint, model)
        regroup_micro_batches(state, state.rows_per_batch or _saved_rows_per_batch(config), config)
        state.rewarm_from = state.step
        scheduler.last_epoch = state.step
        for group, base_lr in zip(optimizer.param_groups, scheduler.base_lrs):
            group["lr"] = base_lr * lr_at(state.step)
        say(f"resumed from the portable checkpoint at step {state.step} (epoch {state.epoch}, batch "
            f"{state.batch_in_epoch}): fresh AdamW moments, lr re-warms over {config.rewarm_steps} steps")
    if is_main:
        (out / "train_config.json").write_text(json.dumps(asdict(config), indent=2) + "\n")

    wrapped = model
    if world > 1:
        wrapped = torch.nn.parallel.DistributedDataParallel(model)
    logger = _Logger(out, config.logger, is_main)
    model.train()
    started = time.perf_counter()
    window_tokens, window_start = 0, time.perf_counter()
    saved_config = asdict(config)
    state.rows_per_batch = config.rows_per_batch
    stop = _StopOnSignal().install()
    try:
        while state.step < total_steps and not state.stopped_early:
            rows = pack(examples, config.max_len, config.seed + 1000 * state.epoch)
            usable = len(rows) // rows_per_step * rows_per_step
            micro_batches = [rows[i : i + config.rows_per_batch]
                             for i in range(rank * config.rows_per_batch, usable, config.rows_per_batch * world)]
            while state.batch_in_epoch + config.grad_accum <= len(micro_batches) and state.step < total_steps:
                group = micro_batches[state.batch_in_epoch : state.batch_in_epoch + config.grad_accum]
                batches = [{k: v.to(device) for k, v in collate(b, examples, tokenizer.pad_token_id).items()}
                           for b in group]
                step_tokens = sum(int((b["labels"] != IGNORE_INDEX).sum()) for b in batches)
                loss_total = 0.0
                for index, batch in enumerate(batches):
                    sync = index == len(batches) - 1
                    context = wrapped.no_sync() if (world > 1 and not sync) else contextlib.nullcontext()
                    with context:
                        loss_sum, _ = causal_lm_loss_sum(wrapped, batch, bf16)
                        (loss_sum / step_tokens).backward()
                    loss_total += float(loss_sum.detach())
                grad_norm = torch.nn.utils.clip_grad_norm_(
                    [p for p in model.parameters() if p.requires_grad], config.clip_grad_norm
                )
                step_lrs = {f"lr/{g['name']}": g["lr"] for g in optimizer.param_groups}  # what this step used
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad(set_to_none=True)
                state.step += 1
                state.batch_in_epoch += config.grad_accum
                seen = sum(int(b["input_ids"].numel()) for b in batches) * world
                state.tokens_seen += seen
                window_tokens += seen

                if state.step % config.log_every == 0 or state.step == total_steps:
                    elapsed = time.perf_counter() - window_start
                    values = {"loss": loss_total / step_tokens, "grad_norm": float(grad_norm),
                              "tokens_per_s": window_tokens / max(elapsed, 1e-9), "epoch": state.epoch, **step_lrs}
                    logger.log(state.step, **values)
                    say(f"step {state.step}/{total_steps} loss {values['loss']:.4f} grad {values['grad_norm']:.3f} "
                        f"lr {values['lr/lora']:.2e} {values['tokens_per_s']:.0f} tok/s")
                    window_tokens, window_start = 0, time.perf_counter()

                if config.eval_every and val_rows and (state.step % config.eval_every == 0 or state.step == total_steps):
                    _evaluate_and_track(config, model, tokenizer, val_rows, state, out, logger, is_main, world,
                                        save_adapter)

                if state.step % config.checkpoint_every == 0 or state.step == total_steps:
                    if is_main:
                        save_checkpoint(checkpoint, model, optimizer, scheduler, state, saved_config)
                        # A loadable adapter of the latest weights, for whoever needs one before the run ends.
                        save_adapter(out / "last_adapter")
                    _barrier(world)
                interrupted = config.stop_after_steps and state.step >= config.stop_after_steps
                if (interrupted or stop.requested) and state.step < total_steps:
                    if is_main:
                        save_checkpoint(checkpoint, model, optimizer, scheduler, state, saved_config)
                        save_adapter(out / "last_adapter")  # usable as it is where the run cannot go on (a lent GPU)
                        say(f"stopped at step {state.step}/{total_steps}; run the same command again to resume")
                    logger.close()
                    _barrier(world)
                    return {"interrupted_at": state.step, "total_steps": total_steps}
                if state.stopped_early:
                    break
            if state.batch_in_epoch + config.grad_accum > len(micro_batches):  # this epoch's data is used up
                state.epoch += 1
                state.batch_in_epoch = 0

        summary = {
            "steps": state.step, "total_steps": total_steps, "epochs_completed": state.epoch,
            "tokens_seen": state.tokens_seen, "seconds": time.perf_counter() - started,
            "best_accuracy": state.best_accuracy, "best_step": state.best_step, "stopped_early": state.stopped_early,
            "train_examples": len(examples), "dropped_examples": dropped, "new_tokens": len(new_token_ids),
            "history": state.history,
        }
        if is_main:
            final = out / "adapter"
            best = out / "best_adapter"
            if not best.is_dir():  # no evaluation ran: the last weights are the result
                save_adapter(final)
            else:
                shutil.rmtree(final, ignore_errors=True)
                shutil.copytree(best, final)
            save_adapter(out / "last_adapter")
            (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
            say(f"adapter saved to {final}")
        logger.close()
        _barrier(world)
        return summary
    finally:
        stop.restore()


def _evaluate_and_track(config, model, tokenizer, val_rows, state, out, logger, is_main, world,
                        save_adapter: Callable[[Path], None]) -> None:
    """Rank 0 runs the tool loop on validation; everyone learns the verdict (early stopping is collective)."""
    verdict = torch.zeros(1)
    if is_main:
        report = evaluate_tool_loop(model, tokenizer, val_rows, config.eval_max_new_tokens)
        state.history.append({"step": state.step, **report})
        logger.log(state.step, **{f"val/{k}": v for k, v in report.items() if isinstance(v, (int, float))})
        print(f"eval step {state.step}: accuracy {report['accuracy']:.3f} compile {report['compile_rate']:.3f} "
              f"exec {report['execution_rate']:.3f}")
        improved = report["accuracy"] > state.best_accuracy
        state.evals_without_improvement = 0 if improved else state.evals_without_improvement + 1
        if report["accuracy"] >= state.best_accuracy:  # ties go to the later, longer-trained weights
            state.best_accuracy, state.best_step = report["accuracy"], state.step
            save_adapter(out / "best_adapter")
        patience = config.early_stopping_patience
        verdict[0] = float(bool(patience) and state.evals_without_improvement >= patience)
    if world > 1:
        torch.distributed.broadcast(verdict, src=0)
    state.stopped_early = bool(verdict[0])


def _save_adapter(model, tokenizer, folder: Path, *, new_token_ids: list[int], conversations: int) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    # Only LoRA matrices (and the added tokens' rows), never the whole resized embedding matrix.
    model.save_pretrained(folder, save_embedding_layers=False)
    if new_token_ids:
        tokenizer.save_pretrained(folder)  # the adapter needs its own tokenizer when tokens were added
    write_adapter_record(folder, conversations)


