"""The WASM-aware collator: loss only on assistant tokens, the <computed> block masked, packing whole."""

from __future__ import annotations

import pytest
import torch

from model_helpers import make_tiny_model_folder, protocol_row
from worldmodel.model import load_base_model, load_tokenizer
from worldmodel.train.collator import IGNORE_INDEX, collate, encode_example, pack

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def tokenizer():
    return load_tokenizer()


def _trained_text(tokenizer, example) -> str:
    ids = [i for i, label in zip(example.input_ids, example.labels) if label != IGNORE_INDEX]
    return tokenizer.backend_tokenizer.decode(ids, skip_special_tokens=False)


def test_loss_only_on_assistant_text_without_computed_block(tokenizer):
    row = protocol_row(17, 23)
    example = encode_example(row["messages"], tokenizer)
    trained = _trained_text(tokenizer, example)
    assistant = row["messages"][1]["content"]
    before, after = assistant.split("\n<computed>391</computed>\n")
    assert trained == before + after + "<|im_end|>"
    assert "391</computed>" not in trained and "What is 17" not in trained
    assert all(label in (IGNORE_INDEX, token) for token, label in zip(example.input_ids, example.labels))


def test_error_form_of_computed_is_masked_too(tokenizer):
    turn = '<wat_model>\n(module)\n</wat_model>\n<computed error="trap">integer divide by zero</computed>\nI could not compute it.'
    messages = [{"role": "user", "content": "1/0?"}, {"role": "assistant", "content": turn}]
    trained = _trained_text(tokenizer, encode_example(messages, tokenizer))
    assert "divide" not in trained and "error" not in trained
    assert trained.endswith("</wat_model>I could not compute it.<|im_end|>")


def test_every_assistant_turn_of_a_multi_turn_chat_is_trained(tokenizer):
    messages = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Hello!"},
                {"role": "user", "content": "bye"}, {"role": "assistant", "content": "Goodbye!"}]
    assert _trained_text(tokenizer, encode_example(messages, tokenizer)) == "Hello!<|im_end|>Goodbye!<|im_end|>"


def test_packing_keeps_examples_whole_and_within_max_len(tokenizer):
    examples = [encode_example(protocol_row(a, b)["messages"], tokenizer) for a in range(2, 9) for b in (3, 40000)]
    max_len = 2 * max(len(e) for e in examples) + 5
    rows = pack(examples, max_len, seed=0)
    assert sorted(i for row in rows for i in row) == list(range(len(examples)))
    assert all(sum(len(examples[i]) for i in row) <= max_len for row in rows)
    assert len(rows) < len(examples)  # something was actually packed together
    assert pack(examples, max_len, seed=0) == rows and pack(examples, max_len, seed=1) != rows
    with pytest.raises(ValueError, match="longer than max_len"):
        pack(examples, 10, seed=0)


def test_packed_examples_do_not_attend_to_each_other(tokenizer, tmp_path):
    model = load_base_model(make_tiny_model_folder(tmp_path / "tiny"))
    first, second = (encode_example(protocol_row(a, 5)["messages"], tokenizer) for a in (3, 4))
    packed = collate([[0, 1]], [first, second], pad_id=2)
    assert packed["position_ids"][0, len(first)].item() == 0  # positions restart at the boundary
    alone = collate([[1]], [first, second], pad_id=2)
    with torch.no_grad():
        packed_logits = model(input_ids=packed["input_ids"], position_ids=packed["position_ids"], use_cache=False).logits
        alone_logits = model(input_ids=alone["input_ids"], position_ids=alone["position_ids"], use_cache=False).logits
    torch.testing.assert_close(packed_logits[0, len(first):], alone_logits[0], atol=1e-4, rtol=1e-4)


def test_collate_pads_with_ignored_labels(tokenizer):
    examples = [encode_example(protocol_row(a, 7)["messages"], tokenizer) for a in (2, 123456)]
    batch = collate([[0], [1]], examples, pad_id=2)
    shorter = min(range(2), key=lambda i: len(examples[i]))
    assert batch["input_ids"].shape[1] == max(map(len, examples))
    assert (batch["labels"][shorter, len(examples[shorter]):] == IGNORE_INDEX).all()
