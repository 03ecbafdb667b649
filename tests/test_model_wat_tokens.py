"""The WAT-tokenization experiment: added tokens shorten WAT without changing its text, and an adapter
trained with them carries its tokenizer and the new rows (not the whole embedding matrix)."""

from __future__ import annotations

import torch

from model_helpers import make_tiny_model_folder, protocol_row, write_dataset
from worldmodel.model import load_tokenizer
from worldmodel.model.loading import load_model
from worldmodel.train.trainer import TrainConfig, train
from worldmodel.train.wat_tokens import DEFAULT_WAT_TOKENS, candidate_tokens, measure, wat_blocks

torch.set_num_threads(1)


def test_added_tokens_shorten_wat_blocks_losslessly():
    tokenizer = load_tokenizer()
    rows = [protocol_row(a, b, op) for a in range(2, 12) for b in (3, 7) for op in ("mul", "add")]
    blocks = wat_blocks(rows)
    assert len(blocks) == len(rows)
    words = candidate_tokens(blocks, tokenizer)
    assert "(i64.const" in words and "(func" in words
    result = measure(blocks, tokenizer, words)
    assert result["added_mean"] < 0.85 * result["base_mean"]  # measure() also checks decode(encode(x)) == x


def test_adapter_with_added_tokens_round_trips(tmp_path):
    tiny = make_tiny_model_folder(tmp_path / "tiny")
    rows = [protocol_row(a, 3) for a in range(2, 6)]
    data = write_dataset(tmp_path / "data", rows, rows[:1])
    config = TrainConfig(data=str(data), out=str(tmp_path / "run"), base=str(tiny), max_len=256, rows_per_batch=2,
                         grad_accum=1, max_steps=2, epochs=10, lr=1e-2, lr_embed=1e-2, warmup_steps=1,
                         eval_every=0, add_wat_tokens=True, threads=1, logger="none", lora_r=4)
    assert train(config)["new_tokens"] == len(DEFAULT_WAT_TOKENS)
    adapter = tmp_path / "run" / "adapter"
    assert (adapter / "tokenizer.json").is_file()
    assert (adapter / "adapter_model.safetensors").stat().st_size < 2_000_000  # no full embedding matrix
    model, tokenizer = load_model(tiny, adapter)
    assert len(tokenizer) == 49152 + len(DEFAULT_WAT_TOKENS) == model.get_input_embeddings().weight.shape[0]
    assert "(local.get" in tokenizer.backend_tokenizer.encode("(local.get $x)").tokens
