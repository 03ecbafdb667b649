"""WAT-aware tokenization: added tokens for opcodes and common forms, and how much they save.

WAT is verbose in byte-level BPE (`local.get` is 3 tokens, `(i64.const` 5). Candidates are the WAT words
(`(func`, `local.get`, `f64.mul`, `$print_f64`, …) found in a corpus, ranked by tokens saved; `measure`
compares tokens per `<wat_model>` block with and without them. New embedding rows start as the mean of
the rows of the pieces they replace, so the model starts from what it already reads there.
"""

from __future__ import annotations

import re
from collections import Counter

from worldmodel import protocol

# Instruction names, s-expression heads and $identifiers, each with its opening parenthesis when it has one.
_WAT_WORD = re.compile(r"\(?[a-z][a-z0-9_]*\.[a-z0-9_]+|\((?:module|func|export|import|param|result|local|memory|"
                       r"global|block|loop|if|then|else|call|br_if|br|data|mut|return)\b|\$[A-Za-z_][A-Za-z0-9_]*")


def wat_blocks(rows: list[dict]) -> list[str]:
    """The WAT text of every assistant turn that has one."""
    blocks = []
    for row in rows:
        for message in row.get("messages", []):
            if message["role"] == "assistant":
                wat = protocol.parse_answer(message["content"]).wat
                if wat:
                    blocks.append(wat)
    return blocks


def candidate_tokens(blocks: list[str], tokenizer, limit: int = 96, min_count: int = 5) -> list[str]:
    """The WAT words that save the most tokens over the corpus (count × (BPE pieces − 1))."""
    backend = getattr(tokenizer, "backend_tokenizer", tokenizer)
    counts = Counter(word for block in blocks for word in _WAT_WORD.findall(block))
    savings = {}
    for word, count in counts.items():
        pieces = len(backend.encode(word, add_special_tokens=False).ids)
        if count >= min_count and pieces > 1:
            savings[word] = count * (pieces - 1)
    return [word for word, _ in sorted(savings.items(), key=lambda item: -item[1])[:limit]]


def _with_added(tokenizer, words: list[str]):
    from tokenizers import AddedToken, Tokenizer

    backend = getattr(tokenizer, "backend_tokenizer", tokenizer)
    clone = Tokenizer.from_str(backend.to_str())
    clone.add_tokens([AddedToken(word, normalized=False) for word in words])
    return clone


def measure(blocks: list[str], tokenizer, words: list[str]) -> dict:
    """Mean tokens per WAT block with the base tokenizer and with `words` added."""
    backend = getattr(tokenizer, "backend_tokenizer", tokenizer)
    extended = _with_added(tokenizer, words)
    base = [len(backend.encode(b, add_special_tokens=False).ids) for b in blocks]
    added = [len(extended.encode(b, add_special_tokens=False).ids) for b in blocks]
    for block in blocks[:50]:  # added tokens must not change the text
        assert extended.decode(extended.encode(block, add_special_tokens=False).ids) == block
    n = max(1, len(blocks))
    return {"blocks": len(blocks), "added_tokens": len(words), "base_mean": sum(base) / n,
            "added_mean": sum(added) / n, "reduction": 1 - sum(added) / max(1, sum(base))}


def add_wat_tokens(model, tokenizer, words: list[str] | None = None) -> list[int]:
    """Add WAT tokens to `tokenizer` and `model` (in place); returns the new token ids.

    Without `words`, a fixed list of the most common forms is used (measure first with `measure`).
    """
    import torch

    words = words or DEFAULT_WAT_TOKENS
    backend = tokenizer.backend_tokenizer
    pieces = {word: backend.encode(word, add_special_tokens=False).ids for word in words}
    tokenizer.add_tokens(words)
    model.resize_token_embeddings(len(tokenizer), mean_resizing=False)  # rows set below
    embeddings = model.get_input_embeddings().weight
    new_ids = tokenizer.convert_tokens_to_ids(words)
    with torch.no_grad():
        for word, token_id in zip(words, new_ids):
            embeddings[token_id] = embeddings[pieces[word]].mean(dim=0)
    return list(new_ids)


# The most token-saving WAT words in the linked-form curriculum (from `candidate_tokens`, hand-trimmed to
# forms that are stable across converter versions).
DEFAULT_WAT_TOKENS = [
    "(local.get", "(local.set", "(i64.const", "(f64.const", "(i32.const", "(call", "(import", "(func", "(param",
    "(result", "(local", "(module", "(export", "(f64.mul", "(f64.add", "(f64.sub", "(f64.div", "(i64.mul",
    "(i64.add", "(i64.sub", "(f64.convert_i64_s", "(block", "(loop", "(br_if", "(memory", "\"rt\"",
    "$print_f64", "$print_i64", "$print_str", "$format_float", "$round_float", "$int_truediv", "$main",
]
