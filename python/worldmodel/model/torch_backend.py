"""The torch Backend: a causal LM with a KV cache (transformers `DynamicCache`)."""

from __future__ import annotations

import os

import numpy as np
import torch

from worldmodel.chat_context import CONTEXT_BUDGET, adapter_context_budget
from worldmodel.model.chat import SMOLLM2_CHAT_TEMPLATE


class TorchBackend:
    name = "torch"

    def __init__(self, model, tokenizer, threads: int | None = None, context_budget: int = CONTEXT_BUDGET):
        """`tokenizer` is the transformers fast tokenizer returned by `load_tokenizer`."""
        if threads:
            torch.set_num_threads(threads)
        self.model = model.eval()
        self.hf_tokenizer = tokenizer
        self.tokenizer = tokenizer.backend_tokenizer
        self.chat_template = tokenizer.chat_template or SMOLLM2_CHAT_TEMPLATE
        eos = {tokenizer.convert_tokens_to_ids(t) for t in ("<|im_end|>", "<|endoftext|>") if t in tokenizer.get_vocab()}
        config_eos = model.config.eos_token_id
        eos.update(config_eos if isinstance(config_eos, list) else [config_eos] if config_eos is not None else [])
        if tokenizer.eos_token_id is not None:
            eos.add(tokenizer.eos_token_id)
        self.eos_token_ids = frozenset(eos)
        self.context_budget = context_budget
        self._cache = None
        self.context_length = 0

    @classmethod
    def load(cls, base: str | os.PathLike | None = None, adapter: str | os.PathLike | None = None,
             threads: int | None = None, device: str | None = None) -> "TorchBackend":
        """`device`: a torch device name; None → CUDA when present, else the CPU."""
        from worldmodel.model.loading import load_model

        model, tokenizer = load_model(base, adapter)
        return cls(model.to(device or default_device()), tokenizer, threads=threads,
                   context_budget=adapter_context_budget(adapter))

    def reset(self) -> None:
        self._cache = None
        self.context_length = 0

    @torch.inference_mode()
    def forward(self, token_ids: list[int]) -> np.ndarray:
        if not token_ids:
            raise ValueError("forward needs at least one token")
        from transformers import DynamicCache

        if self._cache is None:
            self._cache = DynamicCache(config=self.model.config)
        input_ids = torch.tensor([list(token_ids)], dtype=torch.long, device=self.model.device)
        output = self.model(input_ids=input_ids, past_key_values=self._cache, use_cache=True, logits_to_keep=1)
        self._cache = output.past_key_values
        self.context_length += len(token_ids)
        return output.logits[0, -1].float().cpu().numpy()


def default_device() -> str:
    return "cuda" if torch.cuda.is_available() else "cpu"
