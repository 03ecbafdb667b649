"""Evaluation metrics over the full tool loop (scripted backend), the question file format, the model card."""

from __future__ import annotations

import json

import pytest

from model_helpers import MUL_WAT
from worldmodel.evaluate import format_report, is_correct, read_questions, score_rows
from worldmodel.model import load_tokenizer
from worldmodel.train.model_card import write_model_card


class ScriptPerQuestion:
    """A backend answering each question with its own script (chosen from the prompt text)."""

    name = "scripted"

    def __init__(self, tokenizer, scripts: dict[str, str]):
        from model_helpers import ScriptedBackend

        self.backends = {q: ScriptedBackend(tokenizer, s) for q, s in scripts.items()}
        self.tokenizer = tokenizer.backend_tokenizer
        self.eos_token_ids = frozenset({2})
        self.current = None

    def reset(self):
        self.current = None

    def forward(self, ids):
        if self.current is None:
            prompt = self.tokenizer.decode(ids)
            self.current = next(b for q, b in self.backends.items() if q in prompt)
            self.current.reset()
        return self.current.forward(ids)


def test_is_correct_uses_relative_tolerance():
    assert is_correct("It is 391.", 391)
    assert is_correct("About 3.1416 m", 3.14159265, rel_tol=1e-3)
    assert not is_correct("About 3.2 m", 3.14159265, rel_tol=1e-3)
    assert is_correct("1,234,000 people", 1234000) and not is_correct("no number", 0)


def test_read_questions_validates_rows(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"question": "a?", "answer": 1}\n{"question": "chat", "answer": null}\n\n')
    assert [r["question"] for r in read_questions(path)] == ["a?"]
    path.write_text('{"question": "a?", "answer": "one"}\n')
    with pytest.raises(ValueError, match="must be a number"):
        read_questions(path)
    with pytest.raises(FileNotFoundError):
        read_questions(tmp_path / "missing.jsonl")


def test_read_questions_of_one_category(tmp_path):
    path = tmp_path / "q.jsonl"
    rows = [{"question": f"q{i}?", "answer": i, "family": "gsm8k" if i % 2 else "speed"} for i in range(6)]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    assert [r["question"] for r in read_questions(path, category="gsm8k")] == ["q1?", "q3?", "q5?"]
    assert [r["question"] for r in read_questions(path, limit=2, category="gsm8k")] == ["q1?", "q3?"]
    assert [r["question"] for r in read_questions(path, per_category=2)] == ["q0?", "q1?", "q2?", "q3?"]


def test_score_rows_reports_accuracy_compile_execution_and_provenance():
    tokenizer = load_tokenizer()
    scripts = {
        "17 times 23": f"<wat_model>\n{MUL_WAT.format(a=17, b=23)}\n</wat_model>It is 391.",  # right
        "2 times 3": f"<wat_model>\n{MUL_WAT.format(a=2, b=2)}\n</wat_model>It is 4.",  # wrong program
        "5 times 5": "<wat_model>\n(module (func\n</wat_model>It is 25.",  # syntax error + invented number
        "9 times 9": "It is 81.",  # no program at all, number without provenance
    }
    rows = [{"question": f"What is {q}?", "answer": a, "category": c}
            for q, a, c in (("17 times 23", 391, "mul"), ("2 times 3", 6, "mul"), ("5 times 5", 25, "sq"),
                            ("9 times 9", 81, "sq"))]
    report = score_rows(ScriptPerQuestion(tokenizer, scripts), rows)
    overall = report["overall"]
    # 391 and the unbacked 81 are right; after the syntax error the loop answers "could not compute".
    assert overall["n"] == 4 and overall["accuracy"] == pytest.approx(0.5)
    assert overall["program_rate"] == pytest.approx(0.75)
    assert overall["compile_rate"] == pytest.approx(2 / 3) and overall["execution_rate"] == pytest.approx(2 / 3)
    assert overall["provenance"] == pytest.approx(2 / 3)  # 391 and 4 computed; 81 not
    assert report["categories"]["mul"]["accuracy"] == pytest.approx(0.5) and report["categories"]["sq"]["accuracy"] == 0.5
    assert "OVERALL" in format_report({"questions": "q", "n": 4, "model": report})


