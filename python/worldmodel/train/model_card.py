"""The model card written next to a trained adapter: data, hyperparameters, curves (PNG), evaluation vs baseline.

`python -m worldmodel.train.model_card ADAPTER_DIR --run RUN_DIR [--eval REPORT.json] [--data DATA_DIR]`
With `--copy-adapter`, the run's final adapter (RUN_DIR/adapter) is copied into ADAPTER_DIR first: that is
how a finished run is published to `models/`.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

from worldmodel.chat_context import ADAPTER_RECORD

TARGETS = {"accuracy": 0.90, "compile_rate": 0.98}


def _read_jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def plot_curves(metrics: list[dict], out: Path) -> Path | None:
    """Training loss, learning rate, gradient norm and validation accuracy against the step."""
    train_points = [m for m in metrics if "loss" in m]
    if not train_points:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    eval_points = [m for m in metrics if "val/accuracy" in m]
    figure, axes = plt.subplots(1, 3 if eval_points else 2, figsize=(13 if eval_points else 9, 3.4))
    steps = [m["step"] for m in train_points]
    axes[0].plot(steps, [m["loss"] for m in train_points], lw=1)
    axes[0].set(title="training loss (assistant tokens)", xlabel="step", yscale="log")
    lr_key = next(k for k in train_points[0] if k.startswith("lr/"))
    axes[1].plot(steps, [m[lr_key] for m in train_points], color="tab:orange", lw=1, label="learning rate")
    axes[1].set(title="learning rate / gradient norm", xlabel="step")
    twin = axes[1].twinx()
    twin.plot(steps, [m["grad_norm"] for m in train_points], color="tab:green", lw=0.8, alpha=0.7, label="grad norm")
    axes[1].legend(loc="upper left", fontsize=7)
    twin.legend(loc="upper right", fontsize=7)
    if eval_points:
        eval_steps = [m["step"] for m in eval_points]
        axes[2].plot(eval_steps, [m["val/accuracy"] for m in eval_points], marker="o", label="accuracy")
        axes[2].plot(eval_steps, [m["val/compile_rate"] for m in eval_points], marker="s", label="compile rate")
        axes[2].set(title="validation (full tool loop)", xlabel="step", ylim=(0, 1.02))
        axes[2].legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(out, dpi=110)
    plt.close(figure)
    return out


def _data_section(data: Path | None) -> list[str]:
    if data is None or not (data / "train.jsonl").is_file():
        return ["(dataset statistics unavailable)"]
    lines = ["| split | rows | by stage |", "|---|---|---|"]
    for split in ("train", "validation", "test"):
        rows = _read_jsonl(data / f"{split}.jsonl")
        stages = Counter(r.get("stage", "?") for r in rows)
        lines.append(f"| {split} | {len(rows)} | " + ", ".join(f"{k} {v}" for k, v in sorted(stages.items())) + " |")
    families = Counter(r.get("family", "?") for r in _read_jsonl(data / "train.jsonl"))
    lines += ["", f"{len(families)} problem families in the training split."]
    return lines


def _eval_section(report: dict | None) -> list[str]:
    if not report:
        return ["Not evaluated yet: run `worldmodel eval --baseline --out REPORT.json` and regenerate this card."]
    lines = [f"Questions: `{report['questions']}` ({report['n']} with a numeric answer), greedy decoding.", "",
             "| model | accuracy | compile rate | execution rate | provenance | tokens/answer | s/answer |",
             "|---|---|---|---|---|---|---|"]
    for label, name in (("model", "SmolLM2-135M + WAT LoRA (tools)"), ("baseline", "SmolLM2-135M base (no tools)")):
        if label not in report:
            continue
        m = report[label]["overall"]
        tool_cells = (f"{m['compile_rate']:.1%} | {m['execution_rate']:.1%}" if label == "model" else "– | –")
        lines.append(f"| {name} | {m['accuracy']:.1%} | {tool_cells} | {m['provenance']:.1%} | "
                     f"{m['mean_tokens']:.0f} | {m['mean_seconds']:.2f} |")
    overall = report["model"]["overall"]
    lines += ["", "Targets:"]
    for key, target in TARGETS.items():
        verdict = "met" if overall[key] >= target else "**not met**"
        lines.append(f"- {key.replace('_', ' ')} ≥ {target:.0%}: {overall[key]:.1%} — {verdict}")
    lines += ["", "Per category (model with tools):", "", "| category | n | accuracy | compile rate |", "|---|---|---|---|"]
    for name, m in report["model"]["categories"].items():
        lines.append(f"| {name} | {m['n']} | {m['accuracy']:.1%} | {m['compile_rate']:.1%} |")
    return lines


def write_model_card(adapter: Path, run: Path, eval_report: Path | None = None, data: Path | None = None,
                     notes: str = "") -> Path:
    config = json.loads((run / "train_config.json").read_text())
    summary = json.loads((run / "summary.json").read_text()) if (run / "summary.json").is_file() else {}
    metrics = _read_jsonl(run / "metrics.jsonl")
    report = json.loads(eval_report.read_text()) if eval_report else None
    data = data or Path(config["data"])
    adapter.mkdir(parents=True, exist_ok=True)
    curves = plot_curves(metrics, adapter / "training_curves.png")
    hyper = {k: config[k] for k in ("max_len", "rows_per_batch", "grad_accum", "epochs", "max_steps", "lr", "lr_embed",
                                    "warmup_steps", "min_lr_ratio", "clip_grad_norm", "lora_r", "lora_alpha",
                                    "lora_dropout", "bf16", "seed", "add_wat_tokens", "max_train_examples")}
    throughput = [m["tokens_per_s"] for m in metrics if "tokens_per_s" in m]
    lines = [
        "---", "base_model: HuggingFaceTB/SmolLM2-135M-Instruct", "library_name: peft", "license: apache-2.0",
        "tags: [lora, webassembly, tool-use, math]", "---", "",
        "# WorldModel WAT adapter for SmolLM2-135M-Instruct", "",
        "A LoRA adapter that makes SmolLM2-135M-Instruct answer math and physics questions by writing a WebAssembly "
        "text module (`<wat_model>`); the WorldModel runtime executes it, injects `<computed>VALUE</computed>`, and "
        "the model writes the final answer from that exact value (protocol: `docs/protocol.md`).", "",
        "Use: `worldmodel ask \"What is 17 times 23?\"` (this adapter is the default), "
        "`worldmodel eval --baseline`.", "",
        "## Evaluation", "", *_eval_section(report), "",
        "## Training data", "", f"Source: `{config['data']}` (built by `worldmodel data build`).", "",
        *_data_section(data), "",
        "Loss is taken on the assistant's own tokens only; the `<computed>` block is masked (the runtime writes it).",
        "",
        "## Hyperparameters", "", "LoRA on q/k/v/o/gate/up/down projections, AdamW, linear warm-up + cosine decay, "
        "gradient clipping, packed rows (no attention across examples); bf16 autocast only where the hardware computes "
        "bf16 natively (the `bf16` row: null means chosen per machine).", "",
        "| parameter | value |", "|---|---|", *[f"| {k} | {v} |" for k, v in hyper.items()], "",
        "## Run", "",
        *([f"- continued from the adapter `{config['init_adapter']}` (its LoRA weights were the starting point)"]
          if config.get("init_adapter") else []),
        f"- optimizer steps: {summary.get('steps', '?')} of {summary.get('total_steps', '?')}; "
        f"tokens seen: {summary.get('tokens_seen', '?')}; wall time: {summary.get('seconds', 0) / 60:.0f} min",
        f"- training examples: {summary.get('train_examples', '?')} ({summary.get('dropped_examples', 0)} too long, dropped)",
        (f"- best validation accuracy {summary['best_accuracy']:.1%} at step {summary.get('best_step', '?')}"
         f"{' (early stop)' if summary.get('stopped_early') else ''}" if summary.get("best_accuracy", -1) >= 0
         else "- no validation during training (--eval-every 0): the final weights are the adapter"),
        f"- median throughput: {sorted(throughput)[len(throughput) // 2]:.0f} training tokens/s" if throughput else "",
        "", "![training curves](training_curves.png)" if curves else "", "",
    ]
    if notes:
        lines += ["## Notes", "", notes.strip(), ""]
    card = adapter / "README.md"
    card.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    return card


ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors", "tokenizer.json", "tokenizer_config.json",
                 "chat_template.jinja", ADAPTER_RECORD)


def copy_adapter(source: Path, destination: Path) -> None:
    """Copy only the files `load_model` needs (no checkpoints, no optimizer state), weights as fp16.

    fp16 halves the committed size (LoRA r16 on all projections: ~20 MB fp32 → ~10 MB); peft casts the
    weights back to the base model's dtype on load, and LoRA deltas lose nothing measurable in fp16.
    """
    import torch
    from safetensors.torch import load_file, save_file

    if not (source / "adapter_config.json").is_file():
        raise FileNotFoundError(f"{source} is not an adapter folder")
    destination.mkdir(parents=True, exist_ok=True)
    for name in ADAPTER_FILES:
        if not (source / name).is_file():
            continue
        if name == "adapter_config.json":
            # A machine-local base path (the GGUF conversion cache) means nothing elsewhere: name the model.
            from worldmodel.model.loading import BASE_MODEL_ID

            adapter_config = json.loads((source / name).read_text())
            if str(adapter_config.get("base_model_name_or_path", "")).startswith("/"):
                adapter_config["base_model_name_or_path"] = BASE_MODEL_ID
            (destination / name).write_text(json.dumps(adapter_config, indent=2) + "\n")
        elif name == "adapter_model.safetensors":
            weights = {key: value.to(torch.float16) if value.is_floating_point() else value
                       for key, value in load_file(source / name).items()}
            save_file(weights, destination / name, metadata={"format": "pt"})
        else:
            shutil.copy2(source / name, destination / name)


if __name__ == "__main__":
    from worldmodel.cli import command_main

    raise SystemExit(command_main("model-card", "python -m worldmodel.train.model_card"))
