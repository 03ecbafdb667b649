"""The Backend protocol: what the generation loop needs from a model, whatever runs it.

A backend owns a growing token context with its KV cache. `forward` appends tokens and returns the
logits of the last position, so the loop in `worldmodel.generate` can inject runtime text (the
`<computed>` block) by simply forwarding its tokens. The torch backend lives in `torch_backend.py`,
the ONNX one in `onnx_backend.py`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:  # keep `import worldmodel.model` free of numpy/tokenizers imports
    import numpy
    import tokenizers


@runtime_checkable
class Backend(Protocol):
    name: str  # "torch" | "onnx"
    tokenizer: "tokenizers.Tokenizer"  # HF tokenizers object (fast), same vocab for all backends
    eos_token_ids: frozenset[int]
    context_budget: int  # prompt tokens for earlier turns and the question, as trained (worldmodel.chat_context)

    def reset(self) -> None:
        """Drop the KV cache: the next `forward` starts a new context."""
        ...

    def forward(self, token_ids: list[int]) -> "numpy.ndarray":
        """Append `token_ids` to the cached context; return float32 logits (vocab,) of the last position."""
        ...


def load_backend(kind: str = "torch", base: str | os.PathLike | None = None, adapter: str | os.PathLike | None = None,
                 bundle: Path | None = None, threads: int | None = None, device: str | None = None) -> Backend:
    """`torch`: the base model plus `adapter`; `onnx`: an exported bundle (its adapter is merged in already)."""
    if kind == "onnx":
        from worldmodel.model.bundle import resolve_bundle
        from worldmodel.model.onnx_backend import OnnxBackend

        return OnnxBackend.from_bundle(resolve_bundle(bundle), threads=threads)
    if kind != "torch":
        raise ValueError(f"unknown backend {kind!r} (torch or onnx)")
    from worldmodel.model.torch_backend import TorchBackend

    return TorchBackend.load(base, adapter, threads=threads, device=device)
