"""Quality of a quantized graph against the fp32 graph: perplexity and top-1 agreement on fixed text."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from worldmodel.model.onnx_backend import LlamaOnnxSession


def perplexity(logits: np.ndarray, token_ids: list[int]) -> float:
    """exp(mean cross-entropy) of predicting token t+1 from logits at t."""
    logits = logits[:-1].astype(np.float64)
    targets = np.asarray(token_ids[1:])
    shifted = logits - logits.max(-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    return float(np.exp(-log_probs[np.arange(len(targets)), targets].mean()))


@dataclass
class QuantQuality:
    level: str
    tokens: int
    perplexity_fp32: float
    perplexity: float
    top1_vs_fp32: float
    max_abs_vs_fp32: float

    def summary(self) -> str:
        return (f"{self.level}: perplexity {self.perplexity:.3f} (fp32 {self.perplexity_fp32:.3f}), "
                f"top-1 vs fp32 {self.top1_vs_fp32:.2%}, max |Δlogit| {self.max_abs_vs_fp32:.3f} "
                f"on {self.tokens} tokens")


def logit_agreement(reference: np.ndarray, candidate: np.ndarray) -> tuple[float, float]:
    """Top-1 agreement (the fraction of positions whose argmax agrees) and max |Δlogit| over every position and
    the whole vocabulary."""
    top1 = float(np.mean(reference.argmax(-1) == candidate.argmax(-1)))
    return top1, float(np.abs(reference - candidate).max())


def compare_to_fp32(level: str, fp32: LlamaOnnxSession, candidate: LlamaOnnxSession, token_ids: list[int]) -> QuantQuality:
    reference, _ = fp32.run(token_ids, fp32.empty_past(), keep=0)
    logits, _ = candidate.run(token_ids, candidate.empty_past(), keep=0)
    top1, max_abs = logit_agreement(reference, logits)
    return QuantQuality(
        level=level,
        tokens=len(token_ids),
        perplexity_fp32=perplexity(reference, token_ids),
        perplexity=perplexity(logits, token_ids),
        top1_vs_fp32=top1,
        max_abs_vs_fp32=max_abs,
    )