def test_model_card_has_targets_table_and_curves(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "train_config.json").write_text(json.dumps({
        "data": str(tmp_path / "nodata"), "max_len": 512, "rows_per_batch": 4, "grad_accum": 2, "epochs": 1,
        "max_steps": None, "lr": 2e-4, "lr_embed": 5e-5, "warmup_steps": 10, "min_lr_ratio": 0.1,
        "clip_grad_norm": 1.0, "lora_r": 16, "lora_alpha": 32, "lora_dropout": 0.05, "bf16": True, "seed": 1,
        "add_wat_tokens": False, "max_train_examples": None}))
    (run / "metrics.jsonl").write_text("".join(
        json.dumps({"step": s, "loss": 2.0 / s, "grad_norm": 1.0, "lr/lora": 1e-4, "tokens_per_s": 300.0}) + "\n"
        for s in range(1, 6)) + json.dumps({"step": 5, "val/accuracy": 0.5, "val/compile_rate": 0.9}) + "\n")
    metrics = {"n": 2, "accuracy": 0.95, "compile_rate": 0.97, "execution_rate": 0.97, "provenance": 1.0,
               "mean_tokens": 80.0, "mean_seconds": 1.5, "program_rate": 1.0}
    report = tmp_path / "eval.json"
    report.write_text(json.dumps({"questions": "test.jsonl", "n": 2,
                                  "model": {"overall": metrics, "categories": {"mul": metrics}},
                                  "baseline": {"overall": {**metrics, "accuracy": 0.1}, "categories": {}}}))
    card = write_model_card(tmp_path / "adapter", run, report).read_text()
    assert "accuracy ≥ 90%: 95.0% — met" in card and "compile rate ≥ 98%: 97.0% — **not met**" in card
    assert "| SmolLM2-135M base (no tools) | 10.0% |" in card
    assert (tmp_path / "adapter" / "training_curves.png").stat().st_size > 1000
    assert "continued from" not in card
    config = json.loads((run / "train_config.json").read_text())
    (run / "train_config.json").write_text(json.dumps({**config, "init_adapter": "models/previous"}))
    card = write_model_card(tmp_path / "adapter", run, report).read_text()
    assert "continued from the adapter `models/previous`" in card


def test_published_adapter_is_fp16_and_loads_to_the_same_model(tmp_path):
    import torch

    from model_helpers import make_tiny_model_folder
    from worldmodel.model.loading import load_model
    from worldmodel.chat_context import CONTEXT_BUDGET, adapter_context_budget, write_adapter_record
    from worldmodel.train.model_card import copy_adapter

    torch.set_num_threads(1)
    from peft import LoraConfig, get_peft_model

    tiny = make_tiny_model_folder(tmp_path / "tiny")
    model, _ = load_model(tiny)
    peft_model = get_peft_model(model, LoraConfig(r=4, target_modules=["q_proj", "v_proj"], init_lora_weights=False))
    peft_model.save_pretrained(tmp_path / "run" / "adapter")
    write_adapter_record(tmp_path / "run" / "adapter", conversations=12)
    copy_adapter(tmp_path / "run" / "adapter", tmp_path / "published")
    assert adapter_context_budget(tmp_path / "published") == CONTEXT_BUDGET  # the record travels with the weights
    published = (tmp_path / "published" / "adapter_model.safetensors").stat().st_size
    assert published < 0.6 * (tmp_path / "run" / "adapter" / "adapter_model.safetensors").stat().st_size
    ids = torch.tensor([[1, 2, 3, 4, 5]])
    full, _ = load_model(tiny, tmp_path / "run" / "adapter")
    half, _ = load_model(tiny, tmp_path / "published")
    with torch.no_grad():
        torch.testing.assert_close(half(ids).logits, full(ids).logits, atol=1e-3, rtol=1e-3)
