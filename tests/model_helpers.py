"""Shared helpers for the model-area tests (tests/test_model_*.py): a tiny random Llama with the real
SmolLM2 tokenizer, a scripted backend, and small protocol-shaped training rows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja")

MUL_WAT = '(module (func (export "main") (result i64) (i64.mul (i64.const {a}) (i64.const {b}))))'
ADD_WAT = '(module (func (export "main") (result i64) (i64.add (i64.const {a}) (i64.const {b}))))'


def make_tiny_model_folder(folder: Path, seed: int = 0) -> Path:
    """A 2-layer, hidden-64 Llama with the real tokenizer, saved as a Hugging Face folder."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from worldmodel.model import base_model_folder

    source = base_model_folder()
    folder.mkdir(parents=True, exist_ok=True)
    for name in TOKENIZER_FILES:
        if (source / name).is_file():
            shutil.copy(source / name, folder / name)
    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=49152, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, max_position_embeddings=2048, tie_word_embeddings=True,
        bos_token_id=1, eos_token_id=2, pad_token_id=2,
    )
    LlamaForCausalLM(config).save_pretrained(folder)
    return folder


def protocol_row(a: int, b: int, op: str = "mul", split: str = "train") -> dict:
    from worldmodel import protocol

    value = a * b if op == "mul" else a + b
    wat = (MUL_WAT if op == "mul" else ADD_WAT).format(a=a, b=b)
    word = "times" if op == "mul" else "plus"
    question = f"What is {a} {word} {b}?"
    turn = protocol.assistant_turn(f"{op} {a} and {b}", wat, f"<computed>{value}</computed>", f"It is {value}.")
    return {"id": f"{op}-{a}-{b}", "split": split, "stage": "basic", "family": f"arith_{op}", "template": "t",
            "question": question, "answer": value, "rel_tol": 1e-3, "units": None,
            "messages": [{"role": "user", "content": question}, {"role": "assistant", "content": turn}]}


def write_dataset(folder: Path, train_rows: list[dict], validation_rows: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for split, rows in (("train", train_rows), ("validation", validation_rows), ("test", validation_rows)):
        (folder / f"{split}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return folder


class ScriptedBackend:
    """A Backend that 'generates' a fixed text, whatever the context; records what it was fed."""

    name = "scripted"

    def __init__(self, tokenizer, script: str, eos_id: int = 2):
        self.tokenizer = tokenizer.backend_tokenizer
        self.eos_token_ids = frozenset({eos_id})
        self.script = self.tokenizer.encode(script, add_special_tokens=False).ids + [eos_id]
        self.vocab = self.tokenizer.get_vocab_size()
        self.reset()

    def reset(self) -> None:
        self.position = 0
        self.fed: list[list[int]] = []

    def forward(self, token_ids: list[int]) -> np.ndarray:
        self.fed.append(list(token_ids))
        logits = np.full(self.vocab, -1e9, dtype=np.float32)
        logits[self.script[min(self.position, len(self.script) - 1)]] = 0.0
        self.position += 1
        return logits

    def fed_text(self) -> str:
        return "".join(self.tokenizer.decode(ids, skip_special_tokens=False) for ids in self.fed[1:])
