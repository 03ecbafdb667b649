"""The WASM-aware collator: which tokens the model is trained on, and how examples are packed.

- Loss only on the assistant's own tokens (its content and the closing `<|im_end|>`), never on the
  system/user prompt.
- The `<computed>` block (and the newlines around it) is injected by the runtime at inference, so it is
  masked: the model must learn to stop after `</wat_model>` and to read the value, never to guess it.
- Examples are packed whole into rows of at most `max_len` tokens (first-fit decreasing); positions restart
  at 0 for every example, which makes transformers build a block-diagonal causal mask (no attention across
  examples) when no attention_mask is given.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from worldmodel.generate import INJECT_PREFIX, INJECT_SUFFIX
from worldmodel.model.chat import ASSISTANT_END, render_chat

IGNORE_INDEX = -100
_COMPUTED_BLOCK = re.compile(
    re.escape(INJECT_PREFIX) + r"?<computed(?:\s[^>]*)?>.*?</computed>(?:" + re.escape(INJECT_SUFFIX) + r")?",
    re.DOTALL,
)


@dataclass
class EncodedExample:
    input_ids: list[int]
    labels: list[int]  # IGNORE_INDEX where no loss is taken

    def __len__(self) -> int:
        return len(self.input_ids)

    @property
    def trained_tokens(self) -> int:
        return sum(label != IGNORE_INDEX for label in self.labels)


def trained_char_spans(messages: list[dict], template: str | None = None) -> tuple[str, list[tuple[int, int]]]:
    """The rendered conversation and the character spans the loss is taken on."""
    text = render_chat(messages, template)
    spans: list[tuple[int, int]] = []
    for index, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        start = len(render_chat(messages[:index], template, add_generation_prompt=True))
        content = message["content"]
        if text[start : start + len(content)] != content:
            raise ValueError("chat template does not render assistant content verbatim; cannot place the loss")
        end = start + len(content) + len(ASSISTANT_END)
        # Cut out every computed block: runtime text, not model text.
        cursor = start
        for block in _COMPUTED_BLOCK.finditer(content):
            spans.append((cursor, start + block.start()))
            cursor = start + block.end()
        spans.append((cursor, end))
    return text, [(a, b) for a, b in spans if b > a]


def encode_example(messages: list[dict], tokenizer, template: str | None = None) -> EncodedExample:
    """Tokenize one conversation; a token gets a label iff its characters lie inside a trained span."""
    text, spans = trained_char_spans(messages, template or getattr(tokenizer, "chat_template", None))
    backend = getattr(tokenizer, "backend_tokenizer", tokenizer)
    encoding = backend.encode(text, add_special_tokens=False)
    labels = []
    span_index = 0
    for token_id, (char_start, char_end) in zip(encoding.ids, encoding.offsets):
        while span_index < len(spans) and spans[span_index][1] <= char_start:
            span_index += 1
        inside = span_index < len(spans) and spans[span_index][0] <= char_start and char_end <= spans[span_index][1]
        labels.append(token_id if inside and char_end > char_start else IGNORE_INDEX)
    return EncodedExample(list(encoding.ids), labels)


def pack(examples: list[EncodedExample], max_len: int, seed: int) -> list[list[int]]:
    """Group example indices into rows of at most `max_len` tokens; never splits an example.

    The order is shuffled with `seed` first (so rows differ between epochs), then first-fit decreasing.
    """
    too_long = [i for i, example in enumerate(examples) if len(example) > max_len]
    if too_long:
        raise ValueError(f"{len(too_long)} examples are longer than max_len={max_len} (first: #{too_long[0]})")
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    order.sort(key=lambda i: -len(examples[i]))  # stable: ties keep the shuffled order
    rows: list[list[int]] = []
    free: list[int] = []
    for index in order:
        size = len(examples[index])
        for row_index, space in enumerate(free):
            if space >= size:
                rows[row_index].append(index)
                free[row_index] -= size
                break
        else:
            rows.append([index])
            free.append(max_len - size)
    random.Random(seed + 1).shuffle(rows)  # mix long and short rows across batches
    return rows


def collate(rows: list[list[int]], examples: list[EncodedExample], pad_id: int):
    """Tensors for a batch of packed rows: input_ids, labels, position_ids (restarting per example)."""
    import torch

    sequences = []
    for row in rows:
        ids, labels, positions = [], [], []
        for index in row:
            example = examples[index]
            ids += example.input_ids
            labels += example.labels
            positions += range(len(example))
        sequences.append((ids, labels, positions))
    width = max(len(ids) for ids, _, _ in sequences)
    batch_ids, batch_labels, batch_positions = [], [], []
    for ids, labels, positions in sequences:
        pad = width - len(ids)
        batch_ids.append(ids + [pad_id] * pad)
        batch_labels.append(labels + [IGNORE_INDEX] * pad)
        batch_positions.append(positions + list(range(pad)))  # padding forms its own masked-out "example"
    return {
        "input_ids": torch.tensor(batch_ids, dtype=torch.long),
        "labels": torch.tensor(batch_labels, dtype=torch.long),
        "position_ids": torch.tensor(batch_positions, dtype=torch.long),
    }
