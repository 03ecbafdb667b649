"""Parity of the exported graph with PyTorch: a full pass, and a prefill followed by one-token steps
through the KV cache. The build fails below `MIN_TOP1_AGREEMENT`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from quantization.evaluate import logit_agreement
from worldmodel.model.onnx_backend import LlamaOnnxSession

MIN_TOP1_AGREEMENT = 0.995


class ParityError(RuntimeError):
    pass


@dataclass
class Parity:
    tokens: int
    full_top1: float  # fraction of positions whose argmax agrees
    full_max_abs: float  # max |Δlogit| over all positions and the whole vocabulary
    incremental_top1: float
    incremental_max_abs: float
    prefill_tokens: int

    def passed(self) -> bool:
        return min(self.full_top1, self.incremental_top1) >= MIN_TOP1_AGREEMENT

    def summary(self) -> str:
        return (f"full pass: top-1 {self.full_top1:.2%}, max |Δlogit| {self.full_max_abs:.2e}; "
                f"prefill {self.prefill_tokens} + {self.tokens - self.prefill_tokens} steps: top-1 "
                f"{self.incremental_top1:.2%}, max |Δlogit| {self.incremental_max_abs:.2e}")


def incremental_logits(session: LlamaOnnxSession, token_ids: list[int], prefill: int) -> np.ndarray:
    """Logits for every position from a prefill of `prefill` tokens, then one token per step."""
    logits, past = session.run(token_ids[:prefill], session.empty_past(), keep=0)
    rows = [logits]
    for token in token_ids[prefill:]:
        step, past = session.run([token], past, keep=1)
        rows.append(step)
    return np.concatenate(rows, axis=0)


def check_parity(hf_model, session: LlamaOnnxSession, token_ids: list[int], max_steps: int = 64) -> Parity:
    """Compare on `token_ids`; the incremental part decodes the last `max_steps` tokens one at a time."""
    if len(token_ids) < 2:
        raise ValueError("parity needs at least two tokens")
    with torch.no_grad():
        reference = hf_model(torch.tensor([token_ids]), use_cache=False).logits[0].float().numpy()
    full, _ = session.run(token_ids, session.empty_past(), keep=0)
    prefill = max(1, len(token_ids) - max_steps)
    incremental = incremental_logits(session, token_ids, prefill)
    full_top1, full_max = logit_agreement(reference, full)
    inc_top1, inc_max = logit_agreement(reference, incremental)
    return Parity(len(token_ids), full_top1, full_max, inc_top1, inc_max, prefill)
