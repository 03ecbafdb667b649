"""Limits a quantized graph must meet against fp32, or the build fails.

Measured on SmolLM2-135M (notes/measured.md): weight-only int8 keeps perplexity within 0.5 % and top-1
agreement ≈ 96 %; the failed schemes (dynamic int8: +64 % perplexity, 4-bit: 66 % top-1) sit far
outside these limits.
"""

from __future__ import annotations

from quantization.evaluate import QuantQuality

MIN_TOP1_VS_FP32 = 0.90
MAX_PERPLEXITY_RATIO = 1.05


class QualityError(RuntimeError):
    pass


def check_quality(quality: QuantQuality) -> None:
    ratio = quality.perplexity / quality.perplexity_fp32
    if quality.top1_vs_fp32 < MIN_TOP1_VS_FP32 or ratio > MAX_PERPLEXITY_RATIO:
        raise QualityError(
            f"{quality.summary()}: needs top-1 ≥ {MIN_TOP1_VS_FP32:.0%} and perplexity ≤ "
            f"{MAX_PERPLEXITY_RATIO:.2f}× fp32"
        )
